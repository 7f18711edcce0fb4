package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// crashEnv switches the test binary into the crash child: it opens the
// database named by the variable and writes tasks until it is killed,
// printing "ACK <id>" after each write returns.
const crashEnv = "LATCH_STORE_CRASH_CHILD"

// TestCrashDurability kills a writing process with SIGKILL and checks
// that every write it acknowledged is in the database afterwards.
func TestCrashDurability(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDurability$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const want = 200
	acked := make(chan []int64, 1)
	go func() {
		var ids []int64
		sc := bufio.NewScanner(out)
		for sc.Scan() && len(ids) < want {
			if id, ok := strings.CutPrefix(sc.Text(), "ACK "); ok {
				n, err := strconv.ParseInt(id, 10, 64)
				if err == nil {
					ids = append(ids, n)
				}
			}
		}
		acked <- ids
	}()
	var ids []int64
	select {
	case ids = <-acked:
	case <-time.After(60 * time.Second):
	}
	// Kill while the child is still writing: no clean Close, a WAL to
	// recover, possibly a transaction in flight.
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if len(ids) < want {
		t.Fatalf("child acknowledged %d writes, want %d; stderr:\n%s", len(ids), want, stderr.String())
	}

	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	for _, id := range ids {
		if _, err := db.GetTask(context.Background(), "crash", id); err != nil {
			t.Fatalf("acknowledged task %d lost after SIGKILL: %v", id, err)
		}
	}
	var check string
	if err := db.r.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
}

func crashChild(path string) {
	db, err := Open(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(2)
	}
	// Several writers at once, so that writes are committed in groups
	// (EnableGroupCommit) when the kill comes.
	var mu sync.Mutex
	for w := range 8 {
		go func() {
			for i := 0; ; i++ {
				tk := &latch.Task{UserID: "crash", Title: fmt.Sprint("task ", w, " ", i)}
				if err := db.CreateTask(context.Background(), tk, time.Now()); err != nil {
					fmt.Fprintln(os.Stderr, "create:", err)
					os.Exit(3)
				}
				mu.Lock()
				fmt.Printf("ACK %d\n", tk.ID)
				mu.Unlock()
			}
		}()
	}
	select {}
}
