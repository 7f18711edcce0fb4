package httpapi

import (
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/tasks"
)

// The wire types below are also the source of the OpenAPI schemas. Tags:
// json names the field; doc describes it; example gives an example value
// (JSON for non-strings); schema holds comma-separated keywords:
// required, nullable, minLength=N, maxLength=N, minimum=N, enum=a|b.
// A field is required when tagged so, or when it is neither a pointer nor
// omitempty.

// Task is a task as the API returns it.
type Task struct {
	ID          int64     `json:"id" doc:"Task id, unique across users." schema:"minimum=1" example:"42"`
	UserID      string    `json:"user_id" doc:"The owner: the token subject." example:"xQ3aF9kLm2TzR8pV"`
	Title       string    `json:"title" schema:"minLength=1,maxLength=200" example:"Buy milk"`
	Description string    `json:"description" schema:"maxLength=1000" example:"Two litres, semi-skimmed"`
	Completed   bool      `json:"completed"`
	CreatedAt   time.Time `json:"created_at" doc:"Creation time, RFC 3339 in UTC."`
	UpdatedAt   time.Time `json:"updated_at" doc:"Time of the last change, RFC 3339 in UTC."`
}

// TaskList is one page of a listing.
type TaskList struct {
	Items []Task `json:"items"`
	// Total is nil in cursor mode.
	Total *int `json:"total" schema:"required,nullable" doc:"Number of tasks matching status (ignoring paging); null for a page requested with a cursor." example:"3"`
	Limit int  `json:"limit" doc:"Page size used." example:"50"`
	// Offset is nil in cursor mode.
	Offset *int `json:"offset" schema:"required,nullable" doc:"Offset used; null for a page requested with a cursor." example:"0"`
	// NextCursor is nil on the last page.
	NextCursor *string `json:"next_cursor" schema:"required,nullable" doc:"Pass as cursor to get the next page; null when no more tasks follow."`
}

// TaskCreate is the body of POST /api/{user_id}/tasks.
type TaskCreate struct {
	Title       *string `json:"title" schema:"required,minLength=1,maxLength=200" doc:"1 to 200 characters after trimming white space; no control characters." example:"Buy milk"`
	Description *string `json:"description" schema:"nullable,maxLength=1000" doc:"Optional, at most 1000 characters; absent or null means empty." example:"Two litres, semi-skimmed"`
}

// TaskUpdate is the body of PUT /api/{user_id}/tasks/{id}: a full
// replacement of title and description; completion changes only when
// given.
type TaskUpdate struct {
	Title       *string `json:"title" schema:"required,minLength=1,maxLength=200" doc:"1 to 200 characters after trimming white space; no control characters." example:"Buy oat milk"`
	Description *string `json:"description" schema:"nullable,maxLength=1000" doc:"At most 1000 characters; absent or null clears it." example:""`
	Completed   *bool   `json:"completed" schema:"nullable" doc:"New completion state; absent or null leaves it unchanged." example:"true"`
}

func toTask(t *latch.Task) Task {
	return Task{
		ID: t.ID, UserID: t.UserID, Title: t.Title, Description: t.Description, Completed: t.Completed,
		CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(),
	}
}

func toTaskList(p *tasks.Page) TaskList {
	l := TaskList{Items: make([]Task, len(p.Tasks)), Limit: p.Limit}
	for i := range p.Tasks {
		l.Items[i] = toTask(&p.Tasks[i])
	}
	if !p.CursorMode {
		total, offset := p.Total, p.Offset
		l.Total, l.Offset = &total, &offset
	}
	if p.NextCursor != "" {
		next := p.NextCursor
		l.NextCursor = &next
	}
	return l
}
