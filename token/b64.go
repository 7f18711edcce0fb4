package token

import "encoding/binary"

// This file holds a strict, unpadded base64url decoder (RFC 4648 §5,
// RFC 7515 §2). It accepts only canonical input: no padding, no line breaks
// or other characters outside the URL-safe alphabet, no length ≡ 1 (mod 4),
// and zero trailing bits in the last character. It is several times faster
// than encoding/base64, which matters because every request decodes a
// token; FuzzBase64 checks it against encoding/base64's strict decoder.

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// b64Map maps a character to its 6-bit value, or 0xFF when invalid.
var b64Map = func() (m [256]byte) {
	for i := range m {
		m[i] = 0xFF
	}
	for i := 0; i < len(b64Alphabet); i++ {
		m[b64Alphabet[i]] = byte(i)
	}
	return m
}()

// b64DecodedLen is the decoded size of n canonical characters.
func b64DecodedLen(n int) int { return n/4*3 + (n%4*6)/8 }

// b64Decode decodes src into dst, which must have room for
// b64DecodedLen(len(src))+2 bytes. It returns the decoded bytes.
func b64Decode(dst, src []byte) ([]byte, bool) {
	if len(src)%4 == 1 || len(dst) < b64DecodedLen(len(src))+2 {
		return nil, false
	}
	m := &b64Map
	di := 0
	// Eight characters make six bytes; write them with one 8-byte store,
	// which is why dst needs two spare bytes.
	for len(src) >= 8 {
		a, b, c, d := m[src[0]], m[src[1]], m[src[2]], m[src[3]]
		e, f, g, h := m[src[4]], m[src[5]], m[src[6]], m[src[7]]
		if (a|b|c|d|e|f|g|h)&0xC0 != 0 {
			return nil, false
		}
		v := uint64(a)<<58 | uint64(b)<<52 | uint64(c)<<46 | uint64(d)<<40 |
			uint64(e)<<34 | uint64(f)<<28 | uint64(g)<<22 | uint64(h)<<16
		binary.BigEndian.PutUint64(dst[di:], v)
		di += 6
		src = src[8:]
	}
	for len(src) >= 4 {
		a, b, c, d := m[src[0]], m[src[1]], m[src[2]], m[src[3]]
		if (a|b|c|d)&0xC0 != 0 {
			return nil, false
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		dst[di], dst[di+1], dst[di+2] = byte(v>>16), byte(v>>8), byte(v)
		di += 3
		src = src[4:]
	}
	switch len(src) {
	case 2:
		a, b := m[src[0]], m[src[1]]
		if (a|b)&0xC0 != 0 || b&0x0F != 0 {
			return nil, false
		}
		dst[di] = a<<2 | b>>4
		di++
	case 3:
		a, b, c := m[src[0]], m[src[1]], m[src[2]]
		if (a|b|c)&0xC0 != 0 || c&0x03 != 0 {
			return nil, false
		}
		dst[di], dst[di+1] = a<<2|b>>4, b<<4|c>>2
		di += 2
	}
	return dst[:di], true
}
