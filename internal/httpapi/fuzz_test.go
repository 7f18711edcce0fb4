package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/latchhq/latch/token"
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
	envs := fuzzEnvs(f)
	taskPaths := make([]string, len(envs))
	for i, e := range envs {
		taskPaths[i] = "/api/fuzz/tasks/" + jsonNumber(e.createTask("fuzz", "target").ID)
	}
	tok := envs[0].token("fuzz")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		if contentType == "" {
			contentType = "-"
		}
		for i, e := range envs {
			for _, r := range []req{
				{Method: "POST", Path: "/api/fuzz/tasks", Token: tok, Body: body, ContentType: contentType},
				{Method: "PUT", Path: taskPaths[i], Token: tok, Body: body, ContentType: contentType},
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
		}
	})
}

// fuzzEnvs returns the environments every fuzz input runs on: SQLite,
// and PostgreSQL too when LATCH_TEST_POSTGRES is set, since PostgreSQL
// refuses some values SQLite stores (NUL, over-long index entries). All
// share testSecret, so one token serves every environment.
func fuzzEnvs(f *testing.F) []*testEnv {
	envs := []*testEnv{newEnvOn(f, openSQLite)}
	if os.Getenv(postgresEnv) != "" {
		envs = append(envs, newEnvOn(f, openPostgres))
	}
	return envs
}

// FuzzSubject: whatever subject a valid token carries, the task routes
// on its own path never answer 5xx.
func FuzzSubject(f *testing.F) {
	for _, s := range []string{"u1", "123", "a\x00b", "ü/x", "a%2Fb", " x ", "\u2028", ".", "..", "a/b", strings.Repeat("x", 1025), hexText(3000)} {
		f.Add(s)
	}
	envs := fuzzEnvs(f)
	signer := envs[0].signer
	f.Fuzz(func(t *testing.T, sub string) {
		tok, err := signer.Sign(token.Claims{Subject: sub})
		if err != nil {
			t.Skip("not signable:", err) // empty, invalid UTF-8 or too long for a token
		}
		base := "/api/" + url.PathEscape(sub) + "/tasks"
		for _, e := range envs {
			for _, r := range []req{
				{Method: "POST", Path: base, Token: tok, Body: `{"title":"x"}`},
				{Method: "GET", Path: base + "?sort=title", Token: tok},
				{Method: "PUT", Path: base + "/1", Token: tok, Body: `{"title":"y","completed":true}`},
				{Method: "PATCH", Path: base + "/1/complete", Token: tok},
				{Method: "DELETE", Path: base + "/1", Token: tok},
			} {
				checkAnswer(t, e.do(r))
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
	// A cursor whose title holds NUL (PostgreSQL cannot compare with it).
	f.Add("cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"st":"all","s":"title","o":"asc","ti":"a\u0000","id":1}`)))
	envs := fuzzEnvs(f)
	tok := envs[0].token("fuzz")
	for _, e := range envs {
		for i := 0; i < 3; i++ {
			e.createTask("fuzz", "task "+jsonNumber(int64(i)))
		}
	}
	// A real cursor as a seed.
	if _, next, _ := envs[0].list(f, "/api/fuzz/tasks?limit=1&total=true", tok); next != "" {
		f.Add(next[strings.Index(next, "?")+1:])
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		u := &url.URL{Path: "/api/fuzz/tasks", RawQuery: rawQuery}
		if strings.ContainsAny(rawQuery, " #\x7f") || strings.IndexFunc(rawQuery, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0 {
			u.RawQuery = url.PathEscape(rawQuery) // keep the request line valid
		}
		for _, e := range envs {
			res := e.do(req{Method: "GET", Path: u.String(), Token: tok})
			checkAnswer(t, res)
			if res.Code != http.StatusOK && res.Code != http.StatusBadRequest && res.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d for %q", res.Code, rawQuery)
			}
		}
	})
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// hexText returns n deterministic hex digits that do not compress (so that
// PostgreSQL cannot shrink an index entry holding them).
func hexText(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		sum := sha256.Sum256([]byte(strconv.Itoa(i)))
		b.WriteString(hex.EncodeToString(sum[:]))
	}
	return b.String()[:n]
}
