-- {{id}}, {{fk}} and {{FK}} stand for the id column types of LATCH_ID_FORMAT
-- (IDTypes in the package; filled in by sqlutil.ExpandMigrations).
-- Better Auth 1.7.25 core tables plus the jwt() plugin's jwks table, exactly
-- as Better Auth's own migrator creates them on PostgreSQL. IF NOT EXISTS
-- makes this a no-op on a database Better Auth already created.
create table if not exists "user" ("id" {{id}}, "name" text not null, "email" text not null unique,
  "emailVerified" boolean not null, "image" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null,
  "updatedAt" timestamptz default CURRENT_TIMESTAMP not null);
create table if not exists "session" ("id" {{id}}, "expiresAt" timestamptz not null, "token" text not null unique,
  "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null, "ipAddress" text,
  "userAgent" text, "userId" {{fk}} not null references "user" ("id") on delete cascade);
create table if not exists "account" ("id" {{id}}, "accountId" text not null, "providerId" text not null,
  "userId" {{fk}} not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text,
  "idToken" text, "accessTokenExpiresAt" timestamptz, "refreshTokenExpiresAt" timestamptz, "scope" text,
  "password" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null);
create table if not exists "verification" ("id" {{id}}, "identifier" text not null, "value" text not null,
  "expiresAt" timestamptz not null, "createdAt" timestamptz default CURRENT_TIMESTAMP not null,
  "updatedAt" timestamptz default CURRENT_TIMESTAMP not null);
create table if not exists "jwks" ("id" {{id}}, "publicKey" text not null, "privateKey" text not null,
  "createdAt" timestamptz not null, "expiresAt" timestamptz, "alg" text, "crv" text);
create index if not exists "session_userId_idx" on "session" ("userId");
create index if not exists "account_userId_idx" on "account" ("userId");
create index if not exists "verification_identifier_idx" on "verification" ("identifier");
