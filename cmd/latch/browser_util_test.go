package main

// Helpers for the browser tests in browser_test.go: starting Chromium, one
// tab per simulated browser profile, waiting on the page, screenshots.

import (
	"context"
	"fmt"
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

// evalJS evaluates a JavaScript expression (promises awaited) into T.
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
	if ok, last := b.poll(expr); !ok {
		b.t.Fatalf("waiting for %s: timed out (last error: %v; page %s)", what, last, b.location())
	}
}

// poll evaluates expr until it is truthy or browserTimeout has passed. It
// reports whether it became truthy, with the last evaluation error.
func (b *browserTab) poll(expr string) (bool, error) {
	deadline := time.Now().Add(browserTimeout)
	var last error
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		truthy, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && truthy {
			return true, nil
		}
		if err != nil {
			last = err
		}
		if time.Now().After(deadline) {
			return false, last
		}
		time.Sleep(40 * time.Millisecond)
	}
}

func (b *browserTab) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
}

// typeInto replaces the value of the input matched by sel by typing text.
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
	if ok, _ := b.poll(expr); !ok {
		b.t.Fatalf("want tasks %q, shown %q", want, b.titles())
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

// takeScreenshots writes name-desktop.png and name-phone.png (and, for the
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
