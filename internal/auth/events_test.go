package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/latchhq/latch"
)

type recordedEvents struct {
	mu  sync.Mutex
	got []string
}

func (r *recordedEvents) AuthEvent(event, outcome string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, event+":"+outcome)
}

// downUsers answers every CreateUser as a database outage.
type downUsers struct{ latch.UserStore }

func (downUsers) CreateUser(context.Context, *latch.User, *latch.Account) error {
	return fmt.Errorf("create user: %w: connection refused", latch.ErrUnavailable)
}

func TestEventsReportOutcomes(t *testing.T) {
	s, _, db := newService(t)
	ev := &recordedEvents{}
	s.Events = ev
	ctx := context.Background()
	in := SignUpInput{Name: "Ev", Email: "ev@example.com", Password: "password123", RememberMe: true}
	if _, _, err := s.SignUp(ctx, in); err != nil {
		t.Fatal(err)
	}
	_, _, _ = s.SignUp(ctx, in) // email taken
	_, _, _ = s.SignIn(ctx, "ev@example.com", "wrong password", true)
	_, _, _ = s.SignIn(ctx, "nobody@example.com", "password123", true)
	_, _, _ = s.SignIn(ctx, "not an email", "password123", true)
	_, sess, err := s.SignIn(ctx, "ev@example.com", "password123", true)
	if err != nil {
		t.Fatal(err)
	}
	s.SignOut(ctx, sess.Token)
	s.Users = downUsers{db}
	_, _, err = s.SignUp(ctx, SignUpInput{Name: "Down", Email: "down@example.com", Password: "password123"})
	if !errors.Is(err, latch.ErrUnavailable) || errors.Is(err, ErrFailedToCreateUser) {
		t.Errorf("sign-up while the database is down: %v, want ErrUnavailable (a 503), not FAILED_TO_CREATE_USER", err)
	}
	want := []string{"sign_up:success", "sign_up:rejected", "sign_in:invalid_credentials", "sign_in:invalid_credentials",
		"sign_in:rejected", "sign_in:success", "sign_out:success", "sign_up:error"}
	if !slices.Equal(ev.got, want) {
		t.Errorf("events\n got %v\nwant %v", ev.got, want)
	}
}

func TestPasswordHashStatsCountQueue(t *testing.T) {
	before := PasswordHashStats()
	if before.Slots != cap(scryptSlots) || before.Slots < 2 {
		t.Fatalf("Slots = %d, want %d", before.Slots, cap(scryptSlots))
	}
	n := 3 * before.Slots // more hashes than slots: some must wait
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { _, _ = HashPassword("password123") })
	}
	wg.Wait()
	after := PasswordHashStats()
	if got := after.Runs - before.Runs; got < int64(n) {
		t.Errorf("Runs grew by %d, want at least %d", got, n)
	}
	if after.WaitTotal <= before.WaitTotal {
		t.Errorf("WaitTotal did not grow (%v -> %v) with %d hashes on %d slots", before.WaitTotal, after.WaitTotal, n, before.Slots)
	}
	if after.Waiting != 0 || after.Running != 0 {
		t.Errorf("after all hashes: Waiting=%d Running=%d, want 0 0", after.Waiting, after.Running)
	}
}
