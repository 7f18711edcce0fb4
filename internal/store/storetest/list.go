package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

var listTests = []test{
	{name: "Walks", run: testListWalks},
	{name: "OffsetPastEnd", run: testListPastEnd},
	{name: "Empty", run: testListEmpty},
}

// seedList creates tasks for alice (duplicate titles, mixed completion,
// some sharing a millisecond, updates in another order than creation)
// and noise for bob, and returns alice's tasks as stored.
func seedList(t *testing.T, s Stores) []latch.Task {
	t.Helper()
	titles := []string{"pear", "Apple", "kiwi", "apple", "fig", "pear", "Élan", "banana", "date", "kiwi",
		"cherry", "lime", "mango", "fig", "ñandú", "grape", "pear", "1st", "zucchini", "Apple", "olive", "plum", "quince"}
	// The caller's clock: it moves by a millisecond now and then, giving
	// distinct created_at for some tasks and ties for others.
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var ids []int64
	for i, title := range titles {
		if i%3 == 0 {
			now = now.Add(time.Millisecond)
		}
		for _, owner := range []string{"alice", "bob"} {
			tk := &latch.Task{UserID: owner, Title: title, Description: "about " + title}
			noErr(t, s.CreateTask(ctx(t), tk, now), "CreateTask")
			if owner == "alice" {
				ids = append(ids, tk.ID)
			}
		}
	}
	done := true
	for i := len(ids) - 1; i >= 0; i -= 2 { // update every other task, newest first
		if i%4 == 0 {
			now = now.Add(time.Millisecond)
		}
		_, err := s.UpdateTask(ctx(t), "alice", ids[i], latch.TaskUpdate{Title: titles[i], Description: "edited", Completed: &done}, now)
		noErr(t, err, "UpdateTask")
	}
	_, err := s.ToggleTask(ctx(t), "alice", ids[3], now)
	noErr(t, err, "ToggleTask")
	var out []latch.Task
	for _, id := range ids {
		tk, err := s.GetTask(ctx(t), "alice", id)
		noErr(t, err, "GetTask")
		out = append(out, *tk)
	}
	return out
}

// expected filters and orders tasks the way ListTasks must: by the sort
// key (titles in byte order, which is code point order) then id, both in
// the requested direction.
func expected(all []latch.Task, status latch.TaskStatus, sort latch.TaskSort, desc bool) []latch.Task {
	var out []latch.Task
	for _, tk := range all {
		if (status == latch.StatusPending && tk.Completed) || (status == latch.StatusCompleted && !tk.Completed) {
			continue
		}
		out = append(out, tk)
	}
	slices.SortFunc(out, func(a, b latch.Task) int {
		var c int
		switch sort {
		case latch.SortTitle:
			c = cmp.Compare(a.Title, b.Title)
		case latch.SortUpdated:
			c = a.UpdatedAt.Compare(b.UpdatedAt)
		default:
			c = a.CreatedAt.Compare(b.CreatedAt)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if desc {
			c = -c
		}
		return c
	})
	return out
}

func ids(ts []latch.Task) []int64 {
	out := make([]int64, len(ts))
	for i, tk := range ts {
		out[i] = tk.ID
	}
	return out
}

func testListWalks(t *testing.T, s Stores) {
	all := seedList(t, s)
	// The zero status and sort mean all and created.
	zero, err := s.ListTasks(ctx(t), latch.TaskFilter{UserID: "alice", Limit: 50})
	noErr(t, err, "ListTasks zero filter")
	if got, want := ids(zero.Tasks), ids(expected(all, latch.StatusAll, latch.SortCreated, false)); !slices.Equal(got, want) {
		t.Fatalf("zero filter = %v, want all by created %v", got, want)
	}
	for _, status := range []latch.TaskStatus{latch.StatusAll, latch.StatusPending, latch.StatusCompleted} {
		for _, sort := range []latch.TaskSort{latch.SortCreated, latch.SortUpdated, latch.SortTitle} {
			for _, desc := range []bool{false, true} {
				for _, limit := range []int{1, 4, 50} {
					name := fmt.Sprintf("status=%s/sort=%s/desc=%v/limit=%d", status, sort, desc, limit)
					want := ids(expected(all, status, sort, desc))
					f := latch.TaskFilter{UserID: "alice", Status: status, Sort: sort, Desc: desc, Limit: limit}
					if got := offsetWalk(t, s, f, len(want)); !slices.Equal(got, want) {
						t.Fatalf("%s: offset walk = %v, want %v", name, got, want)
					}
					if got := cursorWalk(t, s, f); !slices.Equal(got, want) {
						t.Fatalf("%s: cursor walk = %v, want %v", name, got, want)
					}
				}
			}
		}
	}
}

// offsetWalk pages with Offset and checks Total and Next on every page.
func offsetWalk(t *testing.T, s Stores, f latch.TaskFilter, total int) []int64 {
	t.Helper()
	var got []int64
	for f.Offset = 0; ; f.Offset += f.Limit {
		page, err := s.ListTasks(ctx(t), f)
		noErr(t, err, "ListTasks")
		if page.Total != total {
			t.Fatalf("offset %d: Total = %d, want %d", f.Offset, page.Total, total)
		}
		if len(page.Tasks) > f.Limit {
			t.Fatalf("offset %d: %d tasks, limit %d", f.Offset, len(page.Tasks), f.Limit)
		}
		got = append(got, ids(page.Tasks)...)
		more := f.Offset+len(page.Tasks) < total
		if (page.Next != nil) != more {
			t.Fatalf("offset %d: Next = %+v, more rows follow: %v", f.Offset, page.Next, more)
		}
		if !more {
			return got
		}
	}
}

// cursorWalk pages by following Next until it is nil.
func cursorWalk(t *testing.T, s Stores, f latch.TaskFilter) []int64 {
	t.Helper()
	var got []int64
	for i := 0; ; i++ {
		page, err := s.ListTasks(ctx(t), f)
		noErr(t, err, "ListTasks")
		if f.After != nil && page.Total != -1 {
			t.Fatalf("cursor page: Total = %d, want -1", page.Total)
		}
		if len(page.Tasks) > f.Limit || (page.Next != nil && len(page.Tasks) != f.Limit) {
			t.Fatalf("cursor page %d: %d tasks (limit %d), Next %+v", i, len(page.Tasks), f.Limit, page.Next)
		}
		got = append(got, ids(page.Tasks)...)
		if page.Next == nil {
			return got
		}
		if last := page.Tasks[len(page.Tasks)-1]; page.Next.ID != last.ID {
			t.Fatalf("Next.ID = %d, want last id %d", page.Next.ID, last.ID)
		}
		if i > 100 {
			t.Fatalf("cursor walk does not end: %v", got)
		}
		f.After = page.Next
		f.Offset = 999 // ignored with a cursor
	}
}

func testListPastEnd(t *testing.T, s Stores) {
	for i := range 3 {
		mkTask(t, s, "alice", fmt.Sprint("t", i))
	}
	page, err := s.ListTasks(ctx(t), latch.TaskFilter{UserID: "alice", Limit: 10, Offset: 10})
	noErr(t, err, "ListTasks")
	if len(page.Tasks) != 0 || page.Total != 3 || page.Next != nil {
		t.Fatalf("past the end: %d tasks, Total %d, Next %+v; want 0, 3, nil", len(page.Tasks), page.Total, page.Next)
	}
}

func testListEmpty(t *testing.T, s Stores) {
	page, err := s.ListTasks(ctx(t), latch.TaskFilter{UserID: "nobody", Limit: 10})
	noErr(t, err, "ListTasks")
	if page.Tasks == nil || len(page.Tasks) != 0 || page.Total != 0 || page.Next != nil {
		t.Fatalf("empty listing = %+v, want non-nil empty slice, Total 0", page)
	}
	page, err = s.ListTasks(ctx(t), latch.TaskFilter{UserID: "nobody", Limit: 10,
		After: &latch.TaskCursor{Time: time.Now(), ID: 5}})
	noErr(t, err, "ListTasks with cursor")
	if len(page.Tasks) != 0 || page.Total != -1 || page.Next != nil {
		t.Fatalf("empty cursor listing = %+v", page)
	}
}
