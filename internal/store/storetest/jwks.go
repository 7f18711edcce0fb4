package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

var jwkTests = []test{
	{name: "CreateList", run: testJWKCreateList},
	{name: "Expire", run: testJWKExpire},
	{name: "DeleteExpired", run: testJWKDeleteExpired},
}

func mkJWK(t *testing.T, s Stores, id string, created time.Time) *latch.JWK {
	t.Helper()
	k := &latch.JWK{ID: id, PublicKey: `{"kty":"OKP","crv":"Ed25519","x":"` + id + `"}`,
		PrivateKey: `"00ff` + id + `"`, CreatedAt: created, Alg: "EdDSA", Crv: "Ed25519"}
	noErr(t, s.CreateJWK(ctx(t), k), "CreateJWK")
	return k
}

func testJWKCreateList(t *testing.T, s Stores) {
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond).UTC()
	b := mkJWK(t, s, newID("b"), base.Add(time.Minute))
	a := mkJWK(t, s, newID("a"), base)
	c := &latch.JWK{ID: newID("c"), PublicKey: "{}", PrivateKey: `"x"`, CreatedAt: base.Add(2 * time.Minute),
		ExpiresAt: base.Add(time.Hour)} // no alg or crv: NULL columns, as legacy Better Auth rows
	noErr(t, s.CreateJWK(ctx(t), c), "CreateJWK without alg")
	if err := s.CreateJWK(ctx(t), &latch.JWK{ID: a.ID, PublicKey: "{}", PrivateKey: "x", CreatedAt: base}); !errors.Is(err, latch.ErrConflict) {
		t.Fatalf("duplicate id: err = %v, want ErrConflict", err)
	}
	got, err := s.JWKs(ctx(t))
	noErr(t, err, "JWKs")
	if len(got) != 3 || got[0].ID != a.ID || got[1].ID != b.ID || got[2].ID != c.ID {
		t.Fatalf("JWKs = %+v, want a, b, c oldest first", got)
	}
	if got[0] != *a {
		t.Errorf("JWKs[0] = %+v, want %+v", got[0], *a)
	}
	if !got[0].ExpiresAt.IsZero() || !got[2].ExpiresAt.Equal(c.ExpiresAt) || got[2].Alg != "" || got[2].Crv != "" {
		t.Errorf("JWKs[2] = %+v, want expiry %v and no alg/crv", got[2], c.ExpiresAt)
	}
}

func testJWKExpire(t *testing.T, s Stores) {
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond).UTC()
	old := mkJWK(t, s, newID("old"), base)
	cur := mkJWK(t, s, newID("cur"), base.Add(time.Minute))
	early := &latch.JWK{ID: newID("early"), PublicKey: "{}", PrivateKey: `"x"`, CreatedAt: base, ExpiresAt: base.Add(time.Second)}
	noErr(t, s.CreateJWK(ctx(t), early), "CreateJWK")
	at := base.Add(2 * time.Hour)
	noErr(t, s.ExpireJWKs(ctx(t), cur.ID, at), "ExpireJWKs")
	got, err := s.JWKs(ctx(t))
	noErr(t, err, "JWKs")
	for _, k := range got {
		switch k.ID {
		case old.ID:
			if !k.ExpiresAt.Equal(at) {
				t.Errorf("old key expires %v, want %v", k.ExpiresAt, at)
			}
		case cur.ID:
			if !k.ExpiresAt.IsZero() {
				t.Errorf("kept key got expiry %v", k.ExpiresAt)
			}
		case early.ID:
			if !k.ExpiresAt.Equal(early.ExpiresAt) {
				t.Errorf("an earlier expiry was moved later: %v", k.ExpiresAt)
			}
		}
	}
}

func testJWKDeleteExpired(t *testing.T, s Stores) {
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond).UTC()
	keep := mkJWK(t, s, newID("keep"), base)
	gone := &latch.JWK{ID: newID("gone"), PublicKey: "{}", PrivateKey: `"x"`, CreatedAt: base, ExpiresAt: base.Add(time.Minute)}
	noErr(t, s.CreateJWK(ctx(t), gone), "CreateJWK")
	later := &latch.JWK{ID: newID("later"), PublicKey: "{}", PrivateKey: `"x"`, CreatedAt: base, ExpiresAt: base.Add(3 * time.Hour)}
	noErr(t, s.CreateJWK(ctx(t), later), "CreateJWK")
	n, err := s.DeleteJWKsExpiredBefore(ctx(t), base.Add(time.Hour))
	noErr(t, err, "DeleteJWKsExpiredBefore")
	got, _ := s.JWKs(ctx(t))
	if n != 1 || len(got) != 2 || got[0].ID == gone.ID || got[1].ID == gone.ID {
		t.Fatalf("deleted %d, left %+v; want only %s gone (kept %s)", n, got, gone.ID, keep.ID)
	}
}
