package token

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds a small, allocation-free JSON scanner for JWT headers and
// payloads. It accepts exactly RFC 8259 JSON (no trailing commas, no
// comments, no leading zeros, no lone surrogates; the caller checks UTF-8
// validity of the whole document first). Values the caller does not need are
// validated and skipped; nesting is capped at maxDepth.

const maxDepth = 32

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return // the common case, kept small enough to inline
	}
	s.wsSlow()
}

func (s *scanner) wsSlow() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// key scans an object key. Keys without escapes are returned in place;
// others are unescaped into scratch (the returned key then aliases
// scratch[len(scratch):], which the caller must not keep).
func (s *scanner) key(scratch []byte) ([]byte, bool) {
	b := s.b
	if s.i < len(b) && b[s.i] == '"' {
		i := s.i + 1
		if end := special(b, i); end < len(b) && b[end] == '"' {
			s.i = end + 1
			return b[i:end], true
		}
	}
	mark := len(scratch)
	k, ok := s.str(scratch, true)
	return k[mark:], ok
}

// str scans the string at s.i. When keep is true the unescaped value is
// appended to dst and returned; otherwise dst is returned unchanged.
func (s *scanner) str(dst []byte, keep bool) ([]byte, bool) {
	b := s.b
	if s.i >= len(b) || b[s.i] != '"' {
		return dst, false
	}
	i := s.i + 1
	// Fast path: the string has no escape.
	if end := special(b, i); end < len(b) && b[end] == '"' {
		if keep {
			dst = append(dst, b[i:end]...)
		}
		s.i = end + 1
		return dst, true
	}
	for {
		start := i
		for i < len(b) {
			c := b[i]
			if c == '"' || c == '\\' || c < 0x20 {
				break
			}
			i++
		}
		if keep {
			dst = append(dst, b[start:i]...)
		}
		if i >= len(b) || b[i] < 0x20 {
			return dst, false
		}
		if b[i] == '"' {
			s.i = i + 1
			return dst, true
		}
		// Backslash escape.
		i++
		if i >= len(b) {
			return dst, false
		}
		var r rune
		switch b[i] {
		case '"', '\\', '/':
			r = rune(b[i])
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'n':
			r = '\n'
		case 'r':
			r = '\r'
		case 't':
			r = '\t'
		case 'u':
			var ok bool
			if r, ok = hex4(b, i+1); !ok {
				return dst, false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				// Only a high surrogate followed by an escaped low
				// surrogate is acceptable.
				if r >= 0xDC00 || i+6 >= len(b) || b[i+1] != '\\' || b[i+2] != 'u' {
					return dst, false
				}
				r2, ok := hex4(b, i+3)
				if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
					return dst, false
				}
				r = utf16.DecodeRune(r, r2)
				i += 6
			}
		default:
			return dst, false
		}
		i++
		if keep {
			dst = utf8.AppendRune(dst, r)
		}
	}
}

// special returns the index of the first byte at or after i that is a
// quote, a backslash or a control character, or len(b). It looks at eight
// bytes at a time with the exact "has zero byte" / "has byte less than" bit
// tricks; the lowest flagged byte is always a real match.
func special(b []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ (ones * '"')
		e := x ^ (ones * '\\')
		m := ((q - ones) &^ q) | ((e - ones) &^ e) | ((x - ones*0x20) &^ x)
		if m &= highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number scans a JSON number and returns its literal bytes and whether it
// has a fraction or an exponent part.
func (s *scanner) number() (lit []byte, frac, exp, ok bool) {
	b, i := s.b, s.i
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return nil, false, false, false
	}
	if i < len(b) && b[i] == '.' {
		frac = true
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return nil, false, false, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		exp = true
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return nil, false, false, false
		}
	}
	s.i = i
	return b[start:i], frac, exp, true
}

func (s *scanner) literal(word string) bool {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// skip validates and skips one value of any type.
func (s *scanner) skip(depth int) bool {
	switch c := s.peek(); {
	case c == '"':
		_, ok := s.str(nil, false)
		return ok
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return false
		}
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		s.i++
		s.ws()
		if s.peek() == closer {
			s.i++
			return true
		}
		for {
			if c == '{' {
				if _, ok := s.str(nil, false); !ok {
					return false
				}
				s.ws()
				if s.peek() != ':' {
					return false
				}
				s.i++
				s.ws()
			}
			if !s.skip(depth + 1) {
				return false
			}
			s.ws()
			switch s.peek() {
			case ',':
				s.i++
				s.ws()
			case closer:
				s.i++
				return true
			default:
				return false
			}
		}
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, _, _, ok := s.number()
		return ok
	}
	return false
}

// objectStart consumes optional whitespace and the opening brace of the
// top-level object. It reports whether the object is empty (and consumed).
func (s *scanner) objectStart() (empty, ok bool) {
	s.ws()
	if s.peek() != '{' {
		return false, false
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
		return true, true
	}
	return false, true
}

// next consumes the separator after a member value: it reports done when
// the object closed.
func (s *scanner) next() (done, ok bool) {
	s.ws()
	switch s.peek() {
	case ',':
		s.i++
		s.ws()
		return false, true
	case '}':
		s.i++
		return true, true
	}
	return false, false
}

// end reports whether only whitespace remains.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// ambiguousKey reports whether key, which is not exactly one of names,
// equals one of them under Unicode case folding, which is how encoding/json
// matches struct fields. Such keys are rejected so that no other JSON reader
// can see a different value for a claim than we do.
func ambiguousKey(key []byte, names []string) bool {
	if len(key) == 0 || len(key) > 3*maxNameLen {
		return false
	}
	if c := key[0] | 0x20; key[0] < utf8.RuneSelf && c != 'a' && c != 'c' && c != 'e' && c != 'i' && c != 'k' && c != 'n' && c != 's' && c != 't' {
		return false // cannot fold to any name we look for
	}
	for _, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}

// maxNameLen is the longest header or claim name we look up ("email").
const maxNameLen = 5
