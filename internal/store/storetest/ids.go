package storetest

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// invalidIDs are strings that can never be ids of a format: stores must
// answer them as absent (lookups) or invalid (task owners), never with a
// database error.
var invalidIDs = map[latch.IDFormat][]string{
	latch.IDRandom: {""},
	latch.IDSerial: {"", "abc", "0", "-1", "042", "+1", "1.5", " 1", "1 ", "2147483648", "99999999999999999999",
		"ZYhpRVn4Jk7JgC5iX9dT0aWqOeMb2LsE"},
	latch.IDUUID: {"", "abc", "1", "3AAD91EB-0E30-4DC1-8FDF-C232B2F59DFB", "3aad91eb0e304dc18fdfc232b2f59dfb",
		"{3aad91eb-0e30-4dc1-8fdf-c232b2f59dfb}", "3aad91eb-0e30-4dc1-8fdf-c232b2f59dfbx", "ZYhpRVn4Jk7JgC5iX9dT0aWqOeMb2LsE"},
}

// newIDOf returns an id of format f for a record created by the test, or
// "" for serial ids, which the store assigns.
func newIDOf(f latch.IDFormat, prefix string) string {
	switch f {
	case latch.IDSerial:
		return ""
	case latch.IDUUID:
		return formatMap(latch.IDUUID).id(newID(prefix))
	}
	return newID(prefix)
}

// IDTests checks what is particular to stores of format f, on the store
// itself: ids of new records (assigned by the database for serial ids),
// the account's userId and accountId, tasks owned by such ids, and that
// strings that cannot be ids of the format are answered without a
// database error.
func IDTests(t *testing.T, f latch.IDFormat, open func(t *testing.T) Stores) {
	t.Run("NewRecords", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		c := ctx(t)
		var prev int64
		for i, email := range []string{"first@example.com", "second@example.com"} {
			pw := "73616c74:6b6579"
			u := &latch.User{ID: newIDOf(f, "u"), Name: "N", Email: email}
			a := &latch.Account{ID: newIDOf(f, "a"), AccountID: u.ID, ProviderID: latch.CredentialProvider, UserID: u.ID, Password: &pw}
			noErr(t, s.CreateUser(c, stampUser(u), stampAccount(a)), "CreateUser")
			if !f.Valid(u.ID) || !f.Valid(a.ID) {
				t.Fatalf("user id %q, account id %q: not %s ids", u.ID, a.ID, f)
			}
			if a.UserID != u.ID || a.AccountID != u.ID {
				t.Fatalf("account userId %q, accountId %q; want the user id %q", a.UserID, a.AccountID, u.ID)
			}
			if f == latch.IDSerial {
				n, _ := strconv.ParseInt(u.ID, 10, 64)
				if n <= prev {
					t.Fatalf("user %d got id %d after %d: serial ids must increase", i, n, prev)
				}
				prev = n
			}
			got, err := s.UserByID(c, u.ID)
			noErr(t, err, "UserByID")
			if got.ID != u.ID || got.Email != email {
				t.Fatalf("UserByID(%q) = %+v", u.ID, got)
			}
			acct, err := s.CredentialAccount(c, u.ID)
			noErr(t, err, "CredentialAccount")
			if acct.ID != a.ID || acct.UserID != u.ID || acct.AccountID != u.ID {
				t.Fatalf("CredentialAccount = %+v, want id %q of user %q", acct, a.ID, u.ID)
			}

			x := &latch.Session{ID: newIDOf(f, "s"), Token: newID("t"), UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}
			noErr(t, s.CreateSession(c, stampSession(x)), "CreateSession")
			if !f.Valid(x.ID) {
				t.Fatalf("session id %q is not a %s id", x.ID, f)
			}
			byID, err := s.SessionByID(c, x.ID)
			noErr(t, err, "SessionByID")
			bt, bu, err := s.SessionByToken(c, x.Token)
			noErr(t, err, "SessionByToken")
			if byID.UserID != u.ID || bt.ID != x.ID || bu.ID != u.ID {
				t.Fatalf("session by id %+v, by token %+v / %+v; want id %q of user %q", byID, bt, bu, x.ID, u.ID)
			}
			list, err := s.ListSessions(c, u.ID, time.Now())
			noErr(t, err, "ListSessions")
			if len(list) != 1 || list[0].ID != x.ID {
				t.Fatalf("ListSessions = %+v", list)
			}

			tk := &latch.Task{UserID: u.ID, Title: "owned"}
			noErr(t, s.CreateTask(c, tk, time.Now()), "CreateTask")
			page, err := s.ListTasks(c, latch.TaskFilter{UserID: u.ID, Limit: 10})
			noErr(t, err, "ListTasks")
			if len(page.Tasks) != 1 || page.Tasks[0].UserID != u.ID {
				t.Fatalf("ListTasks = %+v, want one task of %q", page.Tasks, u.ID)
			}
			noErr(t, s.DeleteUser(c, u.ID), "DeleteUser")
			page, err = s.ListTasks(c, latch.TaskFilter{UserID: u.ID, Limit: 10})
			noErr(t, err, "ListTasks after DeleteUser")
			if len(page.Tasks) != 0 {
				t.Fatalf("tasks of a deleted user remain: %+v", page.Tasks)
			}
			_, err = s.SessionByID(c, x.ID)
			wantErr(t, err, latch.ErrNotFound, "session of a deleted user")
		}
	})

	t.Run("Keys", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		c := ctx(t)
		now := time.Now().UTC().Truncate(time.Millisecond)
		var ids []string
		for i := range 2 {
			k := &latch.JWK{ID: newIDOf(f, "k"), PublicKey: "{}", PrivateKey: `"x"`, CreatedAt: now.Add(time.Duration(i) * time.Second), Alg: "EdDSA"}
			noErr(t, s.CreateJWK(c, k), "CreateJWK")
			if !f.Valid(k.ID) {
				t.Fatalf("key id (kid) %q is not a %s id", k.ID, f)
			}
			ids = append(ids, k.ID)
		}
		noErr(t, s.ExpireJWKs(c, ids[1], now.Add(time.Hour)), "ExpireJWKs")
		ks, err := s.JWKs(c)
		noErr(t, err, "JWKs")
		if len(ks) != 2 || ks[0].ID != ids[0] || ks[1].ID != ids[1] || ks[0].ExpiresAt.IsZero() || !ks[1].ExpiresAt.IsZero() {
			t.Fatalf("JWKs after expiring all but %q = %+v", ids[1], ks)
		}
		// A keep that cannot be an id keeps nothing.
		noErr(t, s.ExpireJWKs(c, invalidIDs[f][len(invalidIDs[f])-1], now.Add(time.Hour)), "ExpireJWKs with an invalid keep")
		ks, err = s.JWKs(c)
		noErr(t, err, "JWKs")
		if len(ks) != 2 || ks[1].ExpiresAt.IsZero() {
			t.Fatalf("JWKs after expiring all = %+v", ks)
		}
	})

	t.Run("FailedCreateKeepsIDs", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		c := ctx(t)
		first := &latch.User{ID: newIDOf(f, "u"), Name: "A", Email: "same@example.com"}
		noErr(t, s.CreateUser(c, stampUser(first), nil), "CreateUser")
		u := &latch.User{ID: newIDOf(f, "u"), Name: "B", Email: "same@example.com"}
		a := &latch.Account{ID: newIDOf(f, "a"), AccountID: u.ID, ProviderID: latch.CredentialProvider, UserID: u.ID}
		before := [4]string{u.ID, a.ID, a.UserID, a.AccountID}
		wantErr(t, s.CreateUser(c, stampUser(u), stampAccount(a)), latch.ErrConflict, "duplicate email")
		if after := [4]string{u.ID, a.ID, a.UserID, a.AccountID}; after != before {
			t.Fatalf("a failed CreateUser changed the records' ids (user, account, its userId, accountId) from %q to %q", before, after)
		}
	})

	t.Run("InvalidIDs", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		c := ctx(t)
		u := &latch.User{ID: newIDOf(f, "u"), Name: "Real", Email: "real@example.com"}
		noErr(t, s.CreateUser(c, stampUser(u), nil), "CreateUser")
		for _, id := range invalidIDs[f] {
			_, err := s.UserByID(c, id)
			wantErr(t, err, latch.ErrNotFound, "UserByID("+strconv.Quote(id)+")")
			_, err = s.UpdateUser(c, id, latch.UserUpdate{}, time.Now())
			wantErr(t, err, latch.ErrNotFound, "UpdateUser("+strconv.Quote(id)+")")
			_, err = s.CredentialAccount(c, id)
			wantErr(t, err, latch.ErrNotFound, "CredentialAccount("+strconv.Quote(id)+")")
			wantErr(t, s.SetPassword(c, id, "h", time.Now()), latch.ErrNotFound, "SetPassword("+strconv.Quote(id)+")")
			wantErr(t, s.DeleteUser(c, id), latch.ErrNotFound, "DeleteUser("+strconv.Quote(id)+")")
			_, err = s.SessionByID(c, id)
			wantErr(t, err, latch.ErrNotFound, "SessionByID("+strconv.Quote(id)+")")
			x := &latch.Session{Token: newID("t"), UserID: id, ExpiresAt: time.Now().Add(time.Hour)}
			wantErr(t, s.CreateSession(c, stampSession(x)), latch.ErrNotFound, "CreateSession for user "+strconv.Quote(id))
			if id != "" {
				list, err := s.ListSessions(c, id, time.Now())
				if err != nil || len(list) != 0 {
					t.Fatalf("ListSessions(%q) = %v, %v; want none", id, list, err)
				}
				noErr(t, s.DeleteSession(c, id, "tok"), "DeleteSession("+strconv.Quote(id)+")")
				noErr(t, s.DeleteUserSessions(c, id, ""), "DeleteUserSessions("+strconv.Quote(id)+")")
			}
			checkOwner := func(err error, what string) {
				t.Helper()
				var v *latch.ValidationError
				if !errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[0].Field != "user_id" || v.Fields[0].Location != "path" {
					t.Fatalf("%s with owner %q: err = %v, want a validation error on path user_id", what, id, err)
				}
			}
			checkOwner(s.CreateTask(c, &latch.Task{UserID: id, Title: "t"}, time.Now()), "CreateTask")
			_, err = s.GetTask(c, id, 1)
			checkOwner(err, "GetTask")
			_, err = s.ListTasks(c, latch.TaskFilter{UserID: id, Limit: 10})
			checkOwner(err, "ListTasks")
			_, err = s.UpdateTask(c, id, 1, latch.TaskUpdate{Title: "x"}, time.Now())
			checkOwner(err, "UpdateTask")
			_, err = s.ToggleTask(c, id, 1, time.Now())
			checkOwner(err, "ToggleTask")
			checkOwner(s.DeleteTask(c, id, 1), "DeleteTask")
			if id != "" {
				bad := &latch.User{ID: id, Name: "Bad", Email: "bad@example.com"}
				wantErr(t, s.CreateUser(c, stampUser(bad), nil), latch.ErrInvalid, "CreateUser with id "+strconv.Quote(id))
			}
		}
		if _, err := s.UserByID(c, u.ID); err != nil {
			t.Fatalf("the real user is gone: %v", err)
		}
	})
}
