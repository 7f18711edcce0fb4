//go:build !(linux || darwin || freebsd)

package auth

// allocScryptBuf allocates a working buffer on the heap (platforms without
// the anonymous mappings of scryptbuf_mmap.go).
func allocScryptBuf() scryptBuf { return scryptBuf{words: make([]uint32, scryptBufWords)} }

// unmapScryptBuf is never called here: no buffer is mapped.
func unmapScryptBuf([]uint32) {}
