// probe.mjs: measures the wire behaviour and stored rows of the real Better Auth
// 1.7.25 (in-process, through auth.handler). Usage:
//   node probe.mjs sqlite            # temp SQLite file
//   node probe.mjs pg postgres://... # fresh schema, dropped afterwards
import { openDatabase, makeAuth, migrate } from "./ba.mjs";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const kind = process.argv[2] ?? "sqlite";
const secret = "probe-secret-0123456789abcdefghijklmnopqrstuvwxyz";
const base = "http://localhost:3000";
let database, cleanup, schema;
if (kind === "pg") {
  const url = process.argv[3] ?? "postgres://postgres@127.0.0.1:5432/test";
  schema = "ba_probe_" + process.pid;
  const admin = openDatabase(url).db;
  await admin.query(`create schema ${schema}`);
  database = openDatabase(url, { schema }).db;
  cleanup = async () => { await database.end(); await admin.query(`drop schema ${schema} cascade`); await admin.end(); };
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baprobe-"));
  database = openDatabase(path.join(dir, "ba.db")).db;
  cleanup = async () => { database.close(); fs.rmSync(dir, { recursive: true }); };
}
const ddl = await migrate(database, { secret, baseURL: base });
console.log("=== compileMigrations ===\n" + ddl);
const auth = makeAuth(database, { secret, baseURL: base });

async function call(method, p, { body, cookie, headers = {}, form } = {}) {
  const h = new Headers(headers);
  let b;
  if (form) { h.set("content-type", "application/x-www-form-urlencoded"); b = new URLSearchParams(form).toString(); }
  else if (body !== undefined) { h.set("content-type", "application/json"); b = JSON.stringify(body); }
  if (cookie) h.set("cookie", cookie);
  const res = await auth.handler(new Request(base + "/api/auth" + p, { method, headers: h, body: b }));
  const text = await res.text();
  const hdrs = {};
  for (const [k, v] of res.headers) if (k !== "set-cookie") hdrs[k] = v;
  console.log(`\n=== ${method} ${p} ${cookie ? "(cookie)" : ""} ${JSON.stringify(headers)} -> ${res.status} ${res.statusText}`);
  console.log("headers:", JSON.stringify(hdrs));
  for (const c of res.headers.getSetCookie()) console.log("set-cookie:", c);
  console.log("body:", text);
  return { res, text, json: text ? JSON.parse(text) : undefined, cookies: res.headers.getSetCookie() };
}
const jar = (cs) => cs.map((c) => c.split(";")[0]).filter((c) => !c.endsWith("=")).join("; ");
const O = { origin: base };

const su = await call("POST", "/sign-up/email", { body: { name: "Alice", email: "Alice@Example.com", password: "password123" } });
await call("POST", "/sign-up/email", { body: { name: "Alice", email: "alice@example.com", password: "password123" } });
await call("POST", "/sign-up/email", { body: { name: "Bob", email: "bob@example.com", password: "short" } });
await call("POST", "/sign-up/email", { body: { name: "Bob", email: "not-an-email", password: "password123" } });
await call("POST", "/sign-in/email", { body: { email: "alice@example.com", password: "wrongpass1" } });
await call("POST", "/sign-in/email", { body: { email: "nobody@example.com", password: "wrongpass1" } });
await call("POST", "/sign-in/email", { body: { email: "alice@example.com", password: "short" } });
const si = await call("POST", "/sign-in/email", { body: { email: "alice@example.com", password: "password123" } });
await call("POST", "/sign-in/email", { form: { email: "alice@example.com", password: "password123", rememberMe: "false" } });
const c = jar(si.cookies);
await call("GET", "/get-session", { cookie: c });
await call("GET", "/list-sessions", { cookie: c });
await call("GET", "/token", { cookie: c });
await call("GET", "/token");
await call("GET", "/session", { cookie: c });
await call("GET", "/sign-in/email");
await call("POST", "/get-session", { cookie: c, headers: O });
await call("GET", "/get-session/");
await call("POST", "/update-user", { cookie: c, headers: O, body: { name: "Alice B" } });
await call("POST", "/update-user", { cookie: c, headers: O, body: {} });
await call("POST", "/update-user", { cookie: c, body: { name: "x" } });
await call("POST", "/change-password", { cookie: c, headers: O, body: { currentPassword: "wrongpass1", newPassword: "newpassword1" } });
await call("POST", "/change-password", { cookie: c, headers: O, body: { currentPassword: "password123", newPassword: "short" } });
await call("POST", "/change-password", { cookie: c, headers: O, body: { currentPassword: "password123", newPassword: "newpassword1" } });
await call("POST", "/verify-password", { cookie: c, headers: O, body: { password: "newpassword1" } });
await call("POST", "/verify-password", { cookie: c, headers: O, body: { password: "wrongpass11" } });
await call("GET", "/ok");
await call("POST", "/sign-in/email", { headers: { "content-type": "text/plain" }, body: undefined });
{ const r = await auth.handler(new Request(base + "/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" })); console.log("\n=== text/plain body ->", r.status, await r.text()); }
{ const r = await auth.handler(new Request(base + "/api/auth/sign-in/email", { method: "POST", body: "{}" })); console.log("\n=== no content-type body ->", r.status, r.headers.get("content-type"), await r.text()); }
{ const r = await auth.handler(new Request(base + "/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "application/json" }, body: "{bad" })); console.log("\n=== bad json ->", r.status, await r.text()); }
await call("GET", "/get-session", { headers: { authorization: "Bearer " + si.json.token } });
await call("POST", "/revoke-session", { cookie: c, headers: O, body: { token: su.json.token } });
await call("POST", "/sign-out", { cookie: c, headers: O });
await call("GET", "/get-session", { cookie: c });

await call("GET", "/sign-out");
await call("POST", "/sign-out", { cookie: c });
const rm = await call("POST", "/sign-in/email", { body: { email: "alice@example.com", password: "newpassword1", rememberMe: false }, headers: { "user-agent": "probe/1.0", "x-forwarded-for": "203.0.113.7" } });
const rmc = jar(rm.cookies);
await call("GET", "/get-session", { cookie: rmc });
await call("POST", "/sign-up/email", { body: { name: "Carol", email: "carol@example.com", password: "password123", rememberMe: false } });
const s2 = await call("POST", "/sign-in/email", { body: { email: "alice@example.com", password: "newpassword1" }, headers: { "x-forwarded-for": "10.1.2.3, 203.0.113.9" } });
await call("POST", "/change-password", { cookie: jar(s2.cookies), headers: O, body: { currentPassword: "newpassword1", newPassword: "password123", revokeOtherSessions: true } });
await call("POST", "/sign-in/email", { body: { email: "alice@example.com", password: "password123" }, headers: { "user-agent": "probe/2.0" } });
console.log("\n=== rows ===");
if (kind === "pg") {
  for (const t of ["user", "session", "account", "verification", "jwks"]) {
    const r = await database.query(`select * from "${t}" limit 2`);
    console.log(t, JSON.stringify(r.rows.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, v instanceof Date ? "Date(" + v.toISOString() + ")" : v])))));
  }
  const cols = await database.query(`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema=$1 order by table_name, ordinal_position`, [schema]);
  for (const r of cols.rows) console.log("col", r.table_name, r.column_name, r.data_type, r.is_nullable, r.column_default ?? "");
  const idx = await database.query(`select indexdef from pg_indexes where schemaname=$1`, [schema]);
  for (const r of idx.rows) console.log("idx", r.indexdef);
} else {
  for (const r of database.prepare("select type, name, sql from sqlite_master").all()) console.log("master", r.type, r.name, r.sql);
  for (const t of ["user", "session", "account", "verification", "jwks"]) {
    const rows = database.prepare(`select * from "${t}" limit 2`).all();
    console.log(t, JSON.stringify(rows));
    console.log(t, "typeof", JSON.stringify(database.prepare(`select * from "${t}" limit 1`).raw(false).all().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v])))));
  }
}
await cleanup();
