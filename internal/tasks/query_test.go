package tasks

import (
	"encoding/base64"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

func TestParseListQuery(t *testing.T) {
	created := EncodeCursor(Cursor{Status: latch.StatusPending, Sort: latch.SortCreated, Desc: true,
		After: latch.TaskCursor{Time: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), ID: 7}})
	titled := EncodeCursor(Cursor{Status: latch.StatusAll, Sort: latch.SortTitle, Desc: false, After: latch.TaskCursor{Title: "b", ID: 3}})
	tests := []struct {
		name    string
		query   string
		want    ListQuery
		wantBad []string
	}{
		{name: "defaults", query: "", want: ListQuery{Status: "all", Sort: "created", Desc: true, Limit: 50}},
		{name: "title defaults to asc", query: "sort=title", want: ListQuery{Status: "all", Sort: "title", Desc: false, Limit: 50}},
		{name: "updated asc", query: "sort=updated&order=asc", want: ListQuery{Status: "all", Sort: "updated", Limit: 50}},
		{name: "title desc", query: "sort=title&order=desc", want: ListQuery{Status: "all", Sort: "title", Desc: true, Limit: 50}},
		{name: "all set", query: "status=completed&limit=200&offset=10", want: ListQuery{Status: "completed", Sort: "created", Desc: true, Limit: 200, Offset: 10}},
		{name: "empty values are absent", query: "status=&limit=&offset=&cursor=", want: ListQuery{Status: "all", Sort: "created", Desc: true, Limit: 50}},
		{name: "unknown ignored", query: "foo=bar&limit=1", want: ListQuery{Status: "all", Sort: "created", Desc: true, Limit: 1}},
		{name: "total", query: "total=true", want: ListQuery{Status: "all", Sort: "created", Desc: true, Limit: 50, Total: true}},
		{name: "total false", query: "total=false&total=", want: ListQuery{Status: "all", Sort: "created", Desc: true, Limit: 50}},
		{name: "total with cursor", query: "total=true&cursor=" + created,
			want: ListQuery{Status: "pending", Sort: "created", Desc: true, Limit: 50, Total: true,
				After: &latch.TaskCursor{Time: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), ID: 7}}},
		{name: "bad total", query: "total=1", wantBad: []string{"total"}},
		{name: "total twice", query: "total=true&total=false", wantBad: []string{"total"}},
		{name: "bad status", query: "status=done", wantBad: []string{"status"}},
		{name: "bad sort", query: "sort=id", wantBad: []string{"sort"}},
		{name: "bad order", query: "order=up", wantBad: []string{"order"}},
		{name: "case matters", query: "status=ALL", wantBad: []string{"status"}},
		{name: "limit zero", query: "limit=0", wantBad: []string{"limit"}},
		{name: "limit 201", query: "limit=201", wantBad: []string{"limit"}},
		{name: "limit text", query: "limit=ten", wantBad: []string{"limit"}},
		{name: "limit huge", query: "limit=99999999999999999999999", wantBad: []string{"limit"}},
		{name: "offset negative", query: "offset=-1", wantBad: []string{"offset"}},
		{name: "offset too big", query: "offset=2147483648", wantBad: []string{"offset"}},
		{name: "offset float", query: "offset=1.5", wantBad: []string{"offset"}},
		{name: "repeated", query: "limit=1&limit=2", wantBad: []string{"limit"}},
		{name: "several bad", query: "status=x&limit=0&order=y", wantBad: []string{"status", "order", "limit"}},
		{name: "cursor sets listing", query: "cursor=" + created,
			want: ListQuery{Status: "pending", Sort: "created", Desc: true, Limit: 50,
				After: &latch.TaskCursor{Time: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), ID: 7}}},
		{name: "cursor with same params", query: "status=pending&sort=created&order=desc&limit=5&cursor=" + created,
			want: ListQuery{Status: "pending", Sort: "created", Desc: true, Limit: 5,
				After: &latch.TaskCursor{Time: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), ID: 7}}},
		{name: "title cursor", query: "cursor=" + titled, want: ListQuery{Status: "all", Sort: "title", Limit: 50, After: &latch.TaskCursor{Title: "b", ID: 3}}},
		{name: "cursor other sort", query: "sort=title&cursor=" + created, wantBad: []string{"cursor"}},
		{name: "cursor other order", query: "order=asc&cursor=" + created, wantBad: []string{"cursor"}},
		{name: "cursor other status", query: "status=all&cursor=" + created, wantBad: []string{"cursor"}},
		{name: "cursor and offset", query: "offset=0&cursor=" + created, wantBad: []string{"cursor"}},
		{name: "garbage cursor", query: "cursor=abc", wantBad: []string{"cursor"}},
		{name: "tampered cursor", query: "cursor=" + created[:len(created)-2] + "xx", wantBad: []string{"cursor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseListQuery(v)
			if len(tt.wantBad) > 0 {
				var verr *latch.ValidationError
				if !errors.As(err, &verr) {
					t.Fatalf("err = %v, want *latch.ValidationError", err)
				}
				var names []string
				for _, f := range verr.Fields {
					if f.Location != "query" || f.Message == "" {
						t.Errorf("bad field error %+v", f)
					}
					names = append(names, f.Field)
				}
				if strings.Join(names, ",") != strings.Join(tt.wantBad, ",") {
					t.Fatalf("invalid %v, want %v", names, tt.wantBad)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseListQuery: %v", err)
			}
			if (got.After == nil) != (tt.want.After == nil) || got.After != nil && *got.After != *tt.want.After {
				t.Fatalf("After = %+v, want %+v", got.After, tt.want.After)
			}
			got.After, tt.want.After = nil, nil
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		c    Cursor
	}{
		{name: "created desc", c: Cursor{Status: "all", Sort: "created", Desc: true, After: latch.TaskCursor{Time: time.Date(2026, 11, 28, 8, 0, 0, 1, time.UTC), ID: 1}}},
		{name: "updated asc", c: Cursor{Status: "completed", Sort: "updated", After: latch.TaskCursor{Time: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), ID: 1 << 62}}},
		{name: "title", c: Cursor{Status: "pending", Sort: "title", Desc: true, After: latch.TaskCursor{Title: `"quoted" \ 🙂 ` + strings.Repeat("é", 199), ID: 9}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := EncodeCursor(tt.c)
			if strings.ContainsAny(s, "+/=") {
				t.Fatalf("cursor %q is not unpadded base64url", s)
			}
			got, err := DecodeCursor(s)
			if err != nil {
				t.Fatalf("DecodeCursor: %v", err)
			}
			if got != tt.c || !got.After.Time.Equal(tt.c.After.Time) {
				t.Fatalf("round trip: got %+v, want %+v", got, tt.c)
			}
		})
	}
}

func TestDecodeCursorRejects(t *testing.T) {
	enc := func(js string) string { return base64.RawURLEncoding.EncodeToString([]byte(js)) }
	tests := []struct {
		name string
		in   string
	}{
		{name: "empty", in: ""},
		{name: "not base64", in: "!!!"},
		{name: "padded", in: base64.URLEncoding.EncodeToString([]byte(`{"v":1,"st":"all","s":"created","o":"desc","t":"2026-01-01T00:00:00Z","id":1}`))},
		{name: "not json", in: enc("hello")},
		{name: "json array", in: enc("[1]")},
		{name: "wrong version", in: enc(`{"v":2,"st":"all","s":"created","o":"desc","t":"2026-01-01T00:00:00Z","id":1}`)},
		{name: "unknown field", in: enc(`{"v":1,"st":"all","s":"created","o":"desc","t":"2026-01-01T00:00:00Z","id":1,"x":1}`)},
		{name: "bad status", in: enc(`{"v":1,"st":"none","s":"created","o":"desc","t":"2026-01-01T00:00:00Z","id":1}`)},
		{name: "bad sort", in: enc(`{"v":1,"st":"all","s":"id","o":"desc","t":"2026-01-01T00:00:00Z","id":1}`)},
		{name: "bad order", in: enc(`{"v":1,"st":"all","s":"created","o":"up","t":"2026-01-01T00:00:00Z","id":1}`)},
		{name: "zero id", in: enc(`{"v":1,"st":"all","s":"created","o":"desc","t":"2026-01-01T00:00:00Z","id":0}`)},
		{name: "id not a number", in: enc(`{"v":1,"st":"all","s":"created","o":"desc","t":"2026-01-01T00:00:00Z","id":"1"}`)},
		{name: "bad time", in: enc(`{"v":1,"st":"all","s":"created","o":"desc","t":"yesterday","id":1}`)},
		{name: "missing time", in: enc(`{"v":1,"st":"all","s":"created","o":"desc","id":1}`)},
		{name: "title on time sort", in: enc(`{"v":1,"st":"all","s":"created","o":"desc","t":"2026-01-01T00:00:00Z","ti":"a","id":1}`)},
		{name: "time on title sort", in: enc(`{"v":1,"st":"all","s":"title","o":"desc","t":"2026-01-01T00:00:00Z","ti":"a","id":1}`)},
		{name: "trailing data", in: enc(`{"v":1,"st":"all","s":"title","o":"asc","ti":"a","id":1} {}`)},
		{name: "too long", in: strings.Repeat("A", MaxCursorLen+1)},
		{name: "NUL in title", in: enc(`{"v":1,"st":"all","s":"title","o":"asc","ti":"a\u0000","id":1}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c, err := DecodeCursor(tt.in); !errors.Is(err, ErrBadCursor) || !errors.Is(err, latch.ErrInvalid) {
				t.Fatalf("DecodeCursor(%q) = %+v, %v; want ErrBadCursor", tt.in, c, err)
			}
		})
	}
}

func FuzzParseListQuery(f *testing.F) {
	f.Add("status=pending&sort=title&order=asc&limit=10&offset=5")
	f.Add("limit=0&offset=-1&status=x")
	f.Add("cursor=" + EncodeCursor(Cursor{Status: "all", Sort: "created", Desc: true, After: latch.TaskCursor{Time: time.Unix(1, 0), ID: 1}}))
	f.Add("cursor=" + EncodeCursor(Cursor{Status: "all", Sort: "title", After: latch.TaskCursor{Title: "x", ID: 2}}) + "&sort=title")
	f.Add("cursor=eyJ2IjoxfQ&limit=1&limit=2")
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw)
		q, err := ParseListQuery(v)
		if err != nil {
			var verr *latch.ValidationError
			if !errors.As(err, &verr) || len(verr.Fields) == 0 {
				t.Fatalf("error %v is not a non-empty ValidationError", err)
			}
			return
		}
		if q.Limit < 1 || q.Limit > latch.MaxPageSize || q.Offset < 0 || q.Offset > MaxOffset {
			t.Fatalf("out of range: %+v", q)
		}
		if !slices.Contains(Statuses, string(q.Status)) || !slices.Contains(Sorts, string(q.Sort)) {
			t.Fatalf("bad enum: %+v", q)
		}
		if q.After != nil && (q.Offset != 0 || q.After.ID < 1) {
			t.Fatalf("bad cursor mode: %+v", q)
		}
	})
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(EncodeCursor(Cursor{Status: "all", Sort: "created", Desc: true, After: latch.TaskCursor{Time: time.Unix(1700000000, 5), ID: 3}}))
	f.Add(EncodeCursor(Cursor{Status: "pending", Sort: "title", After: latch.TaskCursor{Title: "ab", ID: 4}}))
	f.Add("e30")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := DecodeCursor(s)
		if err != nil {
			if !errors.Is(err, ErrBadCursor) {
				t.Fatalf("error %v does not wrap ErrBadCursor", err)
			}
			return
		}
		again, err := DecodeCursor(EncodeCursor(c))
		if err != nil || again != c && !(again.After.Time.Equal(c.After.Time) && again.After.ID == c.After.ID) {
			t.Fatalf("re-encoding %+v gave %+v, %v", c, again, err)
		}
	})
}
