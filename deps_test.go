package latch_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/latchhq/latch"

type pkgInfo struct {
	path    string
	imports []string
	doc     string
}

// listPackages runs `go list` over the module (non-test files only).
func listPackages(t *testing.T) []pkgInfo {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}\t{{join .Imports \",\"}}\t{{.Doc}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkgInfo
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) < 3 {
			t.Fatalf("unexpected go list line %q", line)
		}
		p := pkgInfo{path: f[0], doc: f[2]}
		if f[1] != "" {
			p.imports = strings.Split(f[1], ",")
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func rel(p string) string {
	if p == module {
		return "."
	}
	return strings.TrimPrefix(p, module+"/")
}

// TestImportDirection enforces the architecture of docs/ARCHITECTURE.md:
// dependencies point inward, only cmd/latch wires concrete types.
func TestImportDirection(t *testing.T) {
	// allowed lists, for each package (prefix match on the relative path),
	// the repo packages it may import. Packages not listed may import
	// nothing from the repo except the root domain package.
	rules := []struct {
		pkg       string
		allowed   []string
		forbidden []string // standard or third-party packages it must not import
	}{
		{pkg: ".", allowed: nil, forbidden: []string{"net/http", "database/sql"}},
		{pkg: "token", allowed: nil, forbidden: []string{"net/http"}},
		{pkg: "token/tokenhttp", allowed: []string{"token"}},
		{pkg: "internal/store/sqlutil", allowed: []string{"."}},
		{pkg: "internal/store/sqlite", allowed: []string{".", "internal/store/sqlutil"}},
		{pkg: "internal/store/postgres", allowed: []string{".", "internal/store/sqlutil"}},
		{pkg: "internal/store/storetest", allowed: []string{"."}},
		{pkg: "internal/tasks", allowed: []string{"."}, forbidden: []string{"net/http", "database/sql"}},
		{pkg: "internal/auth", allowed: []string{".", "token", "internal/reqlog"}, forbidden: []string{"database/sql"}},
		{pkg: "internal/ratelimit", allowed: []string{"."}},
		{pkg: "internal/ratelimit/ratelimittest", allowed: []string{"."}}, // imported only by _test.go files
		{pkg: "internal/redis", allowed: []string{"."}},                   // the only importer of the Redis client
		{pkg: "internal/sessioncache", allowed: []string{"."}},
		{pkg: "internal/httpsec", allowed: []string{".", "internal/reqlog"}},
		{pkg: "internal/reqlog", allowed: nil},
		{pkg: "internal/pgtest", allowed: nil},   // imported only by _test.go files
		{pkg: "internal/testutil", allowed: nil}, // imported only by _test.go files
		{pkg: "internal/web", allowed: nil},
		{pkg: "internal/mail", allowed: []string{"."}, forbidden: []string{"net/http", "database/sql"}},
		{pkg: "internal/mail/smtptest", allowed: nil}, // imported only by _test.go files
		{pkg: "internal/httpapi", allowed: []string{".", "internal/tasks", "token", "token/tokenhttp", "internal/reqlog"}},
		{pkg: "internal/authhttp", allowed: []string{".", "internal/auth", "internal/httpsec", "token", "internal/reqlog"}},
		{pkg: "internal/metrics", allowed: []string{"."}},
		{pkg: "cmd/latch", allowed: []string{"*"}},
		{pkg: "cmd/latchload", allowed: nil},
		{pkg: "cmd/latchbench", allowed: nil},
	}
	for _, p := range listPackages(t) {
		r := rel(p.path)
		var rule *struct {
			pkg       string
			allowed   []string
			forbidden []string
		}
		for i := range rules {
			if rules[i].pkg == r {
				rule = &rules[i]
			}
		}
		if rule == nil {
			t.Errorf("package %s has no import rule: add it to TestImportDirection and docs/ARCHITECTURE.md", r)
			continue
		}
		for _, imp := range p.imports {
			for _, f := range rule.forbidden {
				if imp == f {
					t.Errorf("%s imports %s, which it must not", r, imp)
				}
			}
			if !strings.HasPrefix(imp, module) {
				continue
			}
			ir := rel(imp)
			if ir == "internal/pgtest" || ir == "internal/testutil" || ir == "internal/mail/smtptest" {
				t.Errorf("%s imports the test helper %s outside a _test.go file", r, ir)
			}
			if strings.HasPrefix(ir, "cmd/") {
				t.Errorf("%s imports %s: nothing may import a command", r, ir)
			}
			ok := false
			for _, a := range rule.allowed {
				if a == "*" || a == ir {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s imports %s, against the import rules", r, ir)
			}
		}
	}
}

// TestPrometheusOnlyInMetrics keeps the Prometheus client in one package
// (style.md: other packages report through small hooks).
func TestPrometheusOnlyInMetrics(t *testing.T) {
	for _, p := range listPackages(t) {
		for _, imp := range p.imports {
			if strings.HasPrefix(imp, "github.com/prometheus/") && rel(p.path) != "internal/metrics" {
				t.Errorf("%s imports %s: only internal/metrics may import the Prometheus client", rel(p.path), imp)
			}
		}
	}
}

// TestTokenLibraryIsStdlibOnly keeps token/... importable by any Go
// service without pulling in this repo or third-party modules.
func TestTokenLibraryIsStdlibOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./token/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != module+"/token" && dep != module+"/token/tokenhttp" {
			t.Errorf("token library depends on %s; it may use only the standard library", dep)
		}
	}
}

// TestPackageDocs requires a package doc comment everywhere.
func TestPackageDocs(t *testing.T) {
	for _, p := range listPackages(t) {
		if strings.TrimSpace(p.doc) == "" {
			t.Errorf("package %s has no doc comment", rel(p.path))
		}
	}
}

// TestRedisClientOnlyInRedisPackage keeps the Redis client behind
// internal/redis (style.md: one package per dependency).
func TestRedisClientOnlyInRedisPackage(t *testing.T) {
	for _, p := range listPackages(t) {
		for _, imp := range p.imports {
			if strings.HasPrefix(imp, "github.com/redis/") && rel(p.path) != "internal/redis" {
				t.Errorf("%s imports %s; only internal/redis may", rel(p.path), imp)
			}
		}
	}
}
