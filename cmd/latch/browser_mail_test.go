package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserMailFlows walks the mail flows in Chromium against Latch
// wired to a loopback SMTP server: the verify-your-email banner and its
// resend button, verification through the emailed link, and forgot
// password → email → reset → signed in with the new password; then, with
// LATCH_REQUIRE_EMAIL_VERIFICATION=true, registration that waits for the
// link before the first sign-in. Between them, the account page deletes
// the account (typed DELETE and the password required).
func TestBrowserMailFlows(t *testing.T) {
	exe := chromiumPath(t)
	shots := screenshotDir(t)
	browser := startBrowser(t, exe)
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	ts, smtp := mailServer(t, nil, nil)
	carol := newBrowserUser(t, "Carol Diaz")
	c := newBrowserTab(t, browser, ts.URL)

	step("unverified user sees the banner; resend mails a link that verifies", func(t *testing.T) {
		c.t = t
		c.register(carol)
		c.waitFor("the verify banner", `!!document.querySelector("#verify-banner")`)
		takeScreenshots(t, c, shots, "verify-banner")
		c.do(clickOn("#resend-verification"))
		c.waitFor("the sent message", `document.querySelector("#verify-text").textContent.includes("We have sent a new link")`)
		m := smtp.Wait(t, carol.email, mailWait)
		c.do(chromedp.Navigate(m.Link))
		c.onDashboard()
		c.waitFor("the banner gone", `!document.querySelector("#verify-banner") && location.search === ""`)
	})

	newPassword := "a brand new passphrase"
	step("forgot password, emailed link, new password, signed in", func(t *testing.T) {
		c.t = t
		c.do(clickOn("#sign-out"))
		c.waitFor("the login page", `location.pathname === "/login"`)
		c.do(chromedp.WaitVisible(chromedp.CSS("#login-form")), typeInto("#email", carol.email), clickOn("#forgot-link"))
		c.waitFor("the forgot page with the email", `location.pathname === "/forgot-password" && document.querySelector("#email").value === `+jsString(carol.email))
		takeScreenshots(t, c, shots, "forgot-password")
		c.do(clickOn("#forgot-form button[type=submit]"))
		c.waitFor("the sent notice", `!document.querySelector("#forgot-sent").hidden`)
		m := smtp.Wait(t, carol.email, mailWait)
		c.do(chromedp.Navigate(m.Link))
		c.waitFor("the reset page without the token in the address", `location.pathname === "/reset-password" && location.search === "" && !document.querySelector("#reset-form").hidden`)
		c.do(typeInto("#password", newPassword))
		c.waitFor("the strength hint", `document.querySelector("#password-strength").textContent === "Strength: strong"`)
		takeScreenshots(t, c, shots, "reset-password")
		c.do(typeInto("#confirm", "something else"), clickOn("#reset-form button[type=submit]"))
		c.waitFor("the mismatch error", `document.querySelector("#confirm-error").textContent.includes("do not match")`)
		c.do(typeInto("#confirm", newPassword), clickOn("#reset-form button[type=submit]"))
		c.waitFor("the login page with the notice", `location.pathname === "/login" && document.querySelector("#auth-notice").textContent.includes("password has been changed")`)
		c.signIn(browserUser{name: carol.name, email: carol.email, password: newPassword})
		c.onDashboard()
		// The used link now lands on the invalid-link message.
		c.do(chromedp.Navigate(m.Link))
		c.waitFor("the invalid link message", `location.pathname === "/reset-password" && !document.querySelector("#reset-invalid").hidden`)
	})

	step("account page: change email waits for the link", func(t *testing.T) {
		c.t = t
		c.open("/account")
		c.waitFor("the account page", `!document.querySelector("#app").hidden`)
		c.do(typeInto("#new-email", "carol.new@example.com"), clickOn("#email-form button[type=submit]"))
		c.waitFor("the pending notice", `!document.querySelector("#email-pending").hidden`)
		takeScreenshots(t, c, shots, "account-email")
		m := smtp.Wait(t, "carol.new@example.com", mailWait)
		c.do(chromedp.Navigate(m.Link))
		c.waitFor("the new email", `location.pathname === "/account" && document.querySelector("#email-value").textContent === "carol.new@example.com" &&
			document.querySelector("#email-pending").hidden`)
	})

	step("account page: delete account with the password and DELETE typed", func(t *testing.T) {
		c.t = t
		c.open("/account")
		c.waitFor("the account page", `!document.querySelector("#app").hidden`)
		// Typed confirmation missing: refused in the page, nothing sent.
		c.do(typeInto("#delete-password", newPassword), typeInto("#delete-confirm", "delete"),
			clickOn("#delete-form button[type=submit]"))
		c.waitFor("the confirmation error", `document.querySelector("#delete-confirm-error").textContent.includes("Type DELETE")`)
		// Wrong password: the server refuses, the account stays.
		c.do(typeInto("#delete-password", "not the password at all"), typeInto("#delete-confirm", "DELETE"),
			clickOn("#delete-form button[type=submit]"))
		c.waitFor("the wrong-password error", `document.querySelector("#delete-password-error").textContent.includes("not correct")`)
		takeScreenshots(t, c, shots, "account-delete")
		c.do(typeInto("#delete-password", newPassword), typeInto("#delete-confirm", "DELETE"),
			clickOn("#delete-form button[type=submit]"))
		c.waitFor("the login page with the deleted notice", `location.pathname === "/login" &&
			document.querySelector("#auth-notice").textContent.includes("account has been deleted")`)
		// The account is gone: signing in with it fails.
		c.signIn(browserUser{name: carol.name, email: "carol.new@example.com", password: newPassword})
		c.waitFor("the sign-in error", `document.querySelector("#form-error").textContent !== "" && location.pathname === "/login"`)
		if code, _, body := call(t, "POST", ts.URL+"/api/auth/sign-in/email", "",
			map[string]any{"email": "carol.new@example.com", "password": newPassword}); code != 401 {
			t.Fatalf("sign-in after deletion: %d %s, want 401", code, body)
		}
	})

	step("required verification: register, link, sign in", func(t *testing.T) {
		ts2, smtp2 := mailServer(t, nil, map[string]string{"LATCH_REQUIRE_EMAIL_VERIFICATION": "true"})
		dan := newBrowserUser(t, "Dan Okafor")
		d := newBrowserTab(t, browser, ts2.URL)
		d.open("/register")
		d.do(chromedp.WaitVisible(chromedp.CSS("#register-form")),
			typeInto("#name", dan.name), typeInto("#email", dan.email), typeInto("#password", dan.password),
			clickOn("#register-form button[type=submit]"))
		d.waitFor("the check-your-inbox notice", `document.querySelector("#auth-notice").textContent.includes("Check your inbox")`)
		smtp2.Wait(t, dan.email, mailWait)
		d.open("/login")
		d.signIn(dan)
		d.waitFor("the not-verified message", `document.querySelector("#form-error").textContent.includes("verify your email first")`)
		m := smtp2.Wait(t, dan.email, mailWait) // a fresh link on the refused sign-in
		d.do(chromedp.Navigate(m.Link))
		d.waitFor("the login page", `location.pathname === "/login"`)
		d.signIn(dan)
		d.onDashboard()
	})
}

func jsString(s string) string {
	return jsStringList([]string{s})[1 : len(jsStringList([]string{s}))-1]
}
