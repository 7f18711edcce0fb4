-- {{id}}, {{fk}} and {{FK}} stand for the id column types of LATCH_ID_FORMAT
-- (IDTypes in the package; filled in by sqlutil.ExpandMigrations).
-- Better Auth 1.7.25 core tables plus the jwt() plugin's jwks table, in the
-- form Better Auth's own migrator creates them on SQLite: quoted camelCase
-- columns, booleans as integer 0/1, dates as "date" columns holding ISO 8601
-- strings, no CURRENT_TIMESTAMP defaults. IF NOT EXISTS makes this a no-op
-- on a database Better Auth already created.
create table if not exists "user" ("id" {{id}}, "name" text not null,
  "email" text not null unique, "emailVerified" integer not null, "image" text,
  "createdAt" date not null, "updatedAt" date not null);
create table if not exists "session" ("id" {{id}}, "expiresAt" date not null,
  "token" text not null unique, "createdAt" date not null, "updatedAt" date not null,
  "ipAddress" text, "userAgent" text,
  "userId" {{fk}} not null references "user" ("id") on delete cascade);
create table if not exists "account" ("id" {{id}}, "accountId" text not null,
  "providerId" text not null, "userId" {{fk}} not null references "user" ("id") on delete cascade,
  "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" date,
  "refreshTokenExpiresAt" date, "scope" text, "password" text,
  "createdAt" date not null, "updatedAt" date not null);
create table if not exists "verification" ("id" {{id}}, "identifier" text not null,
  "value" text not null, "expiresAt" date not null, "createdAt" date not null, "updatedAt" date not null);
create table if not exists "jwks" ("id" {{id}}, "publicKey" text not null,
  "privateKey" text not null, "createdAt" date not null, "expiresAt" date, "alg" text, "crv" text);
create index if not exists "session_userId_idx" on "session" ("userId");
create index if not exists "account_userId_idx" on "account" ("userId");
create index if not exists "verification_identifier_idx" on "verification" ("identifier");
