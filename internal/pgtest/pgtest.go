// Package pgtest gives a test a PostgreSQL database of its own: a fresh
// schema on the server named by LATCH_TEST_POSTGRES, dropped in t.Cleanup.
// Tests that use it skip when the variable is unset and fail (not skip)
// when it is set but the server cannot be reached, so CI, which sets it,
// cannot pass without PostgreSQL. Only _test.go files import this package.
package pgtest

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env names the variable holding the server's URL, for example
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const Env = "LATCH_TEST_POSTGRES"

// URL creates a schema whose name starts with prefix and returns the
// server URL with search_path set to it.
func URL(tb testing.TB, prefix string) string {
	tb.Helper()
	base := os.Getenv(Env)
	if base == "" {
		tb.Skipf("%s not set: skipping PostgreSQL test", Env)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s is not a URL", Env)
	}
	if u.Scheme == "postgresql" {
		u.Scheme = "postgres"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		tb.Fatalf("%s is set but PostgreSQL is unreachable: %v", Env, err)
	}
	defer conn.Close(context.Background())
	schema := prefix + strings.ToLower(rand.Text()[:12])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, u.String())
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
