package storetest

import (
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// This file holds helpers the backends' own tests share, beyond the
// conformance suite: the listing shapes their query-plan tests walk, and
// concurrent opening for their migration tests.

// ListShape is one kind of listing a backend's query-plan test checks:
// the filter, a subtest name, and the index that must serve it.
type ListShape struct {
	// Name names the subtest.
	Name string
	// Index is the index that must serve the listing.
	Index string
	// Filter is the listing.
	Filter latch.TaskFilter
}

// ListShapes returns every listing shape for owner: each sort key (with
// the (user_id, key, id) index that serves it), status, direction, and
// offset or cursor paging. Both backends' plan tests walk this one list.
func ListShapes(owner string) []ListShape {
	indexes := []struct {
		sort  latch.TaskSort
		index string
	}{
		{sort: latch.SortCreated, index: "task_user_created_idx"},
		{sort: latch.SortUpdated, index: "task_user_updated_idx"},
		{sort: latch.SortTitle, index: "task_user_title_idx"},
	}
	var out []ListShape
	for _, ix := range indexes {
		for _, status := range []latch.TaskStatus{latch.StatusAll, latch.StatusPending, latch.StatusCompleted} {
			for _, desc := range []bool{false, true} {
				for _, cursor := range []bool{false, true} {
					f := latch.TaskFilter{UserID: owner, Sort: ix.sort, Status: status, Desc: desc, Limit: 50, Offset: 10, Count: !cursor}
					if cursor {
						f.After = &latch.TaskCursor{Time: time.Now(), Title: "t5", ID: 7}
					}
					out = append(out, ListShape{
						Name:   fmt.Sprintf("sort=%s/status=%s/desc=%v/cursor=%v", ix.sort, status, desc, cursor),
						Index:  ix.index,
						Filter: f,
					})
				}
			}
		}
	}
	return out
}

// OpenConcurrently calls open from n goroutines at once, as n processes
// starting together would (each one migrating), and fails the test unless
// every call succeeds. Each store is closed on cleanup.
func OpenConcurrently[S io.Closer](t *testing.T, n int, open func() (S, error)) []S {
	t.Helper()
	var wg sync.WaitGroup
	dbs := make([]S, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { dbs[i], errs[i] = open() })
	}
	wg.Wait()
	for i := range n {
		if errs[i] == nil {
			t.Cleanup(func() { _ = dbs[i].Close() })
		}
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("concurrent open %d of %d: %v", i, n, err)
		}
	}
	return dbs
}
