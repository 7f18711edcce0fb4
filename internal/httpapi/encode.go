package httpapi

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/latchhq/latch"
)

// The task answers are the hot path of the API: they are written by hand
// rather than through encoding/json's reflection, byte for byte as
// json.Marshal writes Task (encode_test.go checks this), with
// Content-Length.

// writeTasks writes a JSON array of tasks.
func writeTasks(w http.ResponseWriter, status int, ts []latch.Task) {
	buf := getBuf()
	defer putBuf(buf)
	b := slices.Grow((*buf)[:0], 64+len(ts)*256)
	b = append(b, '[')
	for i := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTask(b, &ts[i])
	}
	b = append(b, ']', '\n')
	writeBody(w, status, b)
	*buf = b
}

// bufs holds answer buffers: ResponseWriter.Write copies the body, so a
// buffer is free again once it returns. Buffers over maxPooledBuf are left
// to the garbage collector, so one huge page does not stay pinned.
var bufs = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

const maxPooledBuf = 64 << 10

func getBuf() *[]byte { return bufs.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) <= maxPooledBuf {
		bufs.Put(b)
	}
}

// writeTask writes one task.
func writeTask(w http.ResponseWriter, status int, t *latch.Task) {
	b := appendTask(make([]byte, 0, 320), t)
	writeBody(w, status, append(b, '\n'))
}

// writeBody sends a JSON body with its length.
func writeBody(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func appendTask(b []byte, t *latch.Task) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, t.ID, 10)
	b = append(b, `,"user_id":`...)
	b = appendString(b, t.UserID)
	b = append(b, `,"title":`...)
	b = appendString(b, t.Title)
	b = append(b, `,"description":`...)
	b = appendString(b, t.Description)
	b = append(b, `,"completed":`...)
	b = strconv.AppendBool(b, t.Completed)
	b = append(b, `,"created_at":`...)
	b = appendTimestamp(b, t.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = appendTimestamp(b, t.UpdatedAt)
	return append(b, '}')
}

// appendTimestamp writes t in TimestampLayout, quoted. Years 0–9999 are
// written from the Unix time with integer civil-date arithmetic (cheaper
// than t.Date and t.Clock, which each redo the calendar); others through
// AppendFormat.
func appendTimestamp(b []byte, t time.Time) []byte {
	sec := t.Unix()
	if sec < minYear0 || sec >= maxYear9999 {
		b = append(b, '"')
		b = t.UTC().AppendFormat(b, TimestampLayout)
		return append(b, '"')
	}
	days, rem := sec/86400, sec%86400
	if rem < 0 {
		days, rem = days-1, rem+86400
	}
	y, m, d := civil(days)
	b = append(b, '"')
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, int(rem/3600))
	b = append(b, ':')
	b = append2(b, int(rem/60%60))
	b = append(b, ':')
	b = append2(b, int(rem%60))
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/1e6, 3)
	return append(b, 'Z', '"')
}

// The Unix times of 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z.
const (
	minYear0    = -62167219200
	maxYear9999 = 253402300800
)

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's days_from_civil inverse).
func civil(days int64) (y, m, d int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

func append2(b []byte, v int) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

func appendDigits(b []byte, v, n int) []byte {
	var buf [4]byte
	for i := n - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, buf[:n]...)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does:
// HTML-sensitive characters, control characters, U+2028 and U+2029
// escaped, invalid UTF-8 replaced with U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
