package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// jwtPayload decodes the payload of a JWT without verifying it.
func jwtPayload(t testing.TB, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// signHS256 makes a JWT with the given claims, as a service outside Latch
// (or the original design's backend) would.
func signHS256(t testing.TB, secret string, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	in := enc(map[string]string{"alg": "HS256", "typ": "JWT"}) + "." + enc(claims)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// TestIDFormatsEndToEnd signs users up with LATCH_ID_FORMAT=uuid and
// serial on both databases: ids are JSON strings of the format, the JWT's
// sub is that string ("1" with serial), and the task API works on
// /api/{id}/tasks, also with a token whose sub is the JSON number (the
// original design's tokens).
func TestIDFormatsEndToEnd(t *testing.T) {
	for name, env := range backends() {
		for _, f := range []latch.IDFormat{latch.IDUUID, latch.IDSerial} {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				e := map[string]string{"LATCH_ID_FORMAT": string(f)}
				for k, v := range env(t) {
					e[k] = v
				}
				ts := startTestServer(t, e)
				aID, aSession, aJWT := signUp(t, ts, "alice@example.com")
				bID, _, bJWT := signUp(t, ts, "bob@example.com")
				if !f.Valid(aID) || !f.Valid(bID) || aID == bID {
					t.Fatalf("user ids %q, %q: want two %s ids", aID, bID, f)
				}
				if f == latch.IDSerial {
					a, _ := strconv.Atoi(aID)
					b, _ := strconv.Atoi(bID)
					if b <= a {
						t.Fatalf("serial ids %d then %d: want increasing", a, b)
					}
				}
				p := jwtPayload(t, aJWT)
				if sub, ok := p["sub"].(string); !ok || sub != aID {
					t.Fatalf("JWT sub = %#v (%T), want the string %q", p["sub"], p["sub"], aID)
				}
				if sid, ok := p["sid"].(string); ok && !f.Valid(sid) {
					t.Errorf("JWT sid %q is not a %s id", sid, f)
				}

				// The session JSON carries string ids of the format.
				code, _, data := call(t, "GET", ts.URL+"/api/auth/get-session", aSession, nil)
				gs := decode[struct {
					Session map[string]any `json:"session"`
					User    map[string]any `json:"user"`
				}](t, data)
				if code != 200 || gs.User["id"] != aID || gs.Session["userId"] != aID {
					t.Fatalf("get-session: %d %s", code, data)
				}
				if sid, ok := gs.Session["id"].(string); !ok || !f.Valid(sid) {
					t.Fatalf("session id %#v is not a %s id string", gs.Session["id"], f)
				}

				aPath := ts.URL + "/api/" + aID + "/tasks"
				code, _, data = call(t, "POST", aPath, aJWT, map[string]any{"title": "Buy milk"})
				if code != http.StatusCreated {
					t.Fatalf("create: %d %s", code, data)
				}
				if task := decode[apiTask](t, data); task.UserID != aID {
					t.Fatalf("task user_id %q, want %q", task.UserID, aID)
				}
				if code, _, data := call(t, "GET", aPath, bJWT, nil); code != http.StatusForbidden {
					t.Fatalf("B's token on A's path: %d %s, want 403", code, data)
				}
				code, _, data = call(t, "GET", aPath, aJWT, nil)
				if code != 200 || !strings.Contains(string(data), "Buy milk") || !strings.Contains(string(data), `"user_id":"`+aID+`"`) {
					t.Fatalf("list: %d %s", code, data)
				}

				if f == latch.IDSerial {
					// The design's token: sub as a JSON number, no iss/aud.
					n, _ := strconv.Atoi(aID)
					design := signHS256(t, ts.Secret, map[string]any{"sub": n, "email": "alice@example.com",
						"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()})
					if code, _, data := call(t, "GET", aPath, design, nil); code != 200 || !strings.Contains(string(data), "Buy milk") {
						t.Fatalf("list with sub as a number: %d %s", code, data)
					}
				}
				// A subject that cannot be a user id of this format owns no
				// tasks: 422 naming user_id, never a 500.
				other := signHS256(t, ts.Secret, map[string]any{"sub": "svc-42", "exp": time.Now().Add(time.Hour).Unix()})
				for _, method := range []string{"GET", "POST"} {
					code, _, data := call(t, method, ts.URL+"/api/svc-42/tasks", other, map[string]any{"title": "x"})
					if code != http.StatusUnprocessableEntity || !strings.Contains(string(data), "user_id") {
						t.Fatalf("%s with subject svc-42: %d %s, want 422 naming user_id", method, code, data)
					}
				}
			})
		}
	}
}

// TestIDFormatMismatchRefused: a database made with one LATCH_ID_FORMAT is
// refused by `latch migrate` and `latch serve` with another: exit status 2
// and a message naming the format to set.
func TestIDFormatMismatchRefused(t *testing.T) {
	for name, envf := range backends() {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"LATCH_DATA_DIR": t.TempDir(), "PORT": "0", "LATCH_ID_FORMAT": "serial",
				"BETTER_AUTH_SECRET": strings.Repeat("s", 32)}
			for k, v := range envf(t) {
				env[k] = v
			}
			var out, errb bytes.Buffer
			if code := run(t.Context(), []string{"migrate"}, env, nil, &out, &errb); code != 0 {
				t.Fatalf("migrate with serial: exit %d: %s", code, errb.String())
			}
			for _, f := range []string{"random", "uuid"} {
				for _, cmd := range []string{"migrate", "serve"} {
					env["LATCH_ID_FORMAT"] = f
					out.Reset()
					errb.Reset()
					ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
					code := run(ctx, []string{cmd}, env, nil, &out, &errb)
					cancel()
					msg := errb.String()
					if code != 2 || !strings.Contains(msg, "LATCH_ID_FORMAT=serial") || !strings.Contains(msg, "LATCH_ID_FORMAT="+f) {
						t.Fatalf("%s with LATCH_ID_FORMAT=%s on a serial database: exit %d, stderr %q; want 2 naming both formats",
							cmd, f, code, msg)
					}
				}
			}
			env["LATCH_ID_FORMAT"] = "serial"
			if code := run(t.Context(), []string{"migrate"}, env, nil, &out, &errb); code != 0 {
				t.Fatalf("migrate with serial again: exit %d: %s", code, errb.String())
			}
		})
	}
}

func TestParseIDFormatSetting(t *testing.T) {
	for in, want := range map[string]latch.IDFormat{"": latch.IDRandom, "random": latch.IDRandom, "uuid": latch.IDUUID,
		"serial": latch.IDSerial, "SERIAL": latch.IDSerial, " uuid ": latch.IDUUID} {
		c, err := loadConfig(map[string]string{"LATCH_ID_FORMAT": in})
		if err != nil || c.IDFormat != want {
			t.Errorf("LATCH_ID_FORMAT=%q: %v, %v; want %s", in, c.IDFormat, err, want)
		}
	}
	for _, in := range []string{"int", "nanoid", "serial,uuid"} {
		if _, err := loadConfig(map[string]string{"LATCH_ID_FORMAT": in}); err == nil || !strings.Contains(err.Error(), "LATCH_ID_FORMAT") {
			t.Errorf("LATCH_ID_FORMAT=%q: err = %v, want a configuration error naming it", in, err)
		}
	}
}
