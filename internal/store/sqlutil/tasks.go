package sqlutil

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/latchhq/latch"
)

const taskCols = `id, user_id, title, description, completed, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func scanTask(r scanner) (*latch.Task, error) {
	var t latch.Task
	if err := scanTaskInto(r, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// scanTaskInto scans a task row into t.
func scanTaskInto(r scanner, t *latch.Task) error {
	var (
		done     Bool
		cre, upd Time
	)
	if err := r.Scan(&t.ID, &t.UserID, &t.Title, &t.Description, &done, &cre, &upd); err != nil {
		return err
	}
	t.Completed, t.CreatedAt, t.UpdatedAt = bool(done), cre.T, upd.T
	return nil
}

// CreateTask implements latch.TaskStore.
func (s *Store) CreateTask(ctx context.Context, t *latch.Task, now time.Time) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	owner, err := s.ownerArg(t.UserID)
	if err != nil {
		return s.Err("create task", err)
	}
	now = Norm(now)
	query := s.q(`INSERT INTO task (user_id, title, description, completed, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`)
	var id int64
	err = s.write(ctx, func(ctx context.Context, x execer) error {
		return x.queryRow(ctx, query, owner, t.Title, t.Description, t.Completed, s.t(now), s.t(now)).Scan(&id)
	})
	if err != nil {
		return s.Err("create task", err)
	}
	t.ID, t.CreatedAt, t.UpdatedAt = id, now, now
	return nil
}

// GetTask implements latch.TaskStore.
func (s *Store) GetTask(ctx context.Context, userID string, id int64) (*latch.Task, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	owner, err := s.ownerArg(userID)
	if err != nil {
		return nil, s.Err("get task", err)
	}
	t, err := scanTask(s.queryRow(ctx, s.r,
		s.q(`SELECT `+taskCols+` FROM task WHERE id = ? AND user_id = ?`), id, owner))
	if err != nil {
		return nil, s.Err("get task", err)
	}
	return t, nil
}

// UpdateTask implements latch.TaskStore.
func (s *Store) UpdateTask(ctx context.Context, userID string, id int64, u latch.TaskUpdate, now time.Time) (*latch.Task, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	owner, err := s.ownerArg(userID)
	if err != nil {
		return nil, s.Err("update task", err)
	}
	query := `UPDATE task SET title = ?, description = ?, updated_at = ?`
	args := []any{u.Title, u.Description, s.t(now)}
	if u.Completed != nil {
		query += `, completed = ?`
		args = append(args, *u.Completed)
	}
	query += ` WHERE id = ? AND user_id = ? RETURNING ` + taskCols
	args = append(args, id, owner)
	t, err := s.writeTask(ctx, s.q(query), args...)
	if err != nil {
		return nil, s.Err("update task", err)
	}
	return t, nil
}

// ToggleTask implements latch.TaskStore. The flip happens in one UPDATE
// statement, so concurrent toggles serialise on the row.
func (s *Store) ToggleTask(ctx context.Context, userID string, id int64, now time.Time) (*latch.Task, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	owner, err := s.ownerArg(userID)
	if err != nil {
		return nil, s.Err("toggle task", err)
	}
	t, err := s.writeTask(ctx, s.q(`UPDATE task SET completed = NOT completed, updated_at = ?
		WHERE id = ? AND user_id = ? RETURNING `+taskCols), s.t(now), id, owner)
	if err != nil {
		return nil, s.Err("toggle task", err)
	}
	return t, nil
}

// DeleteTask implements latch.TaskStore.
func (s *Store) DeleteTask(ctx context.Context, userID string, id int64) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	owner, err := s.ownerArg(userID)
	if err != nil {
		return s.Err("delete task", err)
	}
	query := s.q(`DELETE FROM task WHERE id = ? AND user_id = ?`)
	err = s.write(ctx, func(ctx context.Context, x execer) error {
		return oneRow(x.exec(ctx, query, id, owner))
	})
	return s.Err("delete task", err)
}

// writeTask runs a write that returns one task row (UPDATE … RETURNING).
func (s *Store) writeTask(ctx context.Context, query string, args ...any) (*latch.Task, error) {
	var t latch.Task
	err := s.write(ctx, func(ctx context.Context, x execer) error {
		return scanTaskInto(x.queryRow(ctx, query, args...), &t)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// ListQuery is the SQL of one listing: the page query (fetching one row
// more than the limit, to learn whether more follow) and, when the filter
// asks for a count, the count query, each with its arguments, placeholders already in
// the dialect's form. The WHERE clause always starts with user_id = ? and
// the ORDER BY follows one of the (user_id, key, id) indexes, so a page
// reads only the owner's rows in index order; the keyset condition is a
// row-value comparison the index can seek to. Exported for query-plan
// tests.
type ListQuery struct {
	Page      string
	PageArgs  []any
	Count     string // empty unless TaskFilter.Count
	CountArgs []any
	Limit     int
	Column    string
}

// BuildList builds the SQL of f.
func (s *Store) BuildList(f latch.TaskFilter) ListQuery {
	limit := f.Limit
	if limit <= 0 {
		limit = latch.DefaultPageSize
	}
	limit = min(limit, latch.MaxPageSize)

	where := ` WHERE user_id = ?`
	var owner any = f.UserID
	if arg, ok := s.idArg(f.UserID); ok {
		owner = arg
	}
	args := []any{owner}
	switch f.Status {
	case latch.StatusPending:
		where += ` AND completed = ?`
		args = append(args, false)
	case latch.StatusCompleted:
		where += ` AND completed = ?`
		args = append(args, true)
	}
	col := sortColumn(f.Sort)
	dir, cmp := "ASC", ">"
	if f.Desc {
		dir, cmp = "DESC", "<"
	}

	lq := ListQuery{Limit: limit, Column: col}
	cols := listCols
	if s.d.PackListTimes {
		cols = packedListCols
	}
	query := `SELECT ` + cols + ` FROM task` + where
	pageArgs := append([]any(nil), args...)
	if f.After != nil {
		var key any = f.After.Title
		if col != "title" {
			key = s.t(f.After.Time)
		}
		query += ` AND (` + col + `, id) ` + cmp + ` (?, ?)`
		pageArgs = append(pageArgs, key, f.After.ID)
	}
	if f.Count {
		lq.Count, lq.CountArgs = s.q(`SELECT count(*) FROM task`+where), args
	}
	query += ` ORDER BY ` + col + ` ` + dir + `, id ` + dir + ` LIMIT ?`
	pageArgs = append(pageArgs, limit+1)
	if f.After == nil && f.Offset > 0 {
		query += ` OFFSET ?`
		pageArgs = append(pageArgs, f.Offset)
	}
	lq.Page, lq.PageArgs = s.q(query), pageArgs
	return lq
}

// ListTasks implements latch.TaskStore (see ListQuery for the SQL).
func (s *Store) ListTasks(ctx context.Context, f latch.TaskFilter) (*latch.TaskPage, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if _, err := s.ownerArg(f.UserID); err != nil {
		return nil, s.Err("list tasks", err)
	}
	lq := s.BuildList(f)
	// The page holds at most Limit+1 rows (one more says there is a next
	// page); the capacity is capped so that a huge limit costs nothing
	// until rows arrive.
	page := &latch.TaskPage{Tasks: make([]latch.Task, 0, min(lq.Limit+1, 101)), Total: -1}

	// Only a listing that asks for Total counts the matching rows; both
	// statements then run in one read-only snapshot so that Total agrees
	// with the page. Otherwise the page is one statement, no transaction.
	var qr querier = s.r
	if lq.Count != "" {
		tx, err := s.r.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return nil, s.Err("list tasks", err)
		}
		defer func() { _ = tx.Rollback() }()
		qr = tx
		if err := qr.QueryRowContext(ctx, lq.Count, lq.CountArgs...).Scan(&page.Total); err != nil {
			return nil, s.Err("count tasks", err)
		}
	}

	var rows *sql.Rows
	var err error
	if lq.Count == "" {
		rows, err = s.query(ctx, s.r, lq.Page, lq.PageArgs...)
	} else {
		rows, err = qr.QueryContext(ctx, lq.Page, lq.PageArgs...)
	}
	if err != nil {
		return nil, s.Err("list tasks", err)
	}
	defer rows.Close()
	row := newListRow(s.d.PackListTimes)
	for rows.Next() {
		page.Tasks = append(page.Tasks, latch.Task{})
		if err := row.scan(rows, f.UserID, &page.Tasks[len(page.Tasks)-1]); err != nil {
			return nil, s.Err("list tasks", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.Err("list tasks", err)
	}
	if len(page.Tasks) > lq.Limit {
		page.Tasks = page.Tasks[:lq.Limit]
		last := page.Tasks[lq.Limit-1]
		next := &latch.TaskCursor{ID: last.ID}
		switch lq.Column {
		case "title":
			next.Title = last.Title
		case "updated_at":
			next.Time = last.UpdatedAt
		default:
			next.Time = last.CreatedAt
		}
		page.Next = next
	}
	return page, nil
}

func sortColumn(s latch.TaskSort) string {
	switch latch.TaskSort(strings.ToLower(string(s))) {
	case latch.SortUpdated:
		return "updated_at"
	case latch.SortTitle:
		return "title"
	default:
		return "created_at"
	}
}
