package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

var userTests = []test{
	{name: "CreateRead", run: testUserCreateRead},
	{name: "NotFound", run: testUserNotFound},
	{name: "DuplicateEmail", run: testDuplicateEmail},
	{name: "Update", run: testUserUpdate},
	{name: "Password", run: testPassword},
	{name: "DeleteCascades", run: testDeleteCascades},
	{name: "TimeRoundTrip", run: testTimeRoundTrip},
	{name: "TimesRequired", run: testTimesRequired},
}

func testUserCreateRead(t *testing.T, s Stores) {
	img := "https://example.com/a.png"
	u := &latch.User{ID: newID("u"), Name: "Zoë 🙂", Email: "zoe@example.com", EmailVerified: true, Image: &img}
	pw := "00ff:aa11"
	a := &latch.Account{ID: newID("a"), AccountID: u.ID, ProviderID: latch.CredentialProvider, UserID: u.ID, Password: &pw}
	noErr(t, s.CreateUser(ctx(t), stampUser(u), stampAccount(a)), "CreateUser")
	checkTime(t, u.CreatedAt, "user CreatedAt (normalised)")
	checkTime(t, a.UpdatedAt, "account UpdatedAt (normalised)")
	for name, get := range map[string]func() (*latch.User, error){
		"UserByID":    func() (*latch.User, error) { return s.UserByID(ctx(t), u.ID) },
		"UserByEmail": func() (*latch.User, error) { return s.UserByEmail(ctx(t), "zoe@example.com") },
	} {
		got, err := get()
		noErr(t, err, name)
		if !reflect.DeepEqual(got, u) {
			t.Fatalf("%s = %+v, want %+v", name, got, u)
		}
	}
	got, err := s.CredentialAccount(ctx(t), u.ID)
	noErr(t, err, "CredentialAccount")
	if !reflect.DeepEqual(got, a) {
		t.Fatalf("CredentialAccount = %+v, want %+v", got, a)
	}
	// No image, no account.
	bare := &latch.User{ID: newID("u"), Name: "Bare", Email: "bare@example.com"}
	noErr(t, s.CreateUser(ctx(t), stampUser(bare), nil), "CreateUser without account")
	gotBare, err := s.UserByID(ctx(t), bare.ID)
	noErr(t, err, "UserByID bare")
	if gotBare.Image != nil || gotBare.EmailVerified {
		t.Fatalf("bare user = %+v", gotBare)
	}
	_, err = s.CredentialAccount(ctx(t), bare.ID)
	wantErr(t, err, latch.ErrNotFound, "CredentialAccount of user without one")
}

func testUserNotFound(t *testing.T, s Stores) {
	_, err := s.UserByID(ctx(t), "missing")
	wantErr(t, err, latch.ErrNotFound, "UserByID")
	_, err = s.UserByEmail(ctx(t), "missing@example.com")
	wantErr(t, err, latch.ErrNotFound, "UserByEmail")
	name := "x"
	_, err = s.UpdateUser(ctx(t), "missing", latch.UserUpdate{Name: &name}, time.Now())
	wantErr(t, err, latch.ErrNotFound, "UpdateUser")
	wantErr(t, s.DeleteUser(ctx(t), "missing"), latch.ErrNotFound, "DeleteUser")
	_, err = s.CredentialAccount(ctx(t), "missing")
	wantErr(t, err, latch.ErrNotFound, "CredentialAccount")
	wantErr(t, s.SetPassword(ctx(t), "missing", "a:b", time.Now()), latch.ErrNotFound, "SetPassword")
}

func testDuplicateEmail(t *testing.T, s Stores) {
	first := mkUser(t, s, "dup@example.com")
	u := &latch.User{ID: newID("u"), Name: "Second", Email: "dup@example.com"}
	a := &latch.Account{ID: newID("a"), AccountID: u.ID, ProviderID: latch.CredentialProvider, UserID: u.ID}
	wantErr(t, s.CreateUser(ctx(t), stampUser(u), stampAccount(a)), latch.ErrConflict, "CreateUser with taken email")
	_, err := s.UserByID(ctx(t), u.ID)
	wantErr(t, err, latch.ErrNotFound, "rejected user left behind")
	_, err = s.CredentialAccount(ctx(t), u.ID)
	wantErr(t, err, latch.ErrNotFound, "rejected account left behind")
	// A duplicate id is a conflict too, and the account insert failing
	// rolls the user back.
	again := &latch.User{ID: first.ID, Name: "Same id", Email: "other@example.com"}
	wantErr(t, s.CreateUser(ctx(t), stampUser(again), nil), latch.ErrConflict, "CreateUser with taken id")
	fresh := &latch.User{ID: newID("u"), Name: "Fresh", Email: "fresh@example.com"}
	acct, err := s.CredentialAccount(ctx(t), first.ID)
	noErr(t, err, "CredentialAccount")
	dupAcct := &latch.Account{ID: acct.ID, AccountID: fresh.ID, ProviderID: latch.CredentialProvider, UserID: fresh.ID}
	wantErr(t, s.CreateUser(ctx(t), stampUser(fresh), stampAccount(dupAcct)), latch.ErrConflict, "CreateUser with taken account id")
	_, err = s.UserByEmail(ctx(t), "fresh@example.com")
	wantErr(t, err, latch.ErrNotFound, "user of failed transaction")
}

func testUserUpdate(t *testing.T, s Stores) {
	u := mkUser(t, s, "up@example.com")
	now := time.Date(2031, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600))
	name, img := "New Name", "https://img.example/x.png"
	imgPtr := &img
	got, err := s.UpdateUser(ctx(t), u.ID, latch.UserUpdate{Name: &name, Image: &imgPtr}, now)
	noErr(t, err, "UpdateUser")
	want := *u
	want.Name, want.Image, want.UpdatedAt = name, &img, now.UTC().Truncate(time.Millisecond)
	if !reflect.DeepEqual(got, &want) {
		t.Fatalf("UpdateUser = %+v, want %+v", got, &want)
	}
	var noImage *string
	got, err = s.UpdateUser(ctx(t), u.ID, latch.UserUpdate{Image: &noImage}, now)
	noErr(t, err, "UpdateUser clear image")
	if got.Image != nil || got.Name != name {
		t.Fatalf("after clearing image: %+v", got)
	}
	got, err = s.UpdateUser(ctx(t), u.ID, latch.UserUpdate{}, now.Add(time.Hour))
	noErr(t, err, "UpdateUser nothing")
	if got.Name != name || !got.UpdatedAt.Equal(now.Add(time.Hour).Truncate(time.Millisecond)) {
		t.Fatalf("empty update: %+v", got)
	}
	again, err := s.UserByID(ctx(t), u.ID)
	noErr(t, err, "UserByID")
	if !reflect.DeepEqual(again, got) {
		t.Fatalf("UserByID = %+v, want %+v", again, got)
	}
}

func testPassword(t *testing.T, s Stores) {
	u := mkUser(t, s, "pw@example.com")
	now := time.Now().Add(time.Minute)
	noErr(t, s.SetPassword(ctx(t), u.ID, "beef:cafe", now), "SetPassword")
	a, err := s.CredentialAccount(ctx(t), u.ID)
	noErr(t, err, "CredentialAccount")
	if a.Password == nil || *a.Password != "beef:cafe" || !a.UpdatedAt.Equal(now.Truncate(time.Millisecond)) {
		t.Fatalf("account after SetPassword = %+v", a)
	}
	bare := &latch.User{ID: newID("u"), Name: "No password", Email: "nopw@example.com"}
	noErr(t, s.CreateUser(ctx(t), stampUser(bare), nil), "CreateUser")
	wantErr(t, s.SetPassword(ctx(t), bare.ID, "a:b", now), latch.ErrNotFound, "SetPassword without account")
}

func testDeleteCascades(t *testing.T, s Stores) {
	gone := mkUser(t, s, "gone@example.com")
	stay := mkUser(t, s, "stay@example.com")
	var goneTasks, stayTasks []*latch.Task
	for i := range 3 {
		goneTasks = append(goneTasks, mkTask(t, s, gone.ID, "g"+string(rune('a'+i))))
		stayTasks = append(stayTasks, mkTask(t, s, stay.ID, "s"+string(rune('a'+i))))
	}
	gs := mkSession(t, s, gone.ID, time.Now().Add(time.Hour))
	ss := mkSession(t, s, stay.ID, time.Now().Add(time.Hour))

	noErr(t, s.DeleteUser(ctx(t), gone.ID), "DeleteUser")
	_, err := s.UserByID(ctx(t), gone.ID)
	wantErr(t, err, latch.ErrNotFound, "deleted user")
	_, _, err = s.SessionByToken(ctx(t), gs.Token)
	wantErr(t, err, latch.ErrNotFound, "session of deleted user")
	_, err = s.SessionByID(ctx(t), gs.ID)
	wantErr(t, err, latch.ErrNotFound, "session by id of deleted user")
	_, err = s.CredentialAccount(ctx(t), gone.ID)
	wantErr(t, err, latch.ErrNotFound, "account of deleted user")
	for _, tk := range goneTasks {
		_, err = s.GetTask(ctx(t), gone.ID, tk.ID)
		wantErr(t, err, latch.ErrNotFound, "task of deleted user")
	}
	page, err := s.ListTasks(ctx(t), latch.TaskFilter{UserID: gone.ID, Limit: 10})
	noErr(t, err, "ListTasks")
	if page.Total != 0 {
		t.Fatalf("deleted user still has %d tasks", page.Total)
	}
	wantErr(t, s.DeleteUser(ctx(t), gone.ID), latch.ErrNotFound, "second DeleteUser")

	// The other user keeps everything.
	_, err = s.CredentialAccount(ctx(t), stay.ID)
	noErr(t, err, "other user's account")
	_, _, err = s.SessionByToken(ctx(t), ss.Token)
	noErr(t, err, "other user's session")
	for _, tk := range stayTasks {
		_, err = s.GetTask(ctx(t), stay.ID, tk.ID)
		noErr(t, err, "other user's task")
	}
}

// testTimeRoundTrip stores times with nanoseconds in a non-UTC zone and
// expects them back in UTC, truncated to the millisecond, and equal to
// what the caller's struct was normalised to.
func testTimeRoundTrip(t *testing.T, s Stores) {
	zone := time.FixedZone("UTC-7", -7*3600)
	created := time.Date(2026, 11, 28, 6, 25, 34, 41_999_998, zone)
	u := &latch.User{ID: newID("u"), Name: "T", Email: "time@example.com", CreatedAt: created, UpdatedAt: created.Add(time.Nanosecond)}
	noErr(t, s.CreateUser(ctx(t), u, nil), "CreateUser")
	want := time.Date(2026, 11, 28, 13, 25, 34, 41_000_000, time.UTC)
	if u.CreatedAt != want || u.UpdatedAt != want {
		t.Fatalf("normalised input = %v / %v, want %v", u.CreatedAt, u.UpdatedAt, want)
	}
	got, err := s.UserByID(ctx(t), u.ID)
	noErr(t, err, "UserByID")
	if got.CreatedAt != want || got.UpdatedAt != want {
		t.Fatalf("read back %v / %v, want %v (UTC, ms)", got.CreatedAt, got.UpdatedAt, want)
	}
	// Far past and far future dates survive too.
	for _, v := range []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 1_000_000, time.UTC),
		time.Date(2199, 12, 31, 23, 59, 59, 999_000_000, time.UTC),
	} {
		x := mkSession(t, s, u.ID, v)
		got, err := s.SessionByID(ctx(t), x.ID)
		noErr(t, err, "SessionByID")
		if got.ExpiresAt != v {
			t.Fatalf("ExpiresAt = %v, want %v", got.ExpiresAt, v)
		}
	}
	tk := &latch.Task{UserID: u.ID, Title: "clock"}
	noErr(t, s.CreateTask(ctx(t), tk, created), "CreateTask")
	if tk.CreatedAt != want || tk.UpdatedAt != want {
		t.Fatalf("task times %v/%v, want %v (the caller's now, normalised)", tk.CreatedAt, tk.UpdatedAt, want)
	}
	gotTask, err := s.GetTask(ctx(t), u.ID, tk.ID)
	noErr(t, err, "GetTask")
	if gotTask.CreatedAt != tk.CreatedAt || gotTask.UpdatedAt != tk.UpdatedAt {
		t.Fatalf("task times %v/%v, want %v/%v", gotTask.CreatedAt, gotTask.UpdatedAt, tk.CreatedAt, tk.UpdatedAt)
	}
}

// testTimesRequired checks that a store never fills in a missing time
// from its own clock: a new user, account or session without CreatedAt or
// UpdatedAt is refused with ErrInvalid and nothing is written.
func testTimesRequired(t *testing.T, s Stores) {
	now := time.Now()
	u := &latch.User{ID: newID("u"), Name: "No time", Email: "notime@example.com"}
	wantErr(t, s.CreateUser(ctx(t), u, nil), latch.ErrInvalid, "CreateUser without times")
	u.CreatedAt = now
	wantErr(t, s.CreateUser(ctx(t), u, nil), latch.ErrInvalid, "CreateUser without UpdatedAt")
	a := &latch.Account{ID: newID("a"), AccountID: u.ID, ProviderID: latch.CredentialProvider, UserID: u.ID}
	u.UpdatedAt = now
	wantErr(t, s.CreateUser(ctx(t), u, a), latch.ErrInvalid, "CreateUser with an account without times")
	_, err := s.UserByID(ctx(t), u.ID)
	wantErr(t, err, latch.ErrNotFound, "refused user")
	owner := mkUser(t, s, "owner@example.com")
	x := &latch.Session{ID: newID("s"), Token: newID("t"), UserID: owner.ID, ExpiresAt: now.Add(time.Hour)}
	wantErr(t, s.CreateSession(ctx(t), x), latch.ErrInvalid, "CreateSession without times")
	_, err = s.SessionByID(ctx(t), x.ID)
	wantErr(t, err, latch.ErrNotFound, "refused session")
}
