package main

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestDesignEndToEnd walks the original Next.js + FastAPI design through
// the real wiring on both databases: its register page's sign-up without
// name, its /dashboard page, a token made the design's way ("sub": 42, no
// iss, no aud) on the trailing-slash task routes, and the list's paging
// headers as a browser on a trusted origin sees them.
func TestDesignEndToEnd(t *testing.T) {
	for name, env := range backends() {
		t.Run(name, func(t *testing.T) {
			e := env(t)
			if e == nil {
				e = map[string]string{}
			}
			e["LATCH_TRUSTED_ORIGINS"] = "http://localhost:3000"
			ts := startTestServer(t, e)

			code, _, data := call(t, "POST", ts.URL+"/api/auth/sign-up/email", "",
				map[string]any{"email": "design.user@example.com", "password": "correct horse battery", "callbackURL": "/dashboard"})
			if code != http.StatusOK || !strings.Contains(string(data), `"name":"design.user"`) {
				t.Fatalf("sign-up without name: %d %s", code, data)
			}
			if code, _, data := call(t, "GET", ts.URL+"/dashboard", "", nil); code != http.StatusOK || !strings.Contains(string(data), "<title>Tasks · Latch</title>") {
				t.Fatalf("/dashboard: %d", code)
			}

			now := time.Now()
			tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
				"sub": 42, "email": "user@example.com", "iat": now.Unix(), "exp": now.Add(7 * 24 * time.Hour).Unix(),
			}).SignedString([]byte(ts.Secret))
			if err != nil {
				t.Fatal(err)
			}
			base := ts.URL + "/api/42/tasks/"
			for i := range 3 {
				if code, _, data := call(t, "POST", base, tok, map[string]any{"title": fmt.Sprint("task ", i)}); code != http.StatusCreated {
					t.Fatalf("create on %s: %d %s", base, code, data)
				}
			}
			// The list from a trusted origin: an array, a next link and the
			// total, both headers readable by the page (CORS).
			req, _ := http.NewRequest("GET", base+"?limit=2&total=true", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Origin", "http://localhost:3000")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			link := resp.Header.Get("Link")
			if resp.StatusCode != http.StatusOK || !regexp.MustCompile(`^</api/42/tasks/\?cursor=[^>]+&limit=2&total=true>; rel="next"$`).MatchString(link) ||
				resp.Header.Get("X-Total-Count") != "3" {
				t.Fatalf("list: %d Link %q X-Total-Count %q", resp.StatusCode, link, resp.Header.Get("X-Total-Count"))
			}
			expose := resp.Header.Get("Access-Control-Expose-Headers")
			if !strings.Contains(expose, "link") || !strings.Contains(expose, "x-total-count") {
				t.Errorf("Access-Control-Expose-Headers %q lacks link or x-total-count", expose)
			}
			next := link[1:strings.Index(link, ">")]
			code, hdr, data := call(t, "GET", ts.URL+next, tok, nil)
			page := decode[[]apiTask](t, data)
			if code != http.StatusOK || len(page) != 1 || page[0].Title != "task 0" || hdr.Get("Link") != "" {
				t.Fatalf("next page: %d %s Link %q", code, data, hdr.Get("Link"))
			}
			one := fmt.Sprintf("%s%d/", base, page[0].ID)
			for _, r := range []struct {
				method, path string
				body         any
				want         int
			}{
				{"GET", one, nil, http.StatusOK},
				{"PUT", one, map[string]any{"title": "renamed", "description": ""}, http.StatusOK},
				{"PATCH", one + "complete/", nil, http.StatusOK},
				{"DELETE", one, nil, http.StatusNoContent},
				{"GET", ts.URL + "/api/43/tasks/", nil, http.StatusForbidden},
			} {
				if code, _, data := call(t, r.method, r.path, tok, r.body); code != r.want {
					t.Errorf("%s %s: %d %s, want %d", r.method, r.path, code, data, r.want)
				}
			}
		})
	}
}
