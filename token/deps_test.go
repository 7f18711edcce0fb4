package token

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStdlibOnly keeps package token importable by any Go service: it may
// depend on the standard library only, and tokenhttp on token and the
// standard library only (tests may use more).
func TestStdlibOnly(t *testing.T) {
	const mod = "github.com/latchhq/latch/"
	tests := []struct {
		pkg     string
		allowed []string
	}{
		{pkg: mod + "token"},
		{pkg: mod + "token/tokenhttp", allowed: []string{mod + "token"}},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", tt.pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				if dep == tt.pkg || contains(tt.allowed, []byte(dep)) {
					continue
				}
				t.Errorf("%s depends on non-standard package %s", tt.pkg, dep)
			}
		})
	}
}
