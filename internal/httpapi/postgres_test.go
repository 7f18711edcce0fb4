package httpapi

import (
	"context"
	"testing"
	"time"

	"github.com/latchhq/latch/internal/pgtest"
	"github.com/latchhq/latch/internal/store/postgres"
)

// postgresEnv names the variable with the PostgreSQL test URL. When it is
// set, the backend-independent API tests also run on PostgreSQL and fail
// (not skip) if it is unreachable.
const postgresEnv = pgtest.Env

// openPostgres opens a store on a fresh schema, dropped on cleanup.
func openPostgres(tb testing.TB) taskDB {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	u := pgtest.URL(tb, "latch_httpapi_")
	db, err := postgres.Open(ctx, u)
	if err != nil {
		tb.Fatalf("postgres.Open: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}
