package tasks

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/latchhq/latch"
)

// Input is the body of a create (POST) or full update (PUT) as the caller
// sent it. A nil pointer means the field was absent.
type Input struct {
	// Title is required: 1 to [latch.MaxTitleLen] characters (Unicode code
	// points) once leading and trailing white space is trimmed, at least
	// one of them visible. It may not contain control characters.
	Title *string
	// Description is optional (absent means empty): at most
	// [latch.MaxDescriptionLen] characters, no control characters other
	// than tab, line feed and carriage return.
	Description *string
	// Completed is honoured by updates only; nil leaves completion as it
	// is. Creates always start pending.
	Completed *bool
}

// Fields is a validated, normalised Input.
type Fields struct {
	// Title is trimmed and non-empty.
	Title string
	// Description is kept as sent (not trimmed), possibly empty.
	Description string
	// Completed is nil when the input left completion unchanged.
	Completed *bool
}

// Validate checks in against the task rules and returns the normalised
// fields, or a *latch.ValidationError (location "body") naming every bad
// field.
func Validate(in Input) (Fields, error) {
	var f Fields
	verr := &latch.ValidationError{}
	if in.Title == nil {
		verr.Add("body", "title", "Field required")
	} else {
		f.Title = strings.TrimSpace(*in.Title)
		if msg := checkText(f.Title, latch.MaxTitleLen, false); msg != "" {
			verr.Add("body", "title", msg)
		} else if f.Title == "" {
			verr.Add("body", "title", fmt.Sprintf("must be 1 to %d characters long (after trimming white space)", latch.MaxTitleLen))
		} else if !hasVisible(f.Title) {
			verr.Add("body", "title", "must contain at least one visible character")
		}
	}
	if in.Description != nil {
		f.Description = *in.Description
		if msg := checkText(f.Description, latch.MaxDescriptionLen, true); msg != "" {
			verr.Add("body", "description", msg)
		}
	}
	f.Completed = in.Completed
	if err := verr.OrNil(); err != nil {
		return Fields{}, err
	}
	return f, nil
}

// hasVisible reports whether s has a printable character other than
// white space (so that a title of zero-width spaces counts as blank).
func hasVisible(s string) bool {
	for _, r := range s {
		if unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			return true
		}
	}
	return false
}

// checkText returns "" when s is valid UTF-8 of at most max code points
// without forbidden control characters, else a message. NUL is always
// forbidden (PostgreSQL cannot store it); multiline allows \t, \n, \r.
func checkText(s string, max int, multiline bool) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8 text"
	}
	n := 0
	for _, r := range s {
		n++
		if unicode.IsControl(r) && !(multiline && (r == '\t' || r == '\n' || r == '\r')) {
			return "must not contain control characters"
		}
	}
	if n > max {
		if multiline {
			return fmt.Sprintf("must be at most %d characters long", max)
		}
		return fmt.Sprintf("must be 1 to %d characters long (after trimming white space)", max)
	}
	return ""
}
