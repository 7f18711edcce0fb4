package tasks

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/latchhq/latch"
)

// Cursor is the content of an opaque cursor (the cursor parameter of a
// list's Link rel="next"): the keyset position
// plus the listing it belongs to, so that a cursor cannot silently be
// applied to another ordering.
type Cursor struct {
	// Status is the status filter of the listing.
	Status latch.TaskStatus
	// Sort is the sort key of the listing.
	Sort latch.TaskSort
	// Desc is true for a descending listing.
	Desc bool
	// After is the keyset position of the last task of the page.
	After latch.TaskCursor
}

// MaxCursorLen bounds an encoded cursor; longer input is rejected before
// any decoding work.
const MaxCursorLen = 4096

// ErrBadCursor is returned by DecodeCursor for anything that is not a
// cursor produced by EncodeCursor. It wraps latch.ErrInvalid.
var ErrBadCursor = fmt.Errorf("%w: bad cursor", latch.ErrInvalid)

// cursorV1 is the wire form (JSON, then unpadded base64url).
type cursorV1 struct {
	V      int    `json:"v"`
	Status string `json:"st"`
	Sort   string `json:"s"`
	Order  string `json:"o"`
	Time   string `json:"t,omitempty"`
	Title  string `json:"ti,omitempty"`
	ID     int64  `json:"id"`
}

// EncodeCursor returns the opaque string for c. The time is written in
// UTC with nanoseconds so that it round-trips exactly.
func EncodeCursor(c Cursor) string {
	w := cursorV1{V: 1, Status: string(c.Status), Sort: string(c.Sort), Order: orderName(c.Desc), ID: c.After.ID}
	if c.Sort == latch.SortTitle {
		w.Title = c.After.Title
	} else {
		w.Time = c.After.Time.UTC().Format(time.RFC3339Nano)
	}
	b, _ := json.Marshal(w) // cannot fail: strings and ints only
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses and validates a string made by EncodeCursor. Any
// other input, including a modified cursor, yields an error wrapping
// ErrBadCursor; it never panics.
func DecodeCursor(s string) (Cursor, error) {
	if len(s) == 0 || len(s) > MaxCursorLen {
		return Cursor{}, ErrBadCursor
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var w cursorV1
	if err := dec.Decode(&w); err != nil {
		return Cursor{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Cursor{}, fmt.Errorf("%w: trailing data", ErrBadCursor)
	}
	if w.V != 1 || !slices.Contains(Statuses, w.Status) || !slices.Contains(Sorts, w.Sort) || !slices.Contains(Orders, w.Order) || w.ID < 1 {
		return Cursor{}, fmt.Errorf("%w: bad field", ErrBadCursor)
	}
	c := Cursor{Status: latch.TaskStatus(w.Status), Sort: latch.TaskSort(w.Sort), Desc: w.Order == "desc"}
	c.After.ID = w.ID
	if c.Sort == latch.SortTitle {
		// A stored title never holds NUL, and PostgreSQL cannot even
		// compare with one (a 500 otherwise).
		if w.Time != "" || !utf8.ValidString(w.Title) || strings.IndexByte(w.Title, 0) >= 0 {
			return Cursor{}, fmt.Errorf("%w: bad title", ErrBadCursor)
		}
		c.After.Title = w.Title
	} else {
		if w.Title != "" {
			return Cursor{}, fmt.Errorf("%w: unexpected title", ErrBadCursor)
		}
		t, err := time.Parse(time.RFC3339Nano, w.Time)
		if err != nil {
			return Cursor{}, fmt.Errorf("%w: bad time", ErrBadCursor)
		}
		c.After.Time = t.UTC()
	}
	return c, nil
}
