// diff-mail.mjs: the DIFF_SET=mail sequence of diff.mjs: password reset,
// email verification, change of email and deletion, each request sent to
// the real Better Auth (configured with the same options as Latch) and to
// Latch, and their answers compared. Links come from each server's own
// mail: Better Auth's callbacks (baMail) and Latch's mailbox (MAILBOX_URL).
const mailbox = process.env.MAILBOX_URL;

async function latchMail(to) {
  const res = await fetch(`${mailbox}/next?to=${encodeURIComponent(to)}`);
  if (res.status !== 200) throw new Error(`no Latch mail to ${to}: ${await res.text()}`);
  return (await res.json()).link;
}

function baMailTo(baMail, to) {
  const i = baMail.findIndex((m) => m.to === to);
  if (i < 0) throw new Error(`no Better Auth mail to ${to}`);
  return baMail.splice(i, 1)[0].url;
}

/** Both servers' links to `to`, as paths under /api/auth. */
async function links(baMail, to) {
  const rel = (u) => { const x = new URL(u); return x.pathname.replace(/^\/api\/auth/, "") + x.search; };
  return { ba: rel(baMailTo(baMail, to)), latch: rel(await latchMail(to)) };
}
const tokenOf = (path) => new URL(path, "http://x").searchParams.get("token");

export async function run({ check, clear, O, email, baMail }) {
  const pw = "password123";
  const other = "other." + email;
  const c = (name, req) => check(name, { ...req, headers: { ...O, ...(req.headers ?? {}) } });

  await check("sign-up", { method: "POST", path: "/sign-up/email", body: { name: "Mail", email, password: pw } });
  await c("request-password-reset", { method: "POST", path: "/request-password-reset", body: { email, redirectTo: "/reset-password" } });
  let reset = await links(baMail, email);
  await c("request-password-reset unknown email", { method: "POST", path: "/request-password-reset", body: { email: "nobody." + email } });
  await c("request-password-reset bad email", { method: "POST", path: "/request-password-reset", body: { email: "nope" } });
  await c("request-password-reset untrusted redirectTo", { method: "POST", path: "/request-password-reset", body: { email, redirectTo: "https://evil.example/" } });
  await check("GET reset link", { method: "GET", path: (who) => reset[who] });
  await check("GET reset link, unknown token", { method: "GET", path: "/reset-password/" + "Q".repeat(24) + "?callbackURL=%2Freset-password" });
  await check("GET reset link, no callbackURL", { method: "GET", path: "/reset-password/abc" });
  await check("GET reset link, untrusted callbackURL", { method: "GET", path: "/reset-password/abc?callbackURL=https%3A%2F%2Fevil.example%2F" });
  const resetToken = (who) => reset[who].split("/reset-password/")[1].split("?")[0];
  await c("reset-password short", { method: "POST", path: "/reset-password", body: { newPassword: "short", token: "x" } });
  await c("reset-password no token", { method: "POST", path: "/reset-password", body: { newPassword: "password456" } });
  await c("reset-password unknown token", { method: "POST", path: "/reset-password", body: { newPassword: "password456", token: "nope" } });
  await c("reset-password", { method: "POST", path: (who) => "/reset-password?token=" + resetToken(who), body: { newPassword: "password456" } });
  await c("reset-password reuse", { method: "POST", path: (who) => "/reset-password?token=" + resetToken(who), body: { newPassword: "password789" } });
  await check("get-session after reset (sessions revoked)", { method: "GET", path: "/get-session" });
  clear();
  await check("sign-in new password", { method: "POST", path: "/sign-in/email", body: { email, password: "password456" } });
  await c("send-verification-email mismatch", { method: "POST", path: "/send-verification-email", body: { email: other } });
  await c("send-verification-email", { method: "POST", path: "/send-verification-email", body: { email, callbackURL: "/" } });
  const verify = await links(baMail, email);
  await check("verify-email bad token", { method: "GET", path: "/verify-email?token=nope" });
  await check("verify-email bad token with callbackURL", { method: "GET", path: "/verify-email?token=nope&callbackURL=%2Flogin" });
  await check("verify-email no token", { method: "GET", path: "/verify-email" });
  await check("verify-email", { method: "GET", path: (who) => "/verify-email?token=" + tokenOf(verify[who]) });
  await check("verify-email again (already verified)", { method: "GET", path: (who) => "/verify-email?token=" + tokenOf(verify[who]) });
  await c("send-verification-email already verified", { method: "POST", path: "/send-verification-email", body: { email } });
  await c("send-verification-email anonymous", { method: "POST", path: "/send-verification-email", body: { email: "nobody." + email }, cookie: false });
  await c("change-email same", { method: "POST", path: "/change-email", body: { newEmail: email } });
  await c("change-email bad email", { method: "POST", path: "/change-email", body: { newEmail: "nope" } });
  await c("change-email signed out", { method: "POST", path: "/change-email", body: { newEmail: other }, cookie: false });
  await c("change-email", { method: "POST", path: "/change-email", body: { newEmail: other, callbackURL: "/account" } });
  const change = await links(baMail, other);
  await check("get-session before confirmation", { method: "GET", path: "/get-session" });
  await check("verify-email change (callbackURL redirect)", { method: "GET", path: (who) => change[who] });
  await check("get-session after change", { method: "GET", path: "/get-session" });
  await c("delete-user wrong password", { method: "POST", path: "/delete-user", body: { password: "wrong-pass-1" } });
  await c("delete-user bad token", { method: "POST", path: "/delete-user", body: { password: "password456", token: "nope" } });
  await c("delete-user", { method: "POST", path: "/delete-user", body: { password: "password456" } });
  await check("get-session after delete", { method: "GET", path: "/get-session" });
  await check("sign-in deleted user", { method: "POST", path: "/sign-in/email", body: { email: other, password: "password456" }, cookie: false });
}
