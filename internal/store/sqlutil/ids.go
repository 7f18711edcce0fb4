package sqlutil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/latchhq/latch"
)

// IDTypes are the column types of one latch.IDFormat in one dialect, as
// Better Auth's migrator writes them: PK replaces {{id}} in the migrations
// (the definition of the id columns: type, default, "not null primary
// key"), FK replaces {{fk}} (the userId columns and Latch's task.user_id;
// {{FK}} is the same in upper case).
type IDTypes struct {
	PK, FK string
}

// ExpandMigrations returns ms with the id placeholders replaced by t.
func ExpandMigrations(ms []Migration, t IDTypes) []Migration {
	r := strings.NewReplacer("{{id}}", t.PK, "{{fk}}", t.FK, "{{FK}}", strings.ToUpper(t.FK))
	out := make([]Migration, len(ms))
	for i, m := range ms {
		m.SQL = r.Replace(m.SQL)
		out[i] = m
	}
	return out
}

// MigrateIDs loads the migrations in dir of fsys, fills in the id column
// types of the store's format (types maps each format to its IDTypes) and
// applies the pending ones. Before anything is created it checks that an
// existing schema has the store's id format (see CheckIDFormat).
func (s *Store) MigrateIDs(ctx context.Context, fsys fs.FS, dir string, types func(latch.IDFormat) IDTypes) error {
	if err := s.CheckIDFormat(ctx); err != nil {
		return err
	}
	ms, err := LoadMigrations(fsys, dir)
	if err != nil {
		return err
	}
	_, err = s.Migrate(ctx, ExpandMigrations(ms, types(s.ids())))
	return err
}

func (s *Store) ids() latch.IDFormat {
	if s.IDs == "" {
		return latch.IDRandom
	}
	return s.IDs
}

// idArg converts a user, session or account id for binding: an int64 for
// serial ids, the string otherwise. ok is false when id cannot be an id of
// the store's format; callers then answer without asking the database
// (PostgreSQL would refuse to compare "abc" with an integer or uuid column).
func (s *Store) idArg(id string) (arg any, ok bool) {
	f := s.ids()
	if !f.Valid(id) {
		return nil, false
	}
	if f == latch.IDSerial {
		n, _ := strconv.ParseInt(id, 10, 64)
		return n, true
	}
	return id, true
}

// ownerArg converts a task owner (a token subject) for binding. A subject
// that is not an id of the store's format cannot own tasks: that is a
// validation error on the path's user_id, never a database error.
func (s *Store) ownerArg(userID string) (any, error) {
	arg, ok := s.idArg(userID)
	if !ok {
		v := &latch.ValidationError{}
		v.Add("path", "user_id", fmt.Sprintf("must be %s: this server's user ids are %s ids (LATCH_ID_FORMAT)",
			s.ids().Describe(), s.ids()))
		return nil, v
	}
	return arg, nil
}

// newIDArg is idArg for the id of a row being inserted: assign reports
// that the id is empty and the database assigns it (serial ids only).
func (s *Store) newIDArg(id string) (arg any, assign bool, err error) {
	if id == "" && s.ids() == latch.IDSerial {
		return nil, true, nil
	}
	arg, ok := s.idArg(id)
	if !ok {
		return nil, false, fmt.Errorf("%w: id %q is not %s", latch.ErrInvalid, id, s.ids().Describe())
	}
	return arg, false, nil
}

// insertRow inserts one row of table with the quoted columns cols and
// values args, plus its "id": given when *id is set, assigned by the
// database (and stored into *id) when newIDArg says so.
func (s *Store) insertRow(ctx context.Context, q querier, table string, cols []string, args []any, id *string) error {
	arg, assign, err := s.newIDArg(*id)
	if err != nil {
		return err
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	db, pooled := q.(*sql.DB) // outside a transaction: through the statement cache
	if assign {
		query := s.q(`INSERT INTO "` + table + `" (` + strings.Join(cols, ", ") + `) VALUES (` + marks + `) RETURNING "id"`)
		if pooled {
			return s.queryRow(ctx, db, query, args...).Scan(id)
		}
		return q.QueryRowContext(ctx, query, args...).Scan(id)
	}
	query := s.q(`INSERT INTO "` + table + `" ("id", ` + strings.Join(cols, ", ") + `) VALUES (?, ` + marks + `)`)
	args = append([]any{arg}, args...)
	if pooled {
		_, err = s.exec(ctx, db, query, args...)
	} else {
		_, err = q.ExecContext(ctx, query, args...)
	}
	return err
}

// CheckIDFormat compares the id columns of an existing schema with the
// store's format and returns an error wrapping latch.ErrIDFormat when they
// differ: "user"."id" must have the format's type (integer for serial, uuid
// for uuid on PostgreSQL, text otherwise), task.user_id likewise, and when
// "user"."id" is text the newest user's id must have the format's shape
// (a UUID for uuid, anything else for random), which tells a Better Auth
// database made with generateId: "uuid" on SQLite from a default one. A
// database without these tables passes.
func (s *Store) CheckIDFormat(ctx context.Context) error {
	want := s.ids()
	for _, c := range []struct{ table, col string }{{"user", "id"}, {"task", "user_id"}} {
		typ, err := s.columnType(ctx, c.table, c.col)
		if err != nil {
			return s.Err("check id format", err)
		}
		if typ == "" {
			continue
		}
		have, why := formatOfType(typ), fmt.Sprintf("column %s.%s is %s", c.table, c.col, typ)
		if have == latch.IDRandom && !s.d.NativeUUID {
			// A text column holds random ids and UUIDs alike: the newest
			// user's id tells them apart.
			shape, err := s.newestUserFormat(ctx)
			if err != nil {
				return s.Err("check id format", err)
			}
			if shape == "" && want != latch.IDSerial {
				continue
			}
			if shape != "" {
				have, why = shape, why+" and holds "+string(shape)+" ids"
			}
		}
		if have != want {
			return fmt.Errorf("%w: the database was created with LATCH_ID_FORMAT=%s (%s), but LATCH_ID_FORMAT=%s: "+
				"set LATCH_ID_FORMAT=%s (a database's id format cannot change once it exists) or use a new database",
				latch.ErrIDFormat, have, why, want, have)
		}
	}
	return nil
}

// newestUserFormat returns the format of the newest user's id (IDUUID or
// IDRandom), or "" when there are no users.
func (s *Store) newestUserFormat(ctx context.Context) (latch.IDFormat, error) {
	var id string
	err := s.w.QueryRowContext(ctx, `SELECT "id" FROM "user" ORDER BY "createdAt" DESC LIMIT 1`).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case err != nil:
		return "", err
	case latch.IDUUID.Valid(id):
		return latch.IDUUID, nil
	}
	return latch.IDRandom, nil
}

// columnType returns the declared type of table.col in lower case, or ""
// when the table or column does not exist.
func (s *Store) columnType(ctx context.Context, table, col string) (string, error) {
	var typ string
	err := s.w.QueryRowContext(ctx, s.q(s.d.ColumnType), table, col).Scan(&typ)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return strings.ToLower(strings.TrimSpace(typ)), err
}

// formatOfType maps a declared id column type to the format that makes it.
func formatOfType(typ string) latch.IDFormat {
	switch {
	case strings.Contains(typ, "int"):
		return latch.IDSerial
	case typ == "uuid":
		return latch.IDUUID
	}
	return latch.IDRandom
}
