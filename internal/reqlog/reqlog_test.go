package reqlog

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newLogged(t *testing.T, quiet bool, h http.Handler) (http.Handler, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	return Middleware(slog.New(slog.NewJSONHandler(&buf, nil)), quiet)(h), &buf
}

func TestRequestIDAndLogLine(t *testing.T) {
	var seen string
	h, logs := newLogged(t, false, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = ID(r.Context())
		Logger(r.Context()).Info("inside")
		w.WriteHeader(http.StatusTeapot)
	}))
	tests := []struct {
		name, incoming string
		keep           bool
	}{
		{name: "generated when absent", incoming: "", keep: false},
		{name: "well-formed id kept", incoming: "abc-123_X.y", keep: true},
		{name: "log injection replaced", incoming: "a\nb", keep: false},
		{name: "overlong replaced", incoming: strings.Repeat("a", 65), keep: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			req := httptest.NewRequest("GET", "/p?token=secret-value", nil)
			if tt.incoming != "" {
				req.Header[Header] = []string{tt.incoming}
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			got := rec.Header().Get(Header)
			if got == "" || got != seen {
				t.Fatalf("response id %q, handler saw %q", got, seen)
			}
			if (got == tt.incoming) != tt.keep {
				t.Errorf("id %q for incoming %q, keep=%v", got, tt.incoming, tt.keep)
			}
			if strings.Contains(logs.String(), "secret-value") {
				t.Error("query string reached the log")
			}
			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if len(lines) != 2 {
				t.Fatalf("want 2 log lines (handler + access), got %d: %s", len(lines), logs.String())
			}
			for _, l := range lines {
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatal(err)
				}
				if m["request_id"] != got {
					t.Errorf("log line without the request id: %s", l)
				}
			}
			if !strings.Contains(lines[1], `"status":418`) || !strings.Contains(lines[1], `"path":"/p"`) {
				t.Errorf("access line: %s", lines[1])
			}
		})
	}
}

func TestPanicBecomesJSON500(t *testing.T) {
	h, logs := newLogged(t, false, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["detail"] == "" || body["code"] == "" {
		t.Errorf("body %s: want detail and code", rec.Body.String())
	}
	if !strings.Contains(logs.String(), "panic serving request") {
		t.Errorf("panic not logged: %s", logs.String())
	}
}

func TestQuietSkipsSuccessOnly(t *testing.T) {
	status := http.StatusOK
	h, logs := newLogged(t, true, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if logs.Len() != 0 {
		t.Errorf("quiet mode logged a 200: %s", logs.String())
	}
	status = http.StatusNotFound
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if !strings.Contains(logs.String(), `"status":404`) {
		t.Errorf("quiet mode did not log a 404: %s", logs.String())
	}
}

func TestOutsideRequest(t *testing.T) {
	ctx := t.Context()
	if ID(ctx) != "" || Logger(ctx) != slog.Default() {
		t.Error("outside a request: want empty id and the default logger")
	}
}

// TestNewIDUnique: generated ids are valid, 20 hex digits, and distinct.
func TestNewIDUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		id := newID()
		if len(id) != 20 || !validID(id) || seen[id] {
			t.Fatalf("newID() = %q (seen before: %v)", id, seen[id])
		}
		seen[id] = true
	}
}

// TestRequestLoggerLazy: a handler that logs gets a logger carrying the
// request id; one that does not costs no logger at all.
func TestRequestLoggerLazy(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(slog.NewJSONHandler(&buf, nil))
	h := Middleware(base, true)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/log" {
			Logger(r.Context()).Info("inside")
		}
	}))
	for _, p := range []string{"/quiet", "/log"} {
		req := httptest.NewRequest("GET", p, nil)
		req.Header.Set(Header, "req-"+p[1:])
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	if got := buf.String(); !strings.Contains(got, `"msg":"inside","request_id":"req-log"`) || strings.Contains(got, "req-quiet") {
		t.Errorf("log = %s", got)
	}
}

// TestLogPathRedacts: a reset token in the path and an over-long path never
// reach the log.
func TestLogPathRedacts(t *testing.T) {
	var buf bytes.Buffer
	h := Middleware(slog.New(slog.NewJSONHandler(&buf, nil)), false)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for _, p := range []string{"/api/auth/reset-password/EdTtUeCIFOP0cGSraJixP2aA", "/" + strings.Repeat("a", 5000)} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	got := buf.String()
	if strings.Contains(got, "EdTtUeCIFOP0cGSraJixP2aA") || !strings.Contains(got, `"/api/auth/reset-password/{token}"`) {
		t.Errorf("reset token logged: %s", got)
	}
	if strings.Contains(got, strings.Repeat("a", maxLoggedPath+1)) {
		t.Error("an over-long path was logged whole")
	}
	if LogPath("/api/auth/reset-password/") != "/api/auth/reset-password/" || LogPath("/api/1/tasks") != "/api/1/tasks" {
		t.Error("LogPath changed a path without a credential")
	}
}
