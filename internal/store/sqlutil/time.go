package sqlutil

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is how timestamps are stored as text (SQLite): ISO 8601 in UTC
// with exactly three millisecond digits and a trailing Z, the form
// JavaScript's Date.prototype.toISOString writes and Better Auth stores.
// Values of this form sort lexically in time order.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Norm returns t in UTC truncated to the millisecond, the precision both
// stores keep, so that a value round-trips unchanged.
func Norm(t time.Time) time.Time {
	return t.UTC().Truncate(time.Millisecond)
}

// FormatTime renders t in TimeLayout after normalising it.
func FormatTime(t time.Time) string {
	return Norm(t).Format(TimeLayout)
}

// parseLayouts are the textual forms accepted when reading, besides
// TimeLayout: other RFC 3339 precisions and offsets, SQLite's
// CURRENT_TIMESTAMP form, and the default form of the Go SQLite driver.
var parseLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02",
}

// ParseTime decodes a stored timestamp: a time.Time from the driver, a text
// form (see TimeLayout; forms without a zone are taken as UTC), or a number
// of milliseconds since the epoch (numbers below 1e11 are taken as seconds,
// which covers dates up to 5138). The result is normalised with Norm.
func ParseTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return Norm(x), nil
	case string:
		return parseTimeString(x)
	case []byte:
		return parseTimeString(string(x))
	case int64:
		return fromEpoch(float64(x)), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return time.Time{}, fmt.Errorf("sqlutil: invalid timestamp %v", x)
		}
		return fromEpoch(x), nil
	default:
		return time.Time{}, fmt.Errorf("sqlutil: unsupported timestamp type %T", v)
	}
}

func fromEpoch(n float64) time.Time {
	if math.Abs(n) < 1e11 {
		n *= 1000
	}
	return time.UnixMilli(int64(n)).UTC()
}

func parseTimeString(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(TimeLayout, s); err == nil {
		return t, nil
	}
	for _, l := range parseLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return Norm(t), nil
		}
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(n) && !math.IsInf(n, 0) {
		return fromEpoch(n), nil
	}
	return time.Time{}, fmt.Errorf("sqlutil: unrecognised timestamp %q", s)
}

// Time scans a non-null timestamp column written in any form ParseTime
// accepts.
type Time struct{ T time.Time }

// Scan implements sql.Scanner.
func (t *Time) Scan(src any) error {
	if src == nil {
		return fmt.Errorf("sqlutil: NULL timestamp")
	}
	v, err := ParseTime(src)
	if err != nil {
		return err
	}
	t.T = v
	return nil
}

// Bool scans a boolean column stored as a boolean, an integer (SQLite 0/1)
// or text ("true"/"1").
type Bool bool

// Scan implements sql.Scanner.
func (b *Bool) Scan(src any) error {
	switch x := src.(type) {
	case bool:
		*b = Bool(x)
	case int64:
		*b = x != 0
	case float64:
		*b = x != 0
	case string:
		return b.parse(x)
	case []byte:
		return b.parse(string(x))
	default:
		return fmt.Errorf("sqlutil: unsupported boolean type %T", src)
	}
	return nil
}

func (b *Bool) parse(s string) error {
	v, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("sqlutil: invalid boolean %q", s)
	}
	*b = Bool(v)
	return nil
}
