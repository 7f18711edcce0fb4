// ba.mjs: helpers that build a real Better Auth 1.7.25 instance on SQLite
// (better-sqlite3) or PostgreSQL (pg), configured as Latch expects:
// email and password, the bearer plugin and the jwt plugin.
import { betterAuth } from "better-auth";
import { bearer, jwt } from "better-auth/plugins";
import { getMigrations } from "better-auth/db/migration";
import Database from "better-sqlite3";
import pg from "pg";

/**
 * Opens the database named by dsn: a postgres:// URL or a SQLite file path.
 * A `search_path` query parameter in the URL (as Go's pgx takes it), or the
 * `schema` option, becomes the session's search_path.
 */
export function openDatabase(dsn, { schema } = {}) {
  if (/^postgres(ql)?:\/\//.test(dsn)) {
    const u = new URL(dsn);
    schema ??= u.searchParams.get("search_path") ?? undefined;
    for (const k of ["sslmode", "search_path"]) u.searchParams.delete(k);
    const cfg = { connectionString: u.toString(), max: 4 };
    if (schema) cfg.options = `-c search_path=${schema}`;
    return { kind: "pg", db: new pg.Pool(cfg) };
  }
  const file = dsn.replace(/^(sqlite|file):/, "");
  return { kind: "sqlite", db: new Database(file) };
}

/** The betterAuth options used everywhere in these tests. */
export function baseOptions(database, { secret, baseURL = "http://localhost:3000", extra = {} } = {}) {
  return {
    database,
    secret,
    baseURL,
    emailAndPassword: { enabled: true },
    plugins: [bearer(), jwt()],
    telemetry: { enabled: false },
    ...extra,
  };
}

/** Builds a betterAuth instance over an opened database. */
export function makeAuth(database, opts = {}) {
  return betterAuth(baseOptions(database, opts));
}

/** Runs Better Auth's own migrations; returns the SQL it ran. */
export async function migrate(database, opts = {}) {
  const m = await getMigrations(baseOptions(database, opts));
  const sql = await m.compileMigrations();
  await m.runMigrations();
  return sql;
}
