package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// outageAnswer is what one request got during a database outage.
type outageAnswer struct {
	status     int
	retryAfter string
	jsonBody   bool
	took       time.Duration
	err        error
}

// hammer sends n concurrent rounds of requests (task list, task create,
// get-session, sign-in) and returns every answer.
func hammer(t *testing.T, ts *testServer, uid, session, jwt string, conc int) []outageAnswer {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	reqs := []func() (*http.Request, error){
		func() (*http.Request, error) {
			r, err := http.NewRequest("GET", ts.URL+"/api/"+uid+"/tasks", nil)
			if err == nil {
				r.Header.Set("Authorization", "Bearer "+jwt)
			}
			return r, err
		},
		func() (*http.Request, error) {
			r, err := http.NewRequest("POST", ts.URL+"/api/"+uid+"/tasks", jsonReader(`{"title":"during outage"}`))
			if err == nil {
				r.Header.Set("Authorization", "Bearer "+jwt)
				r.Header.Set("Content-Type", "application/json")
			}
			return r, err
		},
		func() (*http.Request, error) {
			r, err := http.NewRequest("GET", ts.URL+"/api/auth/get-session", nil)
			if err == nil {
				r.Header.Set("Authorization", "Bearer "+session)
			}
			return r, err
		},
		func() (*http.Request, error) {
			r, err := http.NewRequest("POST", ts.URL+"/api/auth/sign-in/email", jsonReader(`{"email":"outage@example.com","password":"correct horse battery"}`))
			if err == nil {
				r.Header.Set("Content-Type", "application/json")
			}
			return r, err
		},
	}
	var (
		mu  sync.Mutex
		out []outageAnswer
		wg  sync.WaitGroup
	)
	for i := range conc {
		wg.Go(func() {
			req, err := reqs[i%len(reqs)]()
			if err != nil {
				t.Error(err)
				return
			}
			start := time.Now()
			resp, err := client.Do(req)
			a := outageAnswer{took: time.Since(start), err: err}
			if err == nil {
				var v map[string]any
				a.jsonBody = json.NewDecoder(resp.Body).Decode(&v) == nil
				resp.Body.Close()
				a.status, a.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
			}
			mu.Lock()
			out = append(out, a)
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

func readyz(t *testing.T, ts *testServer) int {
	t.Helper()
	resp, err := http.Get(ts.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitGoroutines waits until the process has at most max goroutines and
// returns the last count.
func waitGoroutines(max int, within time.Duration) int {
	deadline := time.Now().Add(within)
	for {
		n := runtime.NumGoroutine()
		if n <= max || time.Now().After(deadline) {
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDatabaseOutage stops, then freezes (SIGSTOP: a hung database) a
// private PostgreSQL under a running Latch: /readyz answers 503, every
// request answers 503 with Retry-After and a JSON body within
// LATCH_DB_TIMEOUT (plus slack), goroutines do not pile up, and Latch
// serves again once the database is back, without a restart.
func TestDatabaseOutage(t *testing.T) {
	faultTests(t)
	pg := startPGCluster(t)
	const dbTimeout = time.Second
	// No session cache: a session cached just before the outage would be
	// served from memory for up to its TTL (README, Session cache), and
	// this test wants every request to need the database.
	ts := startTestServer(t, map[string]string{"DATABASE_URL": pg.URL(), "LATCH_DB_TIMEOUT": dbTimeout.String(),
		"LATCH_SESSION_CACHE_TTL": "0"})
	uid, session, jwt := signUp(t, ts, "outage@example.com")
	if code, _, data := call(t, "POST", ts.URL+"/api/"+uid+"/tasks", jwt, map[string]any{"title": "before"}); code != http.StatusCreated {
		t.Fatalf("create before the outage: %d %s", code, data)
	}
	http.DefaultClient.CloseIdleConnections()
	baseline := waitGoroutines(0, 500*time.Millisecond)

	const conc = 64
	check := func(phase string, answers []outageAnswer) {
		t.Helper()
		if len(answers) != conc {
			t.Fatalf("%s: %d answers, want %d", phase, len(answers), conc)
		}
		for _, a := range answers {
			switch {
			case a.err != nil:
				t.Errorf("%s: request failed: %v", phase, a.err)
			case a.status != http.StatusServiceUnavailable || a.retryAfter == "" || !a.jsonBody:
				t.Errorf("%s: got %d (Retry-After %q, JSON body %v), want 503 with Retry-After and a JSON body", phase, a.status, a.retryAfter, a.jsonBody)
			case a.took > dbTimeout+3*time.Second:
				t.Errorf("%s: answer took %v, want at most LATCH_DB_TIMEOUT (%v) plus slack", phase, a.took, dbTimeout)
			}
		}
	}
	for _, phase := range []struct {
		name       string
		down, back func()
	}{
		{"stopped", pg.Stop, pg.Start},
		{"frozen", pg.Freeze, pg.Thaw},
	} {
		t.Run(phase.name, func(t *testing.T) {
			phase.down()
			if phase.name == "frozen" {
				t.Cleanup(pg.Thaw) // never leave stopped processes behind
			}
			if code := readyz(t, ts); code != http.StatusServiceUnavailable {
				t.Errorf("/readyz during the outage: %d, want 503", code)
			}
			for round := range 3 {
				check(fmt.Sprintf("%s round %d", phase.name, round), hammer(t, ts, uid, session, jwt, conc))
			}
			http.DefaultClient.CloseIdleConnections()
			// Requests are answered: their goroutines (and the pool's
			// connection attempts) must be gone, not parked.
			if n := waitGoroutines(baseline+10, 2*dbTimeout+3*time.Second); n > baseline+10 {
				buf := make([]byte, 1<<20)
				t.Errorf("%d goroutines after the outage requests, baseline %d: a pile-up\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
			}
			phase.back()
			deadline := time.Now().Add(15 * time.Second)
			for readyz(t, ts) != http.StatusOK {
				if time.Now().After(deadline) {
					t.Fatal("/readyz not 200 within 15 s of the database coming back")
				}
				time.Sleep(100 * time.Millisecond)
			}
			// Recovered without a restart: stale pooled connections are
			// replaced; allow a short settling time, then require success.
			var code int
			var data []byte
			for time.Now().Before(deadline) {
				code, _, data = call(t, "POST", ts.URL+"/api/"+uid+"/tasks", jwt, map[string]any{"title": "after " + phase.name})
				if code == http.StatusCreated {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if code != http.StatusCreated {
				t.Fatalf("create after the database came back: %d %s", code, data)
			}
			if code, _, data := call(t, "GET", ts.URL+"/api/auth/get-session", session, nil); code != http.StatusOK || string(data) == "null" {
				t.Fatalf("get-session after recovery: %d %s", code, data)
			}
		})
	}
}

func jsonReader(s string) *strings.Reader { return strings.NewReader(s) }
