package tasks

import (
	"errors"
	"strings"
	"testing"

	"github.com/latchhq/latch"
)

func TestAuthorize(t *testing.T) {
	tests := []struct {
		name          string
		subject, user string
		want          error
	}{
		{name: "owner", subject: "u1", user: "u1"},
		{name: "other user", subject: "u1", user: "u2", want: latch.ErrForbidden},
		{name: "prefix is not equal", subject: "u1", user: "u10", want: latch.ErrForbidden},
		{name: "case matters", subject: "abc", user: "ABC", want: latch.ErrForbidden},
		{name: "empty path user", subject: "u1", user: "", want: latch.ErrForbidden},
		{name: "no subject", subject: "", user: "", want: latch.ErrUnauthenticated},
		{name: "longest user id", subject: strings.Repeat("x", MaxUserIDLen), user: strings.Repeat("x", MaxUserIDLen)},
		{name: "user id too long", subject: strings.Repeat("x", MaxUserIDLen+1), user: strings.Repeat("x", MaxUserIDLen+1), want: latch.ErrInvalid},
		{name: "NUL in user id", subject: "a\x00b", user: "a\x00b", want: latch.ErrInvalid},
		{name: "invalid UTF-8 user id", subject: "a\xffb", user: "a\xffb", want: latch.ErrInvalid},
		{name: "other user with NUL", subject: "a", user: "a\x00", want: latch.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Authorize(tt.subject, tt.user)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Authorize(%q, %q) = %v, want %v", tt.subject, tt.user, err, tt.want)
			}
		})
	}
}

// TestServiceChecksBeforeStore shows that the rules run before the store
// is touched: a Service over a nil store must answer without using it.
func TestServiceChecksBeforeStore(t *testing.T) {
	s := NewService(nil)
	ctx := t.Context()
	title := "x"
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{name: "create forbidden", call: func() error { _, err := s.Create(ctx, "a", "b", Input{Title: &title}); return err }, want: latch.ErrForbidden},
		{name: "create invalid", call: func() error { _, err := s.Create(ctx, "a", "a", Input{}); return err }, want: latch.ErrInvalid},
		{name: "get forbidden", call: func() error { _, err := s.Get(ctx, "a", "b", 1); return err }, want: latch.ErrForbidden},
		{name: "get id 0", call: func() error { _, err := s.Get(ctx, "a", "a", 0); return err }, want: latch.ErrNotFound},
		{name: "update forbidden", call: func() error { _, err := s.Update(ctx, "a", "b", 1, Input{Title: &title}); return err }, want: latch.ErrForbidden},
		{name: "update invalid", call: func() error { _, err := s.Update(ctx, "a", "a", 1, Input{}); return err }, want: latch.ErrInvalid},
		{name: "toggle negative id", call: func() error { _, err := s.Toggle(ctx, "a", "a", -1); return err }, want: latch.ErrNotFound},
		{name: "delete forbidden", call: func() error { return s.Delete(ctx, "b", "a", 1) }, want: latch.ErrForbidden},
		{name: "list forbidden", call: func() error { _, err := s.List(ctx, "a", "b", ListQuery{Limit: 1}); return err }, want: latch.ErrForbidden},
		{name: "list bad limit", call: func() error { _, err := s.List(ctx, "a", "a", ListQuery{Limit: 0}); return err }, want: latch.ErrInvalid},
		{name: "no subject", call: func() error { _, err := s.List(ctx, "", "", ListQuery{Limit: 1}); return err }, want: latch.ErrUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
