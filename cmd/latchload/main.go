// Command latchload measures a running Latch server from a second process:
// sign-ins per second, get-session per second and task listings per second,
// with a bounded number of requests and a bounded duration. It refuses any
// target that is not a loopback address.
//
//	go run ./cmd/latchload -url http://127.0.0.1:8000 -duration 10s -concurrency 8
//
// Start the server with LATCH_RATE_LIMIT=false for the measurement.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "latchload:", err)
		os.Exit(1)
	}
}

type result struct {
	Name      string        `json:"name"`
	N         int64         `json:"n"`
	Errs      int64         `json:"errors"`     // transport errors and unexpected statuses
	Status5xx int64         `json:"status_5xx"` // answers with a 5xx status
	Elapsed   time.Duration `json:"elapsed_ns"`
	P50       time.Duration `json:"p50_ns"`
	P99       time.Duration `json:"p99_ns"`
	ReqPerSec float64       `json:"req_per_s"`
	FirstErr  string        `json:"first_error,omitempty"`
}

func (r result) String() string {
	s := fmt.Sprintf("%-12s %8.1f req/s  n=%-6d errors=%-4d 5xx=%-4d p50=%-10s p99=%s",
		r.Name, r.ReqPerSec, r.N, r.Errs, r.Status5xx, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond))
	if r.FirstErr != "" {
		s += "  first error: " + r.FirstErr
	}
	return s
}

// statusError is an answer with an unexpected status.
type statusError struct {
	method, url string
	status      int
}

func (e *statusError) Error() string { return fmt.Sprintf("%s %s: %d", e.method, e.url, e.status) }

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("latchload", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8000", "base URL of a Latch server on this machine")
	dur := fs.Duration("duration", 10*time.Second, "duration of each scenario (max 2m)")
	conc := fs.Int("concurrency", 8, "concurrent clients (max 256)")
	max := fs.Int64("max", 200000, "maximum requests per scenario")
	scenarios := fs.String("scenarios", "ok,signin,get-session,tasks", "comma-separated scenarios: ok (GET /api/auth/ok, the HTTP baseline), signin, get-session, tasks (list), create (task create), mixed (task reads and writes: 50% list, 20% get, 20% create, 10% toggle)")
	asJSON := fs.Bool("json", false, "print one JSON object per scenario")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dur <= 0 || *dur > 2*time.Minute || *conc < 1 || *conc > 256 || *max < 1 {
		return errors.New("duration must be in (0, 2m], concurrency in [1, 256]")
	}
	u, err := url.Parse(*base)
	if err != nil {
		return err
	}
	if err := requireLoopback(u.Hostname()); err != nil {
		return err
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conc * 2, MaxConnsPerHost: *conc * 2}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	email := fmt.Sprintf("load-%d@example.com", time.Now().UnixNano())
	const password = "load-test-password-1"
	// One user for every scenario: sign up once.
	if _, err := post(client, *base+"/api/auth/sign-up/email", map[string]any{"name": "Load", "email": email, "password": password}, nil); err != nil {
		return fmt.Errorf("sign-up: %w", err)
	}
	// A session token and a JWT for the read scenarios.
	var signin struct {
		Token string `json:"token"`
		User  struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if _, err := post(client, *base+"/api/auth/sign-in/email", map[string]any{"email": email, "password": password}, &signin); err != nil {
		return fmt.Errorf("sign-in: %w", err)
	}
	jwt, err := getToken(client, *base, signin.Token)
	if err != nil {
		return err
	}
	for _, sc := range splitComma(*scenarios) {
		var do func(c *http.Client) error
		switch sc {
		case "signin":
			body, _ := json.Marshal(map[string]any{"email": email, "password": password, "rememberMe": true})
			do = func(c *http.Client) error {
				return send(c, http.MethodPost, *base+"/api/auth/sign-in/email", body, "")
			}
		case "ok":
			do = func(c *http.Client) error {
				return send(c, http.MethodGet, *base+"/api/auth/ok", nil, "")
			}
		case "get-session":
			do = func(c *http.Client) error {
				return send(c, http.MethodGet, *base+"/api/auth/get-session", nil, signin.Token)
			}
		case "tasks":
			do = func(c *http.Client) error {
				return send(c, http.MethodGet, *base+"/api/"+signin.User.ID+"/tasks?limit=20", nil, jwt)
			}
		case "create":
			tasks := *base + "/api/" + signin.User.ID + "/tasks"
			do = func(c *http.Client) error {
				return send(c, http.MethodPost, tasks, []byte(`{"title":"load","description":"created by latchload"}`), jwt)
			}
		case "mixed":
			var err error
			if do, err = mixed(client, *base+"/api/"+signin.User.ID+"/tasks", jwt); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown scenario %q", sc)
		}
		r := measure(sc, client, *conc, *dur, *max, do)
		if *asJSON {
			b, _ := json.Marshal(r)
			fmt.Fprintln(out, string(b))
		} else {
			fmt.Fprintln(out, r)
		}
	}
	return nil
}

func measure(name string, c *http.Client, conc int, dur time.Duration, max int64, do func(*http.Client) error) result {
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var n, errs, fives atomic.Int64
	var firstErr atomic.Value
	lat := make([][]time.Duration, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conc {
		wg.Go(func() {
			for ctx.Err() == nil && n.Add(1) <= max {
				t0 := time.Now()
				if err := do(c); err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					var se *statusError
					if errors.As(err, &se) && se.status >= 500 {
						fives.Add(1)
					}
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	r := result{Name: name, N: int64(len(all)), Errs: errs.Load(), Status5xx: fives.Load(), Elapsed: elapsed,
		ReqPerSec: float64(len(all)) / elapsed.Seconds()}
	if fe, ok := firstErr.Load().(string); ok {
		r.FirstErr = fe
	}
	if len(all) > 0 {
		r.P50 = all[len(all)/2]
		r.P99 = all[len(all)*99/100]
	}
	return r
}

func send(c *http.Client, method, u string, body []byte, bearer string) error {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return &statusError{method: method, url: u, status: resp.StatusCode}
	}
	return nil
}

func post(c *http.Client, u string, body any, out any) (*http.Response, error) {
	b, _ := json.Marshal(body)
	resp, err := c.Post(u, "application/json", bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return resp, fmt.Errorf("%s: %s", resp.Status, data)
	}
	if out != nil {
		return resp, json.Unmarshal(data, out)
	}
	return resp, nil
}

func getToken(c *http.Client, base, session string) (string, error) {
	req, _ := http.NewRequest(http.MethodGet, base+"/api/auth/token", nil)
	req.Header.Set("Authorization", "Bearer "+session)
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var v struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v.Token == "" {
		return "", fmt.Errorf("GET /api/auth/token: %s", resp.Status)
	}
	return v.Token, nil
}

func splitComma(s string) []string {
	var out []string
	for _, p := range bytes.Split([]byte(s), []byte(",")) {
		if t := string(bytes.TrimSpace(p)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// requireLoopback refuses targets other than this machine.
func requireLoopback(host string) error {
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to load %q: only loopback addresses (127.0.0.0/8, ::1, localhost) are allowed", host)
	}
	return nil
}
