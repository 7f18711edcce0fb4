package auth

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// blockingHasher is cheapHasher whose calls wait until release is closed.
type blockingHasher struct {
	cheapHasher
	calls   *atomic.Int64
	started chan struct{}
	release chan struct{}
}

func (b blockingHasher) Hash(pw string) (string, error) {
	b.calls.Add(1)
	b.started <- struct{}{}
	<-b.release
	return b.cheapHasher.Hash(pw)
}

func (b blockingHasher) Verify(hash, pw string) (bool, error) {
	b.calls.Add(1)
	b.started <- struct{}{}
	<-b.release
	return b.cheapHasher.Verify(hash, pw)
}

// TestHashGate: with one slot and a queue of one, a third concurrent hash
// gets ErrBusy at once (ErrBusy answers at once: the test would hang
// otherwise); a queued hash whose context ends leaves the queue
// at once and never runs; a request whose context has ended runs no hash;
// sign-in with an unknown email answers ErrBusy like a known one (not a
// quick 401 that would tell the two apart).
func TestHashGate(t *testing.T) {
	s, _, _ := newService(t)
	s.HashSlots, s.HashQueue = 1, 1 // read once, on the first hash
	_, _ = signUp(t, s, "known@example.com", true)
	var calls atomic.Int64
	bh := blockingHasher{calls: &calls, started: make(chan struct{}, 8), release: make(chan struct{})}
	s.Hasher = bh
	released := false
	release := func() {
		if !released {
			released = true
			close(bh.release)
		}
	}
	t.Cleanup(release)

	// A takes the slot.
	first := make(chan error, 1)
	go func() {
		_, _, err := s.SignIn(context.Background(), "known@example.com", "password123", true)
		first <- err
	}()
	<-bh.started
	// B waits in the queue until its context is cancelled.
	ctxB, cancelB := context.WithCancel(context.Background())
	second := make(chan error, 1)
	go func() {
		_, _, err := s.SignIn(ctxB, "unknown@example.com", "password123", true)
		second <- err
	}()
	for deadline := time.Now().Add(5 * time.Second); s.gateOf().waiting.Load() != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second hash never queued")
		}
	}
	// With the queue full, an unknown email is refused like a known one.
	if _, _, err := s.SignIn(context.Background(), "unknown2@example.com", "password123", true); !errors.Is(err, ErrBusy) {
		t.Fatalf("unknown email with a full queue: %v, want ErrBusy", err)
	}
	if _, _, err := s.SignIn(context.Background(), "known@example.com", "wrong", true); !errors.Is(err, ErrBusy) {
		t.Fatalf("known email with a full queue: %v, want ErrBusy", err)
	}
	cancelB()
	select {
	case err := <-second:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled waiter: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled waiter stayed in the queue")
	}
	// An ended request starts no hash, even with a slot free later.
	if _, _, err := s.SignIn(ctxB, "known@example.com", "password123", true); !errors.Is(err, context.Canceled) {
		t.Fatalf("ended request: %v, want context.Canceled", err)
	}
	release()
	if err := <-first; err != nil {
		t.Fatalf("first sign-in: %v", err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d hashes ran, want only the first", n)
	}
	if _, _, err := s.SignIn(context.Background(), "known@example.com", "password123", true); err != nil {
		t.Fatalf("sign-in after the flood: %v", err)
	}
}
