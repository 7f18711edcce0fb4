package main

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestSettingsTableIsTheSource checks that the settings table and
// loadConfig agree: every row is read, each name once in the table, and
// a variable set to the default the table documents gives the same
// configuration as leaving it unset (rows whose default describes a
// computed value are read with envReader.computed and skipped there).
// Reads of names without a row panic (TestReadingUnknownSettingPanics).
func TestSettingsTableIsTheSource(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range settings {
		if seen[s.name] {
			t.Errorf("setting %s has two rows", s.name)
		}
		seen[s.name] = true
	}
	r := newEnvReader(map[string]string{})
	base := readConfig(r)
	if len(r.errs) > 0 {
		t.Fatalf("the table's defaults do not parse: %v", r.errs)
	}
	base.Now = nil
	for _, s := range settings {
		if !r.read[s.name] {
			t.Errorf("setting %s has a row but loadConfig never reads it", s.name)
			continue
		}
		if r.derived[s.name] || s.def == "" { // computed, or unset and blank alike
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			c, err := loadConfig(map[string]string{s.name: s.def})
			if err != nil {
				t.Fatalf("%s=%q (the documented default): %v", s.name, s.def, err)
			}
			c.Now = nil
			if !reflect.DeepEqual(c, base) {
				t.Errorf("%s=%q (the documented default) gives another configuration than leaving it unset:\n%+v\n%+v", s.name, s.def, c, base)
			}
		})
	}
}

func TestReadingUnknownSettingPanics(t *testing.T) {
	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(string), "LATCH_NOT_A_SETTING") {
			t.Fatalf("recover() = %v, want a panic naming the setting", v)
		}
	}()
	newEnvReader(nil).str("LATCH_NOT_A_SETTING")
}

// TestSessionCheckTTLZero: LATCH_SESSION_CHECK_TTL=0 means no cache (see
// auth.TestSessionCheckerNoCache), not a silent default.
func TestSessionCheckTTLZero(t *testing.T) {
	for _, v := range []string{"0", "0s"} {
		c, err := loadConfig(map[string]string{"LATCH_SESSION_CHECK_TTL": v, "LATCH_CHECK_SESSION": "true"})
		if err != nil || c.SessionCheckTTL != 0 {
			t.Fatalf("LATCH_SESSION_CHECK_TTL=%s: %v, %v; want 0 (no cache)", v, c.SessionCheckTTL, err)
		}
	}
	c, err := loadConfig(map[string]string{})
	if err != nil || c.SessionCheckTTL != 10*time.Second {
		t.Fatalf("default LATCH_SESSION_CHECK_TTL = %v, %v; want 10s as documented", c.SessionCheckTTL, err)
	}
}
