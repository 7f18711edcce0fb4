package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchhq/latch/internal/auth"
)

// TestHashFlood: a flood of requests to the routes that hash a password,
// from many client addresses (the trusted X-Forwarded-For of a proxy on
// loopback), padded with 1 MiB bodies or abandoned by their clients after
// 30 ms, neither exhausts memory nor locks a legitimate user out: the
// process stays under 200 MB (checked without -race, whose shadow memory
// inflates it) and a sign-in during the flood completes within twice its
// idle time plus the hash queue's bound (DefaultHashQueue/slots hash
// times).
//
// The short form runs by default (about 3 s of flood);
// LATCH_TEST_FLOOD=long floods for 20 s with more addresses, for the
// figures in the README.
func TestHashFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("flood test: skipped with -short")
	}
	waves, perWave := 12, 16
	if os.Getenv("LATCH_TEST_FLOOD") == "long" {
		waves, perWave = 80, 40
	}
	// The server is a real `latch serve` process, so that its memory is
	// measured apart from the clients'.
	url, server, logs := startServeChild(t, map[string]string{
		"LATCH_RATE_LIMIT": "true", "LATCH_IP_HEADER": "X-Forwarded-For", "LATCH_TRUSTED_PROXIES": "127.0.0.1",
	})
	ts := &testServer{URL: url}
	pid := server.Process.Pid
	var ipSeq atomic.Int64
	newIP := func() string {
		n := ipSeq.Add(1)
		return fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
	}
	legit := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	flood := &http.Transport{MaxIdleConnsPerHost: 256, DisableKeepAlives: true}
	t.Cleanup(flood.CloseIdleConnections)

	post := func(ctx context.Context, c *http.Client, path, ip, bearer string, body io.Reader, chunked bool) (int, http.Header, error) {
		req, err := http.NewRequestWithContext(ctx, "POST", ts.URL+"/api/auth"+path, body)
		if err != nil {
			return 0, nil, err
		}
		if chunked {
			req.ContentLength = 0 // unknown length: sent chunked
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", ts.URL)
		req.Header.Set("X-Forwarded-For", ip)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := c.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header, nil
	}
	const password = "correct horse battery"
	signUpAs := func(email string) string {
		body := fmt.Sprintf(`{"name":"F","email":%q,"password":%q}`, email, password)
		req, _ := http.NewRequest("POST", ts.URL+"/api/auth/sign-up/email", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", newIP())
		resp, err := legit.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("sign-up %s: %v %v", email, err, resp)
		}
		defer resp.Body.Close()
		return decode[struct {
			Token string `json:"token"`
		}](t, must(io.ReadAll(resp.Body))).Token
	}
	signUpAs("victim@example.com")
	attacker := signUpAs("attacker@example.com")

	// signIn is the legitimate user: a fresh address, retrying after
	// Retry-After on 503; it returns the time until the 200.
	signIn := func() (time.Duration, error) {
		start := time.Now()
		ip := newIP()
		for {
			body := fmt.Sprintf(`{"email":"victim@example.com","password":%q}`, password)
			code, h, err := post(context.Background(), legit, "/sign-in/email", ip, "", strings.NewReader(body), false)
			if err != nil {
				return 0, err
			}
			switch code {
			case http.StatusOK:
				return time.Since(start), nil
			case http.StatusServiceUnavailable:
				secs, _ := strconv.Atoi(h.Get("Retry-After"))
				time.Sleep(time.Duration(max(secs, 1)) * time.Second)
				ip = newIP()
			default:
				return 0, fmt.Errorf("sign-in: status %d", code)
			}
		}
	}
	var idles []time.Duration
	for range 3 {
		d, err := signIn()
		if err != nil {
			t.Fatal(err)
		}
		idles = append(idles, d)
	}
	slices.Sort(idles)
	idle := idles[1]
	slots := max(2, runtime.GOMAXPROCS(0))
	bound := 2*idle + time.Duration(auth.DefaultHashQueue/slots+1)*idle

	base := procMemory(t, pid, "VmRSS")

	pad := bytes.Repeat([]byte("x"), 1<<20-4<<10) // under the old 1 MiB limit
	padded := func(field string) io.Reader {
		return io.MultiReader(strings.NewReader(`{"password":"x","`+field+`":"`), bytes.NewReader(pad), strings.NewReader(`"}`))
	}
	var statuses sync.Map // status -> *atomic.Int64
	count := func(code int) {
		v, _ := statuses.LoadOrStore(code, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	fc := &http.Client{Transport: flood, Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	abandoned := func(path, bearer, body, ip string) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		code, _, err := post(ctx, fc, path, ip, bearer, strings.NewReader(body), false)
		if err != nil {
			code = -1 // abandoned
		}
		count(code)
	}
	floodDone := make(chan struct{})
	go func() {
		defer close(floodDone)
		for range waves {
			for range perWave {
				ip := newIP()
				wg.Go(func() {
					code, _, err := post(context.Background(), fc, "/verify-password", ip, attacker, padded("pad"), false)
					if err != nil {
						code = -2
					}
					count(code)
				})
				wg.Go(func() {
					code, _, err := post(context.Background(), fc, "/sign-in/email", ip, "", padded("email"), true)
					if err != nil {
						code = -2
					}
					count(code)
				})
				wg.Go(func() { abandoned("/verify-password", attacker, `{"password":"guess"}`, ip) })
				wg.Go(func() {
					abandoned("/sign-in/email", "", `{"email":"nobody@example.com","password":"guess"}`, ip)
				})
			}
			time.Sleep(250 * time.Millisecond)
		}
	}()

	// Legitimate sign-ins while the flood runs.
	time.Sleep(500 * time.Millisecond)
	var during []time.Duration
	for {
		d, err := signIn()
		if err != nil {
			t.Fatal(err)
		}
		during = append(during, d)
		select {
		case <-floodDone:
		default:
			time.Sleep(200 * time.Millisecond)
			continue
		}
		break
	}
	wg.Wait()
	peak := procMemory(t, pid, "VmHWM") // the kernel's record of the peak RSS

	var summary []string
	statuses.Range(func(k, v any) bool {
		summary = append(summary, fmt.Sprintf("%v:%d", k, v.(*atomic.Int64).Load()))
		return true
	})
	slices.Sort(summary)
	worst := slices.Max(during)
	t.Logf("flood: %d waves × %d addresses × 4 requests (-1 abandoned, -2 client error): %s", waves, perWave, strings.Join(summary, " "))
	t.Logf("legitimate sign-in: idle %v (median of %v); during the flood %v (worst %v, %.1f× idle); bound %v",
		idle.Round(time.Millisecond), idles, during, worst.Round(time.Millisecond), float64(worst)/float64(idle), bound.Round(time.Millisecond))
	t.Logf("memory (RSS of the server process): before the flood %d MiB, peak %d MiB", base>>20, peak>>20)
	if worst > bound {
		t.Errorf("a legitimate sign-in took %v under the flood, over 2× idle (%v) plus the queue bound: %v", worst, idle, bound)
	}
	if !raceEnabled && peak > 200<<20 {
		t.Errorf("memory peaked at %d MiB under the flood, want under 200 MB\n%s", peak>>20, logs.String())
	}
}

// procMemory reads a field of /proc/<pid>/status in bytes: "VmRSS" (the
// resident set now) or "VmHWM" (its peak). The test fails where /proc is
// missing.
func procMemory(t *testing.T, pid int, field string) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("memory of the server: %v", err)
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(rest) // "123456 kB"
			if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil && len(f) == 2 && f[1] == "kB" {
				return kb << 10
			}
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
