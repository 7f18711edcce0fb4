package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// faultTests reports whether the load and fault tests run
// (LATCH_TEST_LOAD=1; .ci/run sets it). They start private database
// servers and put real load on the machine.
func faultTests(t *testing.T) {
	t.Helper()
	if os.Getenv("LATCH_TEST_LOAD") == "" {
		t.Skip("load and fault tests: set LATCH_TEST_LOAD=1")
	}
}

// pgCluster is a private PostgreSQL server in a temp directory, started
// and stopped by the test (never the shared one on 5432, which other
// sessions use).
type pgCluster struct {
	t       *testing.T
	bin     string
	dir     string // cluster data directory
	sock    string // unix socket directory
	port    int
	asUser  string // run the server as this user ("" when not root)
	logPath string
}

// URL is the cluster's database URL.
func (c *pgCluster) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// startPGCluster runs initdb and starts a server on a free port. It fails
// the test when PostgreSQL 15's binaries are missing (LATCH_TEST_LOAD
// requires them).
func startPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	bin := os.Getenv("LATCH_PG_BIN")
	if bin == "" {
		bin = "/usr/lib/postgresql/15/bin"
	}
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		t.Fatalf("PostgreSQL server binaries not found in %s (set LATCH_PG_BIN): %v", bin, err)
	}
	// A world-traversable directory outside t.TempDir (whose parents are
	// 0700), so that the postgres user can own the cluster when we are root.
	root, err := os.MkdirTemp("", "latch-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	c := &pgCluster{t: t, bin: bin, dir: filepath.Join(root, "data"), sock: root, logPath: filepath.Join(root, "server.log")}
	if os.Geteuid() == 0 {
		c.asUser = "postgres"
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs a postgres user to own the cluster: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chmod(root, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(root, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	c.port = freePort(t)
	c.run("initdb", "-D", c.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	c.Start()
	t.Cleanup(func() { _ = c.ctl("stop", "-m", "immediate") })
	return c
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (c *pgCluster) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	if c.asUser != "" {
		return exec.Command("runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func (c *pgCluster) run(name string, args ...string) {
	c.t.Helper()
	if out, err := c.command(name, args...).CombinedOutput(); err != nil {
		c.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func (c *pgCluster) ctl(args ...string) error {
	all := append([]string{"-D", c.dir, "-w", "-t", "30", "-l", c.logPath,
		"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=100", c.port, c.sock)}, args...)
	out, err := c.command("pg_ctl", all...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// Start starts the server and waits until it accepts connections.
func (c *pgCluster) Start() {
	c.t.Helper()
	if err := c.ctl("start"); err != nil {
		log, _ := os.ReadFile(c.logPath)
		c.t.Fatalf("%v\nserver log:\n%s", err, log)
	}
}

// Stop shuts the server down (fast mode: open sessions are cut).
func (c *pgCluster) Stop() {
	c.t.Helper()
	if err := c.ctl("stop", "-m", "fast"); err != nil {
		c.t.Fatal(err)
	}
}

// pids returns the postmaster's pid and those of its children.
func (c *pgCluster) pids() []int {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, "postmaster.pid"))
	if err != nil {
		c.t.Fatal(err)
	}
	pm, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		c.t.Fatal(err)
	}
	pids := []int{pm}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut after ")".
		s := string(stat)
		if i := strings.LastIndexByte(s, ')'); i >= 0 {
			f := strings.Fields(s[i+1:])
			if len(f) > 1 && f[1] == strconv.Itoa(pm) {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// Freeze stops every process of the server with SIGSTOP: connections are
// accepted by the kernel but nothing answers, as with a hung database or
// a network partition. Thaw resumes them.
func (c *pgCluster) Freeze() { c.signal(syscall.SIGSTOP) }

// Thaw resumes a frozen server.
func (c *pgCluster) Thaw() { c.signal(syscall.SIGCONT) }

func (c *pgCluster) signal(sig syscall.Signal) {
	c.t.Helper()
	for _, pid := range c.pids() {
		if err := syscall.Kill(pid, sig); err != nil {
			c.t.Logf("kill %d %v: %v", pid, sig, err)
		}
	}
}
