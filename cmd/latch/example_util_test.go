//go:build unix

package main

// Helpers for the tests of examples/: child servers (next start, uvicorn)
// in their own process group, stopped in t.Cleanup, and waiting for them.

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// requireExample skips the test with why, or fails it when the environment
// variable env is "1" (CI sets it: the example must run there).
func requireExample(t *testing.T, env, why string) {
	t.Helper()
	if os.Getenv(env) == "1" {
		t.Fatalf("%s=1 but %s", env, why)
	}
	t.Skipf("skipping (%s=1 makes this a failure): %s", env, why)
}

// freeLoopbackPort returns a port that was free a moment ago, for a child
// server that takes a port number rather than a listener (next start).
func freeLoopbackPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// startChild starts cmd in its own process group with its output captured;
// t.Cleanup stops the whole group (SIGTERM, then SIGKILL after 10 s) and
// logs the output when the test failed.
func startChild(t *testing.T, name string, cmd *exec.Cmd) *syncBuffer {
	t.Helper()
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, out.String())
		}
	})
	return out
}

// waitHTTP polls url until it answers with a status below 500.
func waitHTTP(t *testing.T, name, url string, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s did not answer at %s within %s: %v", name, url, timeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
