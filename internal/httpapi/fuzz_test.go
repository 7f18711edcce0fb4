package httpapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// checkAnswer fails on a 5xx or on an error answer without a JSON detail.
func checkAnswer(t *testing.T, res response) {
	t.Helper()
	if res.Code >= 500 {
		t.Fatalf("status %d: %s", res.Code, res.Body)
	}
	if res.Code >= 400 {
		var e Error
		if err := json.Unmarshal(res.Body, &e); err != nil || e.Detail == "" {
			t.Fatalf("status %d without JSON detail: %q", res.Code, res.Body)
		}
	}
}

func FuzzTaskBody(f *testing.F) {
	for _, s := range []string{
		`{"title":"x"}`, `{"title":"  ","description":null}`, `{"title":1}`, `[]`, `null`, `{`, ``, `"x"`,
		`{"title":"a\u0000"}`, `{"title":"x","completed":"true"}`, `{"title":"x"} x`, "{\"title\":\"\xff\"}",
		`{"title":"` + strings.Repeat("é", 201) + `"}`, `{"title":{"a":1},"description":[1]}`,
	} {
		f.Add(s, "application/json")
	}
	f.Add(`{"title":"x"}`, "text/plain")
	f.Add(`{"title":"x"}`, "application/merge-patch+json")
	f.Add(`{"title":"x"}`, ";;")
	e := newEnv(f)
	tok := e.token("fuzz")
	task := e.createTask("fuzz", "target")
	taskPath := "/api/fuzz/tasks/" + jsonNumber(task.ID)
	f.Fuzz(func(t *testing.T, body, contentType string) {
		if contentType == "" {
			contentType = "-"
		}
		for _, r := range []req{
			{Method: "POST", Path: "/api/fuzz/tasks", Token: tok, Body: body, ContentType: contentType},
			{Method: "PUT", Path: taskPath, Token: tok, Body: body, ContentType: contentType},
		} {
			res := e.do(r)
			checkAnswer(t, res)
			if res.Code < 300 {
				var got Task
				if err := json.Unmarshal(res.Body, &got); err != nil || got.Title == "" || got.UserID != "fuzz" {
					t.Fatalf("accepted %q but answered %s", body, res.Body)
				}
			}
		}
	})
}

func FuzzListQuery(f *testing.F) {
	for _, s := range []string{
		"", "status=pending&sort=title&order=asc&limit=2&offset=1", "limit=0", "limit=1&limit=2", "offset=99999999999",
		"cursor=eyJ2IjoxfQ", "cursor=%00", "limit=%zz", "status=all;sort=title", "sort=updated&cursor=abc&offset=1",
	} {
		f.Add(s)
	}
	e := newEnv(f)
	tok := e.token("fuzz")
	for i := 0; i < 3; i++ {
		e.createTask("fuzz", "task "+jsonNumber(int64(i)))
	}
	// A real cursor as a seed.
	var l TaskList
	e.do(req{Method: "GET", Path: "/api/fuzz/tasks?limit=1", Token: tok}).decode(f, &l)
	if l.NextCursor != nil {
		f.Add("limit=1&cursor=" + url.QueryEscape(*l.NextCursor))
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		u := &url.URL{Path: "/api/fuzz/tasks", RawQuery: rawQuery}
		if strings.ContainsAny(rawQuery, " #\x7f") || strings.IndexFunc(rawQuery, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0 {
			u.RawQuery = url.PathEscape(rawQuery) // keep the request line valid
		}
		res := e.do(req{Method: "GET", Path: u.String(), Token: tok})
		checkAnswer(t, res)
		if res.Code != http.StatusOK && res.Code != http.StatusBadRequest && res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d for %q", res.Code, rawQuery)
		}
	})
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
