-- {{id}}, {{fk}} and {{FK}} stand for the id column types of LATCH_ID_FORMAT
-- (IDTypes in the package; filled in by sqlutil.ExpandMigrations).
-- Latch's task table. user_id is the token subject and deliberately has no
-- foreign key (subjects from an outside issuer have no user row); the
-- trigger below removes a user's tasks whenever the user row is deleted,
-- including by Better Auth itself. Times are TimeLayout strings
-- (2006-01-02T15:04:05.000Z), so text order is time order.
CREATE TABLE IF NOT EXISTS task (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id {{FK}} NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  completed INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- One index per sort key of the owner's listing: equality on user_id, then
-- the sort key, then id as tie-breaker, so ORDER BY key, id is served in
-- index order (forwards or backwards) and a keyset cursor is a seek.
CREATE INDEX IF NOT EXISTS task_user_created_idx ON task (user_id, created_at, id);
CREATE INDEX IF NOT EXISTS task_user_updated_idx ON task (user_id, updated_at, id);
CREATE INDEX IF NOT EXISTS task_user_title_idx ON task (user_id, title, id);
CREATE TRIGGER IF NOT EXISTS task_delete_with_user AFTER DELETE ON "user" FOR EACH ROW
BEGIN
  DELETE FROM task WHERE user_id = OLD."id";
END;
