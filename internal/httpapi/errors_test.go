package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch/internal/ratelimit"
	"github.com/latchhq/latch/internal/tasks"
	"github.com/latchhq/latch/token"
)

func TestErrorStatuses(t *testing.T) { eachBackend(t, testErrorStatuses) }

func testErrorStatuses(t *testing.T, e *testEnv) {
	tok := e.token("alice")
	task := e.createTask("alice", "mine")
	taskPath := fmt.Sprintf("/api/alice/tasks/%d", task.ID)
	expired, err := e.signer.Sign(token.Claims{Subject: "alice", IssuedAt: time.Now().Add(-2 * time.Hour), ExpiresAt: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := token.NewHS256([][]byte{[]byte("another-secret-0123456789abcdefghijkl")})
	forged, _ := other.Sign(token.Claims{Subject: "alice"})

	tests := []struct {
		name       string
		r          req
		want       int
		wantDetail string   // substring of detail
		wantFields []string // for 422: location.field of each error
		wantHeader [2]string
	}{
		// 401 (answered by tokenhttp.Require).
		{name: "no token", r: req{Method: "GET", Path: "/api/alice/tasks"}, want: 401, wantHeader: [2]string{"WWW-Authenticate", "Bearer"}},
		{name: "garbage token", r: req{Method: "GET", Path: "/api/alice/tasks", Token: "not.a.jwt"}, want: 401},
		{name: "expired token", r: req{Method: "POST", Path: "/api/alice/tasks", Token: expired, Body: `{"title":"x"}`}, want: 401},
		{name: "wrong secret", r: req{Method: "DELETE", Path: taskPath, Token: forged}, want: 401},
		// 403.
		{name: "other user's path", r: req{Method: "GET", Path: "/api/bob/tasks", Token: tok}, want: 403, wantDetail: "another user"},
		{name: "403 before body checks", r: req{Method: "POST", Path: "/api/bob/tasks", Token: tok, Body: "{", ContentType: "text/plain"}, want: 403},
		// 404.
		{name: "absent task", r: req{Method: "GET", Path: "/api/alice/tasks/999999", Token: tok}, want: 404, wantDetail: "Task not found"},
		{name: "zero id", r: req{Method: "PATCH", Path: "/api/alice/tasks/0/complete", Token: tok}, want: 404},
		{name: "negative id", r: req{Method: "DELETE", Path: "/api/alice/tasks/-5", Token: tok}, want: 404},
		{name: "unknown api path", r: req{Method: "GET", Path: "/api/alice/notes", Token: tok}, want: 404, wantDetail: "Not Found"},
		{name: "unknown deep path", r: req{Method: "GET", Path: "/api/alice/tasks/1/x/y"}, want: 404},
		{name: "segment after complete", r: req{Method: "PATCH", Path: "/api/alice/tasks/1/complete/x", Token: tok}, want: 404},
		{name: "trailing slash, wrong method", r: req{Method: "PATCH", Path: "/api/alice/tasks/", Token: tok}, want: 405},
		// 422: parameters.
		{name: "id not integer", r: req{Method: "GET", Path: "/api/alice/tasks/abc", Token: tok}, want: 422, wantFields: []string{"path.id"}},
		{name: "id overflow", r: req{Method: "PUT", Path: "/api/alice/tasks/99999999999999999999", Token: tok, Body: `{"title":"x"}`}, want: 422, wantFields: []string{"path.id"}},
		{name: "bad list params", r: req{Method: "GET", Path: "/api/alice/tasks?status=done&sort=id&order=up&limit=500&offset=-1", Token: tok}, want: 422,
			wantFields: []string{"query.status", "query.sort", "query.order", "query.limit", "query.offset"}},
		{name: "tampered cursor", r: req{Method: "GET", Path: "/api/alice/tasks?cursor=eyJ2IjoxLCJpZCI6LTF9", Token: tok}, want: 422, wantFields: []string{"query.cursor"}},
		{name: "cursor garbage", r: req{Method: "GET", Path: "/api/alice/tasks?cursor=%FF%00", Token: tok}, want: 422, wantFields: []string{"query.cursor"}},
		// 422: bodies.
		{name: "title missing", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"description":"x"}`}, want: 422, wantFields: []string{"body.title"}, wantDetail: "title"},
		{name: "title blank", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":"   "}`}, want: 422, wantFields: []string{"body.title"}},
		{name: "title too long", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":"` + strings.Repeat("é", 201) + `"}`}, want: 422, wantFields: []string{"body.title"}},
		{name: "title NUL", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":"a\u0000b"}`}, want: 422, wantFields: []string{"body.title"}},
		{name: "title null", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":null}`}, want: 422, wantFields: []string{"body.title"}},
		{name: "wrong types", r: req{Method: "PUT", Path: taskPath, Token: tok, Body: `{"title":5,"description":[],"completed":"yes"}`}, want: 422,
			wantFields: []string{"body.title", "body.description", "body.completed"}},
		{name: "type and rule errors together", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":5,"description":"a\u0000"}`}, want: 422,
			wantFields: []string{"body.title", "body.description"}},
		{name: "description too long", r: req{Method: "PUT", Path: taskPath, Token: tok, Body: `{"title":"x","description":"` + strings.Repeat("x", 1001) + `"}`}, want: 422, wantFields: []string{"body.description"}},
		{name: "body is an array", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `[{"title":"x"}]`}, want: 422, wantFields: []string{"body."}},
		{name: "body is null", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `null`}, want: 422, wantFields: []string{"body."}},
		{name: "body empty", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, ContentType: "application/json"}, want: 422, wantFields: []string{"body."}},
		// 400.
		{name: "malformed JSON", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":`}, want: 400, wantDetail: "Malformed JSON"},
		{name: "JSON syntax error", r: req{Method: "PUT", Path: taskPath, Token: tok, Body: `{"title" "x"}`}, want: 400},
		{name: "trailing data", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":"x"} {}`}, want: 400},
		{name: "invalid UTF-8", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: "{\"title\":\"a\xffb\"}"}, want: 400},
		{name: "malformed query", r: req{Method: "GET", Path: "/api/alice/tasks?limit=%zz", Token: tok}, want: 400},
		// 415.
		{name: "text/plain", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":"x"}`, ContentType: "text/plain"}, want: 415, wantDetail: "application/json"},
		{name: "form", r: req{Method: "PUT", Path: taskPath, Token: tok, Body: `title=x`, ContentType: "application/x-www-form-urlencoded"}, want: 415},
		{name: "bad media type", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":"x"}`, ContentType: "application/json; ;="}, want: 415},
		// 413.
		{name: "body over 64 KiB", r: req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":"x","pad":"` + strings.Repeat("a", 64<<10) + `"}`}, want: 413, wantDetail: "64 KiB"},
		// 405.
		{name: "DELETE on collection", r: req{Method: "DELETE", Path: "/api/alice/tasks", Token: tok}, want: 405, wantDetail: "Method Not Allowed", wantHeader: [2]string{"Allow", "GET, HEAD, POST"}},
		{name: "POST on task", r: req{Method: "POST", Path: taskPath}, want: 405, wantHeader: [2]string{"Allow", "GET, HEAD, PUT, DELETE"}},
		{name: "GET on complete", r: req{Method: "GET", Path: taskPath + "/complete", Token: tok}, want: 405, wantHeader: [2]string{"Allow", "PATCH"}},
		{name: "POST on openapi", r: req{Method: "POST", Path: "/openapi.json"}, want: 405, wantHeader: [2]string{"Allow", "GET, HEAD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(tt.r).mustStatus(t, tt.want)
			body := res.errBody(t)
			if tt.wantDetail != "" && !strings.Contains(body.Detail, tt.wantDetail) {
				t.Errorf("detail %q does not contain %q", body.Detail, tt.wantDetail)
			}
			if tt.wantHeader[0] != "" && res.Header.Get(tt.wantHeader[0]) != tt.wantHeader[1] && !strings.HasPrefix(res.Header.Get(tt.wantHeader[0]), tt.wantHeader[1]) {
				t.Errorf("%s = %q, want %q", tt.wantHeader[0], res.Header.Get(tt.wantHeader[0]), tt.wantHeader[1])
			}
			if tt.want == 422 {
				var got []string
				for _, f := range body.Errors {
					if f.Message == "" {
						t.Errorf("field error without message: %+v", f)
					}
					got = append(got, f.Location+"."+f.Field)
				}
				if strings.Join(got, ",") != strings.Join(tt.wantFields, ",") {
					t.Errorf("errors %v, want %v", got, tt.wantFields)
				}
			} else if len(body.Errors) != 0 {
				t.Errorf("unexpected field errors %+v", body.Errors)
			}
			if strings.HasPrefix(tt.r.Path, "/api/") && res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", res.Header.Get("Cache-Control"))
			}
		})
	}

	// Nothing above changed the task.
	var after Task
	e.do(req{Method: "GET", Path: taskPath, Token: tok}).mustStatus(t, 200).decode(t, &after)
	if !sameTask(after, task) {
		t.Fatalf("task changed: %+v, was %+v", after, task)
	}
}

// TestUnstorableSubjects: a verified subject that no store could hold as
// an owner (NUL, which PostgreSQL refuses; longer than PostgreSQL can
// index) and a cursor whose title holds NUL are 422 answers, never 500.
func TestUnstorableSubjects(t *testing.T) { eachBackend(t, testUnstorableSubjects) }

func testUnstorableSubjects(t *testing.T, e *testEnv) {
	long := strings.Repeat("s", tasks.MaxUserIDLen+1)
	for _, sub := range []string{"a\x00b", long} {
		tok := e.token(sub)
		base := "/api/" + url.PathEscape(sub) + "/tasks"
		for _, r := range []req{
			{Method: "POST", Path: base, Token: tok, Body: `{"title":"x"}`},
			{Method: "GET", Path: base, Token: tok},
			{Method: "GET", Path: base + "/1", Token: tok},
			{Method: "PUT", Path: base + "/1", Token: tok, Body: `{"title":"x"}`},
			{Method: "PATCH", Path: base + "/1/complete", Token: tok},
			{Method: "DELETE", Path: base + "/1", Token: tok},
		} {
			res := e.do(r).mustStatus(t, http.StatusUnprocessableEntity)
			if b := res.errBody(t); len(b.Errors) != 1 || b.Errors[0].Location != "path" || b.Errors[0].Field != "user_id" {
				t.Errorf("%s %.40q: errors %+v, want path.user_id", r.Method, sub, b.Errors)
			}
		}
	}
	// The longest accepted subject, with the longest title in 4-byte
	// characters, both incompressible, can own and list tasks.
	sub := randomText(tasks.MaxUserIDLen)
	var title strings.Builder
	for range 200 {
		title.WriteRune(rune(0x10000 + mrand.IntN(0xFFFF)))
	}
	created := e.createTask(sub, title.String())
	if created.UserID != sub {
		t.Fatalf("owner %q", created.UserID)
	}
	e.do(req{Method: "GET", Path: "/api/" + sub + "/tasks?sort=title", Token: e.token(sub)}).mustStatus(t, http.StatusOK)

	tok := e.token("alice")
	e.createTask("alice", "x")
	nul := base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"st":"all","s":"title","o":"asc","ti":"a\u0000","id":1}`))
	res := e.do(req{Method: "GET", Path: "/api/alice/tasks?cursor=" + nul, Token: tok}).mustStatus(t, http.StatusUnprocessableEntity)
	if b := res.errBody(t); len(b.Errors) != 1 || b.Errors[0].Field != "cursor" {
		t.Errorf("errors %+v, want query.cursor", b.Errors)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(s *Server) {
		s.Limiter = ratelimit.New()
		s.TaskRateLimit = 3
	})
	alice, bob := e.token("alice"), e.token("bob")
	for i := 0; i < 3; i++ {
		e.do(req{Method: "GET", Path: "/api/alice/tasks", Token: alice}).mustStatus(t, http.StatusOK)
	}
	res := e.do(req{Method: "POST", Path: "/api/alice/tasks", Token: alice, Body: `{"title":"x"}`}).mustStatus(t, http.StatusTooManyRequests)
	if !strings.Contains(res.errBody(t).Detail, "retry") {
		t.Errorf("detail %q", res.Body)
	}
	if ra := res.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q", ra)
	}
	// Other users have their own budget.
	e.do(req{Method: "GET", Path: "/api/bob/tasks", Token: bob}).mustStatus(t, http.StatusOK)
	// Unauthenticated requests are refused before they count.
	e.do(req{Method: "GET", Path: "/api/bob/tasks"}).mustStatus(t, http.StatusUnauthorized)
}

func TestZeroRateLimitMeansNoLimit(t *testing.T) {
	e := newEnv(t, func(s *Server) { s.Limiter = ratelimit.New() })
	tok := e.token("alice")
	for i := 0; i < 20; i++ {
		e.do(req{Method: "GET", Path: "/api/alice/tasks", Token: tok}).mustStatus(t, http.StatusOK)
	}
}

func TestStoreFailureIs500AndLogged(t *testing.T) { eachBackend(t, testStoreFailureIs500AndLogged) }

func testStoreFailureIs500AndLogged(t *testing.T, e *testEnv) {
	tok := e.token("alice")
	task := e.createTask("alice", "x")
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, r := range []req{
		{Method: "GET", Path: "/api/alice/tasks", Token: tok},
		{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":"x"}`},
		{Method: "GET", Path: fmt.Sprintf("/api/alice/tasks/%d", task.ID), Token: tok},
	} {
		res := e.do(r).mustStatus(t, http.StatusInternalServerError)
		if d := res.errBody(t).Detail; d != "Internal server error" {
			t.Errorf("detail %q leaks more than a generic message", d)
		}
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "task API request failed") || !strings.Contains(logs, "closed") || !strings.Contains(logs, "request_id") {
		t.Fatalf("error not logged with the request logger:\n%s", logs)
	}
	if strings.Contains(logs, tok) {
		t.Fatal("token written to the log")
	}
}

// TestCanceledContext: a client that went away is recorded as 499, not as
// a server error; a deadline is a 503 with Retry-After.
func TestCanceledContext(t *testing.T) {
	status, body, _, internal := errorResponse(fmt.Errorf("list: %w", context.Canceled))
	if status != StatusClientClosedRequest || body.Detail == "" || internal {
		t.Fatalf("canceled: got %d %+v internal=%v", status, body, internal)
	}
	status, _, hdr, internal := errorResponse(fmt.Errorf("list: %w", context.DeadlineExceeded))
	if status != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" || internal {
		t.Fatalf("deadline: got %d %v internal=%v", status, hdr, internal)
	}
}

// randomText returns n random base32 characters.
func randomText(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(rand.Text())
	}
	return b.String()[:n]
}
