// probe-ids.mjs: measures what the real Better Auth 1.7.25 does with
// advanced.database.generateId = "uuid" | "serial" (and the default): the
// schema its migrator creates, the JSON of sign-up / get-session / token, and
// the stored rows. Usage:
//   node probe-ids.mjs sqlite serial
//   node probe-ids.mjs pg uuid postgres://postgres@127.0.0.1:5432/test
import { openDatabase, makeAuth, migrate } from "./ba.mjs";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const kind = process.argv[2] ?? "sqlite";
const format = process.argv[3] ?? "serial";
const secret = "probe-secret-0123456789abcdefghijklmnopqrstuvwxyz";
const base = "http://localhost:3000";
const extra = format === "random" ? {} : { advanced: { database: { generateId: format } } };
let database, cleanup, schema;
if (kind === "pg") {
  const url = process.argv[4] ?? "postgres://postgres@127.0.0.1:5432/test";
  schema = "ba_probe_ids_" + process.pid;
  const admin = openDatabase(url).db;
  await admin.query(`create schema ${schema}`);
  database = openDatabase(url, { schema }).db;
  cleanup = async () => { await database.end(); await admin.query(`drop schema ${schema} cascade`); await admin.end(); };
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baprobe-"));
  database = openDatabase(path.join(dir, "ba.db")).db;
  cleanup = async () => { database.close(); fs.rmSync(dir, { recursive: true }); };
}
const opts = { secret, baseURL: base, extra };
console.log(`### ${kind} generateId=${format}`);
console.log("=== compileMigrations ===\n" + await migrate(database, opts));

const tables = ["user", "session", "account", "verification", "jwks"];
if (kind === "pg") {
  const cols = await database.query(`select table_name, column_name, data_type, column_default, is_identity, identity_generation
    from information_schema.columns where table_schema = $1 and (column_name in ('id','userId','accountId')) order by table_name, ordinal_position`, [schema]);
  console.log("=== columns ===");
  for (const r of cols.rows) console.log(JSON.stringify(r));
  const fks = await database.query(`select conrelid::regclass::text as tbl, pg_get_constraintdef(oid) as def from pg_constraint
    where connamespace = $1::regnamespace and contype in ('f','p') order by 1, 2`, [schema]);
  for (const r of fks.rows) console.log(JSON.stringify(r));
} else {
  console.log("=== sqlite_master ===");
  for (const r of database.prepare(`select sql from sqlite_master where sql is not null`).all()) console.log(r.sql);
}

const auth = makeAuth(database, opts);
async function call(method, p, { body, cookie, bearer } = {}) {
  const h = new Headers({ origin: base });
  if (body !== undefined) h.set("content-type", "application/json");
  if (cookie) h.set("cookie", cookie);
  if (bearer) h.set("authorization", "Bearer " + bearer);
  const res = await auth.handler(new Request(base + "/api/auth" + p, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) }));
  const text = await res.text();
  console.log(`\n=== ${method} ${p} -> ${res.status}`);
  console.log("body:", text);
  for (const k of ["set-auth-token", "set-auth-jwt"]) if (res.headers.get(k)) console.log(k + ":", res.headers.get(k));
  return { res, text, json: text ? JSON.parse(text) : undefined, cookies: res.headers.getSetCookie() };
}
const jar = (cs) => cs.map((c) => c.split(";")[0]).filter((c) => !c.endsWith("=")).join("; ");
const payload = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());

const su = await call("POST", "/sign-up/email", { body: { name: "Alice", email: "alice@example.com", password: "password123" } });
await call("POST", "/sign-up/email", { body: { name: "Bob", email: "bob@example.com", password: "password123" } });
console.log("typeof user.id:", typeof su.json.user.id);
const c = jar(su.cookies);
const gs = await call("GET", "/get-session", { cookie: c });
console.log("typeof session.id / userId:", typeof gs.json.session.id, typeof gs.json.session.userId);
const jwtHdr = gs.res.headers.get("set-auth-jwt");
if (jwtHdr) console.log("set-auth-jwt payload:", JSON.stringify(payload(jwtHdr)));
const tok = await call("GET", "/token", { cookie: c });
console.log("/token payload:", JSON.stringify(payload(tok.json.token)));
await call("GET", "/list-sessions", { cookie: c });
await call("POST", "/update-user", { cookie: c, body: { name: "Alice B" } });
await call("POST", "/revoke-session", { cookie: c, body: { token: su.json.token } });

console.log("\n=== rows ===");
for (const t of tables) {
  const rows = kind === "pg" ? (await database.query(`select * from "${t}"`)).rows : database.prepare(`select * from "${t}"`).all();
  for (const r of rows) {
    const types = Object.fromEntries(Object.entries(r).filter(([k]) => /^(id|userId|accountId)$/.test(k)).map(([k, v]) => [k, typeof v]));
    console.log(t, JSON.stringify(r, (k, v) => (k === "privateKey" || k === "password" ? "…" : v)), "types:", JSON.stringify(types));
  }
}
await cleanup();
