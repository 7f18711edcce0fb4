// Command latchbench compares Latch's hot paths, in one run on one
// machine, with a bare net/http server (the floor) and, when Node and the
// better-auth package of test/node are installed, with the real Better Auth
// 1.7.25. Every server is a separate process on loopback; the load comes
// from this process with keep-alive connections. For each scenario it
// prints requests per second, p50/p99 latency and the server's CPU time per
// request (from /proc), then the ratios the performance issue asks for.
//
//	go run ./cmd/latchbench -duration 5s -concurrency 32
//
// Bounded: each scenario runs for -duration (at most 2 min) and stops by
// itself; every server is killed at the end.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-floor" {
		floor(os.Args[2])
		return
	}
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "latchbench:", err)
		os.Exit(1)
	}
}

// floor is the bare net/http server: one route, a fixed small JSON body.
func floor(addr string) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

type options struct {
	duration    time.Duration
	concurrency int
	betterAuth  string // auto, on, off
	nodeDir     string
	latchBin    string
	databaseURL string
	latchEnv    envList
	// baseline is a second latch binary measured beside the first (a
	// before/after comparison in one run).
	baseline string
	// baselineDB is the baseline's DATABASE_URL (its own database).
	baselineDB string
	// only, when not empty, selects scenarios by name prefix.
	only     []string
	mixedCon int
	// instances is 1, or 2: two Latch processes on one database, each
	// getting every other request.
	instances int
}

// want reports whether the scenario named name is selected.
func (o options) want(name string) bool {
	if len(o.only) == 0 {
		return true
	}
	for _, p := range o.only {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// envList is a repeatable KEY=VALUE flag.
type envList []string

func (e *envList) String() string { return strings.Join(*e, " ") }

func (e *envList) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("want KEY=VALUE, got %q", v)
	}
	*e = append(*e, v)
	return nil
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("latchbench", flag.ContinueOnError)
	var o options
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "duration of each scenario (max 2m)")
	fs.IntVar(&o.concurrency, "concurrency", 32, "concurrent connections (max 256)")
	fs.StringVar(&o.betterAuth, "better-auth", "auto", "auto: compare with the real Better Auth when test/node is installed; on: require it; off")
	fs.StringVar(&o.nodeDir, "node-dir", "test/node", "directory of the Node test packages (ba-server.mjs)")
	fs.StringVar(&o.latchBin, "latch", "", "latch binary to run (default: go build ./cmd/latch)")
	fs.StringVar(&o.databaseURL, "database-url", "", "DATABASE_URL for Latch (default: a fresh SQLite file)")
	fs.Var(&o.latchEnv, "latch-env", "KEY=VALUE added to Latch's environment (repeatable), e.g. GOGC=100 to compare with the default")
	fs.StringVar(&o.baseline, "baseline", "", "a second latch binary (e.g. built from an older commit) measured beside the first, with the same scenarios")
	fs.StringVar(&o.baselineDB, "baseline-database-url", "", "DATABASE_URL of the baseline (required with -baseline and -database-url: another database or schema)")
	scen := fs.String("scenarios", "", "comma-separated parts of scenario names to run (e.g. get-session,mixed); default all")
	fs.IntVar(&o.instances, "instances", 1, "Latch processes on one database (1 or 2: requests alternate between them; add -latch-env REDIS_URL=… to share Redis)")
	fs.IntVar(&o.mixedCon, "mixed-concurrency", 256, "connections of the mixed scenario (60% list, 20% toggle, 20% create; max 256)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *scen != "" {
		o.only = strings.Split(*scen, ",")
	}
	if o.instances < 1 || o.instances > 2 {
		return errors.New("instances must be 1 or 2")
	}
	if o.baseline != "" && o.databaseURL != "" && (o.baselineDB == "" || o.baselineDB == o.databaseURL) {
		return errors.New("-baseline with -database-url needs its own -baseline-database-url")
	}
	if o.instances == 2 && o.baseline != "" {
		return errors.New("-instances 2 and -baseline cannot be combined")
	}
	if o.mixedCon < 1 || o.mixedCon > 256 {
		return errors.New("mixed-concurrency must be in [1, 256]")
	}
	if o.duration <= 0 || o.duration > 2*time.Minute || o.concurrency < 1 || o.concurrency > 256 {
		return errors.New("duration must be in (0, 2m], concurrency in [1, 256]")
	}
	tmp, err := os.MkdirTemp("", "latchbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	if o.latchBin == "" {
		o.latchBin = filepath.Join(tmp, "latch")
		build := exec.Command("go", "build", "-o", o.latchBin, "./cmd/latch")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build ./cmd/latch: %w", err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}

	var procs []*server
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	start := func(name string, cmd *exec.Cmd, url string) (*server, error) {
		s, err := startServer(ctx, name, cmd, url, filepath.Join(tmp, name+".log"))
		if s != nil {
			procs = append(procs, s)
		}
		return s, err
	}

	port := freePort()
	fl, err := start("floor", exec.Command(self, "-floor", "127.0.0.1:"+port), "http://127.0.0.1:"+port+"/")
	if err != nil {
		return err
	}

	startLatch := func(name, bin, dataDir, dbURL string) (*server, string, error) {
		port := freePort()
		url := "http://127.0.0.1:" + port
		lc := exec.Command(bin, "serve")
		lc.Env = append(os.Environ(), "PORT="+port, "LATCH_HOST=127.0.0.1", "BETTER_AUTH_URL="+url,
			"BETTER_AUTH_SECRET=latchbench-secret-0123456789abcdef0123456789", "LATCH_DATA_DIR="+filepath.Join(tmp, dataDir),
			"LATCH_RATE_LIMIT=false", "LATCH_LOG_REQUESTS=false", "LATCH_LOG_LEVEL=warn")
		if dbURL != "" {
			lc.Env = append(lc.Env, "DATABASE_URL="+dbURL)
		}
		lc.Env = append(lc.Env, o.latchEnv...)
		srv, err := start(name, lc, url+"/healthz")
		return srv, url, err
	}
	lt, latchURL, err := startLatch("latch", o.latchBin, "latch-data", o.databaseURL)
	if err != nil {
		return err
	}
	// A second instance on the same database (the same SQLite file
	// without -database-url) and the same secret.
	var lt2 *server
	latch2URL := ""
	if o.instances == 2 {
		if lt2, latch2URL, err = startLatch("latch-2", o.latchBin, "latch-data", o.databaseURL); err != nil {
			return err
		}
	}
	var bl *server
	baselineURL := ""
	if o.baseline != "" {
		if bl, baselineURL, err = startLatch("baseline", o.baseline, "baseline-data", o.baselineDB); err != nil {
			return err
		}
	}

	var ba *server
	baURL := ""
	if o.betterAuth != "off" {
		node, nerr := exec.LookPath("node")
		_, serr := os.Stat(filepath.Join(o.nodeDir, "node_modules", "better-auth"))
		switch {
		case nerr == nil && serr == nil:
			port = freePort()
			baURL = "http://127.0.0.1:" + port
			bc := exec.Command(node, "ba-server.mjs")
			bc.Dir = o.nodeDir
			bc.Env = append(os.Environ(), "PORT="+port, "DATABASE="+filepath.Join(tmp, "ba.db"),
				"BETTER_AUTH_SECRET=latchbench-secret-0123456789abcdef0123456789")
			if ba, err = start("better-auth", bc, baURL+"/api/auth/ok"); err != nil {
				return err
			}
		case o.betterAuth == "on":
			return fmt.Errorf("-better-auth=on but node or %s/node_modules/better-auth is missing", o.nodeDir)
		default:
			fmt.Fprintf(out, "Better Auth not compared: node or %s/node_modules/better-auth missing (npm ci --prefix test/node)\n", o.nodeDir)
		}
	}

	fmt.Fprintf(out, "latchbench: %d connections, %s per scenario, GOMAXPROCS of this machine: %d cores\n\n",
		o.concurrency, o.duration, numCPU())
	latchScenarios := func(prefix string, srv *server, url string) ([]scenario, *latchSetup, error) {
		lat, err := setupLatch(url)
		if err != nil {
			return nil, nil, err
		}
		names := []string{"get-session", "task list (20)", "task create", "sign-in", "mixed"}
		var scs []scenario
		for i, req := range latchRequests(lat, url) {
			scs = append(scs, scenario{name: prefix + " " + names[i], srv: srv, req: req})
		}
		scs[len(scs)-1].conc = o.mixedCon
		return scs, lat, nil
	}
	scenarios := []scenario{{name: "floor", srv: fl, req: get(fl.url, nil)}}
	ls, lat, err := latchScenarios("latch", lt, latchURL)
	if err != nil {
		return err
	}
	if lt2 != nil {
		// The same user's requests, every other one to the second instance.
		second := latchRequests(lat, latch2URL)
		for i := range ls {
			ls[i].req = alternate(ls[i].req, second[i])
			ls[i].also = lt2
			ls[i].name += " (2 instances)"
		}
	}
	if bl != nil {
		bs, _, err := latchScenarios("baseline", bl, baselineURL)
		if err != nil {
			return err
		}
		// Interleaved, so that both see the same machine.
		for i := range ls {
			scenarios = append(scenarios, ls[i], bs[i])
		}
	} else {
		scenarios = append(scenarios, ls...)
	}
	if ba != nil {
		cookie, err := setupBetterAuth(baURL)
		if err != nil {
			return err
		}
		scenarios = append(scenarios,
			scenario{name: "better-auth get-session", srv: ba, req: get(baURL+"/api/auth/get-session", cookie)},
			scenario{name: "better-auth sign-in", srv: ba, req: signIn(baURL)})
	}
	results := map[string]result{}
	fmt.Fprintf(out, "%-36s %10s %10s %10s %14s %8s\n", "scenario", "req/s", "p50", "p99", "server CPU/req", "errors")
	for _, sc := range scenarios {
		if sc.name != "floor" && !o.want(sc.name) {
			continue
		}
		r := sc.run(ctx, o)
		results[sc.name] = r
		fmt.Fprintf(out, "%-36s %10.0f %10s %10s %12.0fµs %8d\n", sc.name, r.rps(), r.p50.Round(time.Microsecond),
			r.p99.Round(time.Microsecond), r.cpuPerReq(), r.errors)
	}
	printRatios(out, results)
	fmt.Fprintf(out, "\nlatch peak RSS %d MiB", lt.peakRSS()>>20)
	if bl != nil {
		fmt.Fprintf(out, ", baseline peak RSS %d MiB", bl.peakRSS()>>20)
	}
	if lt2 != nil {
		fmt.Fprintf(out, ", second instance peak RSS %d MiB", lt2.peakRSS()>>20)
	}
	if ba != nil {
		fmt.Fprintf(out, ", Better Auth peak RSS %d MiB", ba.peakRSS()>>20)
	}
	fmt.Fprintln(out)
	return nil
}

// latchRequests are the requests of the Latch scenarios, in the order of
// their names: get-session, task list, task create, sign-in, mixed.
func latchRequests(lat *latchSetup, url string) []request {
	return []request{
		get(url+"/api/auth/get-session", lat.cookie),
		get(url+"/api/"+lat.userID+"/tasks?limit=20", lat.bearer),
		post(url+"/api/"+lat.userID+"/tasks", lat.bearer, `{"title":"bench task"}`),
		signIn(url),
		lat.mixed(url),
	}
}

// printRatios prints the ratios of the performance targets.
func printRatios(out io.Writer, r map[string]result) {
	fmt.Fprintln(out)
	floorCPU := r["floor"].cpuPerReq()
	ba, haveBA := r["better-auth get-session"]
	for _, prefix := range []string{"latch", "baseline"} {
		for _, what := range []string{"get-session", "task list (20)", "task create"} {
			x, ok := r[prefix+" "+what]
			if !ok || floorCPU == 0 {
				continue
			}
			line := fmt.Sprintf("%-26s CPU/req %5.1f× the floor", prefix+" "+what, x.cpuPerReq()/floorCPU)
			if haveBA && ba.rps() > 0 {
				line += fmt.Sprintf(", req/s %5.1f× Better Auth's get-session", x.rps()/ba.rps())
			}
			fmt.Fprintln(out, line)
		}
	}
	if si, basi := r["latch sign-in"], r["better-auth sign-in"]; haveBA && basi.rps() > 0 {
		fmt.Fprintf(out, "%-26s req/s %5.2f× Better Auth's sign-in (the same scrypt parameters)\n", "latch sign-in", si.rps()/basi.rps())
	}
	// Before and after, when a baseline binary ran beside.
	for _, what := range []string{"get-session", "task list (20)", "task create", "sign-in", "mixed"} {
		x, okx := r["latch "+what]
		b, okb := r["baseline "+what]
		if !okx || !okb || b.rps() == 0 || x.cpuPerReq() == 0 {
			continue
		}
		fmt.Fprintf(out, "%-26s vs baseline: req/s %5.2f×, CPU/req %5.2f×, p99 %s vs %s\n", "latch "+what,
			x.rps()/b.rps(), x.cpuPerReq()/b.cpuPerReq(), x.p99.Round(time.Millisecond), b.p99.Round(time.Millisecond))
	}
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

func numCPU() int {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "processor\t:")
}
