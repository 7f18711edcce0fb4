package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// toTask is the reflection path the hand-written encoder must match.
func toTask(t *latch.Task) Task {
	return Task{
		ID: t.ID, UserID: t.UserID, Title: t.Title, Description: t.Description, Completed: t.Completed,
		CreatedAt: Timestamp{t.CreatedAt.UTC()}, UpdatedAt: Timestamp{t.UpdatedAt.UTC()},
	}
}

func checkEncoding(t *testing.T, task latch.Task) {
	t.Helper()
	want, err := json.Marshal(toTask(&task))
	if err != nil {
		t.Fatal(err)
	}
	if got := appendTask(nil, &task); string(got) != string(want) {
		t.Fatalf("appendTask =\n%s\nwant (json.Marshal)\n%s", got, want)
	}
}

func TestAppendTaskMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2026, 11, 28, 8, 31, 27, 640_000_000, time.UTC)
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "tab\tnew\nline\rcr\b\f",
		"\x00\x01\x1f\x7f", "é ü 日本 🎉", "\u2028\u2029", "bad \xff\xfe utf8 \xc3", "ok\u00e9\xe2\x82"} {
		checkEncoding(t, latch.Task{ID: 42, UserID: s, Title: s, Description: s, Completed: true, CreatedAt: at, UpdatedAt: at.Add(time.Millisecond)})
	}
	// Zero, far and non-UTC times; ids at the extremes.
	for _, tm := range []time.Time{{}, time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.FixedZone("X", 5*3600))} {
		checkEncoding(t, latch.Task{ID: 1<<63 - 1, CreatedAt: tm, UpdatedAt: tm})
	}
	rec := httptest.NewRecorder()
	writeTasks(rec, 200, nil)
	if rec.Body.String() != "[]\n" || rec.Header().Get("Content-Length") != "3" {
		t.Errorf("empty list = %q, Content-Length %q", rec.Body.String(), rec.Header().Get("Content-Length"))
	}
}

func FuzzAppendTask(f *testing.F) {
	f.Add(int64(7), "user", "title <b>", "desc \u2028 \xff", true, int64(1764318687640))
	f.Fuzz(func(t *testing.T, id int64, user, title, desc string, done bool, ms int64) {
		tm := time.UnixMilli(ms % (253402300799999)).UTC()
		checkEncoding(t, latch.Task{ID: id, UserID: user, Title: title, Description: desc, Completed: done, CreatedAt: tm, UpdatedAt: tm})
	})
}

// TestAppendTimestampCalendar compares appendTimestamp with AppendFormat
// across the calendar: leap days, century rules, year edges, before 1970.
func TestAppendTimestampCalendar(t *testing.T) {
	check := func(tm time.Time) {
		t.Helper()
		want := `"` + tm.UTC().Format(TimestampLayout) + `"`
		if got := string(appendTimestamp(nil, tm)); got != want {
			t.Fatalf("appendTimestamp(%v) = %s, want %s", tm, got, want)
		}
	}
	for _, tm := range []time.Time{
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1600, 2, 29, 23, 59, 59, 999e6, time.UTC), time.Date(1900, 2, 28, 12, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2000, 2, 29, 1, 2, 3, 4e6, time.UTC), time.Date(2100, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 6, 15, 4, 5, 640e6, time.FixedZone("x", -7*3600)),
	} {
		check(tm)
	}
	// Every day from 1583 to 2400, at a varying time of day.
	for tm := time.Date(1583, 1, 1, 0, 0, 0, 0, time.UTC); tm.Year() < 2400; tm = tm.Add(24*time.Hour + 37*time.Second + 1e6) {
		check(tm)
	}
}
