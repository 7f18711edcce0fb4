// shared-db.mjs: the real Better Auth 1.7.25 and a running Latch share one
// database (SQLite file or PostgreSQL schema) and one secret.
//
//   node shared-db.mjs init   # before Latch starts: Better Auth creates its schema
//                             # and a user (the "existing Better Auth database")
//   node shared-db.mjs check  # with Latch running on the same database
//                             # (with mail and LATCH_DELETE_USER_CONFIRMATION=true)
//
// Environment:
//   LATCH_DB      SQLite file path, or a postgres:// URL (search_path=<schema> honoured)
//   LATCH_SECRET  the BETTER_AUTH_SECRET Latch runs with
//   LATCH_URL     Latch's base URL (check only; also Better Auth's baseURL)
//   SHARED_RUN    a tag that makes emails unique; init and check must agree
//   SHARED_INIT   1 when init ran before Latch started (check then requires its user)
//   SHARED_ID_FORMAT  random (default), uuid or serial: Better Auth runs with
//                 advanced.database.generateId set to it (Latch with LATCH_ID_FORMAT)
// Prints "N passed, N failed" and exits 1 on any failure.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { getMigrations } from "better-auth/db/migration";
import { openDatabase, makeAuth, baseOptions } from "./ba.mjs";
import { Browser } from "./browser.mjs";
import { step, skip, finish, results } from "./steps.mjs";

const mode = process.argv[2] ?? "check";
const dsn = process.env.LATCH_DB;
const secret = process.env.LATCH_SECRET;
const base = (process.env.LATCH_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
const run = process.env.SHARED_RUN ?? "r" + crypto.randomBytes(4).toString("hex");
if (!dsn || !secret) {
  console.error("shared-db.mjs: LATCH_DB and LATCH_SECRET are required");
  process.exit(2);
}

const { kind, db } = openDatabase(dsn);
// Better Auth's mail (reset and verification links) is kept here; Latch's
// is read from MAILBOX_URL (cmd/latch/mailbox_test.go).
const baMail = [];
const keep = async ({ user, url }) => { baMail.push({ to: user.email, url }); };
const idFormat = process.env.SHARED_ID_FORMAT || "random";
// Change of email and deletion as Latch runs them here (mail on,
// LATCH_DELETE_USER_CONFIRMATION=true): the change link goes to the new
// address (no confirmation to the old one), deletion mails a link.
const extra = {
  emailAndPassword: { enabled: true, sendResetPassword: keep },
  emailVerification: { sendVerificationEmail: keep },
  user: { changeEmail: { enabled: true }, deleteUser: { enabled: true, sendDeleteAccountVerification: keep } },
  ...(idFormat === "random" ? {} : { advanced: { database: { generateId: idFormat } } }),
};
const opts = { secret, baseURL: base, extra };
const auth = makeAuth(db, opts);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const TOKEN = /^[A-Za-z0-9]{32}$/; // session tokens, whatever the id format
/** Ids as JSON carries them (strings), per id format. */
const ID = {
  random: TOKEN,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  serial: /^[1-9][0-9]*$/,
}[idFormat];
if (!ID) {
  console.error(`shared-db.mjs: SHARED_ID_FORMAT must be random, uuid or serial, not ${idFormat}`);
  process.exit(2);
}
/** Asserts that a stored id column has the format's type and shape (serial: a number). */
function assertStoredID(value, what) {
  if (idFormat === "serial") assert.equal(typeof value, "number", `${what} stored as an integer (got ${typeof value} ${JSON.stringify(value)})`);
  else assert.equal(typeof value, "string", `${what} stored as text/uuid (got ${typeof value})`);
  assert.match(String(value), ID, `${what} is a ${idFormat} id`);
}
const baEmail = `ba.${run}@example.com`; // made by Better Auth in init
const baPassword = "ba-password-1";

/** Calls Better Auth's handler as an HTTP client would. */
async function ba(method, path, { body, cookie, bearer } = {}) {
  const headers = new Headers();
  if (body !== undefined) headers.set("content-type", "application/json");
  if (cookie) headers.set("cookie", cookie);
  if (bearer) headers.set("authorization", `Bearer ${bearer}`);
  if (method !== "GET") headers.set("origin", base);
  const res = await auth.handler(new Request(base + "/api/auth" + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  }));
  const text = await res.text();
  return { res, status: res.status, json: text ? JSON.parse(text) : undefined, text };
}
const cookieOf = (res) => res.headers.getSetCookie().map((c) => c.split(";")[0])
  .filter((c) => c.startsWith("better-auth.session_token=")).join("; ");

/** Latch over HTTP with a browser-like cookie jar. */
async function latch(browser, method, path, body) {
  const res = await browser.fetch(base + "/api/auth" + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
  return { res, status: res.status, json, text };
}

async function query(sql, params = []) {
  if (kind === "pg") return (await db.query(sql.replace(/\?/g, (() => { let i = 0; return () => `$${++i}`; })()), params)).rows;
  const st = db.prepare(sql);
  return st.reader ? st.all(...params) : (st.run(...params), []);
}

/** Asserts that a row of `table` has Better Auth's stored format. */
function assertRowFormat(table, row) {
  const dateCols = { user: ["createdAt", "updatedAt"], session: ["createdAt", "updatedAt", "expiresAt"], account: ["createdAt", "updatedAt"] }[table];
  for (const c of dateCols) {
    if (kind === "pg") assert.ok(row[c] instanceof Date, `${table}.${c} is timestamptz (got ${typeof row[c]} ${row[c]})`);
    else assert.match(String(row[c]), ISO, `${table}.${c} stored as toISOString() text (got ${typeof row[c]} ${JSON.stringify(row[c])})`);
  }
  if (table === "user") {
    if (kind === "pg") assert.equal(row.emailVerified, false, "user.emailVerified boolean false");
    else assert.equal(row.emailVerified, 0, `user.emailVerified integer 0 (got ${JSON.stringify(row.emailVerified)})`);
    assert.equal(row.email, row.email.toLowerCase(), "email stored lower-case");
  }
  if (table === "account") {
    assert.equal(row.providerId, "credential");
    assert.equal(typeof row.accountId, "string", "accountId is text");
    assert.equal(row.accountId, String(row.userId), "accountId = userId");
    assert.match(row.password, /^[0-9a-f]{32}:[0-9a-f]{128}$/, "password is <salt hex>:<key hex>");
  }
  if (table === "session") assert.match(row.token, TOKEN, "session.token bare 32 chars");
  assertStoredID(row.id, `${table}.id`);
  if (table !== "user") assertStoredID(row.userId, `${table}.userId`);
}

if (kind === "sqlite") db.pragma("busy_timeout = 10000");

if (mode === "init") {
  // An existing Better Auth deployment: its own migrations, then a user.
  await step("Better Auth migrations on an empty database", async () => {
    const m = await getMigrations(baseOptions(db, opts));
    await m.runMigrations();
  });
  await step("Better Auth signs up a user", async () => {
    const r = await auth.api.signUpEmail({ body: { name: "BA User", email: baEmail, password: baPassword } });
    assert.match(r.user.id, ID);
  });
  finish(`shared-db ${mode} (${kind})`);
  await close();
  process.exit(results.failed ? 1 : 0);
}

// ---- check: Latch is running on the same database ----
await step("Better Auth finds its schema in Latch's database (no columns to add)", async () => {
  const m = await getMigrations(baseOptions(db, opts), { throwOnUnsafe: false });
  const created = m.toBeCreated.map((t) => t.table);
  const added = m.toBeAdded.map((t) => `${t.table}(${Object.keys(t.fields).join(",")})`);
  for (const core of ["user", "session", "account", "verification"]) {
    assert.ok(!created.includes(core), `Better Auth would create table "${core}": Latch lacks it`);
  }
  assert.deepEqual(added, [], "Better Auth would add columns");
  assert.deepEqual(m.schemaProblems ?? [], [], "schema problems");
  // jwks belongs to Better Auth's jwt plugin; Latch need not create it.
  if (created.length) {
    console.log(`     note: Better Auth creates ${created.join(", ")} (not made by Latch)`);
    await m.runMigrations();
  }
});

// 1. A user created by Better Auth signs in to Latch.
const baUser = { email: `ba2.${run}@example.com`, password: "ba2-password-1", name: "Made By BA" };
let baCreated;
await step("user created by Better Auth (auth.api.signUpEmail) signs in to Latch", async () => {
  const r = await auth.api.signUpEmail({ body: { name: baUser.name, email: baUser.email, password: baUser.password } });
  baCreated = r.user;
  const b = new Browser(base);
  const s = await latch(b, "POST", "/sign-in/email", { email: baUser.email, password: baUser.password });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.user.id, baCreated.id);
  assert.match(s.json.user.id, ID, `Better Auth's user id is a ${idFormat} id string`);
  assert.equal(s.json.user.email, baUser.email);
  assert.equal(s.json.user.name, baUser.name);
  assert.equal(s.json.user.createdAt, new Date(baCreated.createdAt).toISOString(), "createdAt read back from BA's row");
  const g = await latch(b, "GET", "/get-session");
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json?.user?.id, baCreated.id);
  const w = await latch(new Browser(base), "POST", "/sign-in/email", { email: baUser.email, password: "not-the-password" });
  assert.equal(w.status, 401, w.text);
});

const initStep = "user created by Better Auth before Latch started (init) signs in to Latch";
if (process.env.SHARED_INIT === "1") {
  await step(initStep, async () => {
    const rows = await query(`select id from "user" where email = ?`, [baEmail]);
    assert.equal(rows.length, 1, `the init user ${baEmail} is in the database`);
    const s = await latch(new Browser(base), "POST", "/sign-in/email", { email: baEmail, password: baPassword });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.user.id, String(rows[0].id));
  });
} else {
  skip(initStep, "init was not run: SHARED_INIT is not 1");
}

// 2. A user created by Latch signs in to Better Auth.
const lUser = { email: `Latch.${run}@Example.com`, password: "latch-password-1", name: "Made By Latch" };
let latchCreated;
const lb = new Browser(base);
await step("user created by Latch (HTTP sign-up) signs in to Better Auth", async () => {
  const s = await latch(lb, "POST", "/sign-up/email", lUser);
  assert.equal(s.status, 200, s.text);
  latchCreated = s.json.user;
  assert.match(latchCreated.id, ID, `Latch's user id is a ${idFormat} id string`);
  const r = await ba("POST", "/sign-in/email", { body: { email: lUser.email, password: lUser.password } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.id, latchCreated.id);
  assert.equal(r.json.user.email, lUser.email.toLowerCase());
  assert.equal(r.json.user.name, lUser.name);
  assert.equal(r.json.user.emailVerified, false);
  assert.equal(r.json.user.createdAt, latchCreated.createdAt, "BA reads Latch's createdAt unchanged");
  const w = await ba("POST", "/sign-in/email", { body: { email: lUser.email, password: "wrong-password-1" } });
  assert.equal(w.status, 401, w.text);
  // And through the server API as well.
  const api = await auth.api.signInEmail({ body: { email: lUser.email, password: lUser.password } });
  assert.equal(api.user.id, latchCreated.id);
});

await step("rows written by Latch have Better Auth's stored format", async () => {
  const [u] = await query(`select * from "user" where id = ?`, [latchCreated.id]);
  assertRowFormat("user", u);
  const [a] = await query(`select * from "account" where "userId" = ?`, [latchCreated.id]);
  assertRowFormat("account", a);
  const ss = await query(`select * from "session" where "userId" = ?`, [latchCreated.id]);
  assert.ok(ss.length >= 1, "Latch's session row exists");
  for (const s of ss) assertRowFormat("session", s);
});

// 3. Latch validates a session cookie that Better Auth issued, and vice versa.
await step("Latch accepts a session cookie issued by Better Auth", async () => {
  const r = await ba("POST", "/sign-in/email", { body: { email: baUser.email, password: baUser.password } });
  assert.equal(r.status, 200, r.text);
  const b = new Browser(base);
  const [name, value] = cookieOf(r.res).split(/=(.*)/s);
  b.cookies.set(name, { value, attrs: [], raw: "" });
  const g = await latch(b, "GET", "/get-session");
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json?.session?.token, r.json.token, `Latch get-session: ${g.text}`);
  assert.equal(g.json.user.id, baCreated.id);
  const t = await latch(b, "GET", "/token");
  assert.equal(t.status, 200, t.text);
  const sub = JSON.parse(Buffer.from(t.json.token.split(".")[1], "base64url")).sub;
  assert.equal(sub, baCreated.id, "JWT sub is the user id as a string");
  assert.match(sub, ID);
  // Latch's task API takes that user (made by Better Auth) by its id.
  const tasks = base + "/api/" + encodeURIComponent(baCreated.id) + "/tasks";
  const headers = { authorization: `Bearer ${t.json.token}`, "content-type": "application/json" };
  const c = await fetch(tasks, { method: "POST", headers, body: JSON.stringify({ title: "from shared-db" }) });
  const ct = await c.text();
  assert.equal(c.status, 201, ct);
  assert.equal(JSON.parse(ct).user_id, baCreated.id, "task.user_id is the id string");
  const [row] = await query(`select user_id from task where user_id = ?`, [baCreated.id]);
  assertStoredID(row?.user_id, "task.user_id");
  // Bearer with the set-auth-token value also works on Latch.
  const bearer = r.res.headers.get("set-auth-token");
  const g2 = await fetch(base + "/api/auth/get-session", { headers: { authorization: `Bearer ${bearer}` } });
  assert.equal((await g2.json())?.session?.token, r.json.token);
  // Signing out on Latch ends it for Better Auth too.
  const o = await latch(b, "POST", "/sign-out");
  assert.equal(o.status, 200, o.text);
  const after = await ba("GET", "/get-session", { cookie: cookieOf(r.res) });
  assert.equal(after.json, null, "Better Auth sees the session ended by Latch");
});

await step("Better Auth accepts a session cookie issued by Latch", async () => {
  const b = new Browser(base);
  const s = await latch(b, "POST", "/sign-in/email", { email: lUser.email, password: lUser.password });
  assert.equal(s.status, 200, s.text);
  const cookie = `better-auth.session_token=${b.cookies.get("better-auth.session_token")?.value}`;
  const g = await ba("GET", "/get-session", { cookie });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json?.session?.token, s.json.token, `Better Auth get-session: ${g.text}`);
  assert.equal(g.json.user.id, latchCreated.id);
  assert.match(g.json.session.expiresAt, ISO);
  const api = await auth.api.getSession({ headers: new Headers({ cookie }) });
  assert.equal(api?.user?.id, latchCreated.id);
  const ls = await ba("GET", "/list-sessions", { cookie });
  assert.equal(ls.status, 200, ls.text);
  assert.ok(ls.json.some((x) => x.token === s.json.token), "BA lists Latch's session");
  // Revoking in Better Auth ends it for Latch too.
  const rv = await ba("POST", "/revoke-session", { cookie, body: { token: s.json.token } });
  assert.equal(rv.status, 200, rv.text);
  const after = await latch(b, "GET", "/get-session");
  assert.equal(after.json, null, `Latch sees the session revoked by Better Auth: ${after.text}`);
});

await step("password changed in Better Auth works on Latch", async () => {
  const si = await ba("POST", "/sign-in/email", { body: { email: lUser.email, password: lUser.password } });
  const cookie = cookieOf(si.res);
  const cp = await ba("POST", "/change-password", { cookie, body: { currentPassword: lUser.password, newPassword: "changed-in-ba-1" } });
  assert.equal(cp.status, 200, cp.text);
  const s = await latch(new Browser(base), "POST", "/sign-in/email", { email: lUser.email, password: "changed-in-ba-1" });
  assert.equal(s.status, 200, s.text);
  const old = await latch(new Browser(base), "POST", "/sign-in/email", { email: lUser.email, password: lUser.password });
  assert.equal(old.status, 401, old.text);
});

await step("name updated on Latch is seen by Better Auth", async () => {
  const b = new Browser(base);
  await latch(b, "POST", "/sign-in/email", { email: baUser.email, password: baUser.password });
  const u = await latch(b, "POST", "/update-user", { name: "Renamed On Latch" });
  assert.equal(u.status, 200, u.text);
  const si = await ba("POST", "/sign-in/email", { body: { email: baUser.email, password: baUser.password } });
  assert.equal(si.json.user.name, "Renamed On Latch");
  assert.ok(ISO.test(si.json.user.updatedAt));
});

// 3b. Links issued by one server work on the other (same secret, same
// verification table).
async function latchLink(to) {
  const res = await fetch(`${process.env.MAILBOX_URL}/next?to=${encodeURIComponent(to)}`);
  assert.equal(res.status, 200, await res.clone().text());
  return new URL((await res.json()).link);
}
function baLink(to) {
  const i = baMail.findIndex((m) => m.to === to);
  assert.ok(i >= 0, `Better Auth mailed ${to}`);
  return new URL(baMail.splice(i, 1)[0].url);
}
const resetTokenOf = (u) => u.pathname.split("/reset-password/")[1];
const lEmail = lUser.email.toLowerCase();

await step("reset link issued by Better Auth works on Latch", async () => {
  const r = await ba("POST", "/request-password-reset", { body: { email: lEmail, redirectTo: "/reset-password" } });
  assert.equal(r.status, 200, r.text);
  const reset = await latch(new Browser(base), "POST", "/reset-password", { token: resetTokenOf(baLink(lEmail)), newPassword: "reset-on-latch-1" });
  assert.equal(reset.status, 200, reset.text);
  const s = await ba("POST", "/sign-in/email", { body: { email: lEmail, password: "reset-on-latch-1" } });
  assert.equal(s.status, 200, s.text);
});

await step("reset link issued by Latch works on Better Auth", async () => {
  const r = await latch(new Browser(base), "POST", "/request-password-reset", { email: lEmail, redirectTo: "/reset-password" });
  assert.equal(r.status, 200, r.text);
  const reset = await ba("POST", "/reset-password", { body: { token: resetTokenOf(await latchLink(lEmail)), newPassword: "reset-on-ba-2" } });
  assert.equal(reset.status, 200, reset.text);
  const s = await latch(new Browser(base), "POST", "/sign-in/email", { email: lEmail, password: "reset-on-ba-2" });
  assert.equal(s.status, 200, s.text);
});

await step("verification link issued by Better Auth verifies on Latch", async () => {
  const r = await ba("POST", "/send-verification-email", { body: { email: lEmail } });
  assert.equal(r.status, 200, r.text);
  const v = await latch(new Browser(base), "GET", "/verify-email?token=" + baLink(lEmail).searchParams.get("token"));
  assert.equal(v.status, 200, v.text);
  const s = await ba("POST", "/sign-in/email", { body: { email: lEmail, password: "reset-on-ba-2" } });
  assert.equal(s.json.user.emailVerified, true);
});

await step("verification link issued by Latch verifies on Better Auth", async () => {
  const email = baUser.email.toLowerCase();
  const r = await latch(new Browser(base), "POST", "/send-verification-email", { email });
  assert.equal(r.status, 200, r.text);
  const v = await ba("GET", "/verify-email?token=" + (await latchLink(email)).searchParams.get("token"));
  assert.equal(v.status, 200, v.text);
  const s = await latch(new Browser(base), "POST", "/sign-in/email", { email, password: baUser.password });
  assert.equal(s.json.user.emailVerified, true);
});

/** Signs up a fresh user on one side; returns {email, password, id, on(side)}. */
async function freshUser(side, tag) {
  const u = { name: `Fresh ${tag}`, email: `${tag}.${run}@example.com`, password: `${tag}-password-1` };
  if (side === "ba") {
    const r = await ba("POST", "/sign-up/email", { body: u });
    assert.equal(r.status, 200, r.text);
    return { ...u, id: r.json.user.id, cookie: cookieOf(r.res) };
  }
  const b = new Browser(base);
  const r = await latch(b, "POST", "/sign-up/email", u);
  assert.equal(r.status, 200, r.text);
  return { ...u, id: r.json.user.id, browser: b };
}
/** Signs in on a side; returns the response (status, json). */
async function signInAs(side, email, password) {
  return side === "ba"
    ? ba("POST", "/sign-in/email", { body: { email, password } })
    : latch(new Browser(base), "POST", "/sign-in/email", { email, password });
}
async function rowsOf(id) {
  const n = async (sql) => (await query(sql, [id])).length;
  return {
    user: await n(`select id from "user" where id = ?`),
    account: await n(`select id from "account" where "userId" = ?`),
    session: await n(`select id from "session" where "userId" = ?`),
  };
}

for (const [issuer, applier] of [["ba", "latch"], ["latch", "ba"]]) {
  const name = { ba: "Better Auth", latch: "Latch" };
  await step(`change-email link issued by ${name[issuer]} applies on ${name[applier]}`, async () => {
    const u = await freshUser(issuer, `ce-${issuer}`);
    const newEmail = `moved-${issuer}.${run}@example.com`;
    const req = { newEmail, callbackURL: "/" };
    const r = issuer === "ba"
      ? await ba("POST", "/change-email", { cookie: u.cookie, body: req })
      : await latch(u.browser, "POST", "/change-email", req);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { status: true });
    const link = issuer === "ba" ? baLink(newEmail) : await latchLink(newEmail);
    assert.equal(link.pathname, "/api/auth/verify-email", `link ${link}`);
    assert.equal(link.searchParams.get("callbackURL"), "/");
    const token = link.searchParams.get("token");
    const v = applier === "ba"
      ? await ba("GET", "/verify-email?token=" + token)
      : await latch(new Browser(base), "GET", "/verify-email?token=" + token);
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json?.status, true, v.text);
    assert.equal(v.json?.user?.id, u.id, v.text);
    assert.equal(v.json?.user?.email, newEmail, v.text);
    assert.equal(v.json?.user?.emailVerified, false, "emailVerified kept (false)");
    for (const side of ["ba", "latch"]) {
      const s = await signInAs(side, newEmail, u.password);
      assert.equal(s.status, 200, `${side} sign-in with the new email: ${s.text}`);
      assert.equal(s.json.user.id, u.id);
      assert.equal(s.json.user.email, newEmail);
      const old = await signInAs(side, u.email, u.password);
      assert.equal(old.status, 401, `${side} sign-in with the old email: ${old.text}`);
    }
    // The link is spent: the user's email no longer matches the token's.
    const again = issuer === "ba"
      ? await latch(new Browser(base), "GET", "/verify-email?token=" + token)
      : await ba("GET", "/verify-email?token=" + token);
    assert.equal(again.status, 401, `the link again, on the issuer: ${again.text}`);
  });

  await step(`deletion link issued by ${name[issuer]} deletes on ${name[applier]}`, async () => {
    const u = await freshUser(issuer, `del-${issuer}`);
    const r = issuer === "ba"
      ? await ba("POST", "/delete-user", { cookie: u.cookie, body: { password: u.password } })
      : await latch(u.browser, "POST", "/delete-user", { password: u.password });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { success: true, message: "Verification email sent" });
    const link = issuer === "ba" ? baLink(u.email) : await latchLink(u.email);
    assert.equal(link.pathname, "/api/auth/delete-user/callback", `link ${link}`);
    const token = link.searchParams.get("token");
    assert.match(token, /^[0-9a-z]{32}$/);
    assert.deepEqual(await rowsOf(u.id), { user: 1, account: 1, session: 1 }, "nothing deleted before the link is opened");
    // The callback deletes the signed-in user: sign in on the applying side.
    let d;
    if (applier === "ba") {
      const si = await ba("POST", "/sign-in/email", { body: { email: u.email, password: u.password } });
      assert.equal(si.status, 200, si.text);
      d = await ba("GET", "/delete-user/callback?token=" + token, { cookie: cookieOf(si.res) });
    } else {
      const b = new Browser(base);
      const si = await latch(b, "POST", "/sign-in/email", { email: u.email, password: u.password });
      assert.equal(si.status, 200, si.text);
      d = await latch(b, "GET", "/delete-user/callback?token=" + token);
    }
    assert.equal(d.status, 200, d.text);
    assert.deepEqual(d.json, { success: true, message: "User deleted" });
    for (const side of ["ba", "latch"]) {
      const s = await signInAs(side, u.email, u.password);
      assert.equal(s.status, 401, `${side} sign-in after deletion: ${s.text}`);
    }
    assert.deepEqual(await rowsOf(u.id), { user: 0, account: 0, session: 0 }, "user, account and sessions rows gone");
    if (issuer === "ba") {
      const g = await ba("GET", "/get-session", { cookie: u.cookie });
      assert.equal(g.json, null, `Better Auth's session ended: ${g.text}`);
    }
  });
}

// 4. Time-based rules, by editing the shared session row: each side signs
// in, the row is aged, and both sides must react the same way.
const DAY = 86400e3;
async function setSession(token, fields) {
  const sets = Object.keys(fields).map((k) => `"${k}" = ?`).join(", ");
  const vals = Object.values(fields).map((d) => (kind === "pg" ? d : d.toISOString()));
  await query(`update "session" set ${sets} where token = ?`, [...vals, token]);
}
async function getSessionRow(token) {
  const [r] = await query(`select * from "session" where token = ?`, [token]);
  return r;
}
/** Signs in on one side and returns {token, cookie, get(path)} for that side. */
async function signInOn(side) {
  if (side === "ba") {
    const r = await ba("POST", "/sign-in/email", { body: { email: baUser.email, password: baUser.password } });
    const cookie = cookieOf(r.res);
    return { token: r.json.token, get: (p) => ba("GET", p, { cookie }) };
  }
  const b = new Browser(base);
  const r = await latch(b, "POST", "/sign-in/email", { email: baUser.email, password: baUser.password });
  return { token: r.json.token, get: (p) => latch(b, "GET", p) };
}
const cookieShape = (res) => res.headers.getSetCookie().map((c) => c.replace(/^([^=]+)=[^;]+/, "$1=<v>")).sort();

await step("sliding refresh: a session older than updateAge is extended like Better Auth does", async () => {
  const out = {};
  for (const side of ["ba", "latch"]) {
    const s = await signInOn(side);
    const now = Date.now();
    // created 2 days ago, so expiresAt - expiresIn + updateAge = now - 1 day <= now
    await setSession(s.token, { createdAt: new Date(now - 2 * DAY), updatedAt: new Date(now - 2 * DAY), expiresAt: new Date(now + 5 * DAY) });
    const g = await s.get("/get-session");
    const row = await getSessionRow(s.token);
    out[side] = {
      status: g.status,
      cookies: cookieShape(g.res),
      extended: Math.abs(new Date(row.expiresAt).getTime() - (now + 7 * DAY)) < 60e3,
      bodyExpiresAt: Math.abs(new Date(g.json.session.expiresAt).getTime() - (now + 7 * DAY)) < 60e3,
    };
  }
  console.log(`     both: ${JSON.stringify(out.ba)}`);
  assert.deepEqual(out.latch, out.ba, `latch ${JSON.stringify(out.latch)} vs better-auth ${JSON.stringify(out.ba)}`);
  assert.equal(out.ba.extended, true, "Better Auth extended the row");
});

await step("fresh session within updateAge is not extended (both sides)", async () => {
  const out = {};
  for (const side of ["ba", "latch"]) {
    const s = await signInOn(side);
    const before = (await getSessionRow(s.token)).expiresAt;
    const g = await s.get("/get-session");
    const after = (await getSessionRow(s.token)).expiresAt;
    out[side] = { status: g.status, cookies: cookieShape(g.res), same: new Date(before).getTime() === new Date(after).getTime() };
  }
  console.log(`     both: ${JSON.stringify(out.ba)}`);
  assert.deepEqual(out.latch, out.ba);
  assert.equal(out.ba.same, true, "Better Auth kept expiresAt");
});

await step("list-sessions on a session older than freshAge → same answer as Better Auth (403 SESSION_NOT_FRESH)", async () => {
  const out = {};
  for (const side of ["ba", "latch"]) {
    const s = await signInOn(side);
    const now = Date.now();
    await setSession(s.token, { createdAt: new Date(now - 2 * DAY), updatedAt: new Date(now - 10e3) });
    const l = await s.get("/list-sessions");
    out[side] = { status: l.status, body: l.json };
  }
  console.log(`     both: ${JSON.stringify(out.ba)}`);
  assert.deepEqual(out.latch, out.ba);
  assert.equal(out.ba.status, 403);
});

await step("expired session row: get-session → null, cookies expired, row deleted (both sides)", async () => {
  const out = {};
  for (const side of ["ba", "latch"]) {
    const s = await signInOn(side);
    await setSession(s.token, { expiresAt: new Date(Date.now() - 1000) });
    const g = await s.get("/get-session");
    out[side] = { status: g.status, body: g.json, cookies: cookieShape(g.res), rowLeft: !!(await getSessionRow(s.token)) };
  }
  console.log(`     both: ${JSON.stringify(out.ba)}`);
  assert.deepEqual(out.latch, out.ba);
});

finish(`shared-db ${mode} (${kind})`);
await close();
process.exit(results.failed ? 1 : 0);

async function close() {
  if (kind === "pg") await db.end();
  else db.close();
}
