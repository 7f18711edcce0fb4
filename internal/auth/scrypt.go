// The scrypt core below is golang.org/x/crypto/scrypt's (Copyright 2012
// The Go Authors, BSD-style licence, see that module's LICENSE file),
// specialised to Better Auth's parameters and changed in one way: the
// 32 MiB working buffer comes from a free list of buffers mapped outside
// the Go heap (scryptbuf.go) instead of a fresh heap allocation, so that a
// server under a sign-in flood holds one buffer per running hash instead
// of a heap of finished hashes' garbage waiting for the GC, and the GC's
// pacing sees only the small heap of ordinary requests.

package auth

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
)

// scryptBlockWords is the size of one scrypt block (128*r bytes) in uint32s.
const scryptBlockWords = 32 * ScryptR

// scryptDerive is scrypt(password, salt, ScryptN, ScryptR, ScryptP,
// ScryptKeyLen), the same bytes as x/crypto/scrypt.Key with those
// parameters.
func scryptDerive(password string, salt []byte) ([]byte, error) {
	b, err := pbkdf2.Key(sha256.New, password, salt, 1, ScryptP*4*scryptBlockWords)
	if err != nil {
		return nil, err
	}
	buf := getScryptBuf()
	v, xy := buf.words[:scryptBlockWords*ScryptN], buf.words[scryptBlockWords*ScryptN:]
	for i := range ScryptP {
		smix(b[i*4*scryptBlockWords:], v, xy)
	}
	putScryptBuf(buf)
	return pbkdf2.Key(sha256.New, password, b, 1, ScryptKeyLen)
}

// smix is scrypt's ROMix over one block b, with V in v and X, Y in xy.
func smix(b []byte, v, xy []uint32) {
	const R = scryptBlockWords
	var tmp [16]uint32
	x := xy[:R]
	y := xy[R : 2*R]
	for i := range x {
		x[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	for i := 0; i < ScryptN; i += 2 {
		copy(v[i*R:], x)
		blockMix(&tmp, x, y)
		copy(v[(i+1)*R:], y)
		blockMix(&tmp, y, x)
	}
	for i := 0; i < ScryptN; i += 2 {
		j := int(integerify(x) & (ScryptN - 1))
		blockXOR(x, v[j*R:j*R+R])
		blockMix(&tmp, x, y)
		j = int(integerify(y) & (ScryptN - 1))
		blockXOR(y, v[j*R:j*R+R])
		blockMix(&tmp, y, x)
	}
	for i, w := range x {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
}

func blockXOR(dst, src []uint32) {
	for i, w := range src {
		dst[i] ^= w
	}
}

func integerify(b []uint32) uint64 {
	j := (2*ScryptR - 1) * 16
	return uint64(b[j]) | uint64(b[j+1])<<32
}

func blockMix(tmp *[16]uint32, in, out []uint32) {
	copy(tmp[:], in[(2*ScryptR-1)*16:])
	for i := 0; i < 2*ScryptR; i += 2 {
		salsaXOR(tmp, in[i*16:], out[i*8:])
		salsaXOR(tmp, in[i*16+16:], out[i*8+ScryptR*16:])
	}
}

// salsaXOR applies Salsa20/8 to the XOR of 16 numbers from tmp and in,
// and puts the result into both tmp and out.
func salsaXOR(tmp *[16]uint32, in, out []uint32) {
	in = in[:16]
	out = out[:16]
	w0, w1, w2, w3 := tmp[0]^in[0], tmp[1]^in[1], tmp[2]^in[2], tmp[3]^in[3]
	w4, w5, w6, w7 := tmp[4]^in[4], tmp[5]^in[5], tmp[6]^in[6], tmp[7]^in[7]
	w8, w9, w10, w11 := tmp[8]^in[8], tmp[9]^in[9], tmp[10]^in[10], tmp[11]^in[11]
	w12, w13, w14, w15 := tmp[12]^in[12], tmp[13]^in[13], tmp[14]^in[14], tmp[15]^in[15]

	x0, x1, x2, x3, x4, x5, x6, x7 := w0, w1, w2, w3, w4, w5, w6, w7
	x8, x9, x10, x11, x12, x13, x14, x15 := w8, w9, w10, w11, w12, w13, w14, w15

	for i := 0; i < 8; i += 2 {
		x4 ^= bits.RotateLeft32(x0+x12, 7)
		x8 ^= bits.RotateLeft32(x4+x0, 9)
		x12 ^= bits.RotateLeft32(x8+x4, 13)
		x0 ^= bits.RotateLeft32(x12+x8, 18)

		x9 ^= bits.RotateLeft32(x5+x1, 7)
		x13 ^= bits.RotateLeft32(x9+x5, 9)
		x1 ^= bits.RotateLeft32(x13+x9, 13)
		x5 ^= bits.RotateLeft32(x1+x13, 18)

		x14 ^= bits.RotateLeft32(x10+x6, 7)
		x2 ^= bits.RotateLeft32(x14+x10, 9)
		x6 ^= bits.RotateLeft32(x2+x14, 13)
		x10 ^= bits.RotateLeft32(x6+x2, 18)

		x3 ^= bits.RotateLeft32(x15+x11, 7)
		x7 ^= bits.RotateLeft32(x3+x15, 9)
		x11 ^= bits.RotateLeft32(x7+x3, 13)
		x15 ^= bits.RotateLeft32(x11+x7, 18)

		x1 ^= bits.RotateLeft32(x0+x3, 7)
		x2 ^= bits.RotateLeft32(x1+x0, 9)
		x3 ^= bits.RotateLeft32(x2+x1, 13)
		x0 ^= bits.RotateLeft32(x3+x2, 18)

		x6 ^= bits.RotateLeft32(x5+x4, 7)
		x7 ^= bits.RotateLeft32(x6+x5, 9)
		x4 ^= bits.RotateLeft32(x7+x6, 13)
		x5 ^= bits.RotateLeft32(x4+x7, 18)

		x11 ^= bits.RotateLeft32(x10+x9, 7)
		x8 ^= bits.RotateLeft32(x11+x10, 9)
		x9 ^= bits.RotateLeft32(x8+x11, 13)
		x10 ^= bits.RotateLeft32(x9+x8, 18)

		x12 ^= bits.RotateLeft32(x15+x14, 7)
		x13 ^= bits.RotateLeft32(x12+x15, 9)
		x14 ^= bits.RotateLeft32(x13+x12, 13)
		x15 ^= bits.RotateLeft32(x14+x13, 18)
	}
	x0 += w0
	x1 += w1
	x2 += w2
	x3 += w3
	x4 += w4
	x5 += w5
	x6 += w6
	x7 += w7
	x8 += w8
	x9 += w9
	x10 += w10
	x11 += w11
	x12 += w12
	x13 += w13
	x14 += w14
	x15 += w15

	out[0], tmp[0] = x0, x0
	out[1], tmp[1] = x1, x1
	out[2], tmp[2] = x2, x2
	out[3], tmp[3] = x3, x3
	out[4], tmp[4] = x4, x4
	out[5], tmp[5] = x5, x5
	out[6], tmp[6] = x6, x6
	out[7], tmp[7] = x7, x7
	out[8], tmp[8] = x8, x8
	out[9], tmp[9] = x9, x9
	out[10], tmp[10] = x10, x10
	out[11], tmp[11] = x11, x11
	out[12], tmp[12] = x12, x12
	out[13], tmp[13] = x13, x13
	out[14], tmp[14] = x14, x14
	out[15], tmp[15] = x15, x15
}
