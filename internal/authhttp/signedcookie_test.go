package authhttp

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/latchhq/latch/internal/auth"
)

// TestSignedCookie reads the session cookie through the production path
// (Cookie header → requestCookies → cookieList.signed) for each kind of
// value Better Auth accepts or refuses.
func TestSignedCookie(t *testing.T) {
	const tok = "EBwkAlh4psuiVrNjZteyhS7AO1x1qrI1"
	signed := auth.Sign(testSecret, tok)
	sig := signed[len(tok)+1:]
	good := auth.SignCookieValue(testSecret, tok)
	tests := []struct {
		name string
		raw  string
		want string
		ok   bool
	}{
		{name: "encoded", raw: good, want: tok, ok: true},
		{name: "decoded", raw: signed, want: tok, ok: true},
		{name: "quoted", raw: `"` + good + `"`, want: tok, ok: true},
		{name: "wrong secret", raw: auth.SignCookieValue([]byte("other-secret-other-secret-other-secret"), tok)},
		{name: "tampered token", raw: "X" + good[1:]},
		{name: "no dot", raw: tok},
		{name: "empty", raw: ""},
		{name: "dot first", raw: "." + sig},
		{name: "short sig", raw: tok + "." + sig[:43]},
		{name: "sig without padding", raw: tok + "." + strings.TrimSuffix(sig, "=") + "A"},
		{name: "split at last dot", raw: "a.b." + auth.Sign(testSecret, "a.b")[4:], want: "a.b", ok: true},
		{name: "bad escape kept raw", raw: tok + "%zz." + sig},
		{name: "not base64", raw: tok + "." + strings.Repeat("!", 43) + "="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &call{s: newEnvNoStore(), r: newReq("a=1; " + sessionTokenCookie + "=" + tt.raw), jar: &jar{}}
			got, ok := c.s.signedCookie(c.reqCookies(), sessionTokenCookie)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("cookie %q = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
			}
			if c.sessionToken() != tt.want {
				t.Fatalf("sessionToken() = %q, want %q", c.sessionToken(), tt.want)
			}
		})
	}
}

// FuzzSignedCookie fuzzes the production path of signed cookies: what is
// accepted from any Cookie header is exactly a value whose signature is
// Sign(secret, value), and a value signed as Latch sets it
// (SignCookieValue) always reads back.
func FuzzSignedCookie(f *testing.F) {
	f.Add(sessionTokenCookie+"="+auth.SignCookieValue(testSecret, "EBwkAlh4psuiVrNjZteyhS7AO1x1qrI1"), "tok")
	f.Add(sessionTokenCookie+"=%; x=..........", "a.b")
	f.Add(sessionTokenCookie+`="a.%E0%A4%A.b"`, "ü ;\"%")
	f.Fuzz(func(t *testing.T, header, value string) {
		list := requestCookies(newReq(header))
		if v, ok := newEnvNoStore().signedCookie(list, sessionTokenCookie); ok {
			raw, _ := list.get(sessionTokenCookie)
			if auth.Sign(testSecret, v) != raw {
				t.Fatalf("accepted %q from %q, but it is not Sign(%q)", raw, header, v)
			}
		} else if v != "" {
			t.Fatalf("rejected cookie returned %q", v)
		}
		if value == "" || !utf8.ValidString(value) {
			return
		}
		set := sessionTokenCookie + "=" + auth.SignCookieValue(testSecret, value)
		got, ok := newEnvNoStore().signedCookie(requestCookies(newReq(set)), sessionTokenCookie)
		if !ok || got != value {
			t.Fatalf("cookie set for %q reads back as %q, %v", value, got, ok)
		}
	})
}
