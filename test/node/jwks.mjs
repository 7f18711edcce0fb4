// jwks.mjs: Latch as a JWKS issuer beside the real Better Auth 1.7.25 and
// its jwt plugin, on one database and one secret.
//
//   node jwks.mjs init    # before Latch starts: Better Auth's jwt plugin makes its key
//   node jwks.mjs check   # with Latch running (LATCH_JWT_ALG=LATCH_ALG) on the same database
//
// check: a token from Latch's /api/auth/token verifies with jose against
// Latch's /api/auth/jwks and against Better Auth's /api/auth/jwks; a token
// from Better Auth's /api/auth/token verifies against Latch's JWKS; after
// init both sign with the key Better Auth made (Latch decrypts it).
//
// Environment: LATCH_DB, LATCH_SECRET, LATCH_URL (check), LATCH_ALG
// (EdDSA, ES256 or RS256), JWKS_INIT=1 when init ran.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { betterAuth } from "better-auth";
import { bearer, jwt } from "better-auth/plugins";
import { openDatabase, baseOptions, migrate } from "./ba.mjs";
import { step, finish, results } from "./steps.mjs";

const mode = process.argv[2] ?? "check";
const dsn = process.env.LATCH_DB;
const secret = process.env.LATCH_SECRET;
const alg = process.env.LATCH_ALG ?? "EdDSA";
const base = (process.env.LATCH_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
if (!dsn || !secret) {
  console.error("jwks.mjs: LATCH_DB and LATCH_SECRET are required");
  process.exit(2);
}
const keyPairConfig = { EdDSA: { alg, crv: "Ed25519" }, ES256: { alg }, RS256: { alg, modulusLength: 2048 } }[alg];
const { db } = openDatabase(dsn);
const opts = { secret, baseURL: base, extra: { plugins: [bearer(), jwt({ jwks: { keyPairConfig } })] } };
const auth = betterAuth(baseOptions(db, opts));

/** Calls Better Auth's handler as an HTTP client would. */
async function ba(method, path, { body, bearer: tok } = {}) {
  const headers = new Headers({ origin: base });
  if (body !== undefined) headers.set("content-type", "application/json");
  if (tok) headers.set("authorization", `Bearer ${tok}`);
  const res = await auth.handler(new Request(base + "/api/auth" + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  }));
  const text = await res.text();
  return { res, status: res.status, json: text ? JSON.parse(text) : undefined, text };
}

async function latch(method, path, { body, bearer: tok } = {}) {
  const headers = { origin: base };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (tok) headers.authorization = `Bearer ${tok}`;
  const res = await fetch(base + "/api/auth" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { res, status: res.status, json: text ? JSON.parse(text) : undefined, text };
}

if (mode === "init") {
  await step("Better Auth migrates and makes its signing key", async () => {
    await migrate(db, opts);
    const r = await ba("GET", "/jwks");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.keys.length, 1);
    assert.equal(r.json.keys[0].alg, alg);
  });
  finish(`jwks init ${alg}`);
  process.exit(results.failed ? 1 : 0);
}

const email = `jwks.${crypto.randomBytes(4).toString("hex")}@example.com`;
let latchToken, baToken, userId;

await step(`Latch issues a ${alg} token with a kid`, async () => {
  const su = await latch("POST", "/sign-up/email", { body: { name: "JWKS", email, password: "jwks-password-1" } });
  assert.equal(su.status, 200, su.text);
  userId = su.json.user.id;
  const t = await latch("GET", "/token", { bearer: su.json.token });
  assert.equal(t.status, 200, t.text);
  latchToken = t.json.token;
  const h = decodeProtectedHeader(latchToken);
  assert.equal(h.alg, alg);
  assert.ok(h.kid);
});

await step("jose verifies Latch's token against Latch's /api/auth/jwks", async () => {
  const res = await fetch(base + "/api/auth/jwks");
  assert.match(res.headers.get("cache-control") ?? "", /max-age=\d+/);
  const doc = await res.json();
  for (const k of doc.keys) for (const f of ["d", "p", "q", "dp", "dq", "qi"]) assert.equal(k[f], undefined, `private member ${f} in the JWKS`);
  const { payload } = await jwtVerify(latchToken, createRemoteJWKSet(new URL(base + "/api/auth/jwks")), { algorithms: [alg] });
  assert.equal(payload.sub, userId);
  assert.equal(payload.email, email);
});

await step("Better Auth's jwt plugin on the same database signs a token", async () => {
  const si = await ba("POST", "/sign-in/email", { body: { email, password: "jwks-password-1" } });
  assert.equal(si.status, 200, si.text);
  const t = await ba("GET", "/token", { bearer: si.json.token });
  assert.equal(t.status, 200, t.text);
  baToken = t.json.token;
  assert.equal(decodeProtectedHeader(baToken).alg, alg);
});

await step("Better Auth's token verifies against Latch's JWKS", async () => {
  const { payload } = await jwtVerify(baToken, createRemoteJWKSet(new URL(base + "/api/auth/jwks")), { algorithms: [alg] });
  assert.equal(payload.sub, userId);
});

await step("Latch's token verifies against Better Auth's JWKS", async () => {
  const r = await ba("GET", "/jwks");
  assert.equal(r.status, 200, r.text);
  const { payload } = await jwtVerify(latchToken, createLocalJWKSet(r.json), { algorithms: [alg] });
  assert.equal(payload.sub, userId);
});

await step("both sign with the same stored key (Better Auth decrypts Latch's and the reverse)", async () => {
  assert.equal(decodeProtectedHeader(baToken).kid, decodeProtectedHeader(latchToken).kid);
  if (process.env.JWKS_INIT === "1") {
    const r = await ba("GET", "/jwks");
    assert.equal(r.json.keys.length, 1, "Latch made a key of its own instead of using Better Auth's");
  }
});

await step("Latch's task API accepts Better Auth's token", async () => {
  const res = await fetch(`${base}/api/${userId}/tasks`, { headers: { authorization: `Bearer ${baToken}` } });
  assert.equal(res.status, 200, await res.text());
});

finish(`jwks ${alg}`);
process.exit(results.failed ? 1 : 0);

