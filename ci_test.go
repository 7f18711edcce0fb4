package latch_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCIRunsRaceSkippedChecks: CI runs everything with -race, where some
// checks skip (allocation counts, speed ratios, real-scrypt timing, the
// flood's memory bound). Every package with a test that looks at
// raceEnabled must also appear in a `go test` line of .ci/run without
// -race, or those checks would never run in CI.
func TestCIRunsRaceSkippedChecks(t *testing.T) {
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	var plain []string // go test lines without -race
	for _, line := range strings.Split(string(ci), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "go test ") && !strings.Contains(line, "-race") {
			plain = append(plain, line)
		}
	}
	uses := regexp.MustCompile(`\braceEnabled\b`)
	pkgs := map[string]bool{}
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && p != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") || p == "ci_test.go" || strings.Contains(filepath.Base(p), "race_") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(data), "\n") {
			if uses.MatchString(line) && !strings.Contains(line, "const raceEnabled") {
				pkgs["./"+filepath.ToSlash(filepath.Dir(p))+"/"] = true
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) == 0 {
		t.Fatal("no test looks at raceEnabled: the scan is broken")
	}
	for pkg := range pkgs {
		found := false
		for _, line := range plain {
			if strings.Contains(line+" ", " "+pkg+" ") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s has checks that skip under -race, but no `go test` line of .ci/run runs it without -race", pkg)
		}
	}
}
