//go:build unix

package main

// The FastAPI example (examples/fastapi): the original design's backend,
// verifying Latch's tokens with PyJWT and nothing but the shared secret. It
// runs on Debian's python3-fastapi, python3-jwt and python3-uvicorn
// (/usr/bin/python3) and skips without them, failing instead when
// LATCH_TEST_PYTHON=1 (CI).

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	fastapiDir = "../../examples/fastapi"
	python     = "/usr/bin/python3"
)

// TestFastAPIExample: with LATCH_ID_FORMAT=serial, a user signs up on Latch,
// and the FastAPI backend accepts the JWT from /api/auth/session and from
// /api/auth/token on its own task routes, refuses another user's path with
// 403, and a request without a token or with a token of another secret with 401.
func TestFastAPIExample(t *testing.T) {
	requirePythonExample(t)
	t.Run("unit", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, python, "-m", "unittest", "-v")
		cmd.Dir = fastapiDir
		cmd.Env = append(os.Environ(), "BETTER_AUTH_SECRET="+randomHex(t, 24), "PYTHONDONTWRITEBYTECODE=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("python3 -m unittest: %v\n%s", err, out)
		}
	})

	ts := startTestServer(t, map[string]string{"LATCH_ID_FORMAT": "serial"})
	api := startFastAPI(t, ts.Secret)

	alice := latchSignUp(t, ts, "alice@example.com")
	bob := latchSignUp(t, ts, "bob@example.com")
	if _, err := strconv.ParseInt(alice.id, 10, 64); err != nil {
		t.Fatalf("with LATCH_ID_FORMAT=serial the user id is %q, want an integer", alice.id)
	}

	for _, source := range []string{"session", "token"} {
		t.Run("token from /api/auth/"+source, func(t *testing.T) {
			jwt := alice.jwt(t, source)
			base := api + "/api/" + alice.id + "/tasks/"
			code, _, data := call(t, "POST", base, jwt, map[string]string{"title": "From " + source})
			if code != http.StatusCreated {
				t.Fatalf("create: %d %s", code, data)
			}
			task := decode[struct {
				ID     int64  `json:"id"`
				UserID int64  `json:"user_id"`
				Title  string `json:"title"`
			}](t, data)
			if strconv.FormatInt(task.UserID, 10) != alice.id || task.Title != "From "+source {
				t.Errorf("created %+v for user %s", task, alice.id)
			}
			code, _, data = call(t, "GET", base, jwt, nil)
			list := decode[[]struct {
				ID    int64  `json:"id"`
				Title string `json:"title"`
			}](t, data)
			if code != http.StatusOK || len(list) == 0 || list[0].ID != task.ID {
				t.Errorf("list: %d %s, want the new task first", code, data)
			}
			item := fmt.Sprintf("%s%d", base, task.ID)
			if code, _, data := call(t, "PATCH", item+"/complete", jwt, nil); code != http.StatusOK {
				t.Errorf("complete: %d %s", code, data)
			}
			if code, _, data := call(t, "DELETE", item, jwt, nil); code != http.StatusNoContent {
				t.Errorf("delete: %d %s", code, data)
			}
		})
	}

	t.Run("refusals", func(t *testing.T) {
		aliceJWT := alice.jwt(t, "token")
		other := startTestServer(t, map[string]string{"LATCH_ID_FORMAT": "serial"}) // another secret
		stranger := latchSignUp(t, other, "alice@example.com")
		cases := []struct {
			name, path, jwt string
			want            int
		}{
			{"another user's path", "/api/" + bob.id + "/tasks/", aliceJWT, http.StatusForbidden},
			{"another user's path with their own token", "/api/" + alice.id + "/tasks/", bob.jwt(t, "session"), http.StatusForbidden},
			{"no token", "/api/" + alice.id + "/tasks/", "", http.StatusUnauthorized},
			{"token of another secret", "/api/" + stranger.id + "/tasks/", stranger.jwt(t, "token"), http.StatusUnauthorized},
		}
		for _, tc := range cases {
			if code, _, data := call(t, "GET", api+tc.path, tc.jwt, nil); code != tc.want {
				t.Errorf("%s: %d %s, want %d", tc.name, code, data, tc.want)
			}
		}
	})
}

func requirePythonExample(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		requireExample(t, "LATCH_TEST_PYTHON", python+" is missing")
	}
	out, err := exec.Command(python, "-c", "import fastapi, jwt, uvicorn, httpx").CombinedOutput()
	if err != nil {
		requireExample(t, "LATCH_TEST_PYTHON", fmt.Sprintf(
			"python3-fastapi, python3-jwt, python3-uvicorn or python3-httpx is missing (apt-get install them): %v %s", err, out))
	}
}

// startFastAPI runs the example with uvicorn on a loopback listener this
// test opened (passed as fd 3) and returns its base URL.
func startFastAPI(t *testing.T, secret string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	cmd := exec.Command(python, "-m", "uvicorn", "app.main:app", "--fd", "3", "--log-level", "warning")
	cmd.Dir = fastapiDir
	cmd.Env = append(os.Environ(), "BETTER_AUTH_SECRET="+secret, "PYTHONDONTWRITEBYTECODE=1")
	cmd.ExtraFiles = []*os.File{f}
	startChild(t, "uvicorn", cmd)
	f.Close()
	ln.Close()
	waitHTTP(t, "uvicorn", url+"/healthz", 30*time.Second)
	return url
}

// latchUser is a user signed in to Latch with a browser-like cookie jar.
type latchUser struct {
	id     string
	client *http.Client
	base   string
}

// latchSignUp signs up through Latch's /api/auth (the Next.js example's test
// covers the design's sign-up without a name).
func latchSignUp(t *testing.T, ts *testServer, email string) *latchUser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u := &latchUser{client: &http.Client{Jar: jar, Timeout: time.Minute}, base: ts.URL}
	code, data := u.do(t, "POST", "/api/auth/sign-up/email", `{"name":"Ada","email":"`+email+`","password":"correct horse battery"}`)
	if code != http.StatusOK {
		t.Fatalf("sign-up %s: %d %s", email, code, data)
	}
	u.id = decode[struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}](t, data).User.ID
	return u
}

// jwt fetches a JWT with the session cookie from /api/auth/session (the
// Next.js API client's call) or /api/auth/token.
func (u *latchUser) jwt(t *testing.T, source string) string {
	t.Helper()
	code, data := u.do(t, "GET", "/api/auth/"+source, "")
	tok := decode[struct {
		Token string `json:"token"`
	}](t, data).Token
	if code != http.StatusOK || tok == "" {
		t.Fatalf("GET /api/auth/%s: %d %s", source, code, data)
	}
	return tok
}

func (u *latchUser) do(t *testing.T, method, path, body string) (int, []byte) {
	t.Helper()
	var req *http.Request
	var err error
	if body == "" {
		req, err = http.NewRequest(method, u.base+path, nil)
	} else {
		req, err = http.NewRequest(method, u.base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	}
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", u.base)
	resp, err := u.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data
}
