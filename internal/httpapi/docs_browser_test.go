package httpapi

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDocsPageInBrowser loads /docs in headless Chromium, pastes a token,
// and uses "Try it" to create and list a task. It checks that the page
// runs under its CSP without errors. Skips without Chromium; fails
// instead when LATCH_TEST_BROWSER=1.
func TestDocsPageInBrowser(t *testing.T) {
	exe := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		if os.Getenv("LATCH_TEST_BROWSER") == "1" {
			t.Fatal("LATCH_TEST_BROWSER=1 but no Chromium binary was found")
		}
		t.Skip("no Chromium binary found: skipping (LATCH_TEST_BROWSER=1 makes this a failure)")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	tok := e.token("docs-user")

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true), chromedp.Flag("disable-background-networking", true))
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser; no timeout on purpose
		t.Fatalf("start chromium: %v", err)
	}
	var (
		mu       sync.Mutex
		problems []string
	)
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError || strings.Contains(m.Text, "Content Security Policy") {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, stop := context.WithTimeout(ctx, 20*time.Second)
		defer stop()
		if err := chromedp.Do(c, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		c, stop := context.WithTimeout(ctx, 20*time.Second)
		defer stop()
		s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	step("load", chromedp.Navigate(srv.URL+"/docs"), chromedp.WaitVisible(chromedp.CSS("#listTasks")))
	step("token", chromedp.SendKeys(chromedp.CSS("#token"), tok), chromedp.Click(chromedp.CSS("#auth button[type=submit]")))
	if subject := text("#subject"); !strings.Contains(subject, "docs-user") {
		t.Fatalf("subject shown %q", subject)
	}
	step("create",
		chromedp.Click(chromedp.CSS("#createTask > summary")),
		chromedp.Click(chromedp.CSS("#createTask .op-body > p > button")),
		chromedp.WaitVisible(chromedp.CSS("#createTask .status")))
	createStatus := text("#createTask .status")
	step("list",
		chromedp.Click(chromedp.CSS("#listTasks > summary")),
		chromedp.SetValue(chromedp.CSS(`#listTasks select[data-param="total"]`), "true"),
		chromedp.Click(chromedp.CSS("#listTasks .op-body > p > button")),
		chromedp.WaitVisible(chromedp.CSS("#listTasks .status")))
	listStatus, listBody := text("#listTasks .status"), text("#listTasks .result")
	if !strings.HasPrefix(createStatus, "201") {
		t.Errorf("create answered %q", createStatus)
	}
	if !strings.HasPrefix(listStatus, "200") || !strings.Contains(listBody, "Buy milk") ||
		!strings.Contains(listBody, "x-total-count: 1") || !strings.Contains(listBody, "\n[\n  {") {
		t.Errorf("list answered %q: %s", listStatus, listBody)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(problems, "\n"))
	}
}
