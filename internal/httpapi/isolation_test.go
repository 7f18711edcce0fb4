package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestIsolation tries every task route with user B's token against user
// A's data: A's path gives 403, B's own path with A's task ids gives 404,
// and A's tasks are unchanged afterwards.
func TestIsolation(t *testing.T) { eachBackend(t, testIsolation) }

func testIsolation(t *testing.T, e *testEnv) {
	aTok, bTok := e.token("user-a"), e.token("user-b")
	aTask := e.createTask("user-a", "A's secret task")
	bTask := e.createTask("user-b", "B's task")
	body := `{"title":"hijacked","description":"by B","completed":true}`

	var taskRoutes []route
	for _, rt := range routeTable {
		if rt.auth {
			taskRoutes = append(taskRoutes, rt)
		}
	}
	if len(taskRoutes) != 6 {
		t.Fatalf("%d task routes in the table, want 6", len(taskRoutes))
	}
	fill := func(pattern, user string, id int64) string {
		return strings.NewReplacer("{user_id}", user, "{id}", fmt.Sprint(id)).Replace(pattern)
	}
	for _, rt := range taskRoutes {
		r := req{Method: rt.method, Token: bTok}
		if rt.body != nil {
			r.Body = body
		}
		t.Run(rt.opID+" on A's path", func(t *testing.T) {
			r := r
			r.Path = fill(rt.pattern, "user-a", aTask.ID)
			e.do(r).mustStatus(t, http.StatusForbidden).errBody(t)
			// Even with B's own task id on A's path.
			r.Path = fill(rt.pattern, "user-a", bTask.ID)
			e.do(r).mustStatus(t, http.StatusForbidden).errBody(t)
		})
		if strings.Contains(rt.pattern, "{id}") {
			t.Run(rt.opID+" with A's id on B's path", func(t *testing.T) {
				r := r
				r.Path = fill(rt.pattern, "user-b", aTask.ID)
				res := e.do(r).mustStatus(t, http.StatusNotFound)
				if d := res.errBody(t).Detail; strings.Contains(d, "user-a") || strings.Contains(d, "secret") {
					t.Fatalf("404 reveals A's data: %q", d)
				}
			})
		}
	}

	// B's listing never shows A's task.
	l, _, res := e.list(t, "/api/user-b/tasks?total=true", bTok)
	if len(l) != 1 || l[0].ID != bTask.ID || res.Header.Get("X-Total-Count") != "1" {
		t.Fatalf("B's listing %+v, X-Total-Count %q", l, res.Header.Get("X-Total-Count"))
	}

	// A's task is unchanged.
	var got Task
	e.do(req{Method: "GET", Path: fmt.Sprintf("/api/user-a/tasks/%d", aTask.ID), Token: aTok}).mustStatus(t, http.StatusOK).decode(t, &got)
	if !sameTask(got, aTask) {
		t.Fatalf("A's task changed: %+v, was %+v", got, aTask)
	}
	l, _, _ = e.list(t, "/api/user-a/tasks/", aTok)
	if len(l) != 1 || l[0].ID != aTask.ID {
		t.Fatalf("A's listing %+v", l)
	}
}
