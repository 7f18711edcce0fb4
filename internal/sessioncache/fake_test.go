package sessioncache

import (
	"context"
	"sync"
	"time"

	"github.com/latchhq/latch"
)

// fakeStore is an in-memory UserStore and SessionStore that counts
// SessionByToken calls.
// Methods the tests do not use panic through the nil embedded interfaces.
type fakeStore struct {
	latch.UserStore
	latch.SessionStore

	mu       sync.Mutex
	users    map[string]latch.User
	sessions map[string]latch.Session // by token
	reads    int
	// afterRead, when set, runs after SessionByToken copied the rows and
	// before it returns them (to interleave a write).
	afterRead func()
}

func newFakeStore() *fakeStore {
	return &fakeStore{users: map[string]latch.User{}, sessions: map[string]latch.Session{}}
}

func (f *fakeStore) addUser(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id] = latch.User{ID: id, Name: "name of " + id, Email: id + "@example.com"}
}

func (f *fakeStore) addSession(id, token, userID string, expiresAt time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions[token] = latch.Session{ID: id, Token: token, UserID: userID, ExpiresAt: expiresAt}
}

func (f *fakeStore) readCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

func (f *fakeStore) SessionByToken(_ context.Context, token string) (*latch.Session, *latch.User, error) {
	f.mu.Lock()
	f.reads++
	s, ok := f.sessions[token]
	u, uok := f.users[s.UserID]
	hook := f.afterRead
	f.mu.Unlock()
	if hook != nil {
		hook()
	}
	if !ok || !uok {
		return nil, nil, latch.ErrNotFound
	}
	return &s, &u, nil
}

func (f *fakeStore) ExtendSession(_ context.Context, token string, expiresAt, now time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[token]
	if !ok {
		return latch.ErrNotFound
	}
	s.ExpiresAt, s.UpdatedAt = expiresAt, now
	f.sessions[token] = s
	return nil
}

func (f *fakeStore) DeleteSession(_ context.Context, userID, token string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.sessions[token]; ok && (userID == "" || s.UserID == userID) {
		delete(f.sessions, token)
	}
	return nil
}

func (f *fakeStore) DeleteUserSessions(_ context.Context, userID, keep string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for tok, s := range f.sessions {
		if s.UserID == userID && tok != keep {
			delete(f.sessions, tok)
		}
	}
	return nil
}

func (f *fakeStore) UpdateUser(_ context.Context, id string, up latch.UserUpdate, now time.Time) (*latch.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[id]
	if !ok {
		return nil, latch.ErrNotFound
	}
	if up.Name != nil {
		u.Name = *up.Name
	}
	if up.Image != nil {
		u.Image = *up.Image
	}
	if up.Email != nil {
		u.Email = *up.Email
	}
	if up.EmailVerified != nil {
		u.EmailVerified = *up.EmailVerified
	}
	u.UpdatedAt = now
	f.users[id] = u
	return &u, nil
}

func (f *fakeStore) DeleteUser(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.users, id)
	for tok, s := range f.sessions {
		if s.UserID == id {
			delete(f.sessions, tok)
		}
	}
	return nil
}

// SetPassword changes nothing SessionByToken returns (the account row is
// not modelled): the cache must forget the user all the same.
func (f *fakeStore) SetPassword(context.Context, string, string, time.Time) error { return nil }
