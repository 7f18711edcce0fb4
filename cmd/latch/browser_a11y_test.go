package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource returns axe-core (pinned in test/node/package.json), or skips
// the test when test/node has not been installed; with CI or
// LATCH_TEST_NODE=1 set, a missing axe-core is a failure.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "test", "node", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") != "" || os.Getenv("LATCH_TEST_NODE") == "1" {
			t.Fatalf("axe-core missing (npm ci --prefix test/node): %v", err)
		}
		t.Skip("axe-core not installed (npm ci --prefix test/node): skipping the accessibility check")
	}
	return string(b)
}

// axeViolations runs axe-core's WCAG 2 A and AA rules on the current page
// and returns the serious and critical violations, one line each.
func (b *browserTab) axeViolations(axe string) []string {
	b.t.Helper()
	if !evalJS[bool](b, `typeof axe !== "undefined"`) {
		evalJS[bool](b, axe+"\n;true")
	}
	return evalJS[[]string](b, `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
		.then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
			.map(v => v.id + " (" + v.impact + "): " + v.nodes.map(n => n.target.join(" ")).join(", ")))`)
}

// TestBrowserAccessibility runs axe-core on every page of the web UI, in
// the states a user meets them (signed out, signed in, the dashboard with
// tasks, the account page, forgot and reset password, the invalid-link
// message, an error shown), on a desktop and a phone viewport: no serious
// or critical WCAG 2.1 A/AA violation.
func TestBrowserAccessibility(t *testing.T) {
	exe := chromiumPath(t)
	axe := axeSource(t)
	browser := startBrowser(t, exe)
	ts, _ := mailServer(t, nil, nil)
	u := newBrowserUser(t, "Ada Lovelace")

	for _, vp := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(vp.name, func(t *testing.T) {
			b := newBrowserTab(t, browser, ts.URL)
			b.do(chromedp.EmulateViewport(vp.w, vp.h))
			check := func(state string) {
				t.Helper()
				if v := b.axeViolations(axe); len(v) > 0 {
					t.Errorf("%s (%s): %d accessibility violations:\n%s", state, b.location(), len(v), strings.Join(v, "\n"))
				}
			}
			for _, p := range []struct{ path, ready string }{
				{"/login", `!!document.querySelector("#login-form")`},
				{"/register", `!!document.querySelector("#register-form")`},
				{"/forgot-password", `!!document.querySelector("#forgot-form")`},
				{"/reset-password?token=not-a-token", `!document.querySelector("#reset-invalid").hidden || !document.querySelector("#reset-form").hidden`},
			} {
				b.open(p.path)
				b.waitFor(p.path, p.ready)
				check("signed out, " + p.path)
			}
			// A form showing its errors.
			b.open("/login")
			b.do(chromedp.WaitVisible(chromedp.CSS("#login-form")), clickOn("#login-form button[type=submit]"))
			b.waitFor("the field errors", `[...document.querySelectorAll(".field-error")].some(e => !e.hidden)`)
			check("login with errors")

			who := browserUser{name: u.name, email: vp.name + "." + u.email, password: u.password}
			b.register(who)
			for i := range 3 {
				b.addTask(fmt.Sprintf("task %d", i), "")
			}
			check("dashboard with tasks")
			b.open("/account")
			b.waitFor("the account page", `!document.querySelector("#app").hidden`)
			check("account page")
		})
	}
}
