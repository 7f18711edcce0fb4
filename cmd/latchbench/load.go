package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// server is one measured process.
type server struct {
	name string
	url  string // health URL
	cmd  *exec.Cmd
}

func startServer(ctx context.Context, name string, cmd *exec.Cmd, url, logPath string) (*server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &server{name: name, url: url, cmd: cmd}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return s, ctx.Err()
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(logPath)
	return s, fmt.Errorf("%s did not answer %s within 60 s:\n%s", name, url, log)
}

func (s *server) stop() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_, _ = s.cmd.Process.Wait()
	}
}

// cpu returns the process's user+system CPU time so far.
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the ")" of the command name: state is field 3, utime 14, stime 15.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
}

// peakRSS returns the process's peak resident set size in bytes (VmHWM),
// 0 where /proc has none.
func (s *server) peakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// request builds one request of a scenario.
type request func() (*http.Request, error)

func get(url string, auth func(*http.Request)) request {
	return func() (*http.Request, error) {
		r, err := http.NewRequest(http.MethodGet, url, nil)
		if err == nil && auth != nil {
			auth(r)
		}
		return r, err
	}
}

func post(url string, auth func(*http.Request), body string) request {
	return func() (*http.Request, error) {
		r, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		if err == nil {
			r.Header.Set("Content-Type", "application/json")
			if auth != nil {
				auth(r)
			}
		}
		return r, err
	}
}

type scenario struct {
	name string
	srv  *server
	// also is a second instance serving the same scenario (its CPU counts).
	also *server
	req  request
	// conc, when set, replaces options.concurrency.
	conc int
}

type result struct {
	n, errors int64
	elapsed   time.Duration
	cpu       time.Duration
	p50, p99  time.Duration
}

func (r result) rps() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r result) cpuPerReq() float64 {
	if r.n == 0 {
		return 0
	}
	return float64(r.cpu.Microseconds()) / float64(r.n)
}

// run sends requests from o.concurrency keep-alive connections for
// o.duration; any status other than 2xx counts as an error.
func (sc scenario) run(ctx context.Context, o options) result {
	if sc.conc > 0 {
		o.concurrency = sc.conc
	}
	tr := &http.Transport{MaxIdleConnsPerHost: o.concurrency, MaxConnsPerHost: o.concurrency}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	// Warm up: connections, caches, the JIT of Node.
	warm := time.Now().Add(o.duration / 5)
	sc.loop(ctx, client, o.concurrency, warm, nil)

	var (
		n, errs atomic.Int64
		mu      sync.Mutex
		lats    []time.Duration
	)
	cpu0 := sc.cpu()
	start := time.Now()
	sc.loop(ctx, client, o.concurrency, start.Add(o.duration), func(d time.Duration, ok bool) {
		n.Add(1)
		if !ok {
			errs.Add(1)
		}
		mu.Lock()
		lats = append(lats, d)
		mu.Unlock()
	})
	r := result{n: n.Load(), errors: errs.Load(), elapsed: time.Since(start), cpu: sc.cpu() - cpu0}
	slices.Sort(lats)
	if len(lats) > 0 {
		r.p50, r.p99 = lats[len(lats)/2], lats[len(lats)*99/100]
	}
	return r
}

// cpu is the CPU time of the scenario's server(s).
func (sc scenario) cpu() time.Duration {
	c := sc.srv.cpu()
	if sc.also != nil {
		c += sc.also.cpu()
	}
	return c
}

// alternate sends each request to a and b in turn (two instances behind
// a round-robin balancer).
func alternate(a, b request) request {
	var n atomic.Uint64
	return func() (*http.Request, error) {
		if n.Add(1)%2 == 0 {
			return b()
		}
		return a()
	}
}

func (sc scenario) loop(ctx context.Context, client *http.Client, workers int, until time.Time, record func(time.Duration, bool)) {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(until) {
				req, err := sc.req()
				if err != nil {
					return
				}
				t0 := time.Now()
				resp, err := client.Do(req.WithContext(ctx))
				ok := err == nil && resp.StatusCode < 300
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if record != nil {
					record(time.Since(t0), ok)
				}
			}
		})
	}
	wg.Wait()
}

// latchSetup is a signed-up user with 20 tasks.
type latchSetup struct {
	userID         string
	cookie, bearer func(*http.Request)
	taskIDs        []int64
}

// signUp registers the benchmark user on the auth server at base.
func signUp(base string) (*http.Response, error) {
	body := `{"name":"Bench","email":"bench@example.com","password":"bench-password-1"}`
	req, _ := http.NewRequest(http.MethodPost, base+"/api/auth/sign-up/email", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", base)
	return http.DefaultClient.Do(req)
}

func setupLatch(base string) (*latchSetup, error) {
	resp, err := signUp(base)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var su struct {
		Token string
		User  struct{ ID string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&su); err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("latch sign-up: %d %v", resp.StatusCode, err)
	}
	s := &latchSetup{userID: su.User.ID, cookie: withCookies(resp.Cookies())}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/auth/token", nil)
	s.cookie(req)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var tk struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&tk); err != nil || tk.Token == "" {
		return nil, fmt.Errorf("latch token: %d %v", resp.StatusCode, err)
	}
	s.bearer = func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tk.Token) }
	for i := range 20 {
		r, _ := post(base+"/api/"+s.userID+"/tasks", s.bearer, fmt.Sprintf(`{"title":"task %d"}`, i))()
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			return nil, err
		}
		var t struct{ ID int64 }
		err = json.NewDecoder(resp.Body).Decode(&t)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated || err != nil {
			return nil, fmt.Errorf("create task: %d %v", resp.StatusCode, err)
		}
		s.taskIDs = append(s.taskIDs, t.ID)
	}
	return s, nil
}

// signIn is the benchmark user's email sign-in on the auth server at base
// (each one hashes the password with scrypt and creates a session).
func signIn(base string) request {
	body := `{"email":"bench@example.com","password":"bench-password-1"}`
	return func() (*http.Request, error) {
		r, err := post(base+"/api/auth/sign-in/email", nil, body)()
		if err == nil {
			r.Header.Set("Origin", base)
		}
		return r, err
	}
}

// setupBetterAuth signs a user up on the real Better Auth and returns its
// session cookie.
func setupBetterAuth(base string) (func(*http.Request), error) {
	resp, err := signUp(base)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("better-auth sign-up: %d", resp.StatusCode)
	}
	return withCookies(resp.Cookies()), nil
}

// withCookies returns a request decorator that sends cookies.
func withCookies(cookies []*http.Cookie) func(*http.Request) {
	return func(r *http.Request) {
		for _, c := range cookies {
			r.AddCookie(c)
		}
	}
}

// mixed is the mixed task traffic of one user: 60% list (20 tasks), 20%
// toggle of one of the first tasks, 20% create, so the table grows while
// it is read.
func (l *latchSetup) mixed(base string) request {
	tasks := base + "/api/" + l.userID + "/tasks"
	list, create := get(tasks+"?limit=20", l.bearer), post(tasks, l.bearer, `{"title":"mixed task"}`)
	return func() (*http.Request, error) {
		switch n := rand.IntN(10); {
		case n < 6:
			return list()
		case n < 8:
			id := l.taskIDs[rand.IntN(len(l.taskIDs))]
			r, err := http.NewRequest(http.MethodPatch, fmt.Sprintf("%s/%d/complete", tasks, id), nil)
			if err == nil {
				l.bearer(r)
			}
			return r, err
		default:
			return create()
		}
	}
}
