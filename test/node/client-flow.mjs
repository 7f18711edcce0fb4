// client-flow.mjs: drives a server with Better Auth's official JS client
// (createAuthClient from "better-auth/client", pinned 1.7.25), carrying
// cookies between calls like a browser, and asserts every response.
//
//   LATCH_URL=http://127.0.0.1:8000 [LATCH_SECRET=...] node client-flow.mjs
//
// LATCH_TARGET=better-auth runs the same flow against the real Better Auth
// (ba-server.mjs) and skips the Latch-only steps (/api/auth/session, the
// task API, HS256 JWTs). LATCH_SECRET, when set, is used to check the
// cookie signature and the JWT signature. Exits 1 if any step fails and
// prints "N passed, N failed, N skipped".
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createAuthClient } from "better-auth/client";
import { jwtClient } from "better-auth/client/plugins";
import { Browser } from "./browser.mjs";
import { step, skip, finish, results } from "./steps.mjs";

const base = (process.env.LATCH_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
const target = process.env.LATCH_TARGET ?? "latch";
const secret = process.env.LATCH_SECRET ?? "";
const latch = target === "latch";

// Steps that only Latch has are skipped against the real Better Auth.
const latchStep = (name, fn) => (latch ? step(name, fn) : skip(name, "Latch only"));

function newClient() {
  const browser = new Browser(base);
  const client = createAuthClient({
    baseURL: base,
    plugins: [jwtClient()],
    fetchOptions: { customFetchImpl: browser.fetch },
  });
  return { browser, client };
}

const ID = /^[A-Za-z0-9]{32}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
// The client parses ISO strings into Date objects; the wire format is
// checked separately on the raw body (assertWireDates).
function assertDate(v, what) {
  if (v instanceof Date) assert.ok(!Number.isNaN(v.getTime()), `${what} valid Date`);
  else assert.match(v, ISO, `${what} ISO with ms`);
}
async function assertWireDates(browser) {
  const text = await browser.lastText;
  const dates = [...text.matchAll(/"(createdAt|updatedAt|expiresAt)":"([^"]*)"/g)];
  assert.ok(dates.length > 0, `dates in body ${text}`);
  for (const [, k, v] of dates) assert.match(v, ISO, `wire ${k}=${v} is ISO 8601 UTC with ms`);
}
const hmac = (s) => crypto.createHmac("sha256", secret).update(s).digest("base64");

function assertUser(u, { email, name }) {
  assert.equal(typeof u, "object");
  assert.match(String(u.id), ID, "user.id is 32 alphanumerics");
  assert.equal(u.email, email);
  assert.equal(u.name, name);
  assert.equal(u.emailVerified, false);
  assert.ok("image" in u, "user.image present (null)");
  assertDate(u.createdAt, "user.createdAt");
  assertDate(u.updatedAt, "user.updatedAt");
}

function assertSession(s, userId) {
  assert.match(String(s.id), ID);
  assert.match(s.token, ID, "session.token is the bare 32-char token");
  assert.equal(s.userId, userId);
  for (const k of ["expiresAt", "createdAt", "updatedAt"]) assertDate(s[k], `session.${k}`);
  assert.ok(new Date(s.expiresAt).getTime() > Date.now(), "session not expired");
}

/** Checks the session_token cookie in a Set-Cookie line and the jar. */
function assertSessionCookie(browser, token, { maxAge = 604800 } = {}) {
  const c = browser.cookies.get("better-auth.session_token");
  assert.ok(c, `session_token cookie set (jar: ${[...browser.cookies.keys()].join(",") || "empty"})`);
  const value = decodeURIComponent(c.value);
  const dot = value.lastIndexOf(".");
  assert.equal(value.slice(0, dot), token, "cookie carries the session token");
  const sig = value.slice(dot + 1);
  assert.match(sig, /^[A-Za-z0-9+/]{43}=$/, "44-char padded std-base64 signature");
  assert.ok(!/[+/=]/.test(c.value), "signature URL-encoded in the cookie");
  if (secret) assert.equal(sig, hmac(token), "signature = HMAC-SHA256(secret, token)");
  const attrs = c.attrs.map((a) => a.toLowerCase());
  for (const a of ["path=/", "httponly", "samesite=lax"]) assert.ok(attrs.includes(a), `cookie has ${a}: ${c.raw}`);
  if (maxAge) assert.ok(attrs.includes(`max-age=${maxAge}`), `cookie has Max-Age=${maxAge}: ${c.raw}`);
  const sat = browser.last.headers.get("set-auth-token");
  assert.match(browser.last.headers.get("access-control-expose-headers") ?? "", /set-auth-token/i, "set-auth-token exposed");
  assert.equal(sat, value, "set-auth-token header = token.signature");
}

function assertError(res, status, code) {
  assert.equal(res.data, null, "no data on error");
  assert.ok(res.error, "error present");
  assert.equal(res.error.status, status, `status ${res.error.status} ${JSON.stringify(res.error)}`);
  assert.equal(res.error.code, code, `code in ${JSON.stringify(res.error)}`);
  assert.equal(typeof res.error.message, "string");
}

function decodeJWT(jwt) {
  const [h, p, s] = jwt.split(".");
  assert.ok(h && p && s, "three JWT parts");
  const dec = (x) => JSON.parse(Buffer.from(x, "base64url").toString());
  return { header: dec(h), payload: dec(p), signingInput: `${h}.${p}`, sig: s };
}

function assertJWT(jwt, user) {
  const { header, payload, signingInput, sig } = decodeJWT(jwt);
  assert.equal(payload.sub, user.id, "sub = user id (string)");
  assert.ok(payload.exp > Date.now() / 1000, "exp in the future");
  assert.ok(payload.iat <= Date.now() / 1000 + 5, "iat not in the future");
  if (latch) {
    assert.equal(header.alg, "HS256");
    assert.equal(payload.email, user.email);
    assert.equal(typeof payload.sid, "string");
    assert.ok(payload.sid.length > 0, "sid present");
    if (secret) {
      const want = crypto.createHmac("sha256", secret).update(signingInput).digest("base64url");
      assert.equal(sig, want, "HS256 signature with the secret");
    }
  } else {
    assert.equal(header.alg, "EdDSA");
  }
}

const run = Date.now().toString(36) + crypto.randomBytes(3).toString("hex");
const email = `Flow.${run}@Example.com`;
const lower = email.toLowerCase();
const password = "correct-horse-1";
const newPassword = "battery-staple-2";
let name = "Flow User";

const A = newClient(); // the main "browser"
const B = newClient(); // a second device
let user;
let tokenA;

await step("sign-up returns token+user and sets the session cookie", async () => {
  const res = await A.client.signUp.email({ name, email, password });
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.match(res.data.token, ID);
  assertUser(res.data.user, { email: lower, name });
  assert.equal(A.browser.last.status, 200);
  assertSessionCookie(A.browser, res.data.token);
  await assertWireDates(A.browser);
  user = res.data.user;
  tokenA = res.data.token;
});

await step("get-session after sign-up", async () => {
  const res = await A.client.getSession();
  assert.equal(res.error, null, JSON.stringify(res.error));
  assertUser(res.data.user, { email: lower, name });
  assert.equal(res.data.user.id, user.id);
  assertSession(res.data.session, user.id);
  assert.equal(res.data.session.token, tokenA);
  await assertWireDates(A.browser);
  const h = A.browser.last.headers;
  assert.equal(h.get("cache-control"), "no-store");
  assert.ok(h.get("set-auth-jwt"), "set-auth-jwt header");
  assert.match(h.get("access-control-expose-headers") ?? "", /set-auth-jwt/i, "set-auth-jwt exposed");
  assertJWT(h.get("set-auth-jwt"), user);
});

await step("duplicate email → 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", async () => {
  const { client } = newClient();
  assertError(await client.signUp.email({ name, email: lower, password }), 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
});

await step("too-short password → 400 PASSWORD_TOO_SHORT", async () => {
  const { client } = newClient();
  assertError(await client.signUp.email({ name, email: `short.${run}@example.com`, password: "1234567" }), 400, "PASSWORD_TOO_SHORT");
});

await step("sign-out clears the cookie; get-session is then null", async () => {
  const res = await A.client.signOut();
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.deepEqual(res.data, { success: true });
  const cleared = A.browser.last.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token=;"));
  assert.ok(cleared && /Max-Age=0/i.test(cleared), `session_token expired: ${A.browser.last.headers.getSetCookie()}`);
  assert.equal(A.browser.cookies.has("better-auth.session_token"), false);
  const s = await A.client.getSession();
  assert.equal(s.error, null);
  assert.equal(s.data, null);
});

await step("wrong password → 401 INVALID_EMAIL_OR_PASSWORD", async () => {
  assertError(await A.client.signIn.email({ email, password: "wrong-password-9" }), 401, "INVALID_EMAIL_OR_PASSWORD");
  assert.equal(A.browser.cookies.has("better-auth.session_token"), false);
});

await step("unknown email → 401 INVALID_EMAIL_OR_PASSWORD", async () => {
  assertError(await A.client.signIn.email({ email: `nobody.${run}@example.com`, password }), 401, "INVALID_EMAIL_OR_PASSWORD");
});

await step("sign-in (mixed-case email) returns redirect:false, token, user", async () => {
  const res = await A.client.signIn.email({ email, password });
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.equal(res.data.redirect, false);
  assert.match(res.data.token, ID);
  assert.notEqual(res.data.token, tokenA);
  assertUser(res.data.user, { email: lower, name });
  assert.equal(res.data.user.id, user.id);
  assertSessionCookie(A.browser, res.data.token);
  tokenA = res.data.token;
});

await step("get-session after sign-in", async () => {
  const res = await A.client.getSession();
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.equal(res.data.session.token, tokenA);
  assert.equal(res.data.user.id, user.id);
});

await step("token → JWT for the user", async () => {
  const res = await A.client.token();
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.equal(typeof res.data.token, "string");
  assertJWT(res.data.token, user);
});

await step("token without a session → 401 UNAUTHORIZED", async () => {
  const { client } = newClient();
  assertError(await client.token(), 401, "UNAUTHORIZED");
});

await step("rememberMe:false → browser-session cookie, dont_remember, 1-day session", async () => {
  const C = newClient();
  const res = await C.client.signIn.email({ email, password, rememberMe: false });
  assert.equal(res.error, null, JSON.stringify(res.error));
  assertSessionCookie(C.browser, res.data.token, { maxAge: 0 });
  const c = C.browser.cookies.get("better-auth.session_token");
  assert.ok(!c.attrs.some((a) => /^max-age=/i.test(a)), `no Max-Age: ${c.raw}`);
  const dr = C.browser.cookies.get("better-auth.dont_remember");
  assert.ok(dr, "dont_remember cookie set");
  const v = decodeURIComponent(dr.value);
  assert.match(v, /^true\.[A-Za-z0-9+/]{43}=$/, `dont_remember = true.<sig>: ${dr.raw}`);
  if (secret) assert.equal(v, "true." + hmac("true"));
  const s = await C.client.getSession();
  const ttl = new Date(s.data.session.expiresAt) - new Date(s.data.session.createdAt);
  assert.ok(Math.abs(ttl - 86400e3) < 5000, `session lives 1 day (got ${ttl} ms)`);
  await C.client.signOut();
});

await step("form-encoded sign-in works like JSON", async () => {
  const { browser } = newClient();
  const res = await browser.fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }).toString(),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const body = await res.json();
  assert.equal(body.user.id, user.id);
  assertSessionCookie(browser, body.token);
  await browser.fetch(`${base}/api/auth/sign-out`, { method: "POST" });
});

await step("text/plain body → 415 UNSUPPORTED_MEDIA_TYPE", async () => {
  // Sent with Origin as a browser would. (Node's fetch adds Sec-Fetch-Mode;
  // without Origin, Better Auth still answers 415 because it checks the
  // content type before the origin.)
  const res = await new Browser(base).fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST", headers: { "content-type": "text/plain" }, body: "hello",
  });
  assert.equal(res.status, 415);
  assert.deepEqual(await res.json(), {
    message: 'Content-Type "text/plain" is not allowed. Allowed types: application/x-www-form-urlencoded, application/json',
    code: "UNSUPPORTED_MEDIA_TYPE",
  });
});

await step("wrong method / unknown path → 404", async () => {
  for (const [m, p] of [["GET", "/sign-in/email"], ["GET", "/sign-out"], ["GET", "/no-such-route"]]) {
    const res = await fetch(`${base}/api/auth${p}`, { method: m });
    assert.equal(res.status, 404, `${m} ${p}`);
  }
});

let tokenB;
await step("second device signs in; list-sessions shows both with tokens", async () => {
  const r = await B.client.signIn.email({ email, password });
  assert.equal(r.error, null, JSON.stringify(r.error));
  tokenB = r.data.token;
  const res = await A.client.listSessions();
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.ok(Array.isArray(res.data), "array");
  for (const s of res.data) assertSession(s, user.id);
  await assertWireDates(A.browser);
  const tokens = res.data.map((s) => s.token);
  assert.ok(tokens.includes(tokenA) && tokens.includes(tokenB), `both sessions listed: ${tokens}`);
  assert.equal(res.data.length, 2, "exactly the two live sessions (the signed-out one is gone)");
});

await step("Bearer: the raw session token authenticates get-session", async () => {
  const res = await fetch(`${base}/api/auth/get-session`, { headers: { authorization: `Bearer ${tokenB}` } });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body?.session?.token, tokenB);
});

await step("revoke-session ends the other device's session", async () => {
  const res = await A.client.revokeSession({ token: tokenB });
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.deepEqual(res.data, { status: true });
  const s = await B.client.getSession();
  assert.equal(s.data, null, "device B signed out");
  assert.equal(B.browser.cookies.has("better-auth.session_token"), false, "B's cookie expired by get-session");
  const list = await A.client.listSessions();
  assert.deepEqual(list.data.map((x) => x.token), [tokenA]);
});

await step("update-user changes the name", async () => {
  name = "Renamed User";
  const res = await A.client.updateUser({ name });
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.deepEqual(res.data, { status: true });
  const s = await A.client.getSession({ query: { disableCookieCache: true } });
  assert.equal(s.data.user.name, name);
  assert.ok(new Date(s.data.user.updatedAt) >= new Date(user.updatedAt));
});

await step("update-user with nothing to update → 400", async () => {
  // (the client turns an empty object into a GET, so post it directly)
  const res = await A.browser.fetch(`${base}/api/auth/update-user`, {
    method: "POST", headers: { "content-type": "application/json" }, body: "{}",
  });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { message: "No fields to update" });
});

await step("change-password with a wrong current password → 400 INVALID_PASSWORD", async () => {
  assertError(await A.client.changePassword({ currentPassword: "not-my-password", newPassword }), 400, "INVALID_PASSWORD");
});

await step("change-password with a too-short new password → 400 PASSWORD_TOO_SHORT", async () => {
  assertError(await A.client.changePassword({ currentPassword: password, newPassword: "short" }), 400, "PASSWORD_TOO_SHORT");
});

await step("change-password, then only the new password signs in", async () => {
  const res = await A.client.changePassword({ currentPassword: password, newPassword });
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.equal(res.data.token, null);
  assertUser(res.data.user, { email: lower, name });
  const still = await A.client.getSession();
  assert.equal(still.data?.session?.token, tokenA, "current session kept");
  const { client } = newClient();
  assertError(await client.signIn.email({ email, password }), 401, "INVALID_EMAIL_OR_PASSWORD");
  const ok = await client.signIn.email({ email, password: newPassword });
  assert.equal(ok.error, null, JSON.stringify(ok.error));
  assert.equal(ok.data.user.id, user.id);
});

await step("change-password with revokeOtherSessions issues a new session", async () => {
  const res = await A.client.changePassword({ currentPassword: newPassword, newPassword: password, revokeOtherSessions: true });
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.match(res.data.token, ID);
  assert.notEqual(res.data.token, tokenA);
  assertSessionCookie(A.browser, res.data.token);
  tokenA = res.data.token;
  const list = await A.client.listSessions();
  assert.deepEqual(list.data.map((x) => x.token), [tokenA]);
});

await step("POST with cookie but no Origin → 403 MISSING_OR_NULL_ORIGIN", async () => {
  const res = await fetch(`${base}/api/auth/update-user`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: A.browser.cookieHeader() },
    body: JSON.stringify({ name: "csrf" }),
  });
  assert.equal(res.status, 403);
  assert.deepEqual(await res.json(), { message: "Missing or null Origin", code: "MISSING_OR_NULL_ORIGIN" });
});

// The original Next.js API-client snippet: fetch('/api/auth/session') with
// the browser's cookies, then session.token as the Bearer token.
await latchStep("Next.js snippet: /api/auth/session then Bearer on /api/{user_id}/tasks", async () => {
  const session = await A.browser.fetch(`${base}/api/auth/session`).then((r) => r.json());
  assert.ok(session && session.token, `session with token: ${JSON.stringify(session)}`);
  assert.equal(session.user.id, user.id);
  assert.equal(session.session.userId, user.id);
  assertJWT(session.token, user);
  // The design's FastAPI routes are declared on "/": its clients call the
  // list with a trailing slash and expect a JSON array.
  for (const path of [`/api/${session.user.id}/tasks`, `/api/${session.user.id}/tasks/`]) {
    const res = await fetch(`${base}${path}`, {
      headers: { Authorization: `Bearer ${session.token}`, "Content-Type": "application/json" },
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.ok(Array.isArray(await res.json()), `${path} answers a JSON array`);
  }
});

// The design's register page: signUp.email without name (Better Auth 1.7
// refuses it; Latch names the user after the email's local part).
await latchStep("sign-up without name (the design's register page) → user named after the email", async () => {
  const { client } = newClient();
  const noName = `NoName.${run}@example.com`;
  const res = await client.signUp.email({ email: noName, password, callbackURL: "/dashboard" });
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.equal(res.data.user.name, `NoName.${run}`);
  assert.equal(res.data.user.email, noName.toLowerCase());
});

await latchStep("/api/auth/session when signed out → 401 with null body", async () => {
  const { browser } = newClient();
  const res = await browser.fetch(`${base}/api/auth/session`);
  assert.equal(res.status, 401);
  assert.equal(await res.text(), "null");
});

await step("final sign-out", async () => {
  const res = await A.client.signOut();
  assert.deepEqual(res.data, { success: true });
  const list = await A.client.listSessions();
  assert.equal(list.error?.status, 401);
});

finish(`client-flow (${target} at ${base})`);
process.exit(results.failed ? 1 : 0);
