package token

import (
	"time"
	"unicode/utf8"
)

// Claims are the claims of a verified token, or the claims to put in a new
// one. Times are whole seconds in UTC; a zero time means the claim is absent.
type Claims struct {
	// Subject is the sub claim: the user id. A token may carry it as a
	// JSON string or as a non-negative JSON integer (FastAPI examples
	// write "sub": 123); it is always exposed, and written, as a string.
	Subject string
	// Email is the email claim, if any.
	Email string
	// SessionID is the sid claim: the id of the session the token was
	// issued for, if any.
	SessionID string
	// Issuer is the iss claim, if any.
	Issuer string
	// Audience is the aud claim (a JSON string or array), if any.
	Audience []string
	// IssuedAt is the iat claim.
	IssuedAt time.Time
	// ExpiresAt is the exp claim. Verification requires it.
	ExpiresAt time.Time
	// NotBefore is the nbf claim.
	NotBefore time.Time
}

var claimNames = []string{"sub", "email", "sid", "iss", "aud", "exp", "nbf", "iat"}

const (
	cSub = iota
	cEmail
	cSid
	cIss
	cAud
	cExp
	cNbf
	cIat
)

func claimIndex(key []byte) int {
	switch len(key) {
	case 3:
		switch uint32(key[0])<<16 | uint32(key[1])<<8 | uint32(key[2]) {
		case 's'<<16 | 'u'<<8 | 'b':
			return cSub
		case 's'<<16 | 'i'<<8 | 'd':
			return cSid
		case 'i'<<16 | 's'<<8 | 's':
			return cIss
		case 'a'<<16 | 'u'<<8 | 'd':
			return cAud
		case 'e'<<16 | 'x'<<8 | 'p':
			return cExp
		case 'n'<<16 | 'b'<<8 | 'f':
			return cNbf
		case 'i'<<16 | 'a'<<8 | 't':
			return cIat
		}
	case 5:
		if string(key) == "email" {
			return cEmail
		}
	}
	return -1
}

// maxAudience bounds the number of aud values we keep.
const maxAudience = 16

type span struct{ lo, hi int32 }

// rawClaims is the result of scanning a payload. Strings are spans of the
// scratch buffer, so that all of them become one allocation at the end.
type rawClaims struct {
	str       [4]span // sub, email, sid, iss (indexes cSub..cIss)
	aud       [maxAudience]span
	nAud      int
	exp       int64
	nbf, iat  int64
	seen      uint16
	audString bool
}

func (r *rawClaims) has(i int) bool { return r.seen&(1<<i) != 0 }

// parseClaims scans a decoded payload into r, appending string values to
// scratch, and returns the grown scratch.
func parseClaims(b []byte, scratch []byte, r *rawClaims) ([]byte, error) {
	if !utf8.Valid(b) {
		return scratch, errClaimsJSON
	}
	s := scanner{b: b}
	empty, ok := s.objectStart()
	if !ok {
		return scratch, errClaimsJSON
	}
	for !empty {
		key, ok := s.key(scratch)
		if !ok {
			return scratch, errClaimsJSON
		}
		idx := claimIndex(key)
		if idx < 0 && ambiguousKey(key, claimNames) {
			return scratch, errDuplicate
		}
		s.ws()
		if s.peek() != ':' {
			return scratch, errClaimsJSON
		}
		s.i++
		s.ws()
		if idx >= 0 {
			if r.seen&(1<<idx|1<<(idx+8)) != 0 {
				return scratch, errDuplicate
			}
			r.seen |= 1 << idx
		}
		var err error
		switch idx {
		case cSub:
			scratch, err = r.parseSub(&s, scratch)
		case cEmail, cSid, cIss:
			scratch, err = r.parseString(&s, scratch, idx)
		case cAud:
			scratch, err = r.parseAud(&s, scratch)
		case cExp, cNbf, cIat:
			err = r.parseTime(&s, idx)
		default:
			if !s.skip(1) {
				err = errClaimsJSON
			}
		}
		if err != nil {
			return scratch, err
		}
		if empty, ok = s.next(); !ok {
			return scratch, errClaimsJSON
		}
	}
	if !s.end() {
		return scratch, errClaimsJSON
	}
	return scratch, nil
}

func (r *rawClaims) parseSub(s *scanner, scratch []byte) ([]byte, error) {
	start := len(scratch)
	switch c := s.peek(); {
	case c == '"':
		var ok bool
		if scratch, ok = s.str(scratch, true); !ok {
			return scratch, errClaimsJSON
		}
	case c >= '0' && c <= '9':
		lit, frac, exp, ok := s.number()
		if !ok {
			return scratch, errClaimsJSON
		}
		// An exact non-negative integer that fits in int64.
		if frac || exp || len(lit) > 19 || (len(lit) == 19 && string(lit) > "9223372036854775807") {
			return scratch, errSubType
		}
		scratch = append(scratch, lit...)
	case c == '-' || c == 't' || c == 'f' || c == 'n' || c == '[' || c == '{':
		return scratch, errSubType
	default:
		return scratch, errClaimsJSON
	}
	if len(scratch) == start {
		return scratch, errNoSub
	}
	r.str[cSub] = span{int32(start), int32(len(scratch))}
	return scratch, nil
}

func (r *rawClaims) parseString(s *scanner, scratch []byte, idx int) ([]byte, error) {
	switch s.peek() {
	case '"':
	case 'n':
		// null: treat the optional claim as absent.
		if !s.literal("null") {
			return scratch, errClaimsJSON
		}
		r.seen &^= 1 << idx
		r.seen |= 1 << (idx + 8) // still counts for duplicate detection
		return scratch, nil
	default:
		if !s.skip(1) {
			return scratch, errClaimsJSON
		}
		return scratch, errStrType
	}
	start := len(scratch)
	scratch, ok := s.str(scratch, true)
	if !ok {
		return scratch, errClaimsJSON
	}
	r.str[idx] = span{int32(start), int32(len(scratch))}
	return scratch, nil
}

func (r *rawClaims) parseAud(s *scanner, scratch []byte) ([]byte, error) {
	switch s.peek() {
	case '"':
		start := len(scratch)
		var ok bool
		if scratch, ok = s.str(scratch, true); !ok {
			return scratch, errClaimsJSON
		}
		r.aud[0] = span{int32(start), int32(len(scratch))}
		r.nAud, r.audString = 1, true
		return scratch, nil
	case '[':
	default:
		if !s.skip(1) {
			return scratch, errClaimsJSON
		}
		return scratch, errAudType
	}
	s.i++
	s.ws()
	if s.peek() == ']' {
		s.i++
		return scratch, nil
	}
	for {
		if s.peek() != '"' {
			if !s.skip(1) {
				return scratch, errClaimsJSON
			}
			return scratch, errAudType
		}
		if r.nAud == maxAudience {
			return scratch, errAudType
		}
		start := len(scratch)
		var ok bool
		if scratch, ok = s.str(scratch, true); !ok {
			return scratch, errClaimsJSON
		}
		r.aud[r.nAud] = span{int32(start), int32(len(scratch))}
		r.nAud++
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
			s.ws()
		case ']':
			s.i++
			return scratch, nil
		default:
			return scratch, errClaimsJSON
		}
	}
}

// claims builds the exported Claims with one allocation for all strings
// and one for the audience slice (when there is an audience).
func (r *rawClaims) claims(scratch []byte) Claims {
	blob := string(scratch)
	get := func(i int) string {
		if !r.has(i) {
			return ""
		}
		return blob[r.str[i].lo:r.str[i].hi]
	}
	c := Claims{
		Subject:   get(cSub),
		Email:     get(cEmail),
		SessionID: get(cSid),
		Issuer:    get(cIss),
		ExpiresAt: time.Unix(r.exp, 0).UTC(),
	}
	if r.nAud > 0 {
		c.Audience = make([]string, r.nAud)
		for i, a := range r.aud[:r.nAud] {
			c.Audience[i] = blob[a.lo:a.hi]
		}
	}
	if r.has(cIat) {
		c.IssuedAt = time.Unix(r.iat, 0).UTC()
	}
	if r.has(cNbf) {
		c.NotBefore = time.Unix(r.nbf, 0).UTC()
	}
	return c
}
