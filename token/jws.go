package token

import (
	"bytes"
	"hash"
)

// maxCachedHeader is the longest encoded header a state remembers.
const maxCachedHeader = 256

// state holds every buffer one verification needs. States are pooled, so a
// verification allocates only the strings it returns.
type state struct {
	macs    []hash.Hash // HS256 only: one keyed HMAC per secret
	in      [MaxTokenSize]byte
	hdr     [MaxTokenSize/4*3 + 2]byte
	hdrStr  [MaxTokenSize]byte
	pay     [MaxTokenSize/4*3 + 2]byte
	scratch [MaxTokenSize]byte
	sig     [1024 + 2]byte // up to RSA-8192
	sum     [64]byte

	// The last header that parsed, encoded and parsed: tokens from one
	// issuer almost always share it, so we skip decoding it again.
	lastSeg [maxCachedHeader]byte
	lastLen int
	lastH   header
}

// jws is a split compact JWS whose header has been parsed. Slices point
// into the state.
type jws struct {
	h            header
	signingInput []byte
	payloadSeg   []byte
	sig          []byte
}

// split checks the size and shape of tok, decodes its header and signature,
// and leaves the payload encoded (it is decoded only after the signature
// has been verified).
func (st *state) split(tok string) (jws, error) {
	var j jws
	if len(tok) > MaxTokenSize {
		return j, ErrTooLarge
	}
	in := st.in[:copy(st.in[:], tok)]
	d1 := bytes.IndexByte(in, '.')
	if d1 <= 0 {
		return j, errSegments
	}
	d2 := bytes.IndexByte(in[d1+1:], '.')
	if d2 < 0 {
		return j, errSegments
	}
	d2 += d1 + 1
	if d2 == d1+1 || d2 == len(in)-1 || bytes.IndexByte(in[d2+1:], '.') >= 0 {
		return j, errSegments
	}
	if err := st.header(in[:d1], &j.h); err != nil {
		return j, err
	}
	sigSeg := in[d2+1:]
	if b64DecodedLen(len(sigSeg))+2 > len(st.sig) {
		return j, errSigLen
	}
	var ok bool
	if j.sig, ok = b64Decode(st.sig[:], sigSeg); !ok {
		return j, errBase64
	}
	j.signingInput = in[:d2]
	j.payloadSeg = in[d1+1 : d2]
	return j, nil
}

// header decodes and parses the header segment, or reuses the state's
// last result when the segment is byte-for-byte the same.
func (st *state) header(seg []byte, h *header) error {
	if st.lastLen > 0 && bytes.Equal(seg, st.lastSeg[:st.lastLen]) {
		*h = st.lastH
		return nil
	}
	hb, ok := b64Decode(st.hdr[:], seg)
	if !ok {
		return errBase64
	}
	st.lastLen = 0
	var err error
	if *h, err = parseHeader(hb, st.hdrStr[:0]); err != nil {
		return err
	}
	if len(seg) <= maxCachedHeader {
		st.lastLen = copy(st.lastSeg[:], seg)
		st.lastH = *h
	}
	return nil
}

// claims decodes and checks the payload of a token whose signature has
// been verified.
func (st *state) claims(j *jws, c *config) (Claims, error) {
	pb, ok := b64Decode(st.pay[:], j.payloadSeg)
	if !ok {
		return Claims{}, errBase64
	}
	var r rawClaims
	scratch, err := parseClaims(pb, st.scratch[:0], &r)
	if err != nil {
		return Claims{}, err
	}
	if err := c.check(&r, scratch); err != nil {
		return Claims{}, err
	}
	return r.claims(scratch), nil
}
