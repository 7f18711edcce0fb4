package sqlutil

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Migration is one numbered SQL file.
type Migration struct {
	// Version is the NNNN number of the file name.
	Version int
	// Name is the file name without .sql.
	Name string
	// SQL is the file's content, run as one script in one transaction.
	SQL string
}

// LoadMigrations reads the files named NNNN_name.sql in dir of fsys,
// ordered by version. Duplicate versions are an error.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migrations: file %q is not named NNNN_name.sql", name)
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations: version %d appears twice", out[i].Version)
		}
	}
	return out, nil
}

// Migrate applies the migrations that schema_migrations does not list yet,
// each in its own transaction on the write pool. Inside that transaction
// it first takes the dialect's lock (PostgreSQL advisory lock; SQLite's
// write pool begins transactions IMMEDIATE, which is the lock), then
// re-checks the version, so concurrent migrators apply each file once and
// both succeed. It reports how many migrations it applied.
func (s *Store) Migrate(ctx context.Context, ms []Migration) (int, error) {
	applied := 0
	for _, m := range ms {
		done, err := s.migrateOne(ctx, m)
		if err != nil {
			return applied, s.Err(fmt.Sprintf("migration %s", m.Name), err)
		}
		if done {
			applied++
		}
	}
	return applied, nil
}

// MigrateFS loads the migrations in dir of fsys (see LoadMigrations) and
// applies the pending ones (see Migrate).
func (s *Store) MigrateFS(ctx context.Context, fsys fs.FS, dir string) error {
	ms, err := LoadMigrations(fsys, dir)
	if err != nil {
		return err
	}
	_, err = s.Migrate(ctx, ms)
	return err
}

func (s *Store) migrateOne(ctx context.Context, m Migration) (bool, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() { _ = tx.Rollback() }()
	if s.d.MigrationLock != "" {
		if _, err := tx.ExecContext(ctx, s.d.MigrationLock); err != nil {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx, s.d.MigrationsTable); err != nil {
		return false, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT count(*) FROM schema_migrations WHERE version = ?`), m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		m.Version, m.Name, s.t(time.Now())); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
