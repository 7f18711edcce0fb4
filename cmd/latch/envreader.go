package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// envReader reads settings for loadConfig. Every read names a row of the
// settings table, and an absent or blank variable takes that row's
// default, so the table is the one place that names a setting and gives
// its default (and `latch --help` and the README print it). Reading a
// name that has no row is a programming error and panics: every test that
// loads a configuration catches it. Adding a setting is one row in the
// table plus one read in loadConfig.
type envReader struct {
	env  map[string]string
	errs []error
	// read records every name read; derived those whose table default
	// is a description (for example "origin of BETTER_AUTH_URL") and
	// whose value is computed by loadConfig. Tests use both.
	read, derived map[string]bool
}

func newEnvReader(env map[string]string) *envReader {
	return &envReader{env: env, read: map[string]bool{}, derived: map[string]bool{}}
}

// row returns the settings row of name, or panics.
func (r *envReader) row(name string) setting {
	for _, s := range settings {
		if s.name == name {
			r.read[name] = true
			return s
		}
	}
	panic("latch: setting " + name + " is read by loadConfig but has no row in the settings table (cmd/latch/config.go)")
}

// value returns the trimmed value of name and whether it is set (not
// blank).
func (r *envReader) value(name string) (string, bool) {
	v := strings.TrimSpace(r.env[name])
	return v, v != ""
}

// bad records an error about name.
func (r *envReader) bad(name, format string, a ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: "+format, append([]any{name}, a...)...))
}

// str returns the value of name, or the table's default.
func (r *envReader) str(name string) string {
	s := r.row(name)
	if v, ok := r.value(name); ok {
		return v
	}
	return s.def
}

// computed returns the value of name, or def: for the rows whose table
// default describes a value loadConfig computes ("(generated)", "origin of
// BETTER_AUTH_URL").
func (r *envReader) computed(name, def string) string {
	r.row(name)
	r.derived[name] = true
	if v, ok := r.value(name); ok {
		return v
	}
	return def
}

// boolean parses name as true or false.
func (r *envReader) boolean(name string) bool {
	v := r.str(name)
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.bad(name, "want true or false, got %q", v)
	}
	return b
}

// integer parses name as a whole number in [min, max]; what describes
// the wanted value in the error ("a port number (0-65535)").
func (r *envReader) integer(name string, min, max int, what string) int {
	v := r.str(name)
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		r.bad(name, "want %s, got %q", what, v)
	}
	return n
}

// duration parses name as a Go duration in [min, max].
func (r *envReader) duration(name string, min, max time.Duration) time.Duration {
	v := r.str(name)
	d, err := time.ParseDuration(v)
	if err != nil || d < min || d > max {
		r.bad(name, "want a duration between %s and %s (e.g. %s), got %q", min, max, r.row(name).def, v)
	}
	return d
}
