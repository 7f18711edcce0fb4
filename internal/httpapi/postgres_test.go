package httpapi

import (
	"context"
	"crypto/rand"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/latchhq/latch/internal/store/postgres"
)

// postgresEnv names the variable with the PostgreSQL test URL. When it is
// set, the backend-independent API tests also run on PostgreSQL and fail
// (not skip) if it is unreachable.
const postgresEnv = "LATCH_TEST_POSTGRES"

// openPostgres opens a store on a fresh schema, dropped on cleanup.
func openPostgres(tb testing.TB) taskDB {
	tb.Helper()
	base := postgres.NormalizeURL(getenv(postgresEnv))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	adm, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("PostgreSQL at $%s is unreachable: %v", postgresEnv, err)
	}
	name := "latch_httpapi_" + strings.ToLower(rand.Text()[:10])
	if _, err := adm.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if _, err := adm.Exec(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			tb.Errorf("drop schema: %v", err)
		}
		_ = adm.Close(ctx)
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("$%s: invalid URL", postgresEnv)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	db, err := postgres.Open(ctx, u.String())
	if err != nil {
		tb.Fatalf("postgres.Open: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}
