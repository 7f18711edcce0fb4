package auth

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"golang.org/x/crypto/scrypt"
)

// TestScryptMatchesXCrypto checks the pooled scrypt against
// golang.org/x/crypto/scrypt on varied passwords and salts, including a
// second use of a pooled buffer that still holds the previous hash's
// state.
func TestScryptMatchesXCrypto(t *testing.T) {
	cases := []struct{ password, salt string }{
		{"", ""},
		{"password123", "0123456789abcdef0123456789abcdef"},
		{"pässwörd ✓ with a long tail " + string(bytes.Repeat([]byte("x"), 200)), "salt"},
		{"password123", "0123456789abcdef0123456789abcdee"},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			want, err := scrypt.Key([]byte(c.password), []byte(c.salt), ScryptN, ScryptR, ScryptP, ScryptKeyLen)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				got, err := scryptDerive(c.password, []byte(c.salt))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("scryptDerive(%q, %q) = %x, want %x", c.password, c.salt, got, want)
				}
			}
		})
	}
}

// TestScryptReusesBuffer checks that a hash allocates far less than
// scrypt's 32 MiB working buffer on the Go heap: the memory bound of a
// server under a sign-in flood, and the GC's pacing, depend on it. (Run
// without -race, as in CI's second step, like the other allocation
// checks.)
func TestScryptReusesBuffer(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation check: without -race")
	}
	if _, err := scryptDerive("warm", []byte("up")); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 3
	for range n {
		if _, err := scryptDerive("password123", []byte("salt")); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	per := (after.TotalAlloc - before.TotalAlloc) / n
	if per > 1<<20 {
		t.Fatalf("each hash allocated %d KiB, want under 1 MiB (the 32 MiB buffer should be reused)", per>>10)
	}
	t.Logf("bytes allocated per hash after the first: %d", per)
}

// BenchmarkScryptDerive compares the pooled scrypt with x/crypto's in one
// run (report the ratio).
func BenchmarkScryptDerive(b *testing.B) {
	salt := []byte("0123456789abcdef0123456789abcdef")
	b.Run("pooled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := scryptDerive("password123", salt); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("xcrypto", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := scrypt.Key([]byte("password123"), salt, ScryptN, ScryptR, ScryptP, ScryptKeyLen); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestScryptBuffersBounded checks the free list: buffers released past
// maxIdleScryptBufs are given back, and concurrent hashes each get their
// own buffer (the results stay right under -race).
func TestScryptBuffersBounded(t *testing.T) {
	const n = maxIdleScryptBufs + 2
	want, err := scrypt.Key([]byte("pw"), []byte("salt"), ScryptN, ScryptR, ScryptP, ScryptKeyLen)
	if err != nil {
		t.Fatal(err)
	}
	var bufs []scryptBuf
	for range n {
		bufs = append(bufs, getScryptBuf())
	}
	for _, b := range bufs {
		putScryptBuf(b)
	}
	scryptBufs.mu.Lock()
	idle := len(scryptBufs.idle)
	scryptBufs.mu.Unlock()
	if idle != maxIdleScryptBufs {
		t.Fatalf("%d idle buffers after releasing %d, want %d", idle, n, maxIdleScryptBufs)
	}
	errs := make(chan error, n)
	for range n {
		go func() {
			got, err := scryptDerive("pw", []byte("salt"))
			if err == nil && !bytes.Equal(got, want) {
				err = fmt.Errorf("concurrent hash = %x, want %x", got, want)
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
