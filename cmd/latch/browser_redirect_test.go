package main

import (
	"fmt"
	"net/url"
	"testing"
)

// nextVariants are ?next= values that must never take the browser off the
// site: protocol-relative paths, backslashes (browsers read "\" as "/"),
// their percent-encoded forms and dot segments that collapse into "//".
var nextVariants = []string{
	"//evil.example/",
	"/\\evil.example/",
	"\\/evil.example/",
	"/%2F%2Fevil.example/",
	"/%2f/evil.example/",
	"/%5Cevil.example/",
	"/%5C%5Cevil.example/",
	"/.//evil.example/",
	"/..//evil.example/x",
	"/./\\evil.example/",
	"/%2e//evil.example/",
	"/%2E%2E//evil.example/",
	"/login/..//evil.example/",
	"https://evil.example/",
	"javascript:alert(1)",
}

// navVariants are the variants also followed through a real sign-in: one
// per way of reaching "//" (dot segments, a backslash, percent-encoding).
var navVariants = []string{"/.//evil.example/", "/..//evil.example/x", "/./\\evil.example/", "/%2F%2Fevil.example/"}

// TestBrowserNextRedirectStaysOnSite: /login and /register go to ?next=
// after signing in (or at once when already signed in) only when it is a
// path on this site starting with a single "/". The page's own safeNext
// maps every variant above to "/"; a signed-in and a signed-out user
// opening /login and /register with navVariants land on "/" of this site,
// and a plain path is still honoured.
func TestBrowserNextRedirectStaysOnSite(t *testing.T) {
	exe := chromiumPath(t)
	ts := startTestServer(t, nil)
	browser := startBrowser(t, exe)
	base, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	// landsOn waits until the tab has left the auth page and checks it is
	// on this site at want (path + search).
	landsOn := func(t *testing.T, b *browserTab, page, want string) {
		t.Helper()
		b.waitFor("leaving "+page, fmt.Sprintf(`location.origin !== %q || location.pathname !== %q`, base.Scheme+"://"+base.Host, page))
		got := evalJS[string](b, `location.href`)
		u, err := url.Parse(got)
		if err != nil || u.Scheme != base.Scheme || u.Host != base.Host {
			t.Fatalf("navigated off the site to %q", got)
		}
		if u.RequestURI() != want {
			t.Fatalf("landed on %q, want %q", u.RequestURI(), want)
		}
	}
	open := func(b *browserTab, page, next string) {
		b.t.Helper()
		b.open(page + "?next=" + url.QueryEscape(next))
	}

	t.Run("safeNext", func(t *testing.T) {
		b := newBrowserTab(t, browser, ts.URL)
		b.open("/login")
		got := evalJS[[]string](b, fmt.Sprintf(`(async () => {
			const src = document.querySelector('script[type="module"]').src;
			const ui = await import(src.replace(/[^/]+$/, "ui.js"));
			return %s.map((n) => ui.safeNext(n));
		})()`, jsStringList(append([]string{"/account?tab=x#top", "/login", "/register?next=/x"}, nextVariants...))))
		want := append([]string{"/account?tab=x#top", "/", "/"}, make([]string, len(nextVariants))...)
		for i := range nextVariants {
			want[3+i] = "/"
		}
		if len(got) != len(want) {
			t.Fatalf("got %d answers, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("safeNext(%q) = %q, want %q", append([]string{"/account?tab=x#top", "/login", "/register?next=/x"}, nextVariants...)[i], got[i], want[i])
			}
		}
	})

	signedIn := newBrowserTab(t, browser, ts.URL)
	owner := newBrowserUser(t, "Nora Next")
	signedIn.register(owner)
	cases := append([]string{"/account?tab=x"}, navVariants...)
	for i, next := range cases {
		want := "/"
		if i == 0 {
			want = next
		}
		for _, page := range []string{"/login", "/register"} {
			t.Run(fmt.Sprintf("signed in %s next=%s", page, next), func(t *testing.T) {
				signedIn.t = t
				open(signedIn, page, next)
				landsOn(t, signedIn, page, want)
			})
			t.Run(fmt.Sprintf("signed out %s next=%s", page, next), func(t *testing.T) {
				b := newBrowserTab(t, browser, ts.URL)
				open(b, page, next)
				if page == "/login" {
					b.signIn(owner)
				} else {
					u := newBrowserUser(t, "Reg Next")
					u.email = fmt.Sprintf("reg%d@example.com", i)
					b.do(typeInto("#name", u.name), typeInto("#email", u.email), typeInto("#password", u.password),
						clickOn("#register-form button[type=submit]"))
				}
				landsOn(t, b, page, want)
			})
		}
	}
}
