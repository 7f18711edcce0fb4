package sqlite

import (
	"strings"
	"testing"

	"github.com/latchhq/latch/internal/store/storetest"
)

// TestListUsesIndex checks with EXPLAIN QUERY PLAN that every listing
// (each sort, direction, status, offset or cursor) searches the owner's
// index for its sort key and needs no temporary sort, so a page costs the
// same however many rows other users have.
func TestListUsesIndex(t *testing.T) {
	db := openTest(t)
	// Rows for many owners, then ANALYZE, so the planner works
	// from statistics and not only from defaults.
	// One transaction for the seed rows: this test is about plans, not
	// commit latency.
	if _, err := db.w.Exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 599)
		INSERT INTO task (user_id, title, completed, created_at, updated_at)
		SELECT 'user' || (i % 30), 't' || i, i % 3 = 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || i || ' seconds'),
		strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM n`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec(`ANALYZE`); err != nil {
		t.Fatal(err)
	}
	for _, shape := range storetest.ListShapes("user3") {
		f, index := shape.Filter, shape.Index
		t.Run(shape.Name, func(t *testing.T) {
			lq := db.BuildList(f)
			plan := explain(t, db, lq.Page, lq.PageArgs)
			if !strings.Contains(plan, "USING INDEX "+index+" (user_id=?") || strings.Contains(plan, "TEMP B-TREE") {
				t.Fatalf("page plan does not walk %s in order:\n%s\n%s", index, lq.Page, plan)
			}
			if lq.Count != "" {
				plan := explain(t, db, lq.Count, lq.CountArgs)
				if !strings.Contains(plan, "(user_id=?)") || strings.Contains(plan, "SCAN task") {
					t.Fatalf("count plan scans beyond the owner's rows:\n%s", plan)
				}
			}
		})
	}
}

func explain(t *testing.T, db *DB, query string, args []any) string {
	t.Helper()
	rows, err := db.r.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
