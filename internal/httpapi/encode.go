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

// appendTimestamp writes t in TimestampLayout, quoted.
func appendTimestamp(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		b = append(b, '"')
		b = t.AppendFormat(b, TimestampLayout)
		return append(b, '"')
	}
	h, mi, s := t.Clock()
	b = append(b, '"')
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	b = appendDigits(b, int(mo), 2)
	b = append(b, '-')
	b = appendDigits(b, d, 2)
	b = append(b, 'T')
	b = appendDigits(b, h, 2)
	b = append(b, ':')
	b = appendDigits(b, mi, 2)
	b = append(b, ':')
	b = appendDigits(b, s, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/1e6, 3)
	return append(b, 'Z', '"')
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
