// mail-flow.mjs: the account lifecycle with Better Auth's official client
// (requestPasswordReset, resetPassword, sendVerificationEmail, verifyEmail,
// changeEmail, deleteUser) against a server whose mail goes to a test
// mailbox: MAILBOX_URL/next?to=<address> answers {"link","subject"} of the
// next message to that address (cmd/latch/node_test.go serves it from a
// loopback SMTP server).
//
//   LATCH_URL=http://127.0.0.1:8000 MAILBOX_URL=http://127.0.0.1:9000 node mail-flow.mjs
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createAuthClient } from "better-auth/client";
import { Browser } from "./browser.mjs";
import { step, finish, results } from "./steps.mjs";

const base = (process.env.LATCH_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
const mailbox = process.env.MAILBOX_URL;

function newClient() {
  const browser = new Browser(base);
  const client = createAuthClient({ baseURL: base, fetchOptions: { customFetchImpl: browser.fetch } });
  return { browser, client };
}

async function nextMail(to) {
  const res = await fetch(`${mailbox}/next?to=${encodeURIComponent(to)}`);
  assert.equal(res.status, 200, `mail to ${to}: ${await res.clone().text()}`);
  return res.json();
}

function assertError(res, status, code) {
  assert.equal(res.data, null, "no data on error");
  assert.equal(res.error?.status, status, JSON.stringify(res.error));
  assert.equal(res.error?.code, code, JSON.stringify(res.error));
}

const run = Date.now().toString(36) + crypto.randomBytes(3).toString("hex");
const email = `mail.${run}@example.com`;
const newEmail = `moved.${run}@example.com`;
const password = "correct-horse-1";
const resetTo = "fresh-password-2";
const A = newClient();
let resetToken;

await step("sign-up", async () => {
  const res = await A.client.signUp.email({ name: "Mail User", email, password });
  assert.equal(res.error, null, JSON.stringify(res.error));
});

await step("requestPasswordReset answers alike for known and unknown emails", async () => {
  const known = await A.client.requestPasswordReset({ email, redirectTo: "/reset-password" });
  const unknown = await A.client.requestPasswordReset({ email: `nobody.${run}@example.com`, redirectTo: "/reset-password" });
  const want = { status: true, message: "If this email exists in our system, check your email for the reset link" };
  assert.deepEqual(known.data, want);
  assert.deepEqual(unknown.data, want);
});

await step("the mailed link redirects to redirectTo?token=", async () => {
  const m = await nextMail(email);
  assert.match(m.link, new RegExp(`^${base}/api/auth/reset-password/[A-Za-z0-9]{24}\\?callbackURL=%2Freset-password$`));
  const res = await fetch(m.link, { redirect: "manual" });
  assert.equal(res.status, 302);
  const loc = new URL(res.headers.get("location"));
  assert.equal(loc.pathname, "/reset-password");
  resetToken = loc.searchParams.get("token");
  assert.match(resetToken, /^[A-Za-z0-9]{24}$/);
});

await step("resetPassword sets the password; the token is single-use", async () => {
  const ok = await A.client.resetPassword({ newPassword: resetTo, token: resetToken });
  assert.deepEqual(ok.data, { status: true }, JSON.stringify(ok.error));
  assertError(await A.client.resetPassword({ newPassword: "yet-another-3", token: resetToken }), 400, "INVALID_TOKEN");
});

await step("the session was revoked by the reset; old password refused, new accepted", async () => {
  const s = await A.client.getSession();
  assert.equal(s.data, null);
  assertError(await A.client.signIn.email({ email, password }), 401, "INVALID_EMAIL_OR_PASSWORD");
  const res = await A.client.signIn.email({ email, password: resetTo });
  assert.equal(res.error, null, JSON.stringify(res.error));
});

await step("sendVerificationEmail + verifyEmail verify the address", async () => {
  assertError(await A.client.sendVerificationEmail({ email: `other.${run}@example.com` }), 400, "EMAIL_MISMATCH");
  const sent = await A.client.sendVerificationEmail({ email, callbackURL: "/" });
  assert.deepEqual(sent.data, { status: true }, JSON.stringify(sent.error));
  const m = await nextMail(email);
  const token = new URL(m.link).searchParams.get("token");
  assert.match(token, /^eyJhbGciOiJIUzI1NiJ9\./, "HS256 JWT with header {alg:HS256}");
  const v = await A.client.verifyEmail({ query: { token } });
  assert.deepEqual(v.data, { status: true, user: null }, JSON.stringify(v.error));
  const s = await A.client.getSession();
  assert.equal(s.data.user.emailVerified, true);
  assertError(await A.client.sendVerificationEmail({ email }), 400, "EMAIL_ALREADY_VERIFIED");
  assertError(await A.client.verifyEmail({ query: { token: "not-a-jwt" } }), 401, "INVALID_TOKEN");
});

await step("changeEmail mails the new address; the change applies on verifyEmail", async () => {
  const res = await A.client.changeEmail({ newEmail, callbackURL: "/" });
  assert.deepEqual(res.data, { status: true }, JSON.stringify(res.error));
  assert.equal((await A.client.getSession()).data.user.email, email, "unchanged before confirmation");
  const m = await nextMail(newEmail);
  const token = new URL(m.link).searchParams.get("token");
  const v = await A.client.verifyEmail({ query: { token } });
  assert.equal(v.error, null, JSON.stringify(v.error));
  assert.equal(v.data.status, true);
  assert.equal(v.data.user.email, newEmail);
  assert.equal((await A.client.getSession()).data.user.email, newEmail);
});

await step("deleteUser with the password deletes the account and the session", async () => {
  assertError(await A.client.deleteUser({ password: "wrong-password" }), 400, "INVALID_PASSWORD");
  const res = await A.client.deleteUser({ password: resetTo });
  assert.deepEqual(res.data, { success: true, message: "User deleted" }, JSON.stringify(res.error));
  assert.equal((await A.client.getSession()).data, null);
  assertError(await newClient().client.signIn.email({ email: newEmail, password: resetTo }), 401, "INVALID_EMAIL_OR_PASSWORD");
});

finish(`mail-flow (${base})`);
process.exit(results.failed ? 1 : 0);
