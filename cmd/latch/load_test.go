package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// loadResult is one line of `latchload -json`.
type loadResult struct {
	Name      string        `json:"name"`
	N         int64         `json:"n"`
	Errs      int64         `json:"errors"`
	Status5xx int64         `json:"status_5xx"`
	P50       time.Duration `json:"p50_ns"`
	P99       time.Duration `json:"p99_ns"`
	ReqPerSec float64       `json:"req_per_s"`
	FirstErr  string        `json:"first_error"`
}

var (
	latchloadOnce sync.Once
	latchloadPath string
	latchloadErr  error
)

// buildLatchload builds cmd/latchload once per test binary.
func buildLatchload(t *testing.T) string {
	t.Helper()
	latchloadOnce.Do(func() {
		dir, err := os.MkdirTemp("", "latchload-")
		if err != nil {
			latchloadErr = err
			return
		}
		latchloadPath = filepath.Join(dir, "latchload")
		out, err := exec.Command("go", "build", "-o", latchloadPath, "../latchload").CombinedOutput()
		if err != nil {
			latchloadErr = &buildError{string(out), err}
		}
	})
	if latchloadErr != nil {
		t.Fatalf("build latchload: %v", latchloadErr)
	}
	return latchloadPath
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// runLoad runs latchload against ts and returns its results.
func runLoad(t *testing.T, ts *testServer, args ...string) []loadResult {
	t.Helper()
	cmd := exec.Command(buildLatchload(t), append([]string{"-url", ts.URL, "-json"}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("latchload: %v\n%s", err, stderr.String())
	}
	var res []loadResult
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		var r loadResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("latchload output %q: %v", sc.Text(), err)
		}
		res = append(res, r)
	}
	return res
}

// loadDuration is LATCH_LOAD_DURATION (default 10s: the CI form; the
// issue's full run is 60s).
func loadDuration(t *testing.T) string {
	t.Helper()
	d := os.Getenv("LATCH_LOAD_DURATION")
	if d == "" {
		return "10s"
	}
	if _, err := time.ParseDuration(d); err != nil {
		t.Fatalf("LATCH_LOAD_DURATION: %v", err)
	}
	return d
}

// peakRSS is this process's peak resident set (VmHWM), the server's
// memory under load (latchload runs in its own process).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

// TestLoadMixed: 256 concurrent clients of mixed task reads and writes
// for LATCH_LOAD_DURATION on SQLite and PostgreSQL: no errors, no 5xx.
func TestLoadMixed(t *testing.T) {
	faultTests(t)
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			env := backends()[name](t)
			ts := startTestServer(t, env)
			res := runLoad(t, ts, "-duration", loadDuration(t), "-concurrency", "256", "-max", "100000000", "-scenarios", "mixed")
			if len(res) != 1 {
				t.Fatalf("latchload gave %d results", len(res))
			}
			r := res[0]
			t.Logf("%s mixed c=256: %.0f req/s, n=%d, p50=%v, p99=%v, errors=%d, 5xx=%d, peak RSS of the test process (server side) %s",
				name, r.ReqPerSec, r.N, r.P50, r.P99, r.Errs, r.Status5xx, peakRSS())
			if r.N == 0 || r.Errs != 0 || r.Status5xx != 0 {
				t.Fatalf("n=%d errors=%d 5xx=%d (first: %s), want no errors", r.N, r.Errs, r.Status5xx, r.FirstErr)
			}
		})
	}
}
