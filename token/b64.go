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

// b64Tab[k][c] is the 6-bit value of c shifted into place k of a 4-char
// quantum (18, 12, 6, 0 bits), or b64Bad for characters outside the
// alphabet, so four lookups and three ORs decode and check a quantum.
var b64Tab = func() (t [4][256]uint32) {
	for k := range t {
		for c := range t[k] {
			t[k][c] = b64Bad
			if v := b64Map[c]; v != 0xFF {
				t[k][c] = uint32(v) << (18 - 6*k)
			}
		}
	}
	return t
}()

const b64Bad = 1 << 31

// b64DecodedLen is the decoded size of n canonical characters.
func b64DecodedLen(n int) int { return n/4*3 + (n%4*6)/8 }

// b64Decode decodes src into dst, which must have room for
// b64DecodedLen(len(src))+2 bytes. It returns the decoded bytes.
func b64Decode(dst, src []byte) ([]byte, bool) {
	if len(src)%4 == 1 || len(dst) < b64DecodedLen(len(src))+2 {
		return nil, false
	}
	m := &b64Map
	t0, t1, t2, t3 := &b64Tab[0], &b64Tab[1], &b64Tab[2], &b64Tab[3]
	di := 0
	// Eight characters make six bytes; write them with one 8-byte store,
	// which is why dst needs two spare bytes.
	for len(src) >= 8 && len(dst)-di >= 8 {
		x := t0[src[0]] | t1[src[1]] | t2[src[2]] | t3[src[3]]
		y := t0[src[4]] | t1[src[5]] | t2[src[6]] | t3[src[7]]
		if (x|y)&b64Bad != 0 {
			return nil, false
		}
		binary.BigEndian.PutUint64(dst[di:], uint64(x)<<40|uint64(y)<<16)
		di += 6
		src = src[8:]
	}
	for len(src) >= 4 {
		x := t0[src[0]] | t1[src[1]] | t2[src[2]] | t3[src[3]]
		if x&b64Bad != 0 {
			return nil, false
		}
		dst[di], dst[di+1], dst[di+2] = byte(x>>16), byte(x>>8), byte(x)
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
