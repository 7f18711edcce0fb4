package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

func signUp(t *testing.T, s *Service, email string, remember bool) (*latch.User, *latch.Session) {
	t.Helper()
	u, sess, err := s.SignUp(context.Background(), SignUpInput{Name: "Alice", Email: email, Password: "password123", RememberMe: remember})
	if err != nil {
		t.Fatalf("SignUp(%s): %v", email, err)
	}
	return u, sess
}

func TestSignUpAndSignIn(t *testing.T) {
	s, clk, db := newService(t)
	ctx := WithClient(context.Background(), Client{IP: "203.0.113.9", UserAgent: "test-agent"})
	u, sess, err := s.SignUp(ctx, SignUpInput{Name: "Alice", Email: "Alice@Example.COM", Password: "password123", RememberMe: true})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "alice@example.com" || len(u.ID) != 32 || u.EmailVerified || u.Image != nil {
		t.Fatalf("user = %+v", u)
	}
	if len(sess.Token) != 32 || len(sess.ID) != 32 || sess.UserID != u.ID || sess.IPAddress != "203.0.113.9" || sess.UserAgent != "test-agent" {
		t.Fatalf("session = %+v", sess)
	}
	if want := clk.Now().Add(7 * 24 * time.Hour); !sess.ExpiresAt.Equal(want) {
		t.Fatalf("expiresAt = %v, want %v", sess.ExpiresAt, want)
	}
	acct, err := db.CredentialAccount(ctx, u.ID)
	if err != nil || acct.ProviderID != "credential" || acct.AccountID != u.ID || acct.Password == nil {
		t.Fatalf("account = %+v, %v", acct, err)
	}

	tests := []struct {
		name    string
		email   string
		pw      string
		wantErr error
	}{
		{name: "ok, email case-insensitive", email: "ALICE@example.com", pw: "password123"},
		{name: "wrong password", email: "alice@example.com", pw: "password124", wantErr: ErrInvalidEmailOrPassword},
		{name: "unknown email", email: "bob@example.com", pw: "password123", wantErr: ErrInvalidEmailOrPassword},
		{name: "invalid email", email: "not-an-email", pw: "password123", wantErr: ErrInvalidEmail},
		{name: "too long", email: "alice@example.com", pw: string(make([]byte, 129)), wantErr: ErrPasswordTooLong},
		{name: "short password is not checked on sign-in", email: "alice@example.com", pw: "x", wantErr: ErrInvalidEmailOrPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u2, s2, err := s.SignIn(ctx, tt.email, tt.pw, true)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || u2.ID != u.ID || s2.Token == sess.Token {
				t.Fatalf("SignIn = %+v %+v %v", u2, s2, err)
			}
		})
	}
}

func TestSignUpErrors(t *testing.T) {
	s, _, _ := newService(t)
	signUp(t, s, "taken@example.com", true)
	tests := []struct {
		name string
		in   SignUpInput
		want error
	}{
		{name: "duplicate (case-insensitive)", in: SignUpInput{Email: "TAKEN@example.com", Password: "password123"}, want: ErrUserAlreadyExists},
		{name: "too short", in: SignUpInput{Email: "a@example.com", Password: "1234567"}, want: ErrPasswordTooShort},
		{name: "too long", in: SignUpInput{Email: "a@example.com", Password: string(make([]byte, 129))}, want: ErrPasswordTooLong},
		{name: "bad email", in: SignUpInput{Email: "a@b", Password: "password123"}, want: ErrInvalidEmail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := s.SignUp(context.Background(), tt.in); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if ErrUserAlreadyExists.Status != 422 {
		t.Fatal("duplicate must be 422")
	}
}

func TestRememberMeFalseSession(t *testing.T) {
	s, clk, _ := newService(t)
	_, sess := signUp(t, s, "a@example.com", false)
	if want := clk.Now().Add(24 * time.Hour); !sess.ExpiresAt.Equal(want) {
		t.Fatalf("expiresAt = %v, want now+1d", sess.ExpiresAt)
	}
}

func TestSlidingRefresh(t *testing.T) {
	s, clk, db := newService(t)
	_, sess := signUp(t, s, "a@example.com", true)
	ctx := context.Background()
	created := clk.Now()

	// Younger than updateAge: no refresh.
	clk.Advance(23 * time.Hour)
	got, _, refreshed, err := s.Session(ctx, sess.Token, SessionOptions{})
	if err != nil || refreshed || !got.ExpiresAt.Equal(created.Add(7*24*time.Hour)) {
		t.Fatalf("at 23h: refreshed=%v exp=%v err=%v", refreshed, got.ExpiresAt, err)
	}
	// Exactly updateAge: expiresAt - expiresIn + updateAge <= now → refresh.
	clk.Advance(time.Hour)
	// NoRefresh (dont_remember or disableRefresh) wins.
	if _, _, refreshed, _ := s.Session(ctx, sess.Token, SessionOptions{NoRefresh: true}); refreshed {
		t.Fatal("refreshed despite NoRefresh")
	}
	got, _, refreshed, err = s.Session(ctx, sess.Token, SessionOptions{})
	if err != nil || !refreshed || !got.ExpiresAt.Equal(clk.Now().Add(7*24*time.Hour)) || !got.UpdatedAt.Equal(clk.Now()) {
		t.Fatalf("at 24h: refreshed=%v got=%+v err=%v", refreshed, got, err)
	}
	stored, err := db.SessionByID(ctx, sess.ID)
	if err != nil || !stored.ExpiresAt.Equal(got.ExpiresAt) {
		t.Fatalf("stored expiry %v, want %v (%v)", stored.ExpiresAt, got.ExpiresAt, err)
	}
	// DisableRefresh on the service.
	s.DisableRefresh = true
	clk.Advance(48 * time.Hour)
	if _, _, refreshed, _ := s.Session(ctx, sess.Token, SessionOptions{}); refreshed {
		t.Fatal("refreshed despite DisableRefresh")
	}
}

func TestExpiredSessionIsDeleted(t *testing.T) {
	s, clk, db := newService(t)
	_, sess := signUp(t, s, "a@example.com", false)
	clk.Advance(24 * time.Hour) // expiresAt == now: still valid
	if _, _, _, err := s.Session(context.Background(), sess.Token, SessionOptions{NoRefresh: true}); err != nil {
		t.Fatalf("at expiry instant: %v", err)
	}
	clk.Advance(time.Millisecond)
	if _, _, _, err := s.Session(context.Background(), sess.Token, SessionOptions{}); !errors.Is(err, ErrNoSession) {
		t.Fatalf("err = %v, want ErrNoSession", err)
	}
	if _, err := db.SessionByID(context.Background(), sess.ID); !errors.Is(err, latch.ErrNotFound) {
		t.Fatalf("expired row still there: %v", err)
	}
	if _, _, _, err := s.Session(context.Background(), "nope", SessionOptions{}); !errors.Is(err, ErrNoSession) {
		t.Fatalf("unknown token: %v", err)
	}
}

func TestFreshnessAndList(t *testing.T) {
	s, clk, _ := newService(t)
	_, sess := signUp(t, s, "a@example.com", true)
	ctx := context.Background()
	_, s2, err := s.SignIn(ctx, "a@example.com", "password123", true)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.ListSessions(ctx, sess)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListSessions = %d sessions, %v", len(list), err)
	}
	clk.Advance(24 * time.Hour)
	if _, err := s.ListSessions(ctx, sess); !errors.Is(err, ErrSessionNotFresh) {
		t.Fatalf("1 day old: %v, want SESSION_NOT_FRESH", err)
	}
	s.FreshAge = -1
	if _, err := s.ListSessions(ctx, s2); err != nil {
		t.Fatalf("freshness disabled: %v", err)
	}
}

func TestRevocation(t *testing.T) {
	s, _, db := newService(t)
	var revoked []string
	s.OnRevoke = func(ids ...string) { revoked = append(revoked, ids...) }
	ctx := context.Background()
	u, a := signUp(t, s, "a@example.com", true)
	_, b, _ := s.SignIn(ctx, "a@example.com", "password123", true)
	_, c, _ := s.SignIn(ctx, "a@example.com", "password123", true)
	_, other := signUp(t, s, "other@example.com", true)

	// Foreign token: ignored.
	if cur, err := s.RevokeSession(ctx, a, other.Token); err != nil || cur {
		t.Fatalf("foreign revoke: %v %v", cur, err)
	}
	if _, err := db.SessionByID(ctx, other.ID); err != nil {
		t.Fatal("foreign session was deleted")
	}
	if cur, err := s.RevokeSession(ctx, a, b.Token); err != nil || cur {
		t.Fatalf("revoke b: %v %v", cur, err)
	}
	if _, _, _, err := s.Session(ctx, b.Token, SessionOptions{}); !errors.Is(err, ErrNoSession) {
		t.Fatal("revoked session still resolves")
	}
	if err := s.RevokeOtherSessions(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.Session(ctx, c.Token, SessionOptions{}); !errors.Is(err, ErrNoSession) {
		t.Fatal("other session survived revoke-other-sessions")
	}
	if _, _, _, err := s.Session(ctx, a.Token, SessionOptions{}); err != nil {
		t.Fatal("current session lost by revoke-other-sessions")
	}
	s.SignOut(ctx, a.Token)
	if _, _, _, err := s.Session(ctx, a.Token, SessionOptions{}); !errors.Is(err, ErrNoSession) {
		t.Fatal("session survived sign-out")
	}
	want := map[string]bool{b.ID: true, c.ID: true, a.ID: true}
	for _, id := range revoked {
		delete(want, id)
	}
	if len(want) != 0 {
		t.Fatalf("OnRevoke missed %v (got %v)", want, revoked)
	}
	_ = u
}

func TestChangePassword(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	_, a := signUp(t, s, "a@example.com", true)
	_, b, _ := s.SignIn(ctx, "a@example.com", "password123", true)
	tests := []struct {
		name     string
		newPw    string
		curPw    string
		wantErr  error
		wantSess bool
		revoke   bool
	}{
		{name: "too short", newPw: "short", curPw: "password123", wantErr: ErrPasswordTooShort},
		{name: "too long", newPw: string(make([]byte, 129)), curPw: "password123", wantErr: ErrPasswordTooLong},
		{name: "current too long", newPw: "newpassword1", curPw: string(make([]byte, 129)), wantErr: ErrPasswordTooLong},
		{name: "wrong current", newPw: "newpassword1", curPw: "wrongwrong", wantErr: ErrInvalidPassword},
		{name: "ok", newPw: "newpassword1", curPw: "password123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns, err := s.ChangePassword(ctx, a, tt.newPw, tt.curPw, tt.revoke)
			if !errors.Is(err, tt.wantErr) || (ns != nil) != tt.wantSess {
				t.Fatalf("ChangePassword = %v, %v", ns, err)
			}
		})
	}
	if _, _, err := s.SignIn(ctx, "a@example.com", "newpassword1", true); err != nil {
		t.Fatalf("new password rejected: %v", err)
	}
	if err := s.CheckPassword(ctx, a.UserID, "newpassword1"); err != nil {
		t.Fatalf("CheckPassword: %v", err)
	}
	if err := s.CheckPassword(ctx, a.UserID, "password123"); !errors.Is(err, ErrInvalidPassword) {
		t.Fatalf("CheckPassword(old) = %v", err)
	}
	// With revocation: every session goes, a new one is returned.
	ns, err := s.ChangePassword(ctx, a, "thirdpassword", "newpassword1", true)
	if err != nil || ns == nil || ns.Token == a.Token {
		t.Fatalf("revoke change: %v %v", ns, err)
	}
	for _, old := range []*latch.Session{a, b} {
		if _, _, _, err := s.Session(ctx, old.Token, SessionOptions{}); !errors.Is(err, ErrNoSession) {
			t.Fatal("old session survived revokeOtherSessions")
		}
	}
	if _, _, _, err := s.Session(ctx, ns.Token, SessionOptions{}); err != nil {
		t.Fatalf("new session: %v", err)
	}
}

// countingHasher counts the hashes and verifications of cheapHasher.
type countingHasher struct{ hashes, verifies int }

func (h *countingHasher) Hash(pw string) (string, error) {
	h.hashes++
	return cheapHasher{}.Hash(pw)
}

func (h *countingHasher) Verify(hash, pw string) (bool, error) {
	h.verifies++
	return cheapHasher{}.Verify(hash, pw)
}

// TestChangePasswordWrongCurrentHashesNothing: a wrong current password
// costs one verification and no hash of the new password.
func TestChangePasswordWrongCurrentHashesNothing(t *testing.T) {
	s, _, _ := newService(t)
	_, cur := signUp(t, s, "count@example.com", true)
	h := &countingHasher{}
	s.Hasher = h
	if _, err := s.ChangePassword(context.Background(), cur, "newpassword1", "wrongwrong", false); !errors.Is(err, ErrInvalidPassword) {
		t.Fatalf("ChangePassword(wrong current) = %v, want ErrInvalidPassword", err)
	}
	if h.hashes != 0 || h.verifies != 1 {
		t.Fatalf("wrong current password cost %d hashes and %d verifications, want 0 and 1", h.hashes, h.verifies)
	}
}

func TestUpdateUser(t *testing.T) {
	s, clk, _ := newService(t)
	u, _ := signUp(t, s, "a@example.com", true)
	if _, err := s.UpdateUser(context.Background(), u.ID, latch.UserUpdate{}); !errors.Is(err, ErrNoFieldsToUpdate) {
		t.Fatalf("empty update: %v", err)
	}
	clk.Advance(time.Minute)
	name := "Bob"
	img := "https://example.com/a.png"
	pimg := &img
	nu, err := s.UpdateUser(context.Background(), u.ID, latch.UserUpdate{Name: &name, Image: &pimg})
	if err != nil || nu.Name != "Bob" || nu.Image == nil || *nu.Image != img || !nu.UpdatedAt.Equal(clk.Now()) {
		t.Fatalf("UpdateUser = %+v, %v", nu, err)
	}
}
