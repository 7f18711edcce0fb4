package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/reqlog"
	"github.com/latchhq/latch/internal/store/sqlite"
	"github.com/latchhq/latch/internal/testutil"
	"github.com/latchhq/latch/token"
)

var testSecret = []byte("httpapi-test-secret-0123456789abcdef")

// testEnv is a Handler over a real SQLite store, wrapped like cmd/latch
// wraps it (reqlog.Middleware), with a signer for test tokens.
type testEnv struct {
	t      testing.TB
	h      http.Handler
	db     taskDB
	signer *token.HS256
	logs   *syncBuffer
	// clock stamps task times; it stands still until advanced.
	clock *testutil.Clock
}

// syncBuffer captures what the server logs.
type syncBuffer = testutil.SyncBuffer

// taskDB is a store the tests can also close.
type taskDB interface {
	latch.TaskStore
	Close() error
}

// openSQLite opens a fresh SQLite store in a temp dir.
func openSQLite(tb testing.TB) taskDB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "t.db"))
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// eachBackend runs fn on a fresh environment over SQLite and, when
// LATCH_TEST_POSTGRES is set, over PostgreSQL too (on its own schema).
func eachBackend(t *testing.T, fn func(t *testing.T, e *testEnv)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newEnvOn(t, openSQLite)) })
	if os.Getenv(postgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, newEnvOn(t, openPostgres)) })
	}
}

// newEnv returns an environment over SQLite.
func newEnv(tb testing.TB, configure ...func(*Server)) *testEnv {
	tb.Helper()
	return newEnvOn(tb, openSQLite, configure...)
}

func newEnvOn(tb testing.TB, open func(testing.TB) taskDB, configure ...func(*Server)) *testEnv {
	tb.Helper()
	db := open(tb)
	signer, err := token.NewHS256([][]byte{testSecret})
	if err != nil {
		tb.Fatalf("token.NewHS256: %v", err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	clock := testutil.NewClock(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	s := &Server{Tasks: db, Verifier: signer, Logger: logger, Now: clock.Now}
	for _, c := range configure {
		c(s)
	}
	return &testEnv{t: tb, h: reqlog.Middleware(logger, true)(s.Handler()), db: db, signer: signer, logs: logs, clock: clock}
}

// token returns a valid bearer token for sub.
func (e *testEnv) token(sub string) string {
	e.t.Helper()
	tok, err := e.signer.Sign(token.Claims{Subject: sub, Email: sub + "@example.com"})
	if err != nil {
		e.t.Fatalf("Sign: %v", err)
	}
	return tok
}

// response is a recorded answer.
type response struct {
	Code   int
	Header http.Header
	Body   []byte
}

// req describes a request; Body is sent as is with Content-Type
// application/json unless ContentType is set ("-" sends none).
type req struct {
	Method      string
	Path        string
	Token       string
	Body        string
	ContentType string
}

// do serves r; it never fails the test itself (so fuzz targets may use it).
func (e *testEnv) do(r req) response {
	var body io.Reader
	if r.Body != "" {
		body = strings.NewReader(r.Body)
	}
	hr := httptest.NewRequest(r.Method, r.Path, body)
	if r.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.Token)
	}
	switch {
	case r.ContentType == "-":
	case r.ContentType != "":
		hr.Header.Set("Content-Type", r.ContentType)
	case r.Body != "":
		hr.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, hr)
	return response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// decode unmarshals the body into v, failing the test otherwise.
func (r response) decode(tb testing.TB, v any) {
	tb.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		tb.Fatalf("Content-Type = %q, want application/json (status %d, body %s)", ct, r.Code, r.Body)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("body %q: %v", r.Body, err)
	}
}

// errBody decodes an error answer and checks it has a detail.
func (r response) errBody(tb testing.TB) Error {
	tb.Helper()
	var e Error
	r.decode(tb, &e)
	if strings.TrimSpace(e.Detail) == "" {
		tb.Fatalf("error answer %d without detail: %s", r.Code, r.Body)
	}
	return e
}

// mustStatus fails unless the answer has status code.
func (r response) mustStatus(tb testing.TB, code int) response {
	tb.Helper()
	if r.Code != code {
		tb.Fatalf("status %d, want %d; body %s", r.Code, code, r.Body)
	}
	return r
}

// createTask creates a task for sub and returns it.
func (e *testEnv) createTask(sub, title string) Task {
	e.t.Helper()
	b, _ := json.Marshal(map[string]string{"title": title, "description": "about " + title})
	var task Task
	e.do(req{Method: "POST", Path: "/api/" + sub + "/tasks", Token: e.token(sub), Body: string(b)}).
		mustStatus(e.t, http.StatusCreated).decode(e.t, &task)
	return task
}
