package storetest

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// RunFormat runs the suite against stores whose ids have format f, then
// the tests of that format (IDTests). The suite's tests name users with
// fixed strings ("alice", 32-character ids); for serial and uuid stores
// each name is translated, on the way in, to an id of the format that
// stands for it (its own number or UUID for the whole run) and back on
// the way out, so the same assertions hold and the store under test
// stores, compares and returns real ids of its format. A store that
// returned an id it was never given fails: the name comes back as
// "unmapped:<id>".
func RunFormat(t *testing.T, f latch.IDFormat, open func(t *testing.T) Stores) {
	t.Helper()
	if f == latch.IDRandom {
		Run(t, open)
	} else {
		Run(t, func(t *testing.T) Stores { return &mapped{s: open(t), m: formatMap(f)} })
	}
	t.Run("IDs", func(t *testing.T) { IDTests(t, f, open) })
}

// idMap is a bijection between the suite's names and ids of one format.
type idMap struct {
	mu     sync.Mutex
	f      latch.IDFormat
	n      int64
	toID   map[string]string
	toName map[string]string
}

var (
	mapsMu sync.Mutex
	maps   = map[latch.IDFormat]*idMap{}
)

func formatMap(f latch.IDFormat) *idMap {
	mapsMu.Lock()
	defer mapsMu.Unlock()
	if maps[f] == nil {
		maps[f] = &idMap{f: f, toID: map[string]string{}, toName: map[string]string{}}
	}
	return maps[f]
}

// id returns the id standing for name ("" stays "").
func (m *idMap) id(name string) string {
	if name == "" {
		return ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if id, ok := m.toID[name]; ok {
		return id
	}
	m.n++
	var id string
	if m.f == latch.IDSerial {
		// Far above what the tests' own inserts are assigned.
		id = strconv.FormatInt(1_000_000+m.n, 10)
	} else {
		id = fmt.Sprintf("00000000-0000-4000-8000-%012x", m.n)
	}
	m.toID[name], m.toName[id] = id, name
	return id
}

// name is the inverse of id.
func (m *idMap) name(id string) string {
	if id == "" {
		return ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if n, ok := m.toName[id]; ok {
		return n
	}
	return "unmapped:" + id
}

// mapped translates every id between the suite and the store under test.
type mapped struct {
	s Stores
	m *idMap
}

func (w *mapped) user(u *latch.User) *latch.User {
	if u != nil {
		u.ID = w.m.name(u.ID)
	}
	return u
}

func (w *mapped) session(x *latch.Session) *latch.Session {
	if x != nil {
		x.ID, x.UserID = w.m.name(x.ID), w.m.name(x.UserID)
	}
	return x
}

func (w *mapped) task(t *latch.Task) *latch.Task {
	if t != nil {
		t.UserID = w.m.name(t.UserID)
	}
	return t
}

func (w *mapped) account(a *latch.Account) *latch.Account {
	if a != nil {
		a.ID, a.UserID, a.AccountID = w.m.name(a.ID), w.m.name(a.UserID), w.m.name(a.AccountID)
	}
	return a
}

func (w *mapped) CreateTask(ctx context.Context, t *latch.Task, now time.Time) error {
	t.UserID = w.m.id(t.UserID)
	err := w.s.CreateTask(ctx, t, now)
	w.task(t)
	return err
}

func (w *mapped) GetTask(ctx context.Context, userID string, id int64) (*latch.Task, error) {
	t, err := w.s.GetTask(ctx, w.m.id(userID), id)
	return w.task(t), err
}

func (w *mapped) ListTasks(ctx context.Context, f latch.TaskFilter) (*latch.TaskPage, error) {
	f.UserID = w.m.id(f.UserID)
	p, err := w.s.ListTasks(ctx, f)
	if p != nil {
		for i := range p.Tasks {
			w.task(&p.Tasks[i])
		}
	}
	return p, err
}

func (w *mapped) UpdateTask(ctx context.Context, userID string, id int64, u latch.TaskUpdate, now time.Time) (*latch.Task, error) {
	t, err := w.s.UpdateTask(ctx, w.m.id(userID), id, u, now)
	return w.task(t), err
}

func (w *mapped) ToggleTask(ctx context.Context, userID string, id int64, now time.Time) (*latch.Task, error) {
	t, err := w.s.ToggleTask(ctx, w.m.id(userID), id, now)
	return w.task(t), err
}

func (w *mapped) DeleteTask(ctx context.Context, userID string, id int64) error {
	return w.s.DeleteTask(ctx, w.m.id(userID), id)
}

func (w *mapped) CreateUser(ctx context.Context, u *latch.User, a *latch.Account) error {
	u.ID = w.m.id(u.ID)
	if a != nil {
		a.ID, a.UserID, a.AccountID = w.m.id(a.ID), w.m.id(a.UserID), w.m.id(a.AccountID)
	}
	err := w.s.CreateUser(ctx, u, a)
	w.user(u)
	w.account(a)
	return err
}

func (w *mapped) UserByID(ctx context.Context, id string) (*latch.User, error) {
	u, err := w.s.UserByID(ctx, w.m.id(id))
	return w.user(u), err
}

func (w *mapped) UserByEmail(ctx context.Context, email string) (*latch.User, error) {
	u, err := w.s.UserByEmail(ctx, email)
	return w.user(u), err
}

func (w *mapped) UpdateUser(ctx context.Context, id string, u latch.UserUpdate, now time.Time) (*latch.User, error) {
	out, err := w.s.UpdateUser(ctx, w.m.id(id), u, now)
	return w.user(out), err
}

func (w *mapped) DeleteUser(ctx context.Context, id string) error {
	return w.s.DeleteUser(ctx, w.m.id(id))
}

func (w *mapped) CredentialAccount(ctx context.Context, userID string) (*latch.Account, error) {
	a, err := w.s.CredentialAccount(ctx, w.m.id(userID))
	return w.account(a), err
}

func (w *mapped) SetPassword(ctx context.Context, userID, hash string, now time.Time) error {
	return w.s.SetPassword(ctx, w.m.id(userID), hash, now)
}

func (w *mapped) CreateSession(ctx context.Context, x *latch.Session) error {
	x.ID, x.UserID = w.m.id(x.ID), w.m.id(x.UserID)
	err := w.s.CreateSession(ctx, x)
	w.session(x)
	return err
}

func (w *mapped) SessionByToken(ctx context.Context, token string) (*latch.Session, *latch.User, error) {
	x, u, err := w.s.SessionByToken(ctx, token)
	return w.session(x), w.user(u), err
}

func (w *mapped) SessionByID(ctx context.Context, id string) (*latch.Session, error) {
	x, err := w.s.SessionByID(ctx, w.m.id(id))
	return w.session(x), err
}

func (w *mapped) ExtendSession(ctx context.Context, token string, expiresAt, now time.Time) error {
	return w.s.ExtendSession(ctx, token, expiresAt, now)
}

func (w *mapped) ListSessions(ctx context.Context, userID string, now time.Time) ([]latch.Session, error) {
	xs, err := w.s.ListSessions(ctx, w.m.id(userID), now)
	for i := range xs {
		w.session(&xs[i])
	}
	return xs, err
}

func (w *mapped) DeleteSession(ctx context.Context, userID, token string) error {
	return w.s.DeleteSession(ctx, w.m.id(userID), token)
}

func (w *mapped) DeleteUserSessions(ctx context.Context, userID, keep string) error {
	return w.s.DeleteUserSessions(ctx, w.m.id(userID), keep)
}

func (w *mapped) jwk(k *latch.JWK) {
	if k != nil {
		k.ID = w.m.name(k.ID)
	}
}

func (w *mapped) JWKs(ctx context.Context) ([]latch.JWK, error) {
	ks, err := w.s.JWKs(ctx)
	for i := range ks {
		w.jwk(&ks[i])
	}
	return ks, err
}

func (w *mapped) CreateJWK(ctx context.Context, k *latch.JWK) error {
	k.ID = w.m.id(k.ID)
	err := w.s.CreateJWK(ctx, k)
	w.jwk(k)
	return err
}

func (w *mapped) ExpireJWKs(ctx context.Context, keep string, at time.Time) error {
	return w.s.ExpireJWKs(ctx, w.m.id(keep), at)
}

func (w *mapped) DeleteJWKsExpiredBefore(ctx context.Context, t time.Time) (int, error) {
	return w.s.DeleteJWKsExpiredBefore(ctx, t)
}
