//go:build unix

package main

// The Next.js example (examples/nextjs) beside a real Latch, driven in
// Debian's Chromium through the original design's flow. It needs
// `npm ci && npx next build` in examples/nextjs (.ci/run does both) and
// skips without them, failing instead when LATCH_TEST_NEXTJS=1. With
// LATCH_SCREENSHOTS=examples/nextjs/screenshots the screenshots of its
// pages are rewritten for the example's README.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const nextjsDir = "../../examples/nextjs"

// TestNextjsExample: register without a name → lands on /dashboard → add two
// tasks → complete one → reload (still there) → sign out → log in → a
// second user sees none of the first user's tasks, and Latch refuses the
// second user's token on the first user's task path.
func TestNextjsExample(t *testing.T) {
	node := requireNextjsBuild(t)
	exe := chromiumPath(t)
	nextPort := freeLoopbackPort(t)
	nextURL := "http://127.0.0.1:" + nextPort
	// Latch is reached by the browser twice: /api/auth/* through the Next.js
	// app (first-party cookies) and the task API on Latch's own origin (CORS
	// for the app's origin).
	ts := startTestServer(t, map[string]string{"LATCH_TRUSTED_ORIGINS": nextURL})
	cmd := exec.Command(node, filepath.Join("node_modules", "next", "dist", "bin", "next"),
		"start", "--hostname", "127.0.0.1", "--port", nextPort)
	cmd.Dir = nextjsDir
	cmd.Env = append(os.Environ(), "LATCH_URL="+ts.URL, "NEXT_TELEMETRY_DISABLED=1", "NODE_ENV=production")
	startChild(t, "next start", cmd)
	waitHTTP(t, "next start", nextURL+"/login", 60*time.Second)

	shots := screenshotDir(t)
	browser := startBrowser(t, exe)
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}
	alice := browserUser{email: "alice@example.com", password: "correct horse " + randomHex(t, 4)}
	a := newBrowserTab(t, browser, nextURL)

	step("register without a name lands on the dashboard", func(t *testing.T) {
		a.t = t
		a.open("/dashboard")
		a.waitFor("the redirect to /login", `location.pathname === "/login"`)
		a.open("/register")
		a.do(chromedp.WaitVisible(chromedp.CSS("form")))
		takeScreenshots(t, a, shots, "register")
		a.nextAuth(alice)
		a.nextDashboard(0, 0)
		if got := evalJS[string](a, `document.querySelector("#user-email").textContent`); got != alice.email {
			t.Errorf("dashboard shows %q, want %q", got, alice.email)
		}
		if got := evalJS[string](a, `fetch("/api/auth/get-session").then(r => r.json()).then(s => s.user.name)`); got != "alice" {
			t.Errorf("user name = %q, want the part of the email before @", got)
		}
	})

	step("add two tasks and complete one", func(t *testing.T) {
		a.t = t
		for _, title := range []string{"Renew passport", "Buy milk"} {
			a.do(typeInto("#title", title), clickOn(`#add-task button[type="submit"]`))
			a.waitFor("the new task "+title, fmt.Sprintf(`document.querySelector("#tasks .task-title")?.textContent === %q`, title))
		}
		a.do(clickOn(nextTaskSel("Renew passport") + " .toggle"))
		a.nextDashboard(2, 1)
		a.nextWantTasks(`[["Buy milk",false],["Renew passport",true]]`)
		takeScreenshots(t, a, shots, "tasks")
	})

	step("reload keeps them", func(t *testing.T) {
		a.t = t
		a.do(chromedp.Reload())
		a.nextDashboard(2, 1)
		a.nextWantTasks(`[["Buy milk",false],["Renew passport",true]]`)
	})

	step("sign out then log in", func(t *testing.T) {
		a.t = t
		a.do(clickOn("#sign-out"))
		a.waitFor("the login page", `location.pathname === "/login"`)
		a.open("/dashboard")
		a.waitFor("the redirect to /login", `location.pathname === "/login"`)
		a.do(chromedp.WaitVisible(chromedp.CSS("form")))
		takeScreenshots(t, a, shots, "login")
		a.nextAuth(browserUser{email: alice.email, password: "not the password"})
		a.waitFor("the error", `document.querySelector("#form-error")?.textContent === "Invalid email or password"`)
		a.nextAuth(alice)
		a.nextDashboard(2, 1)
		a.nextWantTasks(`[["Buy milk",false],["Renew passport",true]]`)
	})

	step("a second user sees none of the first user's tasks", func(t *testing.T) {
		b := newBrowserTab(t, browser, nextURL)
		b.open("/register")
		b.nextAuth(browserUser{email: "bob@example.com", password: "battery staple " + randomHex(t, 4)})
		b.nextDashboard(0, 0)
		aliceID := evalJS[string](a, `fetch("/api/auth/session").then(r => r.json()).then(s => s.user.id)`)
		status := evalJS[int](b, fmt.Sprintf(`(async () => {
			const { token } = await (await fetch("/api/auth/session")).json();
			const r = await fetch(document.documentElement.dataset.apiUrl + "/api/" + %q + "/tasks/",
				{ headers: { Authorization: "Bearer " + token } });
			return r.status; })()`, aliceID))
		if status != 403 {
			t.Errorf("Bob's token on Alice's task list: %d, want 403", status)
		}
		b.do(typeInto("#title", "Bob's task"), clickOn(`#add-task button[type="submit"]`))
		b.nextDashboard(1, 0)
		a.t = t
		a.do(chromedp.Reload())
		a.nextDashboard(2, 1)
	})
}

// requireNextjsBuild returns the node binary once examples/nextjs is
// installed and built.
func requireNextjsBuild(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		requireExample(t, "LATCH_TEST_NEXTJS", "no node binary on PATH")
	}
	if _, err := os.Stat(filepath.Join(nextjsDir, "node_modules", "next", "package.json")); err != nil {
		requireExample(t, "LATCH_TEST_NEXTJS", "examples/nextjs is not installed (npm ci --prefix examples/nextjs)")
	}
	if _, err := os.Stat(filepath.Join(nextjsDir, ".next", "BUILD_ID")); err != nil {
		requireExample(t, "LATCH_TEST_NEXTJS", "examples/nextjs is not built (cd examples/nextjs && npx next build)")
	}
	return node
}

// nextAuth fills the register or login form of the example and submits it.
func (b *browserTab) nextAuth(u browserUser) {
	b.t.Helper()
	b.do(typeInto("#email", u.email), typeInto("#password", u.password), clickOn(`form button[type="submit"]`))
}

// nextDashboard waits for /dashboard with its list loaded, showing total
// tasks of which done are completed.
func (b *browserTab) nextDashboard(total, done int) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("the dashboard with %d tasks, %d done", total, done), fmt.Sprintf(
		`location.pathname === "/dashboard" && document.querySelector("#tasks")?.getAttribute("aria-busy") === "false" &&
		document.querySelectorAll("#tasks .task").length === %d && document.querySelectorAll("#tasks .task.done").length === %d`,
		total, done))
}

// nextWantTasks waits until the list shows want: a JSON array of [title, completed].
func (b *browserTab) nextWantTasks(want string) {
	b.t.Helper()
	expr := `JSON.stringify([...document.querySelectorAll("#tasks .task")].map(li =>
		[li.querySelector(".task-title").textContent, li.querySelector(".toggle").checked]))`
	if ok, _ := b.poll(expr + ` === ` + fmt.Sprintf("%q", want)); !ok {
		b.t.Fatalf("want tasks %s, shown %s", want, evalJS[string](b, expr))
	}
}

func nextTaskSel(title string) string {
	return fmt.Sprintf(`#tasks .task[data-title=%q]`, title)
}
