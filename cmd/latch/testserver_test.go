package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// testServer is a real Latch server (the same wiring as `latch serve`)
// listening on a random loopback port.
type testServer struct {
	URL         string // base URL, e.g. http://127.0.0.1:41234
	Secret      string
	DataDir     string
	DBPath      string // SQLite file ("" on PostgreSQL)
	DatabaseURL string // PostgreSQL URL with search_path ("" on SQLite)
	Config      *Config
	Logs        *syncBuffer // everything the server logged
	stop        func()      // cancels serve (as SIGTERM does)
	done        chan error  // receives serve's result
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startTestServer starts Latch with rate limits off and a fresh SQLite
// database in a temp dir; env overrides any setting (set DATABASE_URL to
// the result of testPostgresURL for PostgreSQL). The server stops in
// t.Cleanup.
func startTestServer(t testing.TB, env map[string]string) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	dir := t.TempDir()
	e := map[string]string{
		"PORT":               port,
		"BETTER_AUTH_URL":    "http://127.0.0.1:" + port,
		"BETTER_AUTH_SECRET": randomHex(t, 24),
		"LATCH_DATA_DIR":     dir,
		"LATCH_RATE_LIMIT":   "false",
		"LATCH_LOG_FORMAT":   "text",
		"LATCH_LOG_LEVEL":    "warn",
	}
	for k, v := range env {
		e[k] = v
	}
	cfg, err := loadConfig(e)
	if err != nil {
		ln.Close()
		t.Fatalf("config: %v", err)
	}
	logs := &syncBuffer{}
	var logw io.Writer = logs
	if os.Getenv("LATCH_TEST_LOG") != "" {
		logw = io.MultiWriter(logs, os.Stderr)
	}
	log := newLogger(cfg, logw)
	secret, err := resolveSecret(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, secret, log, ln) }()
	ts := &testServer{URL: "http://127.0.0.1:" + port, Secret: secret, DataDir: dir, Config: cfg, Logs: logs, stop: cancel, done: done}
	if cfg.Postgres {
		ts.DatabaseURL = cfg.DatabaseURL
	} else {
		ts.DBPath = cfg.SQLitePath
	}
	t.Cleanup(func() {
		cancel()
		if ts.done == nil { // already stopped by the test
			return
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with error: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("server did not stop within 30s")
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-done:
			t.Fatalf("server exited at start: %v", err)
		default:
		}
		resp, err := http.Get(ts.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return ts
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not healthy after 20s: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

var pgOnce sync.Mutex

// testPostgresURL returns a PostgreSQL URL whose search_path is a fresh
// schema, dropped in t.Cleanup. It skips the test when LATCH_TEST_POSTGRES
// is unset and fails it when the server cannot be reached.
func testPostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("LATCH_TEST_POSTGRES")
	if base == "" {
		t.Skip("LATCH_TEST_POSTGRES not set: skipping PostgreSQL test")
	}
	pgOnce.Lock()
	defer pgOnce.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("LATCH_TEST_POSTGRES is set but PostgreSQL is unreachable: %v", err)
	}
	defer conn.Close(context.Background())
	schema := "latch_cmd_" + strings.ToLower(randomHex(t, 6))
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop schema: %v", err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
