// Helpers that build a real Better Auth 1.7.25 instance on SQLite (better-sqlite3)
// or PostgreSQL (pg), configured the way Latch expects: email+password, bearer, jwt.
import { betterAuth } from "better-auth";
import { bearer, jwt } from "better-auth/plugins";
import { getMigrations } from "better-auth/db/migration";
import Database from "better-sqlite3";
import pg from "pg";

/**
 * Opens the database named by dsn: a postgres:// URL (optionally with a schema
 * set through `schema`) or a SQLite file path.
 */
export function openDatabase(dsn, { schema } = {}) {
  if (/^postgres(ql)?:\/\//.test(dsn)) {
    const u = new URL(dsn);
    u.searchParams.delete("sslmode");
    const cfg = { connectionString: u.toString(), max: 4 };
    if (schema) cfg.options = `-c search_path=${schema}`;
    return { kind: "pg", db: new pg.Pool(cfg) };
  }
  return { kind: "sqlite", db: new Database(dsn) };
}

/** Builds a betterAuth instance over an opened database. */
export function makeAuth(database, { secret, baseURL = "http://localhost:3000", extra = {} } = {}) {
  return betterAuth({
    database,
    secret,
    baseURL,
    emailAndPassword: { enabled: true },
    plugins: [bearer(), jwt()],
    telemetry: { enabled: false },
    ...extra,
  });
}

/** Runs Better Auth's own migrations for the same options. */
export async function migrate(database, opts = {}) {
  const cfg = {
    database,
    secret: opts.secret,
    baseURL: opts.baseURL ?? "http://localhost:3000",
    emailAndPassword: { enabled: true },
    plugins: [bearer(), jwt()],
    telemetry: { enabled: false },
  };
  const m = await getMigrations(cfg);
  const sql = await m.compileMigrations();
  await m.runMigrations();
  return sql;
}
