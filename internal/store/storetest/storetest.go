// Package storetest is the conformance suite every Latch store runs: one
// set of named subtests, each given a fresh, empty store, covering every
// method of latch.TaskStore, latch.UserStore, latch.SessionStore and
// latch.KeyStore and their error contracts.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// Stores is what a store under test must implement.
type Stores interface {
	latch.TaskStore
	latch.UserStore
	latch.SessionStore
	latch.KeyStore
}

// Run runs the suite. open must return a fresh, empty, migrated store and
// arrange its cleanup with t.Cleanup. Subtests run in parallel.
func Run(t *testing.T, open func(t *testing.T) Stores) {
	t.Helper()
	groups := []struct {
		name  string
		tests []test
	}{
		{name: "Task", tests: taskTests},
		{name: "List", tests: listTests},
		{name: "User", tests: userTests},
		{name: "Session", tests: sessionTests},
		{name: "JWK", tests: jwkTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, open(t))
				})
			}
		})
	}
}

type test struct {
	name string
	run  func(t *testing.T, s Stores)
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

var seq atomic.Int64

// newID returns a unique 32-character id in Better Auth's alphabet.
func newID(prefix string) string {
	s := fmt.Sprintf("%s%031d", prefix, seq.Add(1))
	return s[len(s)-32:]
}

func wantErr(t *testing.T, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: err = %v, want %v", what, err, want)
	}
}

func noErr(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// checkTime fails unless v is UTC with at most millisecond precision.
func checkTime(t *testing.T, v time.Time, what string) {
	t.Helper()
	if v.IsZero() {
		t.Fatalf("%s is zero", what)
	}
	if v.Location() != time.UTC {
		t.Fatalf("%s location = %v, want UTC", what, v.Location())
	}
	if v.Nanosecond()%int(time.Millisecond) != 0 {
		t.Fatalf("%s = %v has sub-millisecond digits", what, v)
	}
}

// mkUser creates a user with a credential account and returns it.
func mkUser(t *testing.T, s Stores, email string) *latch.User {
	t.Helper()
	u := &latch.User{ID: newID("u"), Name: "User " + email, Email: email}
	pw := "73616c74:6b6579"
	a := &latch.Account{ID: newID("a"), AccountID: u.ID, ProviderID: latch.CredentialProvider, UserID: u.ID, Password: &pw}
	noErr(t, s.CreateUser(ctx(t), stampUser(u), stampAccount(a)), "CreateUser")
	return u
}

// mkTask creates a task for owner.
func mkTask(t *testing.T, s Stores, owner, title string) *latch.Task {
	t.Helper()
	tk := &latch.Task{UserID: owner, Title: title, Description: "about " + title}
	noErr(t, s.CreateTask(ctx(t), tk, time.Now()), "CreateTask")
	return tk
}

// stampUser and stampAccount set the creation times of a new row to now,
// as the auth service does: stores never read a clock.
func stampUser(u *latch.User) *latch.User {
	now := time.Now()
	u.CreatedAt, u.UpdatedAt = now, now
	return u
}

func stampAccount(a *latch.Account) *latch.Account {
	now := time.Now()
	a.CreatedAt, a.UpdatedAt = now, now
	return a
}
