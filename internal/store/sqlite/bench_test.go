package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// BenchmarkCreateTask measures one acknowledged (committed) write.
func BenchmarkCreateTask(b *testing.B) {
	db, err := Open(context.Background(), b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if err := db.CreateTask(ctx, &latch.Task{UserID: "u", Title: fmt.Sprint(i)}, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListTasks lists one owner's page (by offset and by cursor) while other owners hold few or many rows: the cost should not
// depend on the others.
func BenchmarkListTasks(b *testing.B) {
	for _, others := range []int{1_000, 300_000} {
		db, err := Open(context.Background(), b.TempDir()+"/bench.db")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.w.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO task (user_id, title, completed, created_at, updated_at)
			SELECT CASE WHEN i <= 500 THEN 'me' ELSE 'other' || (i % 1000) END, 't' || i, i % 2,
			strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || i || ' seconds'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM n`,
			others+500); err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		f := latch.TaskFilter{UserID: "me", Sort: latch.SortCreated, Desc: true, Limit: 50}
		first, err := db.ListTasks(ctx, latch.TaskFilter{UserID: "me", Sort: latch.SortCreated, Desc: true, Limit: 50, Count: true})
		if err != nil || first.Total != 500 {
			b.Fatalf("seed: %+v %v", first, err)
		}
		b.Run(fmt.Sprintf("others=%d/offset", others), func(b *testing.B) {
			g := f
			g.Offset = 200
			for b.Loop() {
				if _, err := db.ListTasks(ctx, g); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("others=%d/first", others), func(b *testing.B) {
			for b.Loop() {
				if _, err := db.ListTasks(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("others=%d/first+count", others), func(b *testing.B) {
			g := f
			g.Count = true
			for b.Loop() {
				if _, err := db.ListTasks(ctx, g); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("others=%d/cursor", others), func(b *testing.B) {
			g := f
			g.After = first.Next
			for b.Loop() {
				if _, err := db.ListTasks(ctx, g); err != nil {
					b.Fatal(err)
				}
			}
		})
		_ = db.Close()
	}
}

// BenchmarkListPageTableSize is the cost of one 50-task page (the first,
// the default way and with Total; and the next page by cursor) when the task table holds 10³
// or 10⁶ rows, inserted in bulk in one statement (one transaction): for
// an owner of every row and for an owner of 500 of them.
//
//	go test -run XXX -bench ListPageTableSize -benchtime 20x ./internal/store/sqlite
func BenchmarkListPageTableSize(b *testing.B) {
	for _, rows := range []int{1_000, 1_000_000} {
		db, err := Open(context.Background(), b.TempDir()+"/bench.db")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.w.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO task (user_id, title, completed, created_at, updated_at)
			SELECT CASE WHEN i <= 500 THEN 'few' ELSE 'many' END, 't' || i, i % 2,
			strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || i || ' seconds'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM n`,
			rows); err != nil {
			b.Fatal(err)
		}
		listPageBench(b, rows, db)
		_ = db.Close()
	}
}

func listPageBench(b *testing.B, rows int, db *DB) {
	ctx := context.Background()
	for _, owner := range []string{"few", "many"} {
		f := latch.TaskFilter{UserID: owner, Sort: latch.SortCreated, Desc: true, Limit: 50}
		first, err := db.ListTasks(ctx, f)
		if err != nil || len(first.Tasks) != 50 {
			b.Fatalf("seed: %v", err)
		}
		b.Run(fmt.Sprintf("rows=%d/owner=%s/first-page", rows, owner), func(b *testing.B) {
			for b.Loop() {
				if _, err := db.ListTasks(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("rows=%d/owner=%s/first-page-with-total", rows, owner), func(b *testing.B) {
			g := f
			g.Count = true
			for b.Loop() {
				if _, err := db.ListTasks(ctx, g); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("rows=%d/owner=%s/cursor-page", rows, owner), func(b *testing.B) {
			g := f
			g.After = first.Next
			for b.Loop() {
				if _, err := db.ListTasks(ctx, g); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
