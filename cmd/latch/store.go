package main

import (
	"context"
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

// openStore opens (and migrates) the database named by the configuration.
// The returned kind is "sqlite" or "postgres", for logs.
func openStore(ctx context.Context, c *Config) (appStore, string, error) {
	if c.Postgres {
		db, err := postgres.Open(ctx, c.DatabaseURL)
		if err != nil {
			// The URL may hold a password: never print it.
			return nil, "", fmt.Errorf("open PostgreSQL database: %w", err)
		}
		return db, "postgres", nil
	}
	db, err := sqlite.Open(ctx, c.SQLitePath)
	if err != nil {
		return nil, "", fmt.Errorf("open SQLite database %s: %w", c.SQLitePath, err)
	}
	return db, "sqlite", nil
}
