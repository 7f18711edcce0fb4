package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/store/postgres"
	"github.com/latchhq/latch/internal/store/sqlite"
)

// appStore is everything the server needs from a database.
type appStore interface {
	latch.TaskStore
	latch.UserStore
	latch.SessionStore
	latch.KeyStore
	Ping(ctx context.Context) error
	Migrate(ctx context.Context) error
	Close() error
}

var (
	_ appStore = (*sqlite.DB)(nil)
	_ appStore = (*postgres.DB)(nil)
)

// openErr describes a failure to open the database; one made for another
// LATCH_ID_FORMAT is a configuration error (exit status 2).
func openErr(what string, err error) error {
	if errors.Is(err, latch.ErrIDFormat) {
		return fmt.Errorf("%w: open %s: %w", errConfig, what, err)
	}
	return fmt.Errorf("open %s: %w", what, err)
}

// openStore opens (and migrates) the database named by the configuration.
// The returned kind is "sqlite" or "postgres", for logs.
func openStore(ctx context.Context, c *Config) (appStore, string, error) {
	if c.Postgres {
		db, err := postgres.OpenFormat(ctx, c.DatabaseURL, c.IDFormat)
		if err != nil {
			// The URL may hold a password: never print it.
			return nil, "", openErr("PostgreSQL database", err)
		}
		return db, "postgres", nil
	}
	db, err := sqlite.OpenFormat(ctx, c.SQLitePath, c.IDFormat)
	if err != nil {
		return nil, "", openErr("SQLite database "+c.SQLitePath, err)
	}
	return db, "sqlite", nil
}
