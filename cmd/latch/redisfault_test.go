package main

import (
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"
)

// redisServer is a private redis-server on a free port, restarted by the
// test (never the shared one on 6379).
type redisServer struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
}

func startRedisServer(t *testing.T) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redis-server not installed: %v", err)
	}
	r := &redisServer{t: t, port: freePort(t)}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

func (r *redisServer) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

// Start runs redis-server and waits until it accepts connections.
func (r *redisServer) Start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.t.TempDir())
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", r.port))
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("redis-server not up: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server (as a crash would).
func (r *redisServer) Stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}

// TestRedisRestartDuringLoad kills and restarts a private Redis twice
// while 64 clients run mixed task traffic and get-session with the rate
// limits on (so Redis is in the path): no answer may be a 5xx (429s are
// fine). It runs once REDIS_URL is a setting (the Redis work of issue 9).
func TestRedisRestartDuringLoad(t *testing.T) {
	faultTests(t)
	if !slices.ContainsFunc(settings, func(s setting) bool { return s.name == "REDIS_URL" }) {
		t.Skip("REDIS_URL is not a setting yet: this test runs once Redis support is merged")
	}
	rs := startRedisServer(t)
	ts := startTestServer(t, map[string]string{"REDIS_URL": rs.URL(), "LATCH_RATE_LIMIT": "true",
		"LATCH_TASK_RATE_LIMIT": "100000000"})
	done := make(chan []loadResult, 1)
	go func() {
		done <- runLoad(t, ts, "-duration", "5s", "-concurrency", "64", "-max", "100000000", "-scenarios", "mixed,get-session")
	}()
	for _, at := range []time.Duration{2 * time.Second, 4 * time.Second} {
		time.Sleep(at / 2)
		rs.Stop()
		time.Sleep(time.Second)
		rs.Start()
	}
	for _, r := range <-done {
		t.Logf("%s: %.0f req/s, n=%d, 5xx=%d, other errors=%d (429s count as errors here)", r.Name, r.ReqPerSec, r.N, r.Status5xx, r.Errs-r.Status5xx)
		if r.N == 0 || r.Status5xx != 0 {
			t.Errorf("%s: n=%d, %d answers were 5xx (first error: %s)", r.Name, r.N, r.Status5xx, r.FirstErr)
		}
	}
}
