package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/store/postgres"
	"github.com/latchhq/latch/internal/store/sqlite"
)

// writer creates tasks until stop is closed and records the id of every
// task whose create got a 2xx, and every status it saw.
type writer struct {
	mu       sync.Mutex
	acked    []int64
	statuses map[int]int
	errs     atomic.Int64
}

func (w *writer) run(base, uid, jwt string, conc int, stop <-chan struct{}) {
	client := &http.Client{Timeout: 30 * time.Second}
	w.statuses = map[int]int{}
	var wg sync.WaitGroup
	for i := range conc {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"title":"w%d-%d"}`, i, n)
				req, _ := http.NewRequest("POST", base+"/api/"+uid+"/tasks", bytes.NewReader([]byte(body)))
				req.Header.Set("Authorization", "Bearer "+jwt)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					w.errs.Add(1)
					time.Sleep(20 * time.Millisecond)
					continue
				}
				var t struct {
					ID int64 `json:"id"`
				}
				_ = json.NewDecoder(resp.Body).Decode(&t)
				resp.Body.Close()
				w.mu.Lock()
				w.statuses[resp.StatusCode]++
				if resp.StatusCode/100 == 2 {
					w.acked = append(w.acked, t.ID)
				}
				w.mu.Unlock()
				if resp.StatusCode/100 != 2 {
					time.Sleep(20 * time.Millisecond) // back off as Retry-After asks
				}
			}
		})
	}
	wg.Wait()
}

// TestPostgresRestartDuringWrites restarts a private PostgreSQL while 16
// clients create tasks: the only failures are 503s, every acknowledged
// task is in the database afterwards, and Latch writes again by itself.
func TestPostgresRestartDuringWrites(t *testing.T) {
	faultTests(t)
	pg := startPGCluster(t)
	ts := startTestServer(t, map[string]string{"DATABASE_URL": pg.URL(), "LATCH_DB_TIMEOUT": "2s"})
	uid, _, jwt := signUp(t, ts, "restart@example.com")

	w := &writer{}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { w.run(ts.URL, uid, jwt, 16, stop); close(done) }()
	time.Sleep(2 * time.Second)
	w.mu.Lock()
	before := len(w.acked)
	w.mu.Unlock()
	pg.Stop()
	time.Sleep(time.Second)
	pg.Start()
	// Keep writing until writes have succeeded again for a while.
	deadline := time.Now().Add(20 * time.Second)
	var after int
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		w.mu.Lock()
		after = len(w.acked)
		w.mu.Unlock()
		if after > before+200 {
			break
		}
	}
	close(stop)
	<-done
	t.Logf("acknowledged %d creates before the restart, %d in all; statuses %v; transport errors %d", before, len(w.acked), w.statuses, w.errs.Load())
	if before == 0 || after <= before+200 {
		t.Fatalf("Latch did not write again after the restart: %d acknowledged before, %d after", before, after)
	}
	for code := range w.statuses {
		if code/100 != 2 && code != http.StatusServiceUnavailable {
			t.Errorf("status %d during the restart; want only 2xx and 503", code)
		}
	}
	if w.errs.Load() != 0 {
		t.Errorf("%d requests failed at the transport level", w.errs.Load())
	}

	db, err := postgres.Open(context.Background(), pg.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	assertTasksPresent(t, db, uid, w.acked)
}

// assertTasksPresent checks that every acknowledged task id is stored.
func assertTasksPresent(t *testing.T, st interface {
	GetTask(ctx context.Context, userID string, id int64) (*latch.Task, error)
}, uid string, ids []int64) {
	t.Helper()
	lost := 0
	for _, id := range ids {
		if _, err := st.GetTask(context.Background(), uid, id); err != nil {
			if !errors.Is(err, latch.ErrNotFound) {
				t.Fatalf("get task %d: %v", id, err)
			}
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged tasks are missing from the database", lost, len(ids))
	}
}

// killChildEnv makes the test binary run `latch serve` as a child process
// (the real command, killed with SIGKILL by TestKillDuringSQLiteWrites).
const killChildEnv = "LATCH_TEST_SERVE_CHILD"

// TestMain lets the test binary act as the latch command for crash tests.
func TestMain(m *testing.M) {
	if os.Getenv(killChildEnv) != "" {
		os.Exit(run(context.Background(), os.Args[1:], environ(), os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// startServeChild runs `latch serve` (this test binary acting as the
// command) on a free loopback port over SQLite, with env added to a test
// configuration, and returns its base URL once /readyz answers 200. The
// process is killed at cleanup.
func startServeChild(t *testing.T, env map[string]string) (string, *exec.Cmd, *syncBuffer) {
	t.Helper()
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	e := map[string]string{
		killChildEnv: "1", "PORT": fmt.Sprint(port), "LATCH_HOST": "127.0.0.1", "BETTER_AUTH_URL": base,
		"BETTER_AUTH_SECRET": "child-test-secret-0123456789abcdef0123456789", "LATCH_DATA_DIR": t.TempDir(),
		"LATCH_RATE_LIMIT": "false", "LATCH_LOG_LEVEL": "warn", "DATABASE_URL": "", "REDIS_URL": "",
	}
	maps.Copy(e, env)
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = os.Environ()
	for k, v := range e {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, cmd, logs
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("latch serve not ready: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestKillDuringSQLiteWrites kills a `latch serve` process with SIGKILL
// while 16 clients create tasks on SQLite: every task whose create got a
// 201 survives and PRAGMA integrity_check is ok.
func TestKillDuringSQLiteWrites(t *testing.T) {
	faultTests(t)
	dir := t.TempDir()
	base, cmd, logs := startServeChild(t, map[string]string{"LATCH_DATA_DIR": dir})
	uid, _, jwt := signUp(t, &testServer{URL: base}, "kill@example.com")
	w := &writer{}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { w.run(base, uid, jwt, 16, stop); close(done) }()
	time.Sleep(3 * time.Second)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	close(stop)
	<-done
	t.Logf("acknowledged %d creates before SIGKILL; statuses %v", len(w.acked), w.statuses)
	if len(w.acked) < 50 {
		t.Fatalf("only %d writes acknowledged before the kill\n%s", len(w.acked), logs.String())
	}
	path := filepath.Join(dir, "latch.db")
	raw, err := sql.Open("sqlite", path) // the driver the sqlite store registers
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	raw.Close()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer db.Close()
	assertTasksPresent(t, db, uid, w.acked)
}
