package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

var sessionTests = []test{
	{name: "CreateRead", run: testSessionCreateRead},
	{name: "NotFound", run: testSessionNotFound},
	{name: "Conflicts", run: testSessionConflicts},
	{name: "Extend", run: testExtend},
	{name: "List", run: testListSessions},
	{name: "Delete", run: testDeleteSession},
	{name: "DeleteUserSessions", run: testDeleteUserSessions},
}

// mkSession creates a session for userID expiring at exp.
func mkSession(t *testing.T, s Stores, userID string, exp time.Time) *latch.Session {
	t.Helper()
	x := &latch.Session{ID: newID("s"), Token: newID("t"), UserID: userID, ExpiresAt: exp,
		IPAddress: "127.0.0.1", UserAgent: "storetest/1.0"}
	noErr(t, s.CreateSession(ctx(t), stampSession(x)), "CreateSession")
	return x
}

// stampSession sets x's CreatedAt and UpdatedAt to now, as the auth
// service does: stores never read a clock.
func stampSession(x *latch.Session) *latch.Session {
	now := time.Now()
	x.CreatedAt, x.UpdatedAt = now, now
	return x
}

func testSessionCreateRead(t *testing.T, s Stores) {
	u := mkUser(t, s, "sess@example.com")
	x := mkSession(t, s, u.ID, time.Now().Add(7*24*time.Hour))
	checkTime(t, x.CreatedAt, "CreatedAt (normalised)")
	checkTime(t, x.ExpiresAt, "ExpiresAt (normalised)")
	gotS, gotU, err := s.SessionByToken(ctx(t), x.Token)
	noErr(t, err, "SessionByToken")
	if !reflect.DeepEqual(gotS, x) {
		t.Fatalf("SessionByToken session = %+v, want %+v", gotS, x)
	}
	if !reflect.DeepEqual(gotU, u) {
		t.Fatalf("SessionByToken user = %+v, want %+v", gotU, u)
	}
	byID, err := s.SessionByID(ctx(t), x.ID)
	noErr(t, err, "SessionByID")
	if !reflect.DeepEqual(byID, x) {
		t.Fatalf("SessionByID = %+v, want %+v", byID, x)
	}
	// Empty IP and user agent (what Better Auth writes when absent).
	bare := &latch.Session{ID: newID("s"), Token: newID("t"), UserID: u.ID, ExpiresAt: time.Now().Add(-time.Hour)}
	noErr(t, s.CreateSession(ctx(t), stampSession(bare)), "CreateSession bare")
	got, _, err := s.SessionByToken(ctx(t), bare.Token)
	noErr(t, err, "SessionByToken of an expired session")
	if got.IPAddress != "" || got.UserAgent != "" || !got.ExpiresAt.Equal(bare.ExpiresAt) {
		t.Fatalf("bare session = %+v", got)
	}
}

func testSessionNotFound(t *testing.T, s Stores) {
	_, _, err := s.SessionByToken(ctx(t), "missing")
	wantErr(t, err, latch.ErrNotFound, "SessionByToken")
	_, err = s.SessionByID(ctx(t), "missing")
	wantErr(t, err, latch.ErrNotFound, "SessionByID")
	wantErr(t, s.ExtendSession(ctx(t), "missing", time.Now(), time.Now()), latch.ErrNotFound, "ExtendSession")
	noErr(t, s.DeleteSession(ctx(t), "", "missing"), "DeleteSession of nothing")
	noErr(t, s.DeleteUserSessions(ctx(t), "missing", ""), "DeleteUserSessions of nothing")
	list, err := s.ListSessions(ctx(t), "missing", time.Now())
	noErr(t, err, "ListSessions")
	if len(list) != 0 {
		t.Fatalf("ListSessions of unknown user = %v", list)
	}
}

func testSessionConflicts(t *testing.T, s Stores) {
	u := mkUser(t, s, "c@example.com")
	x := mkSession(t, s, u.ID, time.Now().Add(time.Hour))
	dup := &latch.Session{ID: newID("s"), Token: x.Token, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}
	wantErr(t, s.CreateSession(ctx(t), stampSession(dup)), latch.ErrConflict, "duplicate token")
	orphan := &latch.Session{ID: newID("s"), Token: newID("t"), UserID: "no-such-user", ExpiresAt: time.Now().Add(time.Hour)}
	wantErr(t, s.CreateSession(ctx(t), stampSession(orphan)), latch.ErrNotFound, "session of a missing user")
}

func testExtend(t *testing.T, s Stores) {
	u := mkUser(t, s, "ext@example.com")
	x := mkSession(t, s, u.ID, time.Now().Add(time.Hour))
	exp, now := time.Now().Add(7*24*time.Hour+123456789), time.Now().Add(time.Second)
	noErr(t, s.ExtendSession(ctx(t), x.Token, exp, now), "ExtendSession")
	got, err := s.SessionByID(ctx(t), x.ID)
	noErr(t, err, "SessionByID")
	if !got.ExpiresAt.Equal(exp.Truncate(time.Millisecond)) || !got.UpdatedAt.Equal(now.Truncate(time.Millisecond)) ||
		!got.CreatedAt.Equal(x.CreatedAt) {
		t.Fatalf("after extend: %+v", got)
	}
}

func testListSessions(t *testing.T, s Stores) {
	u := mkUser(t, s, "list@example.com")
	other := mkUser(t, s, "other@example.com")
	now := time.Now()
	base := now.Add(-time.Hour)
	var want []string
	for i, exp := range []time.Duration{time.Hour, -time.Minute, 2 * time.Hour, 0, 3 * time.Hour} {
		x := &latch.Session{ID: newID("s"), Token: newID("t"), UserID: u.ID, ExpiresAt: now.Add(exp),
			CreatedAt: base.Add(time.Duration(5-i) * time.Minute), UpdatedAt: now} // newest first
		noErr(t, s.CreateSession(ctx(t), x), "CreateSession")
		if exp > 0 {
			want = append([]string{x.ID}, want...)
		}
	}
	mkSession(t, s, other.ID, now.Add(time.Hour))
	list, err := s.ListSessions(ctx(t), u.ID, now)
	noErr(t, err, "ListSessions")
	var got []string
	for _, x := range list {
		if x.UserID != u.ID {
			t.Fatalf("ListSessions returned another user's session %+v", x)
		}
		got = append(got, x.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ListSessions = %v, want unexpired oldest first %v", got, want)
	}
}

func testDeleteSession(t *testing.T, s Stores) {
	u := mkUser(t, s, "del@example.com")
	other := mkUser(t, s, "del2@example.com")
	x := mkSession(t, s, u.ID, time.Now().Add(time.Hour))
	noErr(t, s.DeleteSession(ctx(t), other.ID, x.Token), "DeleteSession by another user")
	_, _, err := s.SessionByToken(ctx(t), x.Token)
	noErr(t, err, "session survives another user's delete")
	noErr(t, s.DeleteSession(ctx(t), u.ID, x.Token), "DeleteSession by owner")
	_, _, err = s.SessionByToken(ctx(t), x.Token)
	wantErr(t, err, latch.ErrNotFound, "deleted session")
	y := mkSession(t, s, u.ID, time.Now().Add(time.Hour))
	noErr(t, s.DeleteSession(ctx(t), "", y.Token), "DeleteSession by any owner")
	_, err = s.SessionByID(ctx(t), y.ID)
	wantErr(t, err, latch.ErrNotFound, "session deleted with empty userID")
}

func testDeleteUserSessions(t *testing.T, s Stores) {
	u := mkUser(t, s, "all@example.com")
	other := mkUser(t, s, "keep@example.com")
	var xs []*latch.Session
	for range 3 {
		xs = append(xs, mkSession(t, s, u.ID, time.Now().Add(time.Hour)))
	}
	o := mkSession(t, s, other.ID, time.Now().Add(time.Hour))
	noErr(t, s.DeleteUserSessions(ctx(t), u.ID, xs[1].Token), "DeleteUserSessions keep one")
	list, err := s.ListSessions(ctx(t), u.ID, time.Now())
	noErr(t, err, "ListSessions")
	if len(list) != 1 || list[0].Token != xs[1].Token {
		t.Fatalf("after DeleteUserSessions(keep): %+v", list)
	}
	noErr(t, s.DeleteUserSessions(ctx(t), u.ID, ""), "DeleteUserSessions all")
	list, err = s.ListSessions(ctx(t), u.ID, time.Now())
	noErr(t, err, "ListSessions")
	if len(list) != 0 {
		t.Fatalf("after DeleteUserSessions(all): %+v", list)
	}
	_, _, err = s.SessionByToken(ctx(t), o.Token)
	noErr(t, err, "other user's session survives")
}
