package latch

import (
	"strconv"
	"strings"
	"testing"
)

func TestIDFormatValid(t *testing.T) {
	tests := []struct {
		f     IDFormat
		id    string
		valid bool
	}{
		{IDRandom, "ZYhpRVn4Jk7JgC5iX9dT0aWqOeMb2LsE", true},
		{IDRandom, "svc-42", true},
		{IDRandom, "", false},
		{IDSerial, "1", true},
		{IDSerial, "2147483647", true},
		{IDSerial, "2147483648", false},
		{IDSerial, "0", false},
		{IDSerial, "-1", false},
		{IDSerial, "+1", false},
		{IDSerial, "01", false},
		{IDSerial, "1e3", false},
		{IDSerial, "١", false}, // Arabic-Indic digit one
		{IDSerial, "", false},
		{IDUUID, "3aad91eb-0e30-4dc1-8fdf-c232b2f59dfb", true},
		{IDUUID, "3AAD91EB-0E30-4DC1-8FDF-C232B2F59DFB", false},
		{IDUUID, "3aad91eb0e304dc18fdfc232b2f59dfb", false},
		{IDUUID, "3aad91eb-0e30-4dc1-8fdf-c232b2f59dfg", false},
		{IDUUID, "", false},
	}
	for _, tt := range tests {
		if got := tt.f.Valid(tt.id); got != tt.valid {
			t.Errorf("%s.Valid(%q) = %v, want %v", tt.f, tt.id, got, tt.valid)
		}
	}
}

func TestParseIDFormat(t *testing.T) {
	for in, want := range map[string]IDFormat{"": IDRandom, "random": IDRandom, "uuid": IDUUID, "serial": IDSerial} {
		if got, err := ParseIDFormat(in); err != nil || got != want {
			t.Errorf("ParseIDFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"Serial", "int", "cuid"} {
		if _, err := ParseIDFormat(in); err == nil {
			t.Errorf("ParseIDFormat(%q) accepted", in)
		}
	}
}

// FuzzIDFormatValid checks, for any string (token subjects are untrusted),
// that Valid does not panic and that what it accepts is exactly the
// canonical form each database stores and prints back.
func FuzzIDFormatValid(f *testing.F) {
	for _, s := range []string{"1", "042", "2147483647", "3aad91eb-0e30-4dc1-8fdf-c232b2f59dfb", "", "svc-42", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if IDSerial.Valid(s) {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 1 || n > MaxSerialID || strconv.FormatInt(n, 10) != s {
				t.Fatalf("serial accepted %q", s)
			}
		}
		if IDUUID.Valid(s) {
			if len(s) != 36 || strings.ToLower(s) != s || strings.Count(s, "-") != 4 {
				t.Fatalf("uuid accepted %q", s)
			}
		}
		if IDRandom.Valid(s) != (s != "") {
			t.Fatalf("random Valid(%q) = %v", s, IDRandom.Valid(s))
		}
	})
}
