// Command latch runs the Latch server (Better Auth-compatible sign-up and
// sign-in, JWTs for backend services, the task API and the web UI) and its
// administrative subcommands.
//
//	latch [serve]                                start the server (default)
//	latch migrate                                apply database migrations and exit
//	latch secret generate                        print a new random secret
//	latch token issue --user ID --email E [--ttl D] [--session SID]
//	latch token verify [TOKEN]                   print the claims, or why the token fails
//	latch keys rotate|list                       signing keys of an asymmetric LATCH_JWT_ALG
//	latch version
//
// Settings come from the environment and from a .env file in the working
// directory (the environment wins); `latch --help` lists them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version or VCS revision is used.
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], environ(), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// environ returns the process environment as a map.
func environ() map[string]string {
	m := make(map[string]string)
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// mergeEnv overlays env on the .env file of the working directory.
func mergeEnv(env map[string]string) (map[string]string, error) {
	file, err := loadDotenv(".env")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errConfig, err)
	}
	for k, v := range env {
		file[k] = v
	}
	return file, nil
}

const usage = `latch: authentication (Better Auth compatible), JWTs and a task API in one binary.

Usage:
  latch [serve]                      start the server (the default)
  latch migrate                      apply database migrations and exit
  latch secret generate              print a new random secret for BETTER_AUTH_SECRET
  latch token issue --user ID --email EMAIL [--ttl 1h] [--session SID]
                                     print a signed HS256 JWT
  latch token verify [TOKEN]         print the claims of a JWT (TOKEN or stdin), or why it fails
  latch keys rotate                  new signing key (asymmetric LATCH_JWT_ALG); older keys stay in the JWKS for LATCH_JWT_KEY_GRACE
  latch keys list                    the signing keys and their state
  latch version                      print the version
  latch help                         show this help

Settings (environment variables; a .env file in the working directory is read too, the environment wins):
`

// run executes one command and returns the process exit status:
// 0 success, 1 failure, 2 usage or configuration error.
func run(ctx context.Context, args []string, env map[string]string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		printSettings(stdout)
		return 0
	case "version", "--version":
		fmt.Fprintln(stdout, "latch", buildVersion())
		return 0
	case "secret":
		if len(args) != 1 || args[0] != "generate" {
			fmt.Fprintln(stderr, "usage: latch secret generate")
			return 2
		}
		fmt.Fprintln(stdout, newSecret())
		return 0
	case "serve":
		err = cmdServe(ctx, args, env, stderr)
	case "migrate":
		err = cmdMigrate(ctx, args, env, stdout, stderr)
	case "token":
		err = cmdToken(ctx, args, env, stdin, stdout, stderr)
	case "keys":
		err = cmdKeys(ctx, args, env, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "latch: unknown command %q\n\n", cmd)
		fmt.Fprint(stderr, usage)
		printSettings(stderr)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage), errors.Is(err, errConfig):
		fmt.Fprintln(stderr, "latch:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "latch:", err)
		return 1
	}
}

// errUsage marks bad command-line arguments (exit status 2).
var errUsage = errors.New("usage")

func buildVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "devel+" + rev
}
