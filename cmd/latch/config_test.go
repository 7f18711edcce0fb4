package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch/token"
)

func TestParseDotenv(t *testing.T) {
	in := "# comment\n\nexport A=1\nB = two words # trailing\nC='single # kept'\nD=\"x\\ny\"\nE=\nF=a=b\n"
	got, err := parseDotenv([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "1", "B": "two words", "C": "single # kept", "D": "x\ny", "E": "", "F": "a=b"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d keys, want %d: %v", len(got), len(want), got)
	}
	for _, bad := range []string{"NOEQUALS", "1X=2", "A='open", `A="open`} {
		if _, err := parseDotenv([]byte(bad)); err == nil {
			t.Errorf("parseDotenv(%q): want error", bad)
		}
	}
}

func FuzzParseDotenv(f *testing.F) {
	f.Add([]byte("A=1\nB='2'\nC=\"3\\n\"\n# x\n"))
	f.Add([]byte("export X = y # z"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseDotenv(data)
		if err != nil {
			return
		}
		for k := range m {
			if !validEnvKey(k) {
				t.Fatalf("accepted invalid key %q", k)
			}
		}
	})
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8000" || c.Origin != "http://localhost:8000" || c.Postgres || c.SQLitePath != "./data/latch.db" {
		t.Errorf("defaults: addr %q origin %q postgres %v sqlite %q", c.Addr, c.Origin, c.Postgres, c.SQLitePath)
	}
	if !c.RateLimit || c.TaskRateLimit != 600 || c.CheckSession || c.JWTTTL != 7*24*time.Hour || c.JWTLeeway > time.Minute {
		t.Errorf("defaults: %+v", c)
	}
	if c.JWTIssuer != c.Origin || c.JWTAudience != "" || c.RequireIssAud {
		t.Errorf("iss/aud defaults: %q %q %v", c.JWTIssuer, c.JWTAudience, c.RequireIssAud)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"short secret", map[string]string{"BETTER_AUTH_SECRET": "tooshort"}, "at least 32 characters"},
		{"bad port", map[string]string{"PORT": "http"}, "PORT"},
		{"bad url", map[string]string{"BETTER_AUTH_URL": "ftp://x"}, "BETTER_AUTH_URL"},
		{"bad bool", map[string]string{"LATCH_RATE_LIMIT": "maybe"}, "LATCH_RATE_LIMIT"},
		{"leeway too big", map[string]string{"LATCH_JWT_LEEWAY": "5m"}, "LATCH_JWT_LEEWAY"},
		{"bad db scheme", map[string]string{"DATABASE_URL": "mysql://x/y"}, "unsupported scheme"},
		{"bad env", map[string]string{"LATCH_ENV": "staging"}, "LATCH_ENV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(tt.env)
			if !errors.Is(err, errConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want errConfig mentioning %q", err, tt.want)
			}
		})
	}
}

func TestParseDatabaseURL(t *testing.T) {
	tests := []struct {
		in       string
		postgres bool
		want     string // dsn for postgres, path for sqlite
	}{
		{"", false, "data/latch.db"},
		{"postgres://u:p@h:5432/db", true, "postgres://u:p@h:5432/db"},
		{"postgresql://u@h/db?sslmode=disable", true, "postgresql://u@h/db?sslmode=disable"},
		{"postgresql+asyncpg://u:p@h/db?ssl=disable", true, "postgresql://u:p@h/db?sslmode=disable"},
		{"postgresql+asyncpg://u:p@h/db?ssl=true", true, "postgresql://u:p@h/db?sslmode=require"},
		{"sqlite:///./x.db", false, "./x.db"},
		{"sqlite:////abs/x.db", false, "/abs/x.db"},
		{"sqlite:rel.db", false, "rel.db"},
		{"file:rel.db?mode=rwc", false, "rel.db"},
		{"/var/lib/latch.db", false, "/var/lib/latch.db"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			dsn, pg, path, err := parseDatabaseURL(tt.in, "data")
			if err != nil {
				t.Fatal(err)
			}
			got := path
			if pg {
				got = dsn
			}
			if pg != tt.postgres || got != tt.want {
				t.Errorf("got postgres=%v %q, want %v %q", pg, got, tt.postgres, tt.want)
			}
		})
	}
}

func TestSecretGeneratedOnceWithMode0600(t *testing.T) {
	dir := t.TempDir()
	c, err := loadConfig(map[string]string{"LATCH_DATA_DIR": dir})
	if err != nil {
		t.Fatal(err)
	}
	var logbuf bytes.Buffer
	log := newLogger(c, &logbuf)
	s1, err := resolveSecret(c, log)
	if err != nil {
		t.Fatal(err)
	}
	if len(s1) < 32 {
		t.Fatalf("generated secret too short: %d", len(s1))
	}
	if strings.Contains(logbuf.String(), s1) {
		t.Fatal("the secret was logged")
	}
	if !strings.Contains(logbuf.String(), "generated a random secret") {
		t.Errorf("generation not logged: %s", logbuf.String())
	}
	fi, err := os.Stat(filepath.Join(dir, "secret"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("secret file mode %v, want 0600", fi.Mode().Perm())
	}
	logbuf.Reset()
	s2, err := resolveSecret(c, log)
	if err != nil || s2 != s1 {
		t.Fatalf("second start: %q, %v; want the same secret", s2, err)
	}
	if strings.Contains(logbuf.String(), "generated") {
		t.Error("reuse logged as a new generation")
	}
}

func TestProductionRequiresSecret(t *testing.T) {
	c, err := loadConfig(map[string]string{"LATCH_ENV": "production", "LATCH_DATA_DIR": t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := resolveSecret(c, newLogger(c, &bytes.Buffer{})); !errors.Is(err, errConfig) {
		t.Fatalf("err = %v, want errConfig", err)
	}
}

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		out  string
	}{
		{"help lists every setting", []string{"--help"}, nil, 0, "LATCH_CHECK_SESSION"},
		{"version", []string{"version"}, nil, 0, "latch "},
		{"secret generate", []string{"secret", "generate"}, nil, 0, ""},
		{"unknown command", []string{"frobnicate"}, nil, 2, ""},
		{"short secret refused", []string{"serve"}, map[string]string{"BETTER_AUTH_SECRET": "short"}, 2, ""},
		{"production without secret refused", []string{"serve"}, map[string]string{"LATCH_ENV": "production"}, 2, ""},
		{"token issue needs user", []string{"token", "issue"}, map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 32)}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"LATCH_DATA_DIR": t.TempDir(), "PORT": "0"}
			for k, v := range tt.env {
				env[k] = v
			}
			var out, errb bytes.Buffer
			code := run(t.Context(), tt.args, env, strings.NewReader(""), &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errb.String())
			}
			if !strings.Contains(out.String(), tt.out) {
				t.Errorf("stdout %q does not contain %q", out.String(), tt.out)
			}
			if s := tt.env["BETTER_AUTH_SECRET"]; s != "" && strings.Contains(errb.String()+out.String(), s) {
				t.Error("secret echoed")
			}
		})
	}
	var help bytes.Buffer
	run(t.Context(), []string{"help"}, nil, nil, &help, &help)
	for _, s := range settings {
		if !strings.Contains(help.String(), s.name) {
			t.Errorf("help does not list %s", s.name)
		}
	}
}

func TestTokenIssueVerifyRoundTrip(t *testing.T) {
	env := map[string]string{"LATCH_DATA_DIR": t.TempDir(), "BETTER_AUTH_SECRET": strings.Repeat("k", 40)}
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"token", "issue", "--user", "42", "--email", "a@example.com", "--ttl", "1h"}, env, nil, &out, &errb); code != 0 {
		t.Fatalf("issue: exit %d: %s", code, errb.String())
	}
	tok := strings.TrimSpace(out.String())
	out.Reset()
	if code := run(t.Context(), []string{"token", "verify"}, env, strings.NewReader(tok+"\n"), &out, &errb); code != 0 {
		t.Fatalf("verify: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"sub": "42"`) || !strings.Contains(out.String(), "a@example.com") {
		t.Errorf("claims: %s", out.String())
	}
	errb.Reset()
	env["BETTER_AUTH_SECRET"] = strings.Repeat("x", 40)
	if code := run(t.Context(), []string{"token", "verify", tok}, env, nil, &out, &errb); code != 1 {
		t.Fatalf("verify with another secret: exit %d, want 1", code)
	}
	if !strings.Contains(errb.String(), "token rejected") {
		t.Errorf("stderr %q does not say why", errb.String())
	}
}

// TestReadmeListsSettings keeps the README's settings table complete.
func TestReadmeListsSettings(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(string(data), "`"+s.name+"`") {
			t.Errorf("README.md does not document %s", s.name)
		}
	}
}

// TestMigrateCommandTwice applies the migrations with `latch migrate` twice
// on the same database (the second run is a no-op) on each backend.
func TestMigrateCommandTwice(t *testing.T) {
	for name, envf := range backends() {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"LATCH_DATA_DIR": t.TempDir()}
			for k, v := range envf(t) {
				env[k] = v
			}
			for i := range 2 {
				var out, errb bytes.Buffer
				if code := run(t.Context(), []string{"migrate"}, env, nil, &out, &errb); code != 0 {
					t.Fatalf("run %d: exit %d: %s", i+1, code, errb.String())
				}
				if !strings.Contains(out.String(), "migrations applied ("+name+")") {
					t.Errorf("run %d: stdout %q", i+1, out.String())
				}
			}
			if name == "sqlite" {
				if _, err := os.Stat(filepath.Join(env["LATCH_DATA_DIR"], "latch.db")); err != nil {
					t.Errorf("database file: %v", err)
				}
			}
		})
	}
}

// TestIssAudChecks: issued tokens carry aud only when LATCH_JWT_AUDIENCE
// is set, and LATCH_JWT_REQUIRE_ISS_AUD checks aud only then.
func TestIssAudChecks(t *testing.T) {
	const secret = "iss-aud-test-secret-0123456789abcdef"
	base := map[string]string{"BETTER_AUTH_URL": "https://auth.example.com"}
	withEnv := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tokensFor := func(env map[string]string) *token.HS256 {
		t.Helper()
		c, err := loadConfig(env)
		if err != nil {
			t.Fatal(err)
		}
		tk, err := newTokens(c, secret)
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	designWay := tokensFor(withEnv()) // signs with iss, no aud
	foreign, err := token.NewHS256([][]byte{[]byte(secret)}, token.WithIssuer("https://other.example.com"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                 string
		env                  map[string]string
		wantAud              []string
		acceptOwn, acceptFor bool // a token of designWay; one with another iss
	}{
		{"default", withEnv(), nil, true, true},
		{"require, no audience", withEnv("LATCH_JWT_REQUIRE_ISS_AUD", "true"), nil, true, false},
		{"audience set", withEnv("LATCH_JWT_AUDIENCE", "api"), []string{"api"}, true, true},
		{"audience set and required", withEnv("LATCH_JWT_AUDIENCE", "api", "LATCH_JWT_REQUIRE_ISS_AUD", "true"), []string{"api"}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tk := tokensFor(tc.env)
			own, err := tk.Sign(token.Claims{Subject: "u1"})
			if err != nil {
				t.Fatal(err)
			}
			c, err := tk.Verify(t.Context(), own)
			if err != nil || !slices.Equal(c.Audience, tc.wantAud) || c.Issuer != "https://auth.example.com" {
				t.Fatalf("own token: %+v %v, want aud %v", c, err, tc.wantAud)
			}
			noAud, _ := designWay.Sign(token.Claims{Subject: "u1"})
			if _, err := tk.Verify(t.Context(), noAud); (err == nil) != tc.acceptOwn {
				t.Errorf("token without aud: err %v, want accepted %v", err, tc.acceptOwn)
			}
			other, _ := foreign.Sign(token.Claims{Subject: "u1"})
			if _, err := tk.Verify(t.Context(), other); (err == nil) != tc.acceptFor {
				t.Errorf("token of another issuer: err %v, want accepted %v", err, tc.acceptFor)
			}
		})
	}
}
