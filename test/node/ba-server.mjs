// ba-server.mjs: the real Better Auth 1.7.25 behind node:http, used to prove
// that client-flow.mjs is correct before pointing it at Latch.
//   PORT=3999 BETTER_AUTH_SECRET=... [DATABASE=path.db|postgres://...] node ba-server.mjs
// Prints "listening <url>" once ready.
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { toNodeHandler } from "better-auth/node";
import { openDatabase, makeAuth, migrate } from "./ba.mjs";

const port = Number(process.env.PORT ?? 3999);
const baseURL = `http://127.0.0.1:${port}`;
const secret = process.env.BETTER_AUTH_SECRET ?? "reference-secret-0123456789abcdefghijklmnop";
const dsn = process.env.DATABASE ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ba-ref-")), "ba.db");
const { db } = openDatabase(dsn);
await migrate(db, { secret, baseURL });
const auth = makeAuth(db, { secret, baseURL });
const handler = toNodeHandler(auth);
const server = http.createServer((req, res) => {
  if (req.url.startsWith("/api/auth/")) return handler(req, res);
  res.statusCode = 404;
  res.end();
});
server.listen(port, "127.0.0.1", () => console.log(`listening ${baseURL}`));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.close(() => process.exit(0)));
