//go:build linux || darwin || freebsd

package auth

import (
	"syscall"
	"unsafe"
)

// allocScryptBuf maps an anonymous private region for a working buffer:
// outside the Go heap, page-aligned, and given back to the system at once
// by unmapScryptBuf. If the mapping fails it falls back to the heap.
func allocScryptBuf() scryptBuf {
	p, err := syscall.Mmap(-1, 0, scryptBufWords*4, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return scryptBuf{words: make([]uint32, scryptBufWords)}
	}
	return scryptBuf{words: wordsOf(p), mapped: true}
}

// unmapScryptBuf unmaps a mapped buffer of allocScryptBuf.
func unmapScryptBuf(w []uint32) {
	_ = syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w))), len(w)*4))
}

// wordsOf views a byte buffer as uint32s (its length a multiple of 4).
func wordsOf(p []byte) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(p))), len(p)/4)
}
