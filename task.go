package latch

import (
	"context"
	"time"
)

// Task is one to-do item owned by a user. UserID is the verified token
// subject; it need not name a row of the user table (tokens from an outside
// issuer are accepted), but when such a row is deleted its tasks go with it.
type Task struct {
	ID          int64
	UserID      string
	Title       string
	Description string
	Completed   bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Limits on task fields, enforced above the store.
const (
	MaxTitleLen       = 200
	MaxDescriptionLen = 1000
	DefaultPageSize   = 50
	MaxPageSize       = 200
)

// TaskStatus filters a listing by completion.
type TaskStatus string

// Task statuses accepted by ListTasks.
const (
	StatusAll       TaskStatus = "all"
	StatusPending   TaskStatus = "pending"
	StatusCompleted TaskStatus = "completed"
)

// TaskSort names the column a listing is ordered by. Ties are broken by id.
type TaskSort string

// Sort keys accepted by ListTasks.
const (
	SortCreated TaskSort = "created"
	SortUpdated TaskSort = "updated"
	SortTitle   TaskSort = "title"
)

// TaskCursor is the keyset position after which a cursor page starts: the
// sort key of the last item returned and its id. Exactly one of the time or
// title fields is meaningful, depending on the sort.
type TaskCursor struct {
	Time  time.Time
	Title string
	ID    int64
}

// TaskFilter selects one page of a user's tasks. The zero Status means all,
// the zero Sort means created, Limit must be 1..MaxPageSize.
type TaskFilter struct {
	UserID string
	Status TaskStatus
	Sort   TaskSort
	Desc   bool
	Limit  int
	// Offset skips that many rows; ignored when After is set.
	Offset int
	// After, when set, starts the page after this keyset position
	// (cursor pagination); Total is then not computed.
	After *TaskCursor
}

// TaskPage is one page of a listing.
type TaskPage struct {
	Tasks []Task
	// Total is the number of tasks matching the filter (ignoring paging);
	// -1 when not computed (cursor pages).
	Total int
	// Next is the keyset position of the last task when more may follow,
	// else nil.
	Next *TaskCursor
}

// TaskUpdate holds the fields of a full update (PUT). Completed is a
// pointer so that an update may leave completion unchanged.
type TaskUpdate struct {
	Title       string
	Description string
	Completed   *bool
}

// TaskStore persists tasks. Every method is scoped to one owner: a task
// that exists but belongs to another user is reported as ErrNotFound.
// Validation happens above the store; the store trusts its input. Times
// come from the caller (now), like the user and session stores: a store
// never reads a clock.
type TaskStore interface {
	// CreateTask inserts t, setting its ID and CreatedAt = UpdatedAt = now
	// (normalised to UTC milliseconds).
	CreateTask(ctx context.Context, t *Task, now time.Time) error
	// GetTask returns the owner's task, or ErrNotFound.
	GetTask(ctx context.Context, userID string, id int64) (*Task, error)
	// ListTasks returns one page of the owner's tasks.
	ListTasks(ctx context.Context, f TaskFilter) (*TaskPage, error)
	// UpdateTask replaces title and description (and completion when set)
	// and sets UpdatedAt = now; ErrNotFound when absent.
	UpdateTask(ctx context.Context, userID string, id int64, u TaskUpdate, now time.Time) (*Task, error)
	// ToggleTask flips Completed atomically and sets UpdatedAt = now;
	// ErrNotFound when absent.
	ToggleTask(ctx context.Context, userID string, id int64, now time.Time) (*Task, error)
	// DeleteTask removes the task; ErrNotFound when absent.
	DeleteTask(ctx context.Context, userID string, id int64) error
}
