package tasks

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/latchhq/latch"
)

func ptr[T any](v T) *T { return &v }

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		in        Input
		wantTitle string
		wantDesc  string
		wantBad   []string // invalid field names, in order
	}{
		{name: "minimal", in: Input{Title: ptr("Buy milk")}, wantTitle: "Buy milk"},
		{name: "trimmed", in: Input{Title: ptr("  Buy milk \t")}, wantTitle: "Buy milk"},
		{name: "description kept as sent", in: Input{Title: ptr("a"), Description: ptr(" line 1\nline 2\t ")}, wantTitle: "a", wantDesc: " line 1\nline 2\t "},
		{name: "200 multibyte runes", in: Input{Title: ptr(strings.Repeat("é", 200))}, wantTitle: strings.Repeat("é", 200)},
		{name: "200 emoji", in: Input{Title: ptr(strings.Repeat("🙂", 200))}, wantTitle: strings.Repeat("🙂", 200)},
		{name: "200 runes plus spaces", in: Input{Title: ptr("  " + strings.Repeat("x", 200) + "  ")}, wantTitle: strings.Repeat("x", 200)},
		{name: "1000 rune description", in: Input{Title: ptr("a"), Description: ptr(strings.Repeat("ü", 1000))}, wantTitle: "a", wantDesc: strings.Repeat("ü", 1000)},
		{name: "missing title", in: Input{}, wantBad: []string{"title"}},
		{name: "empty title", in: Input{Title: ptr("")}, wantBad: []string{"title"}},
		{name: "blank title", in: Input{Title: ptr(" \t\n ")}, wantBad: []string{"title"}},
		{name: "zero-width only", in: Input{Title: ptr("\u200b\u200b")}, wantBad: []string{"title"}},
		{name: "201 runes", in: Input{Title: ptr(strings.Repeat("é", 201))}, wantBad: []string{"title"}},
		{name: "NUL in title", in: Input{Title: ptr("a\x00b")}, wantBad: []string{"title"}},
		{name: "newline inside title", in: Input{Title: ptr("a\nb")}, wantBad: []string{"title"}},
		{name: "C1 control in title", in: Input{Title: ptr("a\u0085b")}, wantBad: []string{"title"}},
		{name: "invalid UTF-8 title", in: Input{Title: ptr("a\xffb")}, wantBad: []string{"title"}},
		{name: "1001 rune description", in: Input{Title: ptr("a"), Description: ptr(strings.Repeat("x", 1001))}, wantBad: []string{"description"}},
		{name: "NUL in description", in: Input{Title: ptr("a"), Description: ptr("x\x00")}, wantBad: []string{"description"}},
		{name: "both bad", in: Input{Title: ptr(""), Description: ptr("\x01")}, wantBad: []string{"title", "description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Validate(tt.in)
			if len(tt.wantBad) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if f.Title != tt.wantTitle || f.Description != tt.wantDesc {
					t.Fatalf("got title %q desc %q, want %q %q", f.Title, f.Description, tt.wantTitle, tt.wantDesc)
				}
				return
			}
			var verr *latch.ValidationError
			if !errors.As(err, &verr) || !errors.Is(err, latch.ErrInvalid) {
				t.Fatalf("err = %v, want *latch.ValidationError", err)
			}
			var got []string
			for _, fe := range verr.Fields {
				if fe.Location != "body" || fe.Message == "" {
					t.Errorf("bad field error %+v", fe)
				}
				got = append(got, fe.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.wantBad, ",") {
				t.Fatalf("invalid fields %v, want %v", got, tt.wantBad)
			}
		})
	}
}

func TestValidateKeepsCompleted(t *testing.T) {
	f, err := Validate(Input{Title: ptr("a"), Completed: ptr(true)})
	if err != nil || f.Completed == nil || !*f.Completed {
		t.Fatalf("Validate = %+v, %v; want Completed true", f, err)
	}
}

func FuzzValidate(f *testing.F) {
	f.Add("Buy milk", "desc")
	f.Add(" \t", "")
	f.Add("a\x00", "\x00")
	f.Add(strings.Repeat("é", 201), strings.Repeat("x", 1001))
	f.Fuzz(func(t *testing.T, title, desc string) {
		got, err := Validate(Input{Title: &title, Description: &desc})
		if err != nil {
			if !errors.Is(err, latch.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		n := utf8.RuneCountInString(got.Title)
		if n < 1 || n > latch.MaxTitleLen || got.Title != strings.TrimSpace(got.Title) || strings.ContainsRune(got.Title, 0) || !hasVisible(got.Title) {
			t.Fatalf("accepted bad title %q", got.Title)
		}
		if !utf8.ValidString(got.Description) || utf8.RuneCountInString(got.Description) > latch.MaxDescriptionLen || strings.ContainsRune(got.Description, 0) {
			t.Fatalf("accepted bad description %q", got.Description)
		}
	})
}
