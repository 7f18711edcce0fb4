package tasks

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"

	"github.com/latchhq/latch"
)

// Statuses, Sorts and Orders list the accepted values of the list
// parameters status, sort and order, defaults first.
var (
	Statuses = []string{string(latch.StatusAll), string(latch.StatusPending), string(latch.StatusCompleted)}
	Sorts    = []string{string(latch.SortCreated), string(latch.SortUpdated), string(latch.SortTitle)}
	Orders   = []string{"asc", "desc"}
)

// MaxOffset is the largest accepted offset.
const MaxOffset = math.MaxInt32

// ListQuery is a parsed, validated set of list parameters.
type ListQuery struct {
	// Status filters by completion.
	Status latch.TaskStatus
	// Sort is the sort key.
	Sort latch.TaskSort
	// Desc is true for order=desc.
	Desc bool
	// Limit is 1..latch.MaxPageSize.
	Limit int
	// Offset is 0..MaxOffset; always 0 when After is set.
	Offset int
	// After is the decoded cursor, nil in offset mode.
	After *latch.TaskCursor
	// Total asks for the number of matching tasks (total=true).
	Total bool
}

// ParseListQuery reads the list parameters from q:
//
//   - status: all (default), pending or completed
//   - sort: created (default), updated or title
//   - order: asc or desc; the default is desc for created and updated
//     (newest first) and asc for title
//   - limit: 1..200, default 50
//   - offset: 0..MaxOffset, default 0
//   - cursor: the cursor of an earlier page's next link; it may not be
//     combined with offset, and status, sort and order default to those
//     the cursor was issued for (giving different ones is an error)
//   - total: true or false (default); true also counts the matching
//     tasks (a second query)
//
// An empty value counts as absent; unknown parameters are ignored; a
// parameter given twice is an error. Errors are a *latch.ValidationError
// with location "query".
func ParseListQuery(q url.Values) (ListQuery, error) {
	verr := &latch.ValidationError{}
	get := func(name string) string {
		vs := q[name]
		n := 0
		v := ""
		for _, s := range vs {
			if s != "" {
				n++
				v = s
			}
		}
		if n > 1 {
			verr.Add("query", name, "must be given at most once")
			return ""
		}
		return v
	}
	status, sort, order := get("status"), get("sort"), get("order")
	limitS, offsetS, cursorS, totalS := get("limit"), get("offset"), get("cursor"), get("total")

	lq := ListQuery{Status: latch.StatusAll, Sort: latch.SortCreated, Limit: latch.DefaultPageSize}
	if status != "" {
		if !slices.Contains(Statuses, status) {
			verr.Add("query", "status", "must be one of: all, pending, completed")
		}
		lq.Status = latch.TaskStatus(status)
	}
	if sort != "" {
		if !slices.Contains(Sorts, sort) {
			verr.Add("query", "sort", "must be one of: created, updated, title")
		}
		lq.Sort = latch.TaskSort(sort)
	}
	if order != "" && !slices.Contains(Orders, order) {
		verr.Add("query", "order", "must be one of: asc, desc")
	}
	if limitS != "" {
		n, err := strconv.Atoi(limitS)
		switch {
		case err != nil || n < 1 || n > latch.MaxPageSize:
			verr.Add("query", "limit", fmt.Sprintf("must be an integer from 1 to %d", latch.MaxPageSize))
		default:
			lq.Limit = n
		}
	}
	if offsetS != "" {
		n, err := strconv.Atoi(offsetS)
		switch {
		case err != nil || n < 0 || n > MaxOffset:
			verr.Add("query", "offset", fmt.Sprintf("must be an integer from 0 to %d", MaxOffset))
		default:
			lq.Offset = n
		}
	}
	switch totalS {
	case "", "false":
	case "true":
		lq.Total = true
	default:
		verr.Add("query", "total", "must be true or false")
	}
	if cursorS != "" {
		c, err := DecodeCursor(cursorS)
		switch {
		case err != nil:
			verr.Add("query", "cursor", `is not a valid cursor; follow the Link rel="next" of an earlier page`)
		case offsetS != "":
			verr.Add("query", "cursor", "cannot be combined with offset")
		case status != "" && latch.TaskStatus(status) != c.Status,
			sort != "" && latch.TaskSort(sort) != c.Sort,
			order != "" && (order == "desc") != c.Desc:
			verr.Add("query", "cursor", fmt.Sprintf("was issued for status=%s, sort=%s, order=%s; omit those parameters or give the same values",
				c.Status, c.Sort, orderName(c.Desc)))
		default:
			lq.Status, lq.Sort, lq.Desc = c.Status, c.Sort, c.Desc
			lq.After = &c.After
			lq.Offset = 0
			order = orderName(c.Desc)
		}
	}
	if err := verr.OrNil(); err != nil {
		return ListQuery{}, err
	}
	if order == "" {
		lq.Desc = lq.Sort != latch.SortTitle
	} else {
		lq.Desc = order == "desc"
	}
	return lq, nil
}

func orderName(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}
