package storetest

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

var taskTests = []test{
	{name: "CreateGet", run: testCreateGet},
	{name: "NotFound", run: testTaskNotFound},
	{name: "OtherOwner", run: testTaskOtherOwner},
	{name: "Update", run: testUpdate},
	{name: "Toggle", run: testToggle},
	{name: "ToggleConcurrent", run: testToggleConcurrent},
	{name: "Delete", run: testDelete},
	{name: "Unicode", run: testUnicode},
	{name: "OutsideSubject", run: testOutsideSubject},
}

func testCreateGet(t *testing.T, s Stores) {
	now := time.Date(2026, 5, 4, 3, 2, 1, 987_654_321, time.FixedZone("UTC+2", 2*3600))
	tk := &latch.Task{UserID: "alice", Title: "Buy milk", Description: "2 litres", Completed: true}
	noErr(t, s.CreateTask(ctx(t), tk, now), "CreateTask")
	if tk.ID <= 0 {
		t.Fatalf("ID = %d, want > 0", tk.ID)
	}
	checkTime(t, tk.CreatedAt, "CreatedAt")
	if want := time.Date(2026, 5, 4, 1, 2, 1, 987_000_000, time.UTC); tk.CreatedAt != want || tk.UpdatedAt != want {
		t.Fatalf("CreatedAt %v UpdatedAt %v, want both %v (the caller's now in UTC, ms)", tk.CreatedAt, tk.UpdatedAt, want)
	}
	got, err := s.GetTask(ctx(t), "alice", tk.ID)
	noErr(t, err, "GetTask")
	if !reflect.DeepEqual(got, tk) {
		t.Fatalf("GetTask = %+v, want %+v (exact round trip)", got, tk)
	}
	second := mkTask(t, s, "alice", "second")
	if second.ID <= tk.ID {
		t.Fatalf("second ID %d not above first %d", second.ID, tk.ID)
	}
}

func testTaskNotFound(t *testing.T, s Stores) {
	_, err := s.GetTask(ctx(t), "alice", 12345)
	wantErr(t, err, latch.ErrNotFound, "GetTask")
	_, err = s.UpdateTask(ctx(t), "alice", 12345, latch.TaskUpdate{Title: "x"}, time.Now())
	wantErr(t, err, latch.ErrNotFound, "UpdateTask")
	_, err = s.ToggleTask(ctx(t), "alice", 12345, time.Now())
	wantErr(t, err, latch.ErrNotFound, "ToggleTask")
	wantErr(t, s.DeleteTask(ctx(t), "alice", 12345), latch.ErrNotFound, "DeleteTask")
}

func testTaskOtherOwner(t *testing.T, s Stores) {
	tk := mkTask(t, s, "alice", "private")
	_, err := s.GetTask(ctx(t), "bob", tk.ID)
	wantErr(t, err, latch.ErrNotFound, "GetTask as bob")
	done := true
	_, err = s.UpdateTask(ctx(t), "bob", tk.ID, latch.TaskUpdate{Title: "pwned", Completed: &done}, time.Now())
	wantErr(t, err, latch.ErrNotFound, "UpdateTask as bob")
	_, err = s.ToggleTask(ctx(t), "bob", tk.ID, time.Now())
	wantErr(t, err, latch.ErrNotFound, "ToggleTask as bob")
	wantErr(t, s.DeleteTask(ctx(t), "bob", tk.ID), latch.ErrNotFound, "DeleteTask as bob")
	page, err := s.ListTasks(ctx(t), latch.TaskFilter{UserID: "bob", Limit: 10})
	noErr(t, err, "ListTasks as bob")
	if len(page.Tasks) != 0 || page.Total != 0 {
		t.Fatalf("bob sees %d tasks (total %d), want none", len(page.Tasks), page.Total)
	}
	got, err := s.GetTask(ctx(t), "alice", tk.ID)
	noErr(t, err, "GetTask as alice")
	if !reflect.DeepEqual(got, tk) {
		t.Fatalf("alice's task changed: %+v, want %+v", got, tk)
	}
}

func testUpdate(t *testing.T, s Stores) {
	tk := mkTask(t, s, "alice", "old")
	later := tk.UpdatedAt.Add(3*time.Millisecond + 456*time.Microsecond)
	got, err := s.UpdateTask(ctx(t), "alice", tk.ID, latch.TaskUpdate{Title: "new", Description: ""}, later)
	noErr(t, err, "UpdateTask")
	if got.Title != "new" || got.Description != "" || got.Completed || got.ID != tk.ID || got.UserID != "alice" {
		t.Fatalf("UpdateTask = %+v", got)
	}
	if !got.CreatedAt.Equal(tk.CreatedAt) || got.UpdatedAt != later.Truncate(time.Millisecond) {
		t.Fatalf("times after update: created %v (was %v), updated %v, want %v", got.CreatedAt, tk.CreatedAt, got.UpdatedAt, later)
	}
	checkTime(t, got.UpdatedAt, "UpdatedAt")
	done := true
	got, err = s.UpdateTask(ctx(t), "alice", tk.ID, latch.TaskUpdate{Title: "new", Description: "d", Completed: &done}, later)
	noErr(t, err, "UpdateTask completed")
	if !got.Completed || got.Description != "d" {
		t.Fatalf("UpdateTask with Completed=true = %+v", got)
	}
	got, err = s.UpdateTask(ctx(t), "alice", tk.ID, latch.TaskUpdate{Title: "newer", Description: "d"}, later)
	noErr(t, err, "UpdateTask keep completed")
	if !got.Completed {
		t.Fatalf("UpdateTask with nil Completed cleared completion")
	}
	again, err := s.GetTask(ctx(t), "alice", tk.ID)
	noErr(t, err, "GetTask")
	if !reflect.DeepEqual(again, got) {
		t.Fatalf("GetTask = %+v, want %+v", again, got)
	}
}

func testToggle(t *testing.T, s Stores) {
	tk := mkTask(t, s, "alice", "flip")
	for i, want := range []bool{true, false, true} {
		now := tk.UpdatedAt.Add(time.Duration(i+1) * time.Second)
		got, err := s.ToggleTask(ctx(t), "alice", tk.ID, now)
		noErr(t, err, "ToggleTask")
		if got.Completed != want {
			t.Fatalf("toggle %d: Completed = %v, want %v", i, got.Completed, want)
		}
		if got.UpdatedAt != now || !got.CreatedAt.Equal(tk.CreatedAt) {
			t.Fatalf("toggle %d: times %v/%v, want updated %v", i, got.CreatedAt, got.UpdatedAt, now)
		}
	}
}

// testToggleConcurrent toggles one task from many goroutines: each toggle
// must see the result of the previous one, so the returned states contain
// exactly n/2 (rounded up) trues and the final state has the parity of n.
func testToggleConcurrent(t *testing.T, s Stores) {
	const n = 25
	tk := mkTask(t, s, "alice", "race")
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		trues int
		errs  []error
	)
	for range n {
		wg.Go(func() {
			got, err := s.ToggleTask(ctx(t), "alice", tk.ID, time.Now())
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			if got.Completed {
				trues++
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent toggles: %v", err)
	}
	got, err := s.GetTask(ctx(t), "alice", tk.ID)
	noErr(t, err, "GetTask")
	if got.Completed != (n%2 == 1) || trues != (n+1)/2 {
		t.Fatalf("after %d toggles: Completed = %v, %d toggles returned true; want %v and %d", n, got.Completed, trues, n%2 == 1, (n+1)/2)
	}
}

func testDelete(t *testing.T, s Stores) {
	tk := mkTask(t, s, "alice", "gone")
	keep := mkTask(t, s, "alice", "stays")
	noErr(t, s.DeleteTask(ctx(t), "alice", tk.ID), "DeleteTask")
	_, err := s.GetTask(ctx(t), "alice", tk.ID)
	wantErr(t, err, latch.ErrNotFound, "GetTask after delete")
	wantErr(t, s.DeleteTask(ctx(t), "alice", tk.ID), latch.ErrNotFound, "second DeleteTask")
	_, err = s.GetTask(ctx(t), "alice", keep.ID)
	noErr(t, err, "other task survives")
}

func testUnicode(t *testing.T, s Stores) {
	titles := []string{"日本語のタスク", "émoji 🎉✓", "Ωmega", "zero\u200bwidth", "a'b\"c;--", "Zebra", "apple"}
	for _, title := range titles {
		tk := &latch.Task{UserID: "ünï/cødé 🙂", Title: title, Description: "описание " + title}
		noErr(t, s.CreateTask(ctx(t), tk, time.Now()), "CreateTask")
		got, err := s.GetTask(ctx(t), tk.UserID, tk.ID)
		noErr(t, err, "GetTask")
		if got.Title != title || got.Description != tk.Description || got.UserID != tk.UserID {
			t.Fatalf("round trip: got %q/%q/%q", got.Title, got.Description, got.UserID)
		}
	}
}

// testOutsideSubject checks that a task may belong to a subject with no
// user row (a token from an outside issuer).
func testOutsideSubject(t *testing.T, s Stores) {
	tk := mkTask(t, s, "12345", "from another issuer")
	_, err := s.GetTask(ctx(t), "12345", tk.ID)
	noErr(t, err, "GetTask")
	_, err = s.UserByID(ctx(t), "12345")
	wantErr(t, err, latch.ErrNotFound, "UserByID of outside subject")
}
