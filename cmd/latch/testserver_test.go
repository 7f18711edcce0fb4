package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/latchhq/latch/internal/pgtest"
	"github.com/latchhq/latch/internal/testutil"
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

// syncBuffer captures what the server logs.
type syncBuffer = testutil.SyncBuffer

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

// testPostgresURL returns a PostgreSQL URL whose search_path is a fresh
// schema, dropped in t.Cleanup (see package pgtest: skipped without
// LATCH_TEST_POSTGRES, failed when it is set but unreachable).
func testPostgresURL(t testing.TB) string {
	t.Helper()
	return pgtest.URL(t, "latch_cmd_")
}
