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
	t = Norm(t)
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.Format(TimeLayout)
	}
	h, mi, sec := t.Clock()
	var b [24]byte
	put := func(i, v, n int) {
		for j := i + n - 1; j >= i; j-- {
			b[j] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	b[4] = '-'
	put(5, int(mo), 2)
	b[7] = '-'
	put(8, d, 2)
	b[10] = 'T'
	put(11, h, 2)
	b[13] = ':'
	put(14, mi, 2)
	b[16] = ':'
	put(17, sec, 2)
	b[19] = '.'
	put(20, t.Nanosecond()/1e6, 3)
	b[23] = 'Z'
	return string(b[:])
}

// parseFast reads exactly TimeLayout ("2006-01-02T15:04:05.000Z") without
// the generic parser; ok is false for anything else (including values
// time.Parse would refuse, such as a 31st of April).
func parseFast(s string) (t time.Time, ok bool) {
	if len(s) != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for j := i; j < i+n; j++ {
			c := s[j]
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, sec, ms := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2), num(20, 3)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0 {
		return time.Time{}, false
	}
	t = time.Date(y, time.Month(mo), d, h, mi, sec, ms*1e6, time.UTC)
	if t.Day() != d { // day out of range for the month
		return time.Time{}, false
	}
	return t, true
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
	if t, ok := parseFast(s); ok {
		return t, nil
	}
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

// NullTime scans a nullable timestamp column.
type NullTime struct {
	T     time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (t *NullTime) Scan(src any) error {
	if src == nil {
		*t = NullTime{}
		return nil
	}
	v, err := ParseTime(src)
	if err != nil {
		return err
	}
	*t = NullTime{T: v, Valid: true}
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
