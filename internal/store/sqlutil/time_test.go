package sqlutil

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	want := time.Date(2026, 11, 28, 6, 25, 34, 41_000_000, time.UTC)
	for _, tc := range []struct {
		name string
		in   any
		want time.Time
	}{
		{name: "better auth ISO", in: "2026-11-28T06:25:34.041Z", want: want},
		{name: "bytes", in: []byte("2026-11-28T06:25:34.041Z"), want: want},
		{name: "micro digits", in: "2026-11-28T06:25:34.041999Z", want: want},
		{name: "offset", in: "2026-11-28T07:25:34.041+01:00", want: want},
		{name: "no millis", in: "2026-11-28T06:25:34Z", want: want.Truncate(time.Second)},
		{name: "no zone", in: "2026-11-28T06:25:34.041", want: want},
		{name: "sqlite current_timestamp", in: "2026-11-28 06:25:34", want: want.Truncate(time.Second)},
		{name: "go driver default", in: "2026-11-28 06:25:34.041 +0000 UTC", want: want},
		{name: "epoch ms int", in: int64(1795847134041), want: want},
		{name: "epoch ms text", in: "1795847134041", want: want},
		{name: "epoch s", in: int64(1795847134), want: want.Truncate(time.Second)},
		{name: "epoch ms float", in: 1795847134041.0, want: want},
		{name: "time with ns and zone", in: want.Add(999_999).In(time.FixedZone("X", 7200)), want: want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTime(tc.in)
			if err != nil {
				t.Fatalf("ParseTime(%v): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseTime(%v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	for _, bad := range []any{"", "yesterday", "2026-13-01T00:00:00Z", true, nil} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%#v) succeeded, want an error", bad)
		}
	}
}

func TestFormatTime(t *testing.T) {
	in := time.Date(2026, 11, 28, 7, 25, 34, 41_999_999, time.FixedZone("CET", 3600))
	if got := FormatTime(in); got != "2026-11-28T06:25:34.041Z" {
		t.Fatalf("FormatTime = %q", got)
	}
	if got := FormatTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)); got != "2026-01-02T03:04:05.000Z" {
		t.Fatalf("FormatTime keeps three digits: %q", got)
	}
}

// FuzzParseTime: any stored text either fails cleanly or decodes to a UTC
// millisecond time that formats and parses back to itself.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-28T06:25:34.041Z", "2026-11-28 06:25:34", "1795847134041", "", "9999-99-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err != nil {
			return
		}
		if got.Location() != time.UTC || got.Nanosecond()%int(time.Millisecond) != 0 {
			t.Fatalf("ParseTime(%q) = %v: not UTC milliseconds", s, got)
		}
		if got.Year() < 0 || got.Year() > 9999 {
			return // outside what the text layout can carry
		}
		back, err := ParseTime(FormatTime(got))
		if err != nil || back != got {
			t.Fatalf("round trip of %v: %v, %v", got, back, err)
		}
	})
}

func TestScanners(t *testing.T) {
	var b Bool
	for _, tc := range []struct {
		in   any
		want bool
	}{{in: int64(1), want: true}, {in: int64(0)}, {in: true, want: true}, {in: "true", want: true}, {in: []byte("0")}} {
		if err := b.Scan(tc.in); err != nil || bool(b) != tc.want {
			t.Errorf("Bool.Scan(%#v) = %v, %v; want %v", tc.in, b, err, tc.want)
		}
	}
	if err := b.Scan("maybe"); err == nil {
		t.Error("Bool.Scan(maybe) succeeded")
	}
	var tm Time
	if err := tm.Scan(nil); err == nil {
		t.Error("Time.Scan(nil) succeeded")
	}
}

func TestRebind(t *testing.T) {
	s := &Store{d: Dialect{Dollar: true}}
	if got := s.q(`SELECT a FROM t WHERE b = ? AND (c, id) > (?, ?) LIMIT ?`); got != `SELECT a FROM t WHERE b = $1 AND (c, id) > ($2, $3) LIMIT $4` {
		t.Fatalf("rebind = %q", got)
	}
	s.d.Dollar = false
	if got := s.q(`a = ?`); !strings.Contains(got, "?") {
		t.Fatalf("sqlite rebind changed the query: %q", got)
	}
}

// FuzzFastTimeMatchesStdlib: the fast path of ParseTime and FormatTime
// agree with time.Parse and time.Format on TimeLayout.
func FuzzFastTimeMatchesStdlib(f *testing.F) {
	for _, s := range []string{"2026-11-28T08:31:27.516Z", "2024-02-29T23:59:59.999Z", "2023-02-29T00:00:00.000Z",
		"2026-04-31T00:00:00.000Z", "0000-01-01T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-11-28T24:00:00.000Z",
		"2026-11-28T08:31:60.000Z", "2026-11-28 08:31:27.516Z", "+026-11-28T08:31:27.516Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, werr := time.Parse(TimeLayout, s)
		got, ok := parseFast(s)
		if ok && (werr != nil || !got.Equal(want)) {
			t.Fatalf("parseFast(%q) = %v; time.Parse = %v, %v", s, got, want, werr)
		}
		if ok {
			if out := FormatTime(got); out != want.Format(TimeLayout) || out != s {
				t.Fatalf("FormatTime(%v) = %q, want %q", got, out, s)
			}
		}
	})
}

func BenchmarkParseTimeLayout(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseTime("2026-11-28T08:31:27.516Z"); err != nil {
			b.Fatal(err)
		}
	}
}
