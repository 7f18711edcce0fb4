package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/latchhq/latch"
)

// refusingStore mimics PostgreSQL, which refuses NUL characters and
// invalid UTF-8 in text values: any write or lookup carrying one fails
// with a driver error.
type refusingStore struct {
	latch.UserStore
	latch.SessionStore
	refused *int // how many calls carried a value the database refuses
}

var errNULRefused = errors.New(`invalid byte sequence for encoding "UTF8": 0x00`)

// pgRefuses reports whether PostgreSQL would refuse s as a text value.
func pgRefuses(s string) bool { return strings.ContainsRune(s, 0) || !utf8.ValidString(s) }

func (r refusingStore) CreateUser(ctx context.Context, u *latch.User, a *latch.Account) error {
	if pgRefuses(u.Name) {
		return errNULRefused
	}
	return r.UserStore.CreateUser(ctx, u, a)
}

func (r refusingStore) SessionByToken(ctx context.Context, tok string) (*latch.Session, *latch.User, error) {
	if pgRefuses(tok) {
		*r.refused++
		return nil, nil, errNULRefused
	}
	return r.SessionStore.SessionByToken(ctx, tok)
}

func (r refusingStore) DeleteSession(ctx context.Context, userID, tok string) error {
	if pgRefuses(tok) {
		*r.refused++
		return errNULRefused
	}
	return r.SessionStore.DeleteSession(ctx, userID, tok)
}

// TestStoreRefusalIsNotA500: input the database refuses gets Better
// Auth's answers (422 FAILED_TO_CREATE_USER on sign-up; revoke-session of
// an impossible token is a no-op), not an unexpected error (HTTP 500).
func TestStoreRefusalIsNotA500(t *testing.T) {
	s, _, db := newService(t)
	var refused int
	rs := refusingStore{UserStore: db, SessionStore: db, refused: &refused}
	s.Users, s.Sessions = rs, rs
	ctx := context.Background()

	_, _, err := s.SignUp(ctx, SignUpInput{Name: "bad\xffname", Email: "nul@example.com", Password: "password123", RememberMe: true})
	var ae *Error
	if !errors.As(err, &ae) || !errors.Is(err, ErrFailedToCreateUser) {
		t.Fatalf("sign-up refused by the store: err = %v, want ErrFailedToCreateUser", err)
	}
	if !errors.Is(err, errNULRefused) {
		t.Errorf("store error not wrapped: %v", err)
	}

	_, sess := signUp(t, s, "ok@example.com", true)
	for _, tok := range []string{"\x00", "abc\x00def", "caf\xe9\xff", strings.Repeat("a", 4096)} {
		current, err := s.RevokeSession(ctx, sess, tok)
		if err != nil || current {
			t.Errorf("RevokeSession(%q...) = %v, %v; want false, nil", tok[:min(len(tok), 8)], current, err)
		}
		if _, _, _, err := s.Session(ctx, tok, SessionOptions{}); !errors.Is(err, ErrNoSession) {
			t.Errorf("Session(%q...) err = %v, want ErrNoSession", tok[:min(len(tok), 8)], err)
		}
		s.SignOut(ctx, tok)
	}
	if refused != 0 {
		t.Errorf("%d store calls carried an impossible token", refused)
	}
	if _, _, _, err := s.Session(ctx, sess.Token, SessionOptions{}); err != nil {
		t.Errorf("a real session no longer resolves: %v", err)
	}
}

// TestSessionClientStringsAreStorable: whatever a caller passes as the
// client's IP and user agent, the session row gets valid UTF-8 without
// NUL, which every backend can store.
func TestSessionClientStringsAreStorable(t *testing.T) {
	s, _, _ := newService(t)
	ctx := WithClient(context.Background(), Client{IP: "1.2.3.4\x00", UserAgent: "a\xffb\x00c"})
	_, sess, err := s.SignUp(ctx, SignUpInput{Name: "A", Email: "ua@example.com", Password: "password123", RememberMe: true})
	if err != nil {
		t.Fatal(err)
	}
	if sess.UserAgent != "a\uFFFDbc" || sess.IPAddress != "1.2.3.4" {
		t.Fatalf("stored userAgent %q, ip %q; want %q, %q", sess.UserAgent, sess.IPAddress, "a\uFFFDbc", "1.2.3.4")
	}
}

// failingCreateStore fails every CreateSession.
type failingCreateStore struct{ latch.SessionStore }

var errCreateFailed = errors.New("create session failed")

func (failingCreateStore) CreateSession(context.Context, *latch.Session) error {
	return errCreateFailed
}

// TestChangePasswordKeepsSessionsWhenCreateFails: with revokeOtherSessions,
// a failure to create the new session must not leave the user signed out
// everywhere (the old sessions are deleted only once the new one exists).
func TestChangePasswordKeepsSessionsWhenCreateFails(t *testing.T) {
	s, _, db := newService(t)
	ctx := context.Background()
	_, cur := signUp(t, s, "cp@example.com", true)
	var revoked []string
	s.OnRevoke = func(ids ...string) { revoked = append(revoked, ids...) }
	s.Sessions = failingCreateStore{SessionStore: db}

	ns, err := s.ChangePassword(ctx, cur, "newpassword1", "password123", true)
	if !errors.Is(err, errCreateFailed) || ns != nil {
		t.Fatalf("ChangePassword = %v, %v; want nil, the store error", ns, err)
	}
	if _, _, _, err := s.Session(ctx, cur.Token, SessionOptions{}); err != nil {
		t.Fatalf("current session gone after a failed change-password: %v", err)
	}
	if len(revoked) != 0 {
		t.Fatalf("OnRevoke called with %v although nothing was deleted", revoked)
	}
}
