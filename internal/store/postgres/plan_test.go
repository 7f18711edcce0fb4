package postgres

import (
	"strings"
	"testing"

	"github.com/latchhq/latch/internal/store/storetest"
)

// TestListUsesIndex checks with EXPLAIN that every listing (each sort,
// direction, status, offset or cursor) is an index scan of the owner's
// index for its sort key with no Sort node, and that the count reads only
// the owner's index entries, so a page costs the same however many rows
// other users have. The owner has many rows: for an owner with a few
// dozen, PostgreSQL rightly prefers a bitmap scan of the owner's entries
// plus a small sort, which also reads only the owner's rows.
func TestListUsesIndex(t *testing.T) {
	db := openTest(t)
	if _, err := db.pool.Exec(`INSERT INTO task (user_id, title, completed, created_at, updated_at)
		SELECT 'user' || (i % 500), 't' || i, i % 3 = 0, now() - i * interval '1 second', now()
		FROM generate_series(1, 50000) AS i;
		INSERT INTO task (user_id, title, completed, created_at, updated_at)
		SELECT 'heavy', 't' || i, i % 3 = 0, now() - i * interval '1 second', now()
		FROM generate_series(1, 20000) AS i`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(`ANALYZE task`); err != nil {
		t.Fatal(err)
	}
	for _, shape := range storetest.ListShapes("heavy") {
		f, index := shape.Filter, shape.Index
		t.Run(shape.Name, func(t *testing.T) {
			lq := db.BuildList(f)
			plan := explain(t, db, lq.Page, lq.PageArgs)
			if !strings.Contains(plan, "Index Scan") || !strings.Contains(plan, "using "+index+" on task") || hasNode(plan, "Sort") {
				t.Fatalf("page plan does not walk %s in order:\n%s\n%s", index, lq.Page, plan)
			}
			// The count is checked for a typical owner; for one
			// holding a large share of the table a sequential
			// scan is the right plan.
			light := f
			light.UserID = "user3"
			if lq := db.BuildList(light); lq.Count != "" {
				plan := explain(t, db, lq.Count, lq.CountArgs)
				if hasNode(plan, "Seq Scan") || !strings.Contains(plan, "task_user_") {
					t.Fatalf("count plan reads beyond the owner's rows:\n%s", plan)
				}
			}
		})
	}
}

// hasNode reports whether a text EXPLAIN contains a node of that kind.
func hasNode(plan, node string) bool {
	for _, line := range strings.Split(plan, "\n") {
		line = strings.TrimLeft(strings.TrimSpace(line), "-> ")
		if strings.HasPrefix(line, node+" ") || strings.HasPrefix(line, "Incremental "+node+" ") {
			return true
		}
	}
	return false
}

func explain(t *testing.T, db *DB, query string, args []any) string {
	t.Helper()
	rows, err := db.pool.Query(`EXPLAIN `+query, args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		b.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
