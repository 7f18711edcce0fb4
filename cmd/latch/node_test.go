package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The Node tests drive a real Latch with the real better-auth npm package
// (pinned in test/node/package.json). They run when test/node/node_modules
// exists (`npm ci --prefix test/node`) and are skipped otherwise; with
// LATCH_TEST_NODE=1 anything missing is a failure instead.

const (
	nodeDir           = "../../test/node"
	betterAuthVersion = "1.7.25"
	nodeScriptTimeout = 10 * time.Minute // generous: -race makes Latch's scrypt ~8x slower
)

// requireNode returns the node binary, skipping the test (or failing it
// when LATCH_TEST_NODE=1) when Node or the installed packages are missing.
func requireNode(t *testing.T) string {
	t.Helper()
	required := os.Getenv("LATCH_TEST_NODE") == "1"
	missing := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf("LATCH_TEST_NODE=1 but "+format, args...)
		}
		t.Skipf("skipping Node test: "+format, args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("no node binary on PATH: %v", err)
	}
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules")); err != nil {
		missing("%s/node_modules is absent (run `npm ci --prefix test/node`)", "test/node")
	}
	b, err := os.ReadFile(filepath.Join(nodeDir, "node_modules", "better-auth", "package.json"))
	if err != nil {
		missing("better-auth is not installed under test/node: %v", err)
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatalf("read better-auth package.json: %v", err)
	}
	if pkg.Version != betterAuthVersion {
		t.Fatalf("better-auth %s installed, want %s (run `npm ci --prefix test/node`)", pkg.Version, betterAuthVersion)
	}
	return node
}

var summaryLine = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed$`)

// runNodeScript runs a script in test/node with env added to the
// environment and fails the test unless it exits 0 with a summary line
// reporting at least one passed and no failed step.
func runNodeScript(t *testing.T, node string, env map[string]string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), nodeScriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = nodeDir
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("node %s (%s):\n%s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond), out)
	if ctx.Err() != nil {
		t.Fatalf("node %s timed out after %s", args[0], nodeScriptTimeout)
	}
	m := summaryLine.FindAllSubmatch(out, -1)
	if len(m) == 0 {
		t.Fatalf("node %s printed no summary line (exit: %v)", args[0], err)
	}
	last := m[len(m)-1]
	passed, _ := strconv.Atoi(string(last[1]))
	failed, _ := strconv.Atoi(string(last[2]))
	if err != nil || failed != 0 || passed == 0 {
		var fails []string
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "FAIL ") {
				fails = append(fails, line)
			}
		}
		t.Errorf("node %s: %d passed, %d failed (exit: %v)\n%s", strings.Join(args, " "), passed, failed, err, strings.Join(fails, "\n"))
	}
}

// nodeBackends lists the databases to run on: SQLite always, PostgreSQL
// when LATCH_TEST_POSTGRES is set (the subtest skips otherwise).
var nodeBackends = []struct {
	name     string
	postgres bool
}{
	{name: "sqlite"},
	{name: "postgres", postgres: true},
}

// TestNodeClientFlow drives Latch with Better Auth's official client
// (createAuthClient) through sign-up, sign-out, sign-in, get-session,
// token, list/revoke sessions, change password, update user, the error
// cases and the Next.js /api/auth/session snippet (test/node/client-flow.mjs).
func TestNodeClientFlow(t *testing.T) {
	node := requireNode(t)
	t.Parallel() // CPU-bound (scrypt); the three Node tests overlap, their subtests do not
	for _, tc := range nodeBackends {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			if tc.postgres {
				env["DATABASE_URL"] = testPostgresURL(t)
			}
			ts := startTestServer(t, env)
			runNodeScript(t, node, map[string]string{
				"LATCH_URL":    ts.URL,
				"LATCH_SECRET": ts.Secret,
				"LATCH_TARGET": "latch",
			}, "client-flow.mjs")
		})
	}
}

// TestNodeMailFlow drives the account lifecycle with the official client
// (requestPasswordReset, resetPassword, sendVerificationEmail, verifyEmail,
// changeEmail, deleteUser) against Latch wired to a loopback SMTP server
// whose messages the script reads (test/node/mail-flow.mjs).
func TestNodeMailFlow(t *testing.T) {
	node := requireNode(t)
	t.Parallel()
	for _, tc := range nodeBackends {
		t.Run(tc.name, func(t *testing.T) {
			backend := map[string]string{}
			if tc.postgres {
				backend["DATABASE_URL"] = testPostgresURL(t)
			}
			ts, smtp := mailServer(t, backend, nil)
			runNodeScript(t, node, map[string]string{"LATCH_URL": ts.URL, "MAILBOX_URL": startMailbox(t, smtp)}, "mail-flow.mjs")
		})
	}
}

// TestNodeSharedDB runs the real Better Auth on the same database and
// secret as a running Latch (test/node/shared-db.mjs): users created by
// either sign in to the other, each accepts the other's session cookies,
// and reset, verification, change-of-email and deletion links issued by
// one work on the other.
// "better-auth-first" starts Latch on a database that Better Auth's own
// migrations created and that already holds a user. The uuid and serial
// variants run Better Auth with advanced.database.generateId set to that
// format and Latch with LATCH_ID_FORMAT.
func TestNodeSharedDB(t *testing.T) {
	node := requireNode(t)
	t.Parallel() // CPU-bound (scrypt); the three Node tests overlap, their subtests do not
	for _, tc := range nodeBackends {
		for _, variant := range []string{"latch-first", "better-auth-first",
			"uuid/latch-first", "uuid/better-auth-first", "serial/latch-first", "serial/better-auth-first"} {
			format, order, ok := strings.Cut(variant, "/")
			if !ok {
				format, order = "random", variant
			}
			if format == "uuid" && order == "latch-first" && !tc.postgres {
				continue // on SQLite Latch's uuid schema is its random one (text ids), run above
			}
			t.Run(tc.name+"/"+variant, func(t *testing.T) {
				var dsn string
				if tc.postgres {
					dsn = testPostgresURL(t)
				} else {
					dsn = filepath.Join(t.TempDir(), "shared.db")
				}
				secret := randomHex(t, 24)
				run := "r" + strings.ToLower(randomHex(t, 4))
				scriptEnv := map[string]string{"LATCH_DB": dsn, "LATCH_SECRET": secret, "SHARED_RUN": run, "SHARED_ID_FORMAT": format}
				if order == "better-auth-first" {
					runNodeScript(t, node, scriptEnv, "shared-db.mjs", "init")
					if t.Failed() {
						return
					}
					scriptEnv["SHARED_INIT"] = "1" // check must find the init user
				}
				ts, smtp := mailServer(t, map[string]string{"DATABASE_URL": dsn, "BETTER_AUTH_SECRET": secret, "LATCH_ID_FORMAT": format},
					map[string]string{"LATCH_DELETE_USER_CONFIRMATION": "true"}) // deletion links, as Better Auth's sendDeleteAccountVerification
				scriptEnv["LATCH_URL"] = ts.URL
				scriptEnv["MAILBOX_URL"] = startMailbox(t, smtp)
				runNodeScript(t, node, scriptEnv, "shared-db.mjs", "check")
			})
		}
	}
}

// TestNodeDiff sends the same ~75 requests (happy paths, every error case,
// CSRF and Sec-Fetch rules, Bearer, wrong methods) to the real Better Auth
// in-process and to Latch, and fails on any difference in status, body,
// Set-Cookie or key headers after normalising ids, tokens and dates
// (test/node/diff.mjs). The wire behaviour does not depend on the database,
// so it runs on SQLite only; short extra runs use an https base URL and
// rate limiting.
func TestNodeDiff(t *testing.T) {
	node := requireNode(t)
	t.Parallel() // CPU-bound (scrypt); the three Node tests overlap, their subtests do not
	t.Run("http", func(t *testing.T) {
		ts := startTestServer(t, nil)
		runNodeScript(t, node, map[string]string{"LATCH_URL": ts.URL, "LATCH_SECRET": ts.Secret}, "diff.mjs")
	})
	// An https public URL: both must switch to __Secure- cookies with Secure.
	// Latch is still reached over plain http on loopback.
	t.Run("https-cookies", func(t *testing.T) {
		const public = "https://auth.example.test"
		ts := startTestServer(t, map[string]string{"BETTER_AUTH_URL": public})
		runNodeScript(t, node, map[string]string{
			"LATCH_URL": ts.URL, "LATCH_PUBLIC_URL": public, "LATCH_SECRET": ts.Secret, "DIFF_SET": "cookies",
		}, "diff.mjs")
	})
	// The account lifecycle (DIFF_SET=mail, test/node/diff-mail.mjs):
	// Better Auth with reset and verification mail, change of email and
	// deletion on; Latch with its mail on a loopback SMTP server.
	t.Run("mail", func(t *testing.T) {
		ts, smtp := mailServer(t, nil, nil)
		runNodeScript(t, node, map[string]string{"LATCH_URL": ts.URL, "LATCH_SECRET": ts.Secret, "DIFF_SET": "mail",
			"MAILBOX_URL": startMailbox(t, smtp)}, "diff.mjs")
	})
	// Rate limiting on (Better Auth's defaults on both sides, client IP from
	// X-Forwarded-For): the 4th sign-in from one IP within 10 s is a 429
	// with the same body and X-Retry-After; other IPs and paths are not limited.
	t.Run("ratelimit", func(t *testing.T) {
		ts := startTestServer(t, map[string]string{"LATCH_RATE_LIMIT": "true", "LATCH_IP_HEADER": "X-Forwarded-For", "LATCH_TRUSTED_PROXIES": "127.0.0.1"})
		runNodeScript(t, node, map[string]string{"LATCH_URL": ts.URL, "LATCH_SECRET": ts.Secret, "DIFF_SET": "ratelimit"}, "diff.mjs")
	})
}

// TestNodeJWKS: Latch issuing EdDSA, ES256 and RS256 tokens beside the real
// Better Auth's jwt plugin on one database (test/node/jwks.mjs): jose
// verifies Latch's tokens against Latch's JWKS, each server's tokens verify
// against the other's JWKS, and both sign with the one stored key, whoever
// made it ("better-auth-first": Better Auth's plugin made it and Latch
// decrypts it).
func TestNodeJWKS(t *testing.T) {
	node := requireNode(t)
	t.Parallel()
	for _, tc := range nodeBackends {
		for _, alg := range []string{"EdDSA", "ES256", "RS256"} {
			for _, order := range []string{"latch-first", "better-auth-first"} {
				// Each algorithm once per direction where it matters: EdDSA
				// (Better Auth's default) both ways on SQLite and the key
				// made by Better Auth on PostgreSQL; ES256 made by Latch,
				// RS256 made by Better Auth. The key format does not depend
				// on the database.
				switch {
				case tc.postgres && (alg != "EdDSA" || order != "better-auth-first"),
					alg == "ES256" && order != "latch-first",
					alg == "RS256" && order != "better-auth-first":
					continue
				}
				t.Run(tc.name+"/"+alg+"/"+order, func(t *testing.T) {
					var dsn string
					if tc.postgres {
						dsn = testPostgresURL(t)
					} else {
						dsn = filepath.Join(t.TempDir(), "shared.db")
					}
					secret := randomHex(t, 24)
					env := map[string]string{"LATCH_DB": dsn, "LATCH_SECRET": secret, "LATCH_ALG": alg}
					if order == "better-auth-first" {
						runNodeScript(t, node, env, "jwks.mjs", "init")
						if t.Failed() {
							return
						}
						env["JWKS_INIT"] = "1"
					}
					ts := startTestServer(t, map[string]string{"DATABASE_URL": dsn, "BETTER_AUTH_SECRET": secret, "LATCH_JWT_ALG": alg})
					env["LATCH_URL"] = ts.URL
					runNodeScript(t, node, env, "jwks.mjs", "check")
				})
			}
		}
	}
}
