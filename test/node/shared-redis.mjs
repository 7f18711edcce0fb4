// shared-redis.mjs: the real Better Auth 1.7.25 with a Redis secondaryStorage
// and a running Latch (REDIS_URL, LATCH_REDIS_PREFIX) share one database, one
// Redis and one secret. Each sees the other's sessions, and a sign-out or a
// profile update on one is seen by the other at once (no stale Redis copy).
//
// Environment: LATCH_DB (postgres:// URL), LATCH_SECRET, LATCH_URL, REDIS_URL,
// REDIS_PREFIX, STORE_IN_DB (1: Better Auth's session.storeSessionInDatabase).
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { openDatabase, makeAuth } from "./ba.mjs";
import { redisClient, secondaryStorage } from "./resp.mjs";
import { step, skip, finish, results } from "./steps.mjs";

const base = process.env.LATCH_URL.replace(/\/$/, "");
const { db } = openDatabase(process.env.LATCH_DB);
const redis = redisClient(process.env.REDIS_URL);
const storeInDb = process.env.STORE_IN_DB === "1";
const auth = makeAuth(db, {
  secret: process.env.LATCH_SECRET, baseURL: base,
  extra: {
    secondaryStorage: secondaryStorage(redis, process.env.REDIS_PREFIX ?? ""),
    session: { storeSessionInDatabase: storeInDb },
  },
});
const run = crypto.randomBytes(4).toString("hex");

async function ba(method, path, { body, cookie } = {}) {
  const headers = new Headers({ origin: base });
  if (body !== undefined) headers.set("content-type", "application/json");
  if (cookie) headers.set("cookie", cookie);
  const res = await auth.handler(new Request(base + "/api/auth" + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  }));
  const text = await res.text();
  return { res, status: res.status, json: text ? JSON.parse(text) : undefined };
}
async function latch(method, path, { body, cookie } = {}) {
  const headers = { origin: base };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (cookie) headers.cookie = cookie;
  const res = await fetch(base + "/api/auth" + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { res, status: res.status, json: text ? JSON.parse(text) : undefined };
}
const cookieOf = (res) => res.headers.getSetCookie().map((c) => c.split(";")[0])
  .filter((c) => c.startsWith("better-auth.session_token=")).join("; ");

let latchCookie, latchUser, baCookie, baUser;

await step("sign-up on Latch, Better Auth sees the session (from Redis)", async () => {
  const r = await latch("POST", "/sign-up/email", { body: { name: "Lat", email: `lat.${run}@example.com`, password: "latch-password-1" } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  latchCookie = cookieOf(r.res);
  latchUser = r.json.user;
  const g = await ba("GET", "/get-session", { cookie: latchCookie });
  assert.equal(g.status, 200);
  assert.equal(g.json?.user?.id, latchUser.id);
  const cached = await redis.cmd("GET", (process.env.REDIS_PREFIX ?? "") + r.json.token);
  assert.ok(cached, "Latch wrote no Redis copy under the token");
});

await step("sign-up on Better Auth, Latch sees the session", async () => {
  const r = await ba("POST", "/sign-up/email", { body: { name: "Bet", email: `bet.${run}@example.com`, password: "ba-password-1" } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  baCookie = cookieOf(r.res);
  baUser = r.json.user;
  const g = await latch("GET", "/get-session", { cookie: baCookie });
  assert.equal(g.status, 200);
  assert.equal(g.json?.user?.id, baUser.id);
});

await step("update-user on Latch rewrites Better Auth's cached user", async () => {
  const r = await latch("POST", "/update-user", { body: { name: "Lat Renamed" }, cookie: latchCookie });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const g = await ba("GET", "/get-session", { cookie: latchCookie });
  assert.equal(g.json?.user?.name, "Lat Renamed");
});

await step("sign-out on Latch of Better Auth's session: Better Auth refuses it", async () => {
  const r = await latch("POST", "/sign-out", { body: {}, cookie: baCookie });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const g = await ba("GET", "/get-session", { cookie: baCookie });
  assert.equal(g.json, null, "Better Auth still answers from its Redis copy");
});

// Without storeSessionInDatabase, Better Auth's sign-out deletes only the
// Redis copy; Latch, which falls back to the database on a Redis miss, still
// finds the row it wrote (README, "Several instances / Redis").
if (!storeInDb) skip("sign-out on Better Auth of Latch's session: Latch refuses it", "Better Auth leaves the database row");
else await step("sign-out on Better Auth of Latch's session: Latch refuses it", async () => {
  const r = await ba("POST", "/sign-out", { body: {}, cookie: latchCookie });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const g = await latch("GET", "/get-session", { cookie: latchCookie });
  assert.equal(g.status, 200);
  assert.equal(g.json, null, "Latch still answers");
});

redis.close();
await (db.end?.() ?? db.close?.());
finish(`shared-redis (storeSessionInDatabase=${storeInDb})`);
process.exit(results.failed ? 1 : 0);
