package token

import "time"

// This file holds the NumericDate parser and the claim rules applied after
// a payload has been scanned (see parseClaims in claims.go).

// maxNumericDate is 9999-12-31T23:59:59Z.
const maxNumericDate = 253402300799

// parseTime reads a NumericDate: a non-negative JSON number with an
// optional fraction and no exponent. A fraction makes exp round down and
// nbf/iat round up, which is never more permissive.
func (r *rawClaims) parseTime(s *scanner, idx int) error {
	c := s.peek()
	if c == 'n' && idx != cExp {
		if !s.literal("null") {
			return errClaimsJSON
		}
		r.seen &^= 1 << idx
		r.seen |= 1 << (idx + 8)
		return nil
	}
	if !(c >= '0' && c <= '9') {
		if !s.skip(1) {
			return errClaimsJSON
		}
		return errTimeType
	}
	// One pass: accumulate the integer part while checking the grammar
	// (no leading zeros; a fraction needs digits; no exponent).
	b, i := s.b, s.i
	var v int64
	if b[i] == '0' {
		i++
	} else {
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if v <= maxNumericDate {
				v = v*10 + int64(b[i]-'0')
			}
		}
	}
	nonzeroFrac := false
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			nonzeroFrac = nonzeroFrac || b[i] != '0'
		}
		if i == d {
			return errClaimsJSON
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		return errTimeType
	}
	if v > maxNumericDate {
		return errTimeType
	}
	s.i = i
	switch idx {
	case cExp:
		r.exp = v // rounds down
	case cNbf, cIat:
		if nonzeroFrac {
			v++
		}
		if idx == cNbf {
			r.nbf = v
		} else {
			r.iat = v
		}
	}
	return nil
}

// check applies the time, issuer and audience rules to scanned claims.
func (c *config) check(r *rawClaims, scratch []byte) error {
	if !r.has(cExp) {
		return errNoExp
	}
	if !r.has(cSub) {
		return errNoSub
	}
	now := c.now()
	if !now.Before(time.Unix(r.exp, 0).Add(c.leeway)) {
		return ErrExpired
	}
	late := now.Add(c.leeway)
	if r.has(cNbf) && late.Before(time.Unix(r.nbf, 0)) {
		return ErrNotYetValid
	}
	if r.has(cIat) && late.Before(time.Unix(r.iat, 0)) {
		return errFutureIat
	}
	if c.reqIssuer != nil {
		if !r.has(cIss) || !contains(c.reqIssuer, scratch[r.str[cIss].lo:r.str[cIss].hi]) {
			return errIssuer
		}
	}
	if c.reqAud != nil {
		found := false
		for _, a := range r.aud[:r.nAud] {
			if contains(c.reqAud, scratch[a.lo:a.hi]) {
				found = true
				break
			}
		}
		if !found {
			return errAudience
		}
	}
	return nil
}

func contains(list []string, v []byte) bool {
	for _, s := range list {
		if s == string(v) {
			return true
		}
	}
	return false
}
