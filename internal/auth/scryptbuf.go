package auth

import "sync"

// scryptBufWords is the size of a scrypt working buffer in uint32s: V
// (ScryptN blocks) followed by X and Y (two blocks), 32 MiB in all.
const scryptBufWords = scryptBlockWords * (ScryptN + 2)

// maxIdleScryptBufs is how many working buffers stay mapped between
// hashes; more are unmapped when released. Two cover the hash slots of a
// small machine, so a steady stream of sign-ins maps nothing new, and an
// idle server keeps at most 64 MiB.
const maxIdleScryptBufs = 2

// scryptBufs is the free list of working buffers. They live outside the
// Go heap where the platform allows (see scryptbuf_mmap.go): a 32 MiB
// buffer on the heap would count as live memory in the garbage
// collector's pacing and let the heap of ordinary garbage grow by as much
// (times GOGC/100) before the next collection.
var scryptBufs struct {
	mu   sync.Mutex
	idle []scryptBuf
}

// scryptBuf is a working buffer and whether it is a mapping (to unmap)
// or on the heap (left to the garbage collector).
type scryptBuf struct {
	words  []uint32
	mapped bool
}

// getScryptBuf returns a working buffer (its contents are arbitrary:
// smix writes every word before reading it).
func getScryptBuf() scryptBuf {
	scryptBufs.mu.Lock()
	if n := len(scryptBufs.idle); n > 0 {
		b := scryptBufs.idle[n-1]
		scryptBufs.idle = scryptBufs.idle[:n-1]
		scryptBufs.mu.Unlock()
		return b
	}
	scryptBufs.mu.Unlock()
	return allocScryptBuf()
}

// putScryptBuf gives a buffer back: kept for the next hash, or released.
func putScryptBuf(b scryptBuf) {
	scryptBufs.mu.Lock()
	if len(scryptBufs.idle) < maxIdleScryptBufs {
		scryptBufs.idle = append(scryptBufs.idle, b)
		scryptBufs.mu.Unlock()
		return
	}
	scryptBufs.mu.Unlock()
	if b.mapped {
		unmapScryptBuf(b.words)
	}
}
