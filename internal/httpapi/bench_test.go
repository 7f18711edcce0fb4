package httpapi

import (
	"fmt"
	"net/http"
	"testing"
)

// Benchmarks of whole requests (token check, routing, store, JSON) over
// the real SQLite store.

func BenchmarkGetTask(b *testing.B) {
	e := newEnv(b)
	tok := e.token("bench")
	task := e.createTask("bench", "one")
	r := req{Method: "GET", Path: fmt.Sprintf("/api/bench/tasks/%d", task.ID), Token: tok}
	for b.Loop() {
		if res := e.do(r); res.Code != http.StatusOK {
			b.Fatalf("status %d", res.Code)
		}
	}
}

func BenchmarkListTasks50(b *testing.B) {
	e := newEnv(b)
	tok := e.token("bench")
	for i := 0; i < 200; i++ {
		e.createTask("bench", fmt.Sprintf("task %03d", i))
	}
	r := req{Method: "GET", Path: "/api/bench/tasks?limit=50", Token: tok}
	for b.Loop() {
		if res := e.do(r); res.Code != http.StatusOK {
			b.Fatalf("status %d", res.Code)
		}
	}
}

func BenchmarkRejectForbidden(b *testing.B) {
	e := newEnv(b)
	r := req{Method: "GET", Path: "/api/other/tasks", Token: e.token("bench")}
	for b.Loop() {
		if res := e.do(r); res.Code != http.StatusForbidden {
			b.Fatalf("status %d", res.Code)
		}
	}
}
