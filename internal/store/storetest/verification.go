package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

var verificationTests = []test{
	{name: "CreateFindConsume", run: testVerificationCreateFindConsume},
	{name: "ConsumeConcurrent", run: testVerificationConsumeConcurrent},
	{name: "ResetPassword", run: testResetPassword},
	{name: "ResetPasswordRefused", run: testResetPasswordRefused},
	{name: "ResetPasswordConcurrent", run: testResetPasswordConcurrent},
	{name: "ResetPasswordCreatesAccount", run: testResetPasswordCreatesAccount},
	{name: "UpdateEmail", run: testUpdateEmail},
}

func mkVerification(t *testing.T, s Stores, identifier, value string, created, expires time.Time) *latch.Verification {
	t.Helper()
	v := &latch.Verification{ID: newID("v"), Identifier: identifier, Value: value,
		ExpiresAt: expires, CreatedAt: created, UpdatedAt: created}
	noErr(t, s.CreateVerification(ctx(t), v), "CreateVerification")
	return v
}

func testVerificationCreateFindConsume(t *testing.T, s Stores) {
	base := time.Date(2030, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	_, err := s.VerificationByIdentifier(ctx(t), "reset-password:none")
	wantErr(t, err, latch.ErrNotFound, "VerificationByIdentifier of nothing")
	old := mkVerification(t, s, "reset-password:abc", "old", base, base.Add(time.Hour))
	newer := mkVerification(t, s, "reset-password:abc", "new", base.Add(time.Second), base.Add(time.Hour))
	other := mkVerification(t, s, "reset-password:other", "x", base, base.Add(time.Hour))
	got, err := s.VerificationByIdentifier(ctx(t), "reset-password:abc")
	noErr(t, err, "VerificationByIdentifier")
	if got.ID != newer.ID || got.Value != "new" || !got.ExpiresAt.Equal(base.Add(time.Hour)) || !got.CreatedAt.Equal(newer.CreatedAt) {
		t.Fatalf("newest row = %+v, want %+v (older %s)", got, newer, old.ID)
	}
	checkTime(t, got.ExpiresAt, "expiresAt")
	c, err := s.ConsumeVerification(ctx(t), "reset-password:abc")
	noErr(t, err, "ConsumeVerification")
	if c.ID != newer.ID {
		t.Fatalf("consumed %s, want the newest %s", c.ID, newer.ID)
	}
	_, err = s.VerificationByIdentifier(ctx(t), "reset-password:abc")
	wantErr(t, err, latch.ErrNotFound, "older row after consume")
	_, err = s.ConsumeVerification(ctx(t), "reset-password:abc")
	wantErr(t, err, latch.ErrNotFound, "second consume")
	if _, err := s.VerificationByIdentifier(ctx(t), other.Identifier); err != nil {
		t.Fatalf("consume removed another identifier's row: %v", err)
	}
}

// race runs fn from n goroutines at once and counts the successes.
func race(n int, fn func() error) (ok int, errs []error) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		start = make(chan struct{})
	)
	for range n {
		wg.Go(func() {
			<-start
			err := fn()
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
			} else {
				errs = append(errs, err)
			}
		})
	}
	close(start)
	wg.Wait()
	return ok, errs
}

func testVerificationConsumeConcurrent(t *testing.T, s Stores) {
	now := time.Now()
	mkVerification(t, s, "delete-account-race", "u", now, now.Add(time.Hour))
	ok, errs := race(4, func() error {
		_, err := s.ConsumeVerification(ctx(t), "delete-account-race")
		return err
	})
	if ok != 1 {
		t.Fatalf("%d concurrent consumes succeeded, want exactly 1 (errors %v)", ok, errs)
	}
	for _, err := range errs {
		wantErr(t, err, latch.ErrNotFound, "losing consume")
	}
}

func testResetPassword(t *testing.T, s Stores) {
	u := mkUser(t, s, "reset@example.com")
	other := mkUser(t, s, "bystander@example.com")
	now := time.Now().UTC().Truncate(time.Millisecond)
	for i := range 2 {
		noErr(t, s.CreateSession(ctx(t), &latch.Session{ID: newID("s"), Token: newID("t"), UserID: u.ID, ExpiresAt: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now}), "CreateSession")
		_ = i
	}
	keep := &latch.Session{ID: newID("s"), Token: newID("t"), UserID: other.ID, ExpiresAt: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now}
	noErr(t, s.CreateSession(ctx(t), keep), "CreateSession other")
	mkVerification(t, s, "reset-password:tok", u.ID, now, now.Add(time.Hour))
	revoked, err := s.ResetPassword(ctx(t), latch.PasswordReset{Identifier: "reset-password:tok", UserID: u.ID,
		Hash: "new:hash", NewAccountID: newID("a"), RevokeSessions: true, Now: now})
	noErr(t, err, "ResetPassword")
	if len(revoked) != 2 {
		t.Fatalf("revoked %d sessions, want 2", len(revoked))
	}
	a, err := s.CredentialAccount(ctx(t), u.ID)
	noErr(t, err, "CredentialAccount")
	if a.Password == nil || *a.Password != "new:hash" || !a.UpdatedAt.Equal(now) {
		t.Fatalf("account after reset = %+v", a)
	}
	list, err := s.ListSessions(ctx(t), u.ID, now)
	noErr(t, err, "ListSessions")
	if len(list) != 0 {
		t.Fatalf("%d sessions left after reset with revocation", len(list))
	}
	if _, err := s.SessionByID(ctx(t), keep.ID); err != nil {
		t.Fatalf("another user's session went too: %v", err)
	}
	_, err = s.ResetPassword(ctx(t), latch.PasswordReset{Identifier: "reset-password:tok", UserID: u.ID, Hash: "again:x", Now: now})
	wantErr(t, err, latch.ErrNotFound, "second reset with the same row")
	// Without revocation the sessions stay.
	noErr(t, s.CreateSession(ctx(t), &latch.Session{ID: newID("s"), Token: newID("t"), UserID: u.ID, ExpiresAt: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now}), "CreateSession")
	mkVerification(t, s, "reset-password:tok2", u.ID, now, now.Add(time.Hour))
	revoked, err = s.ResetPassword(ctx(t), latch.PasswordReset{Identifier: "reset-password:tok2", UserID: u.ID, Hash: "third:h", Now: now})
	noErr(t, err, "ResetPassword without revocation")
	list, _ = s.ListSessions(ctx(t), u.ID, now)
	if len(revoked) != 0 || len(list) != 1 {
		t.Fatalf("without revocation: revoked %d, left %d; want 0, 1", len(revoked), len(list))
	}
}

func testResetPasswordRefused(t *testing.T, s Stores) {
	u := mkUser(t, s, "refused@example.com")
	now := time.Now().UTC().Truncate(time.Millisecond)
	cases := []struct {
		name    string
		value   string
		expires time.Time
	}{
		{"expired", u.ID, now.Add(-time.Second)},
		{"expires now", u.ID, now},
		{"other user", "someone-else", now.Add(time.Hour)},
	}
	for _, tc := range cases {
		id := "reset-password:" + newID("r")
		mkVerification(t, s, id, tc.value, now.Add(-time.Minute), tc.expires)
		_, err := s.ResetPassword(ctx(t), latch.PasswordReset{Identifier: id, UserID: u.ID, Hash: "x:y", Now: now})
		wantErr(t, err, latch.ErrNotFound, tc.name)
		_, err = s.VerificationByIdentifier(ctx(t), id)
		wantErr(t, err, latch.ErrNotFound, tc.name+": refused row must be gone (no replay)")
		a, err := s.CredentialAccount(ctx(t), u.ID)
		noErr(t, err, "CredentialAccount")
		if *a.Password == "x:y" {
			t.Fatalf("%s: password changed", tc.name)
		}
	}
	_, err := s.ResetPassword(ctx(t), latch.PasswordReset{Identifier: "reset-password:missing", UserID: u.ID, Hash: "x:y", Now: now})
	wantErr(t, err, latch.ErrNotFound, "missing row")
}

func testResetPasswordConcurrent(t *testing.T, s Stores) {
	u := mkUser(t, s, "race@example.com")
	now := time.Now().UTC().Truncate(time.Millisecond)
	mkVerification(t, s, "reset-password:race", u.ID, now, now.Add(time.Hour))
	n := 0
	var mu sync.Mutex
	ok, errs := race(4, func() error {
		mu.Lock()
		n++
		h := "h" + string(rune('0'+n)) + ":x"
		mu.Unlock()
		_, err := s.ResetPassword(ctx(t), latch.PasswordReset{Identifier: "reset-password:race", UserID: u.ID, Hash: h, Now: now})
		return err
	})
	if ok != 1 {
		t.Fatalf("%d concurrent resets succeeded, want exactly 1 (errors %v)", ok, errs)
	}
	for _, err := range errs {
		wantErr(t, err, latch.ErrNotFound, "losing reset")
	}
}

func testResetPasswordCreatesAccount(t *testing.T, s Stores) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	u := &latch.User{ID: newID("u"), Name: "No password", Email: "social@example.com", CreatedAt: now, UpdatedAt: now}
	noErr(t, s.CreateUser(ctx(t), u, nil), "CreateUser without account")
	mkVerification(t, s, "reset-password:new", u.ID, now, now.Add(time.Hour))
	aid := newID("a")
	_, err := s.ResetPassword(ctx(t), latch.PasswordReset{Identifier: "reset-password:new", UserID: u.ID, Hash: "s:k", NewAccountID: aid, Now: now})
	noErr(t, err, "ResetPassword")
	a, err := s.CredentialAccount(ctx(t), u.ID)
	noErr(t, err, "CredentialAccount")
	if a.ID != aid || a.AccountID != u.ID || a.Password == nil || *a.Password != "s:k" {
		t.Fatalf("created account = %+v", a)
	}
}

func testUpdateEmail(t *testing.T, s Stores) {
	u := mkUser(t, s, "before@example.com")
	mkUser(t, s, "taken@example.com")
	now := time.Now()
	email, yes := "after@example.com", true
	got, err := s.UpdateUser(ctx(t), u.ID, latch.UserUpdate{Email: &email, EmailVerified: &yes}, now)
	noErr(t, err, "UpdateUser email")
	if got.Email != email || !got.EmailVerified {
		t.Fatalf("after update: %+v", got)
	}
	if _, err := s.UserByEmail(ctx(t), email); err != nil {
		t.Fatalf("UserByEmail(new): %v", err)
	}
	_, err = s.UserByEmail(ctx(t), "before@example.com")
	wantErr(t, err, latch.ErrNotFound, "old email")
	taken := "taken@example.com"
	_, err = s.UpdateUser(ctx(t), u.ID, latch.UserUpdate{Email: &taken}, now)
	wantErr(t, err, latch.ErrConflict, "UpdateUser to a taken email")
}
