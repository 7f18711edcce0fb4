package httpapi

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// The original Next.js + FastAPI design makes its tokens as
// {"sub": 42, "email": ..., "iat": ..., "exp": ...} (an integer subject, no
// iss, no aud) and calls its routes with a trailing slash
// (/api/{user_id}/tasks/). These tests drive the task API that way.

// designToken signs the design's payload by hand, so that the JSON is
// exactly what PyJWT writes for create_access_token(user_id=42, ...).
func designToken(tb testing.TB, secret []byte, sub int64, email string) string {
	tb.Helper()
	now := time.Now().Unix()
	enc := base64.RawURLEncoding.EncodeToString
	header := enc([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload := enc(fmt.Appendf(nil, `{"sub": %d, "email": %q, "iat": %d, "exp": %d}`, sub, email, now, now+7*24*3600))
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(header + "." + payload))
	return header + "." + payload + "." + enc(mac.Sum(nil))
}

func TestDesignTokensOnEveryRoute(t *testing.T) { eachBackend(t, testDesignTokensOnEveryRoute) }

func testDesignTokensOnEveryRoute(t *testing.T, e *testEnv) {
	tok := designToken(t, testSecret, 42, "user@example.com")
	for _, slash := range []string{"", "/"} {
		t.Run("slash="+strconv.Quote(slash), func(t *testing.T) {
			base := "/api/42/tasks"
			// Every answer is the route's own: no 3xx, whatever the method.
			do := func(method, path, body string, want int) response {
				t.Helper()
				return e.do(req{Method: method, Path: path + slash, Token: tok, Body: body}).mustStatus(t, want)
			}
			var task Task
			res := do("POST", base, `{"title":"Design task","description":"from FastAPI"}`, http.StatusCreated)
			res.decode(t, &task)
			if task.UserID != "42" || task.Title != "Design task" {
				t.Fatalf("created %+v", task)
			}
			one := fmt.Sprintf("%s/%d", base, task.ID)
			if res.Header.Get("Location") != one {
				t.Errorf("Location %q, want %q", res.Header.Get("Location"), one)
			}
			var list []Task
			do("GET", base, "", http.StatusOK).decode(t, &list)
			if !slices.ContainsFunc(list, func(x Task) bool { return x.ID == task.ID }) {
				t.Fatalf("list %+v lacks task %d", list, task.ID)
			}
			do("GET", one, "", http.StatusOK).decode(t, &task)
			do("PUT", one, `{"title":"Renamed","description":"","completed":false}`, http.StatusOK).decode(t, &task)
			do("PATCH", one+"/complete", "", http.StatusOK).decode(t, &task)
			if task.Title != "Renamed" || !task.Completed {
				t.Fatalf("after PUT and PATCH: %+v", task)
			}
			do("DELETE", one, "", http.StatusNoContent)
			do("GET", one, "", http.StatusNotFound)
			// The design's user isolation: another user's path is a 403.
			do("GET", "/api/43/tasks", "", http.StatusForbidden).errBody(t)
			do("POST", "/api/43/tasks", `{"title":"x"}`, http.StatusForbidden).errBody(t)
			// HEAD and the 405 of a known path answer on both forms too.
			do("HEAD", base, "", http.StatusOK)
			if res := do("PATCH", base, "", http.StatusMethodNotAllowed); res.Header.Get("Allow") != "GET, HEAD, POST" {
				t.Errorf("Allow %q", res.Header.Get("Allow"))
			}
		})
	}
}

func TestListLinkPaging(t *testing.T) { eachBackend(t, testListLinkPaging) }

// testListLinkPaging follows every next link through 1,000 tasks and sees
// each matching task once, in order, under several listings.
func testListLinkPaging(t *testing.T, e *testEnv) {
	const n = 1000
	ctx := context.Background()
	var all []latch.Task
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range n {
		tk := &latch.Task{UserID: "pager", Title: fmt.Sprintf("task %03d", (i*7919)%n)} // titles in another order than ids
		at := start.Add(time.Duration(i/3) * time.Millisecond)                          // three tasks share each millisecond
		if err := e.db.CreateTask(ctx, tk, at); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := e.db.ToggleTask(ctx, "pager", tk.ID, at); err != nil {
				t.Fatal(err)
			}
			tk.Completed = true
		}
		all = append(all, *tk)
	}
	e.createTask("other", "not the pager's")
	tok := e.token("pager")

	byCreatedDesc := func(a, b latch.Task) int {
		return -cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	}
	byTitle := func(a, b latch.Task) int { return cmp.Or(strings.Compare(a.Title, b.Title), cmp.Compare(a.ID, b.ID)) }
	tests := []struct {
		name, path string
		keep       func(latch.Task) bool
		order      func(a, b latch.Task) int
		pageSize   int
		withTotal  bool
	}{
		{name: "default", path: "/api/pager/tasks", order: byCreatedDesc, pageSize: latch.DefaultPageSize},
		{name: "trailing slash, largest pages, total", path: "/api/pager/tasks/?limit=200&total=true", order: byCreatedDesc, pageSize: 200, withTotal: true},
		{name: "pending by title", path: "/api/pager/tasks/?status=pending&sort=title&limit=33",
			keep: func(t latch.Task) bool { return !t.Completed }, order: byTitle, pageSize: 33},
		{name: "from an offset", path: "/api/pager/tasks?sort=title&offset=990&limit=3", order: byTitle, pageSize: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want []int64
			sorted := slices.Clone(all)
			slices.SortFunc(sorted, tc.order)
			for _, tk := range sorted {
				if tc.keep == nil || tc.keep(tk) {
					want = append(want, tk.ID)
				}
			}
			if strings.Contains(tc.path, "offset=990") {
				want = want[990:]
			}
			var got []int64
			seen := map[int64]bool{}
			next := tc.path
			for pages := 0; next != ""; pages++ {
				if pages > n {
					t.Fatal("paging does not end")
				}
				var l []Task
				var res response
				l, next, res = e.list(t, next, tok)
				if total, ok := res.Header["X-Total-Count"]; ok != tc.withTotal || ok && total[0] != strconv.Itoa(n) {
					t.Fatalf("page %d: X-Total-Count %q, want %v (%d)", pages, total, tc.withTotal, n)
				}
				if len(l) > tc.pageSize || next != "" && len(l) != tc.pageSize {
					t.Fatalf("page %d: %d tasks, page size %d, next %q", pages, len(l), tc.pageSize, next)
				}
				if next != "" {
					u, err := url.Parse(next)
					if err != nil || u.Path != strings.Split(tc.path, "?")[0] || u.Query().Get("cursor") == "" {
						t.Fatalf("next link %q: want this path with a cursor", next)
					}
				}
				for _, tk := range l {
					if tk.UserID != "pager" || seen[tk.ID] {
						t.Fatalf("page %d: task %+v foreign or seen before", pages, tk)
					}
					seen[tk.ID] = true
					got = append(got, tk.ID)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("walked %d tasks, want %d in order\n got %v\nwant %v", len(got), len(want), got, want)
			}
		})
	}
}
