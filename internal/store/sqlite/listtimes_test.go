package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// TestListReadsEveryTimestampForm: the listing reads the two timestamps
// packed in one column (Dialect.PackListTimes); rows whose timestamps were
// written in another form (epoch milliseconds or seconds, SQL's
// "YYYY-MM-DD HH:MM:SS", RFC 3339 with an offset) list exactly as GetTask
// reads them one by one.
func TestListReadsEveryTimestampForm(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	want := time.Date(2026, 12, 6, 15, 4, 5, 640e6, time.UTC)
	forms := []any{
		"2026-12-06T15:04:05.640Z",
		int64(1796569445640),
		1796569445.64,
		"2026-12-06 15:04:05.640",
		"2026-12-06T16:04:05.640+01:00",
	}
	for i, f := range forms {
		if _, err := db.w.Exec(`INSERT INTO task (user_id, title, completed, created_at, updated_at) VALUES ('u', ?, 0, ?, ?)`,
			i, f, f); err != nil {
			t.Fatal(err)
		}
	}
	page, err := db.ListTasks(ctx, latch.TaskFilter{UserID: "u", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Tasks) != len(forms) {
		t.Fatalf("%d tasks listed, want %d", len(page.Tasks), len(forms))
	}
	for _, lt := range page.Tasks {
		one, err := db.GetTask(ctx, "u", lt.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !lt.CreatedAt.Equal(want) || !lt.UpdatedAt.Equal(want) || !lt.CreatedAt.Equal(one.CreatedAt) ||
			!lt.UpdatedAt.Equal(one.UpdatedAt) || lt.UserID != "u" || lt.UserID != one.UserID {
			t.Errorf("task %q (form %v): listed %v/%v owner %q, GetTask %v/%v owner %q, want %v",
				lt.Title, forms[lt.ID-1], lt.CreatedAt, lt.UpdatedAt, lt.UserID, one.CreatedAt, one.UpdatedAt, one.UserID, want)
		}
	}
}
