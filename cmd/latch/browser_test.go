package main

// Browser tests: the web UI driven in real headless Chromium (Debian's
// chromium package) through chromedp, against a real Latch server.
//
// They skip when no Chromium is installed, and fail instead when
// LATCH_TEST_BROWSER=1. With LATCH_SCREENSHOTS=<dir> set (the README uses
// docs/screenshots) the screenshots go to that directory; otherwise they go
// to a temp dir and are thrown away.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browserTimeout bounds every single browser step.
const browserTimeout = 20 * time.Second

// chromiumPath returns the Chromium binary, or skips (fails under
// LATCH_TEST_BROWSER=1) when there is none.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("LATCH_TEST_BROWSER") == "1" {
		t.Fatal("LATCH_TEST_BROWSER=1 but no Chromium binary was found (apt-get install chromium)")
	}
	t.Skip("no Chromium binary found: skipping browser tests (apt-get install chromium; LATCH_TEST_BROWSER=1 makes this a failure)")
	return ""
}

// startBrowser starts headless Chromium with a fresh profile and returns a
// context that holds the browser. The browser stops in t.Cleanup.
func startBrowser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1280, 800),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser, no timeout on purpose
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// browserTab is one page in its own browser context (its own cookie jar), like a
// separate browser profile. It records page exceptions and CSP violations.
type browserTab struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu       sync.Mutex
	problems []string
}

func newBrowserTab(t *testing.T, browser context.Context, base string) *browserTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open browserTab: %v", err)
	}
	tb := &browserTab{t: t, ctx: ctx, base: base}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "Refused to") {
				tb.mu.Lock()
				tb.problems = append(tb.problems, m.String())
				tb.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for _, p := range tb.problems {
			t.Errorf("browser console: %s", p)
		}
	})
	tb.do(viewportDesktop())
	return tb
}

// do runs actions with a timeout, failing the test on error.
func (b *browserTab) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v (page %s)", err, b.location())
	}
}

func (b *browserTab) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

// eval evaluates a JavaScript expression (promises awaited) into T.
func evalJS[T any](b *browserTab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("eval %q: %v (page %s)", expr, err, b.location())
	}
	return v
}

// waitFor polls a JavaScript predicate until it is truthy. It keeps polling
// across page loads (a redirect in the middle is fine).
func (b *browserTab) waitFor(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(browserTimeout)
	var last error
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		if err != nil {
			last = err
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waiting for %s: timed out (last error: %v; page %s)", what, last, b.location())
		}
		time.Sleep(40 * time.Millisecond)
	}
}

func (b *browserTab) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
}

// fill replaces the value of the input matched by sel by typing text.
func typeInto(sel, text string) chromedp.Action[chromedp.Void] {
	clear := fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.value = "";
		el.dispatchEvent(new Event("input", { bubbles: true })); })()`, sel)
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](clear),
		chromedp.SendKeys(chromedp.CSS(sel), text),
	)
}

func clickOn(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

// onDashboard waits for the signed-in dashboard with its list loaded.
func (b *browserTab) onDashboard() {
	b.t.Helper()
	b.waitFor("the dashboard", `location.pathname === "/" && !document.querySelector("#app").hidden &&
		document.querySelector("#task-list").getAttribute("aria-busy") === "false"`)
}

func (b *browserTab) register(u browserUser) {
	b.t.Helper()
	b.open("/register")
	b.do(
		chromedp.WaitVisible(chromedp.CSS("#register-form")),
		typeInto("#name", u.name), typeInto("#email", u.email), typeInto("#password", u.password),
		clickOn("#register-form button[type=submit]"),
	)
	b.onDashboard()
}

func (b *browserTab) signIn(u browserUser) {
	b.t.Helper()
	b.do(
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		typeInto("#email", u.email), typeInto("#password", u.password),
		clickOn("#login-form button[type=submit]"),
	)
}

// titles lists the task titles shown, in order.
func (b *browserTab) titles() []string {
	b.t.Helper()
	return evalJS[[]string](b, `[...document.querySelectorAll("#task-list .task-title")].map(e => e.textContent)`)
}

// taskSel returns a CSS selector for the shown task with the given title.
func (b *browserTab) taskSel(title string) string {
	b.t.Helper()
	id := evalJS[string](b, fmt.Sprintf(`(() => { const li = [...document.querySelectorAll("#task-list .task")]
		.find(li => li.querySelector(".task-title")?.textContent === %q); return li ? li.dataset.id : "" })()`, title))
	if id == "" {
		b.t.Fatalf("no task %q shown; shown: %q", title, b.titles())
	}
	return fmt.Sprintf(`#task-list .task[data-id="%s"]`, id)
}

func (b *browserTab) addTask(title, description string) {
	b.t.Helper()
	n := len(b.titles())
	b.do(typeInto("#new-title", title))
	if description != "" {
		b.do(typeInto("#new-description", description))
	}
	b.do(clickOn("#add-button"))
	b.waitFor("the new task", fmt.Sprintf(`document.querySelectorAll("#task-list .task").length === %d &&
		document.querySelector("#task-list .task-title").textContent === %q`, n+1, title))
}

// wantTitles waits until exactly want is shown, in order.
func (b *browserTab) wantTitles(want ...string) {
	b.t.Helper()
	expr := fmt.Sprintf(`JSON.stringify([...document.querySelectorAll("#task-list .task-title")].map(e => e.textContent)) === %q`, jsStringList(want))
	deadline := time.Now().Add(browserTimeout)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("want tasks %q, shown %q", want, b.titles())
		}
		time.Sleep(40 * time.Millisecond)
	}
}

func jsStringList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(q, ",") + "]"
}

type browserUser struct{ name, email, password string }

// newBrowserUser makes a user whose email is stable (each test server has
// a fresh database), so that the screenshots do not change from run to run.
func newBrowserUser(t *testing.T, name string) browserUser {
	return browserUser{
		name:     name,
		email:    strings.ToLower(strings.Fields(name)[0]) + "@example.com",
		password: "correct horse " + randomHex(t, 4),
	}
}

func TestBrowserFlows(t *testing.T) {
	exe := chromiumPath(t)
	ts := startTestServer(t, map[string]string{
		"LATCH_CHECK_SESSION":     "true",
		"LATCH_SESSION_CHECK_TTL": "100ms",
	})
	shots := screenshotDir(t)
	browser := startBrowser(t, exe)
	alice := newBrowserUser(t, "Alice Martin")
	a := newBrowserTab(t, browser, ts.URL)
	// The steps build on each other: stop at the first that fails.
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	step("register lands on the dashboard", func(t *testing.T) {
		a.t = t
		a.open("/")
		a.waitFor("the redirect to /login", `location.pathname === "/login"`)
		a.register(alice)
		a.waitFor("the empty state", `document.querySelector("#list-state .empty-title")?.textContent === "No tasks yet"`)
		if got := evalJS[string](a, `document.querySelector("#user-name").textContent`); got != alice.name {
			t.Errorf("header shows %q, want %q", got, alice.name)
		}
	})

	step("add edit complete filter delete", func(t *testing.T) {
		a.t = t
		a.addTask("Renew passport", "Photos first, then the form at the post office.")
		a.addTask("Buy milk", "")
		a.addTask("Call the plumber", "Kitchen tap drips.")
		a.addTask("Water the plants", "")
		a.wantTitles("Water the plants", "Call the plumber", "Buy milk", "Renew passport")

		// Client-side validation: an empty title never reaches the API.
		a.do(typeInto("#new-title", "   "), clickOn("#add-button"))
		a.waitFor("the title error", `document.querySelector("#new-title-error").textContent.includes("title")`)
		a.do(typeInto("#new-title", ""))

		// Edit in place: Enter saves.
		milk := a.taskSel("Buy milk")
		a.do(clickOn(milk+" .task-edit"), chromedp.WaitVisible(chromedp.CSS(milk+" .edit-form")))
		a.do(typeInto(milk+` input[name="title"]`, "Buy oat milk"+kb.Enter))
		a.wantTitles("Water the plants", "Call the plumber", "Buy oat milk", "Renew passport")
		// Escape cancels and gives focus back to the edit button.
		plants := a.taskSel("Water the plants")
		a.do(clickOn(plants+" .task-edit"), chromedp.WaitVisible(chromedp.CSS(plants+" .edit-form")))
		a.do(chromedp.SendKeys(chromedp.CSS(plants+` input[name="title"]`), "junk"+kb.Escape))
		a.waitFor("the edit to close", `document.activeElement?.classList.contains("task-edit")`)
		a.wantTitles("Water the plants", "Call the plumber", "Buy oat milk", "Renew passport")

		// Complete two tasks.
		for _, title := range []string{"Renew passport", "Call the plumber"} {
			sel := a.taskSel(title)
			a.do(clickOn(sel + " .task-check"))
			a.waitFor(title+" done", fmt.Sprintf(`document.querySelector(%q)?.classList.contains("is-done")`, sel))
		}
		a.waitFor("the counts", `document.querySelector('[data-count="all"]').textContent === "4" &&
			document.querySelector('[data-count="pending"]').textContent === "2" &&
			document.querySelector('[data-count="completed"]').textContent === "2"`)

		// Filter.
		a.do(clickOn(`.filter[data-filter="pending"]`))
		a.wantTitles("Water the plants", "Buy oat milk")
		a.do(clickOn(`.filter[data-filter="completed"]`))
		a.wantTitles("Call the plumber", "Renew passport")
		a.do(clickOn(`.filter[data-filter="all"]`))
		a.wantTitles("Water the plants", "Call the plumber", "Buy oat milk", "Renew passport")

		takeScreenshots(t, a, shots, "dashboard")

		// Delete, undo, delete again.
		plants = a.taskSel("Water the plants")
		a.do(clickOn(plants + " .task-delete"))
		a.wantTitles("Call the plumber", "Buy oat milk", "Renew passport")
		a.do(clickOn(".toast-action"))
		a.wantTitles("Water the plants", "Call the plumber", "Buy oat milk", "Renew passport")
		// Keyboard: Ctrl+Z outside a text field undoes the latest delete.
		a.do(clickOn(plants + " .task-delete"))
		a.wantTitles("Call the plumber", "Buy oat milk", "Renew passport")
		a.do(chromedp.KeyEvent("z", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
		a.wantTitles("Water the plants", "Call the plumber", "Buy oat milk", "Renew passport")
		a.waitFor("the undo toast to go", `document.querySelectorAll(".toast").length === 0`)
		a.do(clickOn(plants + " .task-delete"))
		a.wantTitles("Call the plumber", "Buy oat milk", "Renew passport")
		a.waitFor("the counts after delete", `document.querySelector('[data-count="all"]').textContent === "3"`)
	})

	step("account page", func(t *testing.T) {
		a.t = t
		// Leaving the dashboard sends the pending delete.
		a.do(clickOn(`.nav a[href="/account"]`))
		a.waitFor("the account page", `location.pathname === "/account" && !document.querySelector("#app").hidden &&
			document.querySelectorAll("#sessions .session").length === 1`)
		if got := evalJS[string](a, `document.querySelector("#sessions .session.is-current .badge")?.textContent || ""`); got != "This device" {
			t.Errorf("current session badge = %q", got)
		}
		if evalJS[bool](a, `!document.querySelector("#revoke-others").hidden`) {
			t.Error(`"Sign out other sessions" offered with no other session`)
		}
		a.do(typeInto("#name", "Alice M."), clickOn(`#name-form button[type="submit"]`))
		a.waitFor("the saved name", `document.querySelector("#name-status").textContent === "Name saved." &&
			document.querySelector("#user-name").textContent === "Alice M."`)
		alice.name = "Alice M."

		// Change password: a wrong current password, a mismatch, then success.
		newPassword := alice.password + " v2"
		a.do(typeInto("#current-password", "not my password"), typeInto("#new-password", newPassword),
			typeInto("#confirm-password", newPassword+"x"), clickOn(`#password-form button[type="submit"]`))
		a.waitFor("the mismatch", `document.querySelector("#confirm-password-error").textContent.includes("do not match")`)
		a.do(typeInto("#confirm-password", newPassword), clickOn(`#password-form button[type="submit"]`))
		a.waitFor("the wrong-password message", `document.querySelector("#current-password-error").textContent === "That is not your current password."`)
		a.do(typeInto("#current-password", alice.password), clickOn(`#password-form button[type="submit"]`))
		a.waitFor("the change", `document.querySelector("#password-status").textContent.startsWith("Password changed.") &&
			document.querySelectorAll("#sessions .session.is-current").length === 1`)
		alice.password = newPassword
	})

	step("sign out then sign in again finds the tasks", func(t *testing.T) {
		a.t = t
		a.do(clickOn(`.nav a[href="/"]`))
		a.onDashboard()
		a.wantTitles("Call the plumber", "Buy oat milk", "Renew passport")
		a.do(clickOn("#sign-out"))
		a.waitFor("the sign-in page", `location.pathname === "/login" && document.querySelector("#auth-notice").textContent.includes("signed out")`)
		a.open("/")
		a.waitFor("the redirect to /login", `location.pathname === "/login"`)
		takeScreenshots(t, a, shots, "login")
		a.signIn(alice)
		a.onDashboard()
		a.wantTitles("Call the plumber", "Buy oat milk", "Renew passport")
		if n := evalJS[int](a, `document.querySelectorAll("#task-list .task.is-done").length`); n != 2 {
			t.Errorf("%d completed tasks after signing in again, want 2", n)
		}
	})

	step("wrong password and taken email show the API messages", func(t *testing.T) {
		b := newBrowserTab(t, browser, ts.URL)
		b.open("/login")
		b.signIn(browserUser{email: alice.email, password: "not the password"})
		b.waitFor("the error", `document.querySelector("#form-error").textContent === "Invalid email or password"`)
		if loc := b.location(); !strings.HasSuffix(loc, "/login") {
			t.Errorf("still expected on /login, at %s", loc)
		}
		b.open("/register")
		b.do(
			chromedp.WaitVisible(chromedp.CSS("#register-form")),
			typeInto("#name", "Someone Else"), typeInto("#email", alice.email), typeInto("#password", "another password"),
			clickOn("#register-form button[type=submit]"),
		)
		b.waitFor("the duplicate message", `document.querySelector("#email-error").textContent === "User already exists. Use another email."`)
		b.do(typeInto("#password", "short"), clickOn("#register-form button[type=submit]"))
		b.waitFor("the length message", `document.querySelector("#password-error").textContent.includes("8 characters")`)
	})

	step("second user never sees the first user's tasks", func(t *testing.T) {
		a.t = t
		bob := newBrowserUser(t, "Bob Stone")
		b := newBrowserTab(t, browser, ts.URL)
		b.register(bob)
		b.waitFor("the empty state", `document.querySelector("#list-state .empty-title")?.textContent === "No tasks yet"`)
		b.clientChecksMatchAPI()
		b.addTask("Bob's only task", "")
		b.wantTitles("Bob's only task")
		aliceID := evalJS[string](a, `fetch("/api/auth/get-session").then(r => r.json()).then(s => s.user.id)`)
		status := evalJS[int](b, fmt.Sprintf(`(async () => {
			const { token } = await (await fetch("/api/auth/token")).json();
			const r = await fetch("/api/" + %q + "/tasks", { headers: { Authorization: "Bearer " + token } });
			return r.status; })()`, aliceID))
		if status != 403 {
			t.Errorf("Bob reading Alice's task list: status %d, want 403", status)
		}
		a.open("/")
		a.onDashboard()
		a.wantTitles("Call the plumber", "Buy oat milk", "Renew passport")
	})

	step("revoked session goes to login on its next action", func(t *testing.T) {
		a.t = t
		a.open("/?filter=pending")
		a.onDashboard()
		a.wantTitles("Buy oat milk")

		other := newBrowserTab(t, browser, ts.URL)
		other.open("/login")
		other.signIn(alice)
		other.onDashboard()
		other.open("/account")
		other.waitFor("two sessions", `document.querySelectorAll("#sessions .session").length === 2 &&
			document.querySelectorAll("#sessions .session.is-current").length === 1`)
		takeScreenshots(t, other, shots, "account")
		other.do(clickOn("#revoke-others"))
		other.waitFor("one session", `document.querySelectorAll("#sessions .session").length === 1`)
		time.Sleep(300 * time.Millisecond) // past LATCH_SESSION_CHECK_TTL

		a.do(clickOn(a.taskSel("Buy oat milk") + " .task-check"))
		a.waitFor("the sign-in page", `location.pathname === "/login"`)
		if got := evalJS[string](a, `new URLSearchParams(location.search).get("next")`); got != "/?filter=pending" {
			t.Errorf("next = %q, want /?filter=pending", got)
		}
		a.waitFor("the notice", `document.querySelector("#auth-notice").textContent.includes("session has ended")`)
		a.signIn(alice)
		a.waitFor("the way back", `location.pathname === "/" && location.search === "?filter=pending"`)
		a.onDashboard()
		a.wantTitles("Buy oat milk")
	})
}

// clientChecksMatchAPI runs the page's own validate.js and the task API on
// the same titles and descriptions: both must accept or reject each one.
// Tasks the API creates are deleted again.
func (b *browserTab) clientChecksMatchAPI() {
	b.t.Helper()
	mismatches := evalJS[[]string](b, `(async () => {
		const src = document.querySelector('script[type="module"]').src;
		const check = await import(src.replace(/[^/]+$/, "validate.js"));
		const session = await (await fetch("/api/auth/get-session")).json();
		const { token } = await (await fetch("/api/auth/token")).json();
		const base = "/api/" + session.user.id + "/tasks";
		const headers = { Authorization: "Bearer " + token, "Content-Type": "application/json" };
		const cases = [
			["Buy milk", ""], ["   ", ""], ["\u200b\u200b", ""], ["a\u0007b", ""], ["x".repeat(200), ""],
			["x".repeat(201), ""], ["😀".repeat(200), ""], ["😀".repeat(201), ""], ["  padded  ", ""],
			["ok", "line one\nline two\ttab"], ["ok", "nul\u0000"], ["ok", "é".repeat(1000)], ["ok", "é".repeat(1001)],
		];
		const out = [];
		for (const [title, description] of cases) {
			const client = check.title(title) === "" && check.description(description) === "";
			const r = await fetch(base, { method: "POST", headers, body: JSON.stringify({ title: title.trim(), description }) });
			if (r.status === 201) {
				const t = await r.json();
				await fetch(base + "/" + t.id, { method: "DELETE", headers });
			}
			const api = r.status === 201;
			if (client !== api || (r.status !== 201 && r.status !== 422)) {
				out.push(JSON.stringify([title.slice(0, 20), description.slice(0, 20)]) + " client ok=" + client + ", API status " + r.status);
			}
		}
		return out;
	})()`)
	for _, m := range mismatches {
		b.t.Errorf("client check and API disagree: %s", m)
	}
}

// TestBrowserRateLimitWait: with Better Auth's limits on (3 sign-in attempts
// per 10 s), an attempt past the limit shows how long to wait and blocks the
// button. The first three attempts come from plain HTTP, in parallel, while
// the browser starts.
func TestBrowserRateLimitWait(t *testing.T) {
	exe := chromiumPath(t)
	ts := startTestServer(t, map[string]string{"LATCH_RATE_LIMIT": "true"})
	var wg sync.WaitGroup
	statuses := make([]int, 3)
	for i := range statuses {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodPost, ts.URL+"/api/auth/sign-in/email",
				strings.NewReader(`{"email":"nobody@example.com","password":"wrong password"}`))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Origin", ts.URL)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	b := newBrowserTab(t, startBrowser(t, exe), ts.URL)
	b.open("/login")
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, st)
		}
	}
	b.signIn(browserUser{email: "nobody@example.com", password: "wrong password"})
	b.waitFor("the wait message", `/^Too many attempts\. Please wait [1-9]\d* seconds? and try again\.$/.test(document.querySelector("#form-error").textContent) &&
		document.querySelector("#login-form button[type=submit]").disabled`)
}

// screenshotDir is $LATCH_SCREENSHOTS (created) or a temp dir.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LATCH_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if !filepath.IsAbs(dir) {
		// go test runs in the package directory; the README names the
		// folder from the repository root.
		if root, err := filepath.Abs("../.."); err == nil {
			dir = filepath.Join(root, dir)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func viewportDesktop() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(1280, 800)
}

func viewportPhone() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile)
}

func emulateColorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		feats := []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: feats})
		return err
	})
}

// screenshots writes name-desktop.png and name-phone.png (and, for the
// dashboard, name-desktop-dark.png), then restores the desktop viewport.
func takeScreenshots(t *testing.T, b *browserTab, dir, name string) {
	t.Helper()
	variants := []struct {
		suffix string
		setup  []chromedp.Action[chromedp.Void]
	}{
		{suffix: "desktop", setup: []chromedp.Action[chromedp.Void]{viewportDesktop(), emulateColorScheme("light")}},
		{suffix: "phone", setup: []chromedp.Action[chromedp.Void]{viewportPhone(), emulateColorScheme("light")}},
	}
	if name == "dashboard" {
		variants = append(variants, struct {
			suffix string
			setup  []chromedp.Action[chromedp.Void]
		}{suffix: "desktop-dark", setup: []chromedp.Action[chromedp.Void]{viewportDesktop(), emulateColorScheme("dark")}})
	}
	for _, v := range variants {
		b.do(v.setup...)
		b.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0); document.activeElement?.blur()`))
		b.do(chromedp.Sleep(250 * time.Millisecond)) // layout, fonts, animations
		ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			t.Fatalf("screenshot %s-%s: %v", name, v.suffix, err)
		}
		file := filepath.Join(dir, name+"-"+v.suffix+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b.do(viewportDesktop(), emulateColorScheme(""))
}
