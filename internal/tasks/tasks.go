// Package tasks holds the task rules that sit above the store, so that
// every backend behaves the same: validation of task bodies and list
// parameters, opaque cursors, and the ownership check (the path's user
// must be the token's subject). It knows nothing about HTTP.
package tasks

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/latchhq/latch"
)

// MaxUserIDLen is the longest user id (token subject), in bytes, that may
// own tasks. Ids are indexed together with titles, and PostgreSQL cannot
// index a B-tree entry over about 2.7 KB; real subjects (Better Auth ids,
// UUIDs, integers, issuer-prefixed ids) are far shorter.
const MaxUserIDLen = 1024

// Authorize reports whether subject (the verified token subject) may act
// on the tasks of userID. It returns an error wrapping
// latch.ErrUnauthenticated for an empty subject, latch.ErrForbidden when
// the two differ, and a *latch.ValidationError (location "path", field
// "user_id") when they match but cannot name a task owner: not valid
// UTF-8, containing NUL (which PostgreSQL cannot store), or longer than
// MaxUserIDLen bytes.
func Authorize(subject, userID string) error {
	if subject == "" {
		return fmt.Errorf("%w: no subject", latch.ErrUnauthenticated)
	}
	if subject != userID {
		return fmt.Errorf("%w: token subject may not access another user's tasks", latch.ErrForbidden)
	}
	if len(userID) > MaxUserIDLen || !utf8.ValidString(userID) || strings.IndexByte(userID, 0) >= 0 {
		verr := &latch.ValidationError{}
		verr.Add("path", "user_id", fmt.Sprintf("must be valid UTF-8 text of at most %d bytes without NUL characters", MaxUserIDLen))
		return verr
	}
	return nil
}

// Service applies the task rules and calls the store. Every method takes
// the verified subject and the owner named by the request, checks them
// with [Authorize] first, and never lets one user see or change another
// user's tasks. Errors wrap the latch sentinels: ErrForbidden,
// ErrNotFound (absent or not the owner's), *latch.ValidationError; other
// errors come from the store.
type Service struct {
	store latch.TaskStore
	// Now is the clock that stamps CreatedAt and UpdatedAt; nil means
	// time.Now. Set it before first use.
	Now func() time.Time
}

// NewService returns a Service over store.
func NewService(store latch.TaskStore) *Service {
	return &Service{store: store}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Page is one page of a listing, ready to be rendered.
type Page struct {
	// Tasks are the tasks of the page, never nil.
	Tasks []latch.Task
	// Total counts every matching task; -1 in cursor mode.
	Total int
	// Limit is the page size used.
	Limit int
	// Offset is the offset used (0 in cursor mode).
	Offset int
	// CursorMode is true when the page was requested with a cursor.
	CursorMode bool
	// NextCursor continues the listing after this page; "" when no more
	// tasks may follow.
	NextCursor string
}

// Create validates in and stores a new pending task owned by userID.
func (s *Service) Create(ctx context.Context, subject, userID string, in Input) (*latch.Task, error) {
	if err := Authorize(subject, userID); err != nil {
		return nil, err
	}
	f, err := Validate(in)
	if err != nil {
		return nil, err
	}
	t := &latch.Task{UserID: userID, Title: f.Title, Description: f.Description}
	if err := s.store.CreateTask(ctx, t, s.now()); err != nil {
		return nil, fmt.Errorf("create task: %w", err)
	}
	return t, nil
}

// Get returns one of userID's tasks.
func (s *Service) Get(ctx context.Context, subject, userID string, id int64) (*latch.Task, error) {
	if err := authorizeID(subject, userID, id); err != nil {
		return nil, err
	}
	t, err := s.store.GetTask(ctx, userID, id)
	if err != nil {
		return nil, fmt.Errorf("get task: %w", err)
	}
	return t, nil
}

// Update replaces title and description (and completion when given).
func (s *Service) Update(ctx context.Context, subject, userID string, id int64, in Input) (*latch.Task, error) {
	if err := authorizeID(subject, userID, id); err != nil {
		return nil, err
	}
	f, err := Validate(in)
	if err != nil {
		return nil, err
	}
	t, err := s.store.UpdateTask(ctx, userID, id, latch.TaskUpdate{Title: f.Title, Description: f.Description, Completed: f.Completed}, s.now())
	if err != nil {
		return nil, fmt.Errorf("update task: %w", err)
	}
	return t, nil
}

// Toggle flips completion.
func (s *Service) Toggle(ctx context.Context, subject, userID string, id int64) (*latch.Task, error) {
	if err := authorizeID(subject, userID, id); err != nil {
		return nil, err
	}
	t, err := s.store.ToggleTask(ctx, userID, id, s.now())
	if err != nil {
		return nil, fmt.Errorf("toggle task: %w", err)
	}
	return t, nil
}

// Delete removes the task.
func (s *Service) Delete(ctx context.Context, subject, userID string, id int64) error {
	if err := authorizeID(subject, userID, id); err != nil {
		return err
	}
	if err := s.store.DeleteTask(ctx, userID, id); err != nil {
		return fmt.Errorf("delete task: %w", err)
	}
	return nil
}

// List returns one page of userID's tasks as selected by q (see
// [ParseListQuery]).
func (s *Service) List(ctx context.Context, subject, userID string, q ListQuery) (*Page, error) {
	if err := Authorize(subject, userID); err != nil {
		return nil, err
	}
	if q.Limit < 1 || q.Limit > latch.MaxPageSize || q.Offset < 0 || q.Offset > MaxOffset {
		return nil, fmt.Errorf("%w: list query out of range", latch.ErrInvalid)
	}
	f := latch.TaskFilter{UserID: userID, Status: q.Status, Sort: q.Sort, Desc: q.Desc, Limit: q.Limit, Offset: q.Offset, After: q.After}
	if f.After != nil {
		f.Offset = 0
	}
	p, err := s.store.ListTasks(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	out := &Page{Tasks: p.Tasks, Total: p.Total, Limit: f.Limit, Offset: f.Offset, CursorMode: f.After != nil}
	if out.Tasks == nil {
		out.Tasks = []latch.Task{}
	}
	next := p.Next
	if out.CursorMode {
		out.Total = -1
	} else if next == nil && len(p.Tasks) > 0 && f.Offset+len(p.Tasks) < p.Total {
		// Offset pages may also be continued with a cursor.
		next = position(f.Sort, p.Tasks[len(p.Tasks)-1])
	}
	if next != nil {
		out.NextCursor = EncodeCursor(Cursor{Status: f.Status, Sort: f.Sort, Desc: f.Desc, After: *next})
	}
	return out, nil
}

// position is the keyset position of t under sort.
func position(sort latch.TaskSort, t latch.Task) *latch.TaskCursor {
	c := &latch.TaskCursor{ID: t.ID}
	switch sort {
	case latch.SortTitle:
		c.Title = t.Title
	case latch.SortUpdated:
		c.Time = t.UpdatedAt
	default:
		c.Time = t.CreatedAt
	}
	return c
}

// authorizeID checks ownership, then treats a non-positive id as absent.
func authorizeID(subject, userID string, id int64) error {
	if err := Authorize(subject, userID); err != nil {
		return err
	}
	if id < 1 {
		return fmt.Errorf("task %d: %w", id, latch.ErrNotFound)
	}
	return nil
}
