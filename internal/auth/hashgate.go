package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// DefaultHashQueue is how many password hashes may wait for a slot when
// Service.HashQueue is zero. Waiting requests hold little (their body is
// capped at a few KiB), but each one still owes a hash: the bound caps how
// long the last one waits, about DefaultHashQueue / slots hash times.
const DefaultHashQueue = 32

// ErrBusy is returned when every hash slot is taken and the queue of
// waiting hashes is full: answered 503 with Retry-After.
var ErrBusy = apiErr(503, "SERVER_BUSY", "The server is busy. Please try again in a moment.")

// hashGate bounds the password hashes of a Service: slots run at once
// (each scrypt takes 32 MiB and a CPU), at most queue more wait, in
// arrival order, and a waiter whose request ends leaves the queue at once.
type hashGate struct {
	slots   chan struct{}
	queue   int64
	waiting atomic.Int64
}

func newHashGate(slots, queue int) *hashGate {
	return &hashGate{slots: make(chan struct{}, slots), queue: int64(queue)}
}

// acquire takes a slot, waiting while ctx lasts. It fails with ErrBusy
// when the queue is full and with ctx's error when ctx ends first; a
// slot obtained for an ended context is given back, so no hash starts
// for a client that has gone.
func (g *hashGate) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("auth: hash not started: %w", err)
	}
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	if g.waiting.Add(1) > g.queue {
		g.waiting.Add(-1)
		return ErrBusy
	}
	defer g.waiting.Add(-1)
	select {
	case g.slots <- struct{}{}:
		if err := ctx.Err(); err != nil {
			<-g.slots
			return fmt.Errorf("auth: hash not started: %w", err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("auth: hash not started: %w", ctx.Err())
	}
}

func (g *hashGate) release() { <-g.slots }

// gateOf returns the Service's gate, created on first use from HashSlots
// and HashQueue.
func (s *Service) gateOf() *hashGate {
	s.gateOnce.Do(func() {
		slots := s.HashSlots
		if slots <= 0 {
			slots = max(2, runtime.GOMAXPROCS(0))
		}
		queue := s.HashQueue
		if queue <= 0 {
			queue = DefaultHashQueue
		}
		s.gate = newHashGate(slots, queue)
	})
	return s.gate
}

// hash hashes password through the gate.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	g := s.gateOf()
	if err := g.acquire(ctx); err != nil {
		return "", err
	}
	defer g.release()
	return s.hasher().Hash(password)
}

// verify checks password against hash through the gate.
func (s *Service) verify(ctx context.Context, hash, password string) (bool, error) {
	g := s.gateOf()
	if err := g.acquire(ctx); err != nil {
		return false, err
	}
	defer g.release()
	return s.hasher().Verify(hash, password)
}

// notHashed reports whether err means the gate refused or abandoned the
// hash (ErrBusy, or the request ended): the caller must pass it on rather
// than treat it as a wrong password.
func notHashed(err error) bool {
	return errors.Is(err, ErrBusy) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// gateFields is embedded in Service.
type gateFields struct {
	gateOnce sync.Once
	gate     *hashGate
}
