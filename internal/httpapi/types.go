package httpapi

import (
	"time"
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
	CreatedAt   Timestamp `json:"created_at" doc:"Creation time, RFC 3339 in UTC with exactly three fraction digits (as JavaScript's toISOString)." example:"2026-11-28T08:31:27.510Z"`
	UpdatedAt   Timestamp `json:"updated_at" doc:"Time of the last change, in the same form as created_at." example:"2026-11-28T08:31:27.510Z"`
}

// TimestampLayout is how the API writes times: UTC, milliseconds, always
// three fraction digits, as JavaScript's Date.prototype.toISOString and
// Better Auth write them.
const TimestampLayout = "2006-01-02T15:04:05.000Z"

// Timestamp is a time written in TimestampLayout (truncated to the
// millisecond). It reads any RFC 3339 time.
type Timestamp struct{ time.Time }

// MarshalJSON implements json.Marshaler.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(TimestampLayout)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, TimestampLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	return t.Time.UnmarshalJSON(b)
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
