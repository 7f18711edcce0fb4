package token

import (
	"strings"
	"unicode/utf8"
)

// header is the parsed JOSE header. The byte slices point into the state's
// scratch buffer and are valid until the state is reused.
type header struct {
	alg, typ, kid          []byte
	hasAlg, hasTyp, hasKid bool
}

var headerNames = []string{"alg", "typ", "kid", "crit"}

const (
	hAlg = iota
	hTyp
	hKid
	hCrit
)

func headerIndex(key []byte) int {
	switch string(key) {
	case "alg":
		return hAlg
	case "typ":
		return hTyp
	case "kid":
		return hKid
	case "crit":
		return hCrit
	}
	return -1
}

// parseHeader parses a decoded JOSE header. Unknown parameters are ignored
// (never acted upon: jku, x5u and jwk are not fetched or trusted), except
// crit, which we must reject because we understand no extensions.
func parseHeader(b []byte, scratch []byte) (header, error) {
	var h header
	if !utf8.Valid(b) {
		return h, errHeaderJSON
	}
	s := scanner{b: b}
	empty, ok := s.objectStart()
	if !ok {
		return h, errHeaderJSON
	}
	var seen uint8
	for !empty {
		key, ok := s.key(scratch)
		if !ok {
			return h, errHeaderJSON
		}
		idx := headerIndex(key)
		if idx < 0 && ambiguousKey(key, headerNames) {
			return h, errDuplicate
		}
		s.ws()
		if s.peek() != ':' {
			return h, errHeaderJSON
		}
		s.i++
		s.ws()
		if idx >= 0 {
			if seen&(1<<idx) != 0 {
				return h, errDuplicate
			}
			seen |= 1 << idx
		}
		switch idx {
		case hCrit:
			return h, errCrit
		case hAlg, hTyp, hKid:
			if s.peek() != '"' {
				if idx == hAlg {
					return h, errBadAlg
				}
				return h, errHeaderJSON
			}
			start := len(scratch)
			if scratch, ok = s.str(scratch, true); !ok {
				return h, errHeaderJSON
			}
			v := scratch[start:len(scratch):len(scratch)]
			switch idx {
			case hAlg:
				h.alg, h.hasAlg = v, true
			case hTyp:
				h.typ, h.hasTyp = v, true
			case hKid:
				h.kid, h.hasKid = v, true
			}
		default:
			if !s.skip(1) {
				return h, errHeaderJSON
			}
		}
		if empty, ok = s.next(); !ok {
			return h, errHeaderJSON
		}
	}
	if !s.end() {
		return h, errHeaderJSON
	}
	if !h.hasAlg {
		return h, errNoAlg
	}
	return h, nil
}

// typeAllowed applies the typ policy (see WithTypes).
func (c *config) typeAllowed(h *header) bool {
	if !h.hasTyp {
		return true
	}
	if c.allowTypes == nil {
		return strings.EqualFold(string(h.typ), "JWT")
	}
	for _, t := range c.allowTypes {
		if strings.EqualFold(string(h.typ), t) {
			return true
		}
	}
	return false
}
