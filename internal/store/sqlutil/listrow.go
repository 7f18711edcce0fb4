package sqlutil

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/latchhq/latch"
)

// listCols are the columns of a listing: the owner is the filter's, so it
// is not read back (ids are stored in their canonical form, the one
// TaskFilter.UserID must have to match). packedListCols reads the two
// timestamps as one column (Dialect.PackListTimes).
const (
	listCols       = `id, title, description, completed, created_at, updated_at`
	packedListCols = `id, title, description, completed, created_at || '|' || updated_at`
)

// listRow is the scan buffer of a listing, reused for every row: one set
// of destinations per call instead of per row.
type listRow struct {
	id          int64
	title, desc string
	done        Bool
	cre, upd    Time
	times       string // packed: created_at|updated_at
	packed      bool
	dest        []any
}

func newListRow(packed bool) *listRow {
	r := &listRow{packed: packed}
	if packed {
		r.dest = []any{&r.id, &r.title, &r.desc, &r.done, &r.times}
	} else {
		r.dest = []any{&r.id, &r.title, &r.desc, &r.done, &r.cre, &r.upd}
	}
	return r
}

// scan reads the current row into t, owned by userID.
func (r *listRow) scan(rows *sql.Rows, userID string, t *latch.Task) error {
	if err := rows.Scan(r.dest...); err != nil {
		return err
	}
	if r.packed {
		if err := r.unpack(); err != nil {
			return err
		}
	}
	*t = latch.Task{ID: r.id, UserID: userID, Title: r.title, Description: r.desc,
		Completed: bool(r.done), CreatedAt: r.cre.T, UpdatedAt: r.upd.T}
	return nil
}

// unpack parses the packed timestamps, each in any form ParseTime accepts
// as text (a number concatenated by SQL arrives as its decimal text).
func (r *listRow) unpack() error {
	c, u, ok := strings.Cut(r.times, "|")
	if !ok {
		return fmt.Errorf("sqlutil: packed timestamps %q", r.times)
	}
	var err error
	if r.cre.T, err = parseTimeString(c); err != nil {
		return err
	}
	r.upd.T, err = parseTimeString(u)
	return err
}
