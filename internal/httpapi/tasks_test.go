package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestTaskLifecycle(t *testing.T) { eachBackend(t, testTaskLifecycle) }

func testTaskLifecycle(t *testing.T, e *testEnv) {
	tok := e.token("alice")
	start := e.clock.Now()

	// Create.
	res := e.do(req{Method: "POST", Path: "/api/alice/tasks", Token: tok, Body: `{"title":"  Buy milk  ","description":"semi-skimmed","extra":1}`}).
		mustStatus(t, http.StatusCreated)
	var created Task
	res.decode(t, &created)
	if created.ID < 1 || created.UserID != "alice" || created.Title != "Buy milk" || created.Description != "semi-skimmed" || created.Completed {
		t.Fatalf("created %+v", created)
	}
	if want := fmt.Sprintf("/api/alice/tasks/%d", created.ID); res.Header.Get("Location") != want {
		t.Errorf("Location = %q, want %q", res.Header.Get("Location"), want)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if !created.CreatedAt.Equal(start) || !created.UpdatedAt.Equal(start) {
		t.Errorf("times %v %v, want both %v (the server's clock)", created.CreatedAt, created.UpdatedAt, start)
	}
	assertUTCTimes(t, res.Body)

	// Get.
	path := fmt.Sprintf("/api/alice/tasks/%d", created.ID)
	var got Task
	res = e.do(req{Method: "GET", Path: path, Token: tok}).mustStatus(t, http.StatusOK)
	res.decode(t, &got)
	if !sameTask(got, created) {
		t.Fatalf("get %+v, want %+v", got, created)
	}
	assertUTCTimes(t, res.Body)

	// Full update; completed set.
	var updated Task
	e.clock.Advance(1500 * time.Millisecond)
	e.do(req{Method: "PUT", Path: path, Token: tok, Body: `{"title":"Buy oat milk","completed":true}`}).
		mustStatus(t, http.StatusOK).decode(t, &updated)
	if updated.Title != "Buy oat milk" || updated.Description != "" || !updated.Completed ||
		!updated.UpdatedAt.Equal(e.clock.Now()) || !updated.CreatedAt.Equal(start) {
		t.Fatalf("updated %+v", updated)
	}
	// PUT without completed leaves it unchanged.
	e.do(req{Method: "PUT", Path: path, Token: tok, Body: `{"title":"Buy oat milk","description":"2 l","completed":null}`}).
		mustStatus(t, http.StatusOK).decode(t, &updated)
	if !updated.Completed || updated.Description != "2 l" {
		t.Fatalf("completion changed or description lost: %+v", updated)
	}

	// Toggle twice.
	var toggled Task
	e.do(req{Method: "PATCH", Path: path + "/complete", Token: tok}).mustStatus(t, http.StatusOK).decode(t, &toggled)
	if toggled.Completed {
		t.Fatalf("toggle 1: %+v", toggled)
	}
	e.do(req{Method: "PATCH", Path: path + "/complete", Token: tok}).mustStatus(t, http.StatusOK).decode(t, &toggled)
	if !toggled.Completed {
		t.Fatalf("toggle 2: %+v", toggled)
	}

	// Delete, then it is gone.
	res = e.do(req{Method: "DELETE", Path: path, Token: tok}).mustStatus(t, http.StatusNoContent)
	if len(res.Body) != 0 {
		t.Errorf("delete body %q", res.Body)
	}
	e.do(req{Method: "GET", Path: path, Token: tok}).mustStatus(t, http.StatusNotFound).errBody(t)
	e.do(req{Method: "DELETE", Path: path, Token: tok}).mustStatus(t, http.StatusNotFound).errBody(t)
}

func TestCreateWithoutContentTypeOrDescription(t *testing.T) {
	eachBackend(t, testCreateWithoutContentTypeOrDescription)
}

func testCreateWithoutContentTypeOrDescription(t *testing.T, e *testEnv) {
	var task Task
	e.do(req{Method: "POST", Path: "/api/alice/tasks", Token: e.token("alice"), Body: `{"title":"x","description":null}`, ContentType: "-"}).
		mustStatus(t, http.StatusCreated).decode(t, &task)
	if task.Description != "" || task.Title != "x" {
		t.Fatalf("task %+v", task)
	}
	e.do(req{Method: "POST", Path: "/api/alice/tasks", Token: e.token("alice"), Body: `{"title":"` + strings.Repeat("🙂", 200) + `"}`, ContentType: "application/json; charset=utf-8"}).
		mustStatus(t, http.StatusCreated)
}

func TestSubjectWithSpecialCharacters(t *testing.T) { eachBackend(t, testSubjectWithSpecialCharacters) }

func testSubjectWithSpecialCharacters(t *testing.T, e *testEnv) {
	sub := "user/with space"
	tok := e.token(sub)
	p := "/api/" + url.PathEscape(sub) + "/tasks"
	res := e.do(req{Method: "POST", Path: p, Token: tok, Body: `{"title":"x"}`}).mustStatus(t, http.StatusCreated)
	var task Task
	res.decode(t, &task)
	if task.UserID != sub || res.Header.Get("Location") != fmt.Sprintf("%s/%d", p, task.ID) {
		t.Fatalf("task %+v, Location %q", task, res.Header.Get("Location"))
	}
	e.do(req{Method: "GET", Path: res.Header.Get("Location"), Token: tok}).mustStatus(t, http.StatusOK)
}

func TestList(t *testing.T) { eachBackend(t, testList) }

func testList(t *testing.T, e *testEnv) {
	tok := e.token("alice")
	titles := []string{"delta", "alpha", "echo", "charlie", "bravo"}
	ids := map[string]int64{}
	for _, title := range titles {
		ids[title] = e.createTask("alice", title).ID
	}
	e.createTask("bob", "not alice's")
	e.clock.Advance(time.Millisecond) // the store keeps milliseconds; keep updates after every create
	for _, title := range []string{"alpha", "echo"} {
		e.do(req{Method: "PATCH", Path: fmt.Sprintf("/api/alice/tasks/%d/complete", ids[title]), Token: tok}).mustStatus(t, http.StatusOK)
	}

	list := func(query string) TaskList {
		t.Helper()
		var l TaskList
		res := e.do(req{Method: "GET", Path: "/api/alice/tasks?" + query, Token: tok}).mustStatus(t, http.StatusOK)
		res.decode(t, &l)
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q", res.Header.Get("Cache-Control"))
		}
		return l
	}
	titlesOf := func(l TaskList) string {
		var s []string
		for _, it := range l.Items {
			if it.UserID != "alice" {
				t.Fatalf("foreign task listed: %+v", it)
			}
			s = append(s, it.Title)
		}
		return strings.Join(s, ",")
	}

	tests := []struct {
		name       string
		query      string
		want       string
		wantTotal  int
		wantLimit  int
		wantOffset int
		wantNext   bool
	}{
		{name: "default newest first", query: "", want: "bravo,charlie,echo,alpha,delta", wantTotal: 5, wantLimit: 50},
		{name: "created asc", query: "order=asc", want: "delta,alpha,echo,charlie,bravo", wantTotal: 5, wantLimit: 50},
		{name: "title default asc", query: "sort=title", want: "alpha,bravo,charlie,delta,echo", wantTotal: 5, wantLimit: 50},
		{name: "title desc", query: "sort=title&order=desc", want: "echo,delta,charlie,bravo,alpha", wantTotal: 5, wantLimit: 50},
		{name: "updated desc", query: "sort=updated", want: "echo,alpha,bravo,charlie,delta", wantTotal: 5, wantLimit: 50},
		{name: "pending", query: "status=pending&sort=title", want: "bravo,charlie,delta", wantTotal: 3, wantLimit: 50},
		{name: "completed", query: "status=completed&sort=title", want: "alpha,echo", wantTotal: 2, wantLimit: 50},
		{name: "page", query: "sort=title&limit=2&offset=2", want: "charlie,delta", wantTotal: 5, wantLimit: 2, wantOffset: 2, wantNext: true},
		{name: "last page", query: "sort=title&limit=2&offset=4", want: "echo", wantTotal: 5, wantLimit: 2, wantOffset: 4},
		{name: "past the end", query: "limit=2&offset=10", want: "", wantTotal: 5, wantLimit: 2, wantOffset: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := list(tt.query)
			if got := titlesOf(l); got != tt.want {
				t.Fatalf("titles %q, want %q", got, tt.want)
			}
			if l.Total == nil || *l.Total != tt.wantTotal || l.Limit != tt.wantLimit || l.Offset == nil || *l.Offset != tt.wantOffset {
				t.Fatalf("total %v limit %d offset %v", l.Total, l.Limit, l.Offset)
			}
			if (l.NextCursor != nil) != tt.wantNext {
				t.Fatalf("next_cursor = %v, want present=%v", l.NextCursor, tt.wantNext)
			}
			if l.Items == nil {
				t.Fatal("items is null, want []")
			}
		})
	}

	t.Run("empty list is [] not null", func(t *testing.T) {
		res := e.do(req{Method: "GET", Path: "/api/nobody/tasks", Token: e.token("nobody")}).mustStatus(t, http.StatusOK)
		if !strings.Contains(string(res.Body), `"items":[]`) || !strings.Contains(string(res.Body), `"next_cursor":null`) {
			t.Fatalf("body %s", res.Body)
		}
	})
}

func TestListCursorPaging(t *testing.T) { eachBackend(t, testListCursorPaging) }

func testListCursorPaging(t *testing.T, e *testEnv) {
	tok := e.token("alice")
	const n = 7
	want := map[int64]bool{}
	for i := 0; i < n; i++ {
		want[e.createTask("alice", fmt.Sprintf("task %d", i%3)).ID] = true // repeated titles test the id tie-break
	}
	for _, listing := range []string{"sort=created", "sort=updated&order=asc", "sort=title", "sort=title&order=desc"} {
		t.Run(listing, func(t *testing.T) {
			seen := map[int64]bool{}
			var order []string
			query := listing + "&limit=3"
			var l TaskList
			e.do(req{Method: "GET", Path: "/api/alice/tasks?" + query, Token: tok}).mustStatus(t, http.StatusOK).decode(t, &l)
			for pages := 1; ; pages++ {
				for _, it := range l.Items {
					if seen[it.ID] {
						t.Fatalf("task %d listed twice", it.ID)
					}
					seen[it.ID] = true
					order = append(order, it.Title)
				}
				if l.NextCursor == nil {
					break
				}
				if pages > n {
					t.Fatal("cursor paging does not end")
				}
				e.do(req{Method: "GET", Path: "/api/alice/tasks?limit=3&cursor=" + url.QueryEscape(*l.NextCursor), Token: tok}).
					mustStatus(t, http.StatusOK).decode(t, &l)
				if l.Total != nil || l.Offset != nil {
					t.Fatalf("cursor page carries total %v offset %v", l.Total, l.Offset)
				}
			}
			if len(seen) != n {
				t.Fatalf("saw %d tasks, want %d", len(seen), n)
			}
			if strings.HasPrefix(listing, "sort=title") {
				for i := 1; i < len(order); i++ {
					if desc := strings.Contains(listing, "desc"); desc && order[i] > order[i-1] || !desc && order[i] < order[i-1] {
						t.Fatalf("not sorted: %v", order)
					}
				}
			}
		})
	}
}

func sameTask(a, b Task) bool {
	return a.ID == b.ID && a.UserID == b.UserID && a.Title == b.Title && a.Description == b.Description &&
		a.Completed == b.Completed && a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

// assertUTCTimes checks created_at and updated_at are RFC 3339 in UTC.
func assertUTCTimes(t *testing.T, body []byte) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"created_at", "updated_at"} {
		s, _ := m[k].(string)
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil || !strings.HasSuffix(s, "Z") {
			t.Errorf("%s = %q, want RFC 3339 UTC", k, s)
		}
	}
	if _, ok := m["id"].(float64); !ok {
		t.Errorf("id = %#v, want a JSON number", m["id"])
	}
}
