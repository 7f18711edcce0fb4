package main

// Browser tests: the web UI driven in real headless Chromium (Debian's
// chromium package) through chromedp, against a real Latch server.
//
// They skip when no Chromium is installed, and fail instead when
// LATCH_TEST_BROWSER=1. With LATCH_SCREENSHOTS=<dir> set (the README uses
// docs/screenshots) the screenshots go to that directory; otherwise they go
// to a temp dir and are thrown away.

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserFlows walks one story through the UI: Alice registers, manages
// tasks (add, edit with Enter and Escape, complete, filter, delete with undo),
// uses the account page (name, password), signs out and in again; a wrong
// password and a taken email show the API's messages; Bob never sees Alice's
// tasks; a session revoked from another browser is sent to /login on its
// next action and comes back to where it was.
func TestBrowserFlows(t *testing.T) {
	exe := chromiumPath(t)
	ts := startTestServer(t, map[string]string{
		"LATCH_CHECK_SESSION":     "true",
		"LATCH_SESSION_CHECK_TTL": "0", // no cache: every task request checks the session
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

	bob := newBrowserUser(t, "Bob Stone")
	step("second user never sees the first user's tasks", func(t *testing.T) {
		a.t = t
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

	step("another user signing in in another tab takes over the page", func(t *testing.T) {
		a.t = t
		// A second tab of the same browser (same cookies) switches to Bob.
		ctx, cancel := chromedp.NewContext(a.ctx)
		defer cancel()
		if err := chromedp.Do(ctx); err != nil { // opens the tab, no timeout on purpose
			t.Fatal(err)
		}
		same := &browserTab{t: t, ctx: ctx, base: ts.URL}
		same.open("/")
		same.onDashboard()
		same.do(clickOn("#sign-out"))
		same.waitFor("the sign-in page", `location.pathname === "/login"`)
		same.signIn(bob)
		same.onDashboard()
		// Alice's page acts: her JWT's session is gone, the fresh JWT is
		// Bob's, so the page starts over as Bob instead of mixing the two.
		a.do(clickOn(a.taskSel("Buy oat milk") + " .task-check"))
		a.waitFor("Bob's page", `document.querySelector("#user-name")?.textContent === "Bob Stone"`)
		a.onDashboard()
		a.do(clickOn(`.filter[data-filter="all"]`))
		a.wantTitles("Bob's only task")
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
// button. The first three attempts come from plain HTTP, in parallel, once
// the browser is on the page.
func TestBrowserRateLimitWait(t *testing.T) {
	exe := chromiumPath(t)
	ts := startTestServer(t, map[string]string{"LATCH_RATE_LIMIT": "true"})
	// The browser is up and on the page before the first attempt, so that
	// the fourth attempt lands inside the 10 s window even when Chromium
	// starts slowly (under -race, on a loaded machine).
	b := newBrowserTab(t, startBrowser(t, exe), ts.URL)
	b.open("/login")
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

// TestBrowserTaskRateLimitWait: a task add past the task API's per-user
// limit shows how long to wait, blocks the Add button and keeps what the
// user typed. With a limit of 2 requests a minute, loading the list is the
// first and the first add the second.
func TestBrowserTaskRateLimitWait(t *testing.T) {
	exe := chromiumPath(t)
	ts := startTestServer(t, map[string]string{"LATCH_RATE_LIMIT": "true", "LATCH_TASK_RATE_LIMIT": "2"})
	b := newBrowserTab(t, startBrowser(t, exe), ts.URL)
	b.register(newBrowserUser(t, "Carol Reyes"))
	b.addTask("First task", "")
	b.do(typeInto("#new-title", "One too many"), clickOn("#add-button"))
	b.waitFor("the wait message", `/^Too many attempts\. Please wait [1-9]\d* seconds? and try again\.$/.test(document.querySelector("#add-error").textContent) &&
		document.querySelector("#add-button").disabled`)
	if got := evalJS[string](b, `document.querySelector("#new-title").value`); got != "One too many" {
		t.Errorf("title field = %q after the 429, want the typed title kept", got)
	}
	b.wantTitles("First task")
}
