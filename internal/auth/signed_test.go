package auth

import (
	"strings"
	"testing"
)

var testSecret = []byte(strings.Repeat("a", 32) + "-test-secret")

// Signature computed with Python hmac/base64 for this secret.
const (
	vecToken = "EBwkAlh4psuiVrNjZteyhS7AO1x1qrI1"
	vecSig   = "LEg/Cr0nGp0zJK2Ql399NR9gpic1oTF7MSaltGyUsfI="
	vecTrue  = "gKj7b6yqe6UQ7pQw/9R8gbi25YSK0oSKYgPf5vDl6GM="
)

func TestSignKnownVector(t *testing.T) {
	if got := Sign(testSecret, vecToken); got != vecToken+"."+vecSig {
		t.Fatalf("Sign = %q", got)
	}
	want := vecToken + ".LEg%2FCr0nGp0zJK2Ql399NR9gpic1oTF7MSaltGyUsfI%3D"
	if got := SignCookieValue(testSecret, vecToken); got != want {
		t.Fatalf("SignCookieValue = %q, want %q", got, want)
	}
	if got := Sign(testSecret, "true"); got != "true."+vecTrue {
		t.Fatalf("Sign(true) = %q", got)
	}
}

func TestParseBearer(t *testing.T) {
	tests := []struct {
		name string
		cred string
		want string
		ok   bool
	}{
		{name: "raw token", cred: vecToken, want: vecToken, ok: true},
		{name: "signed", cred: vecToken + "." + vecSig, want: vecToken, ok: true},
		{name: "signed url-encoded", cred: SignCookieValue(testSecret, vecToken), want: vecToken, ok: true},
		{name: "padded with spaces", cred: "  " + vecToken + " ", want: vecToken, ok: true},
		{name: "bad signature", cred: vecToken + "." + strings.Repeat("A", 43) + "="},
		{name: "jwt is not a session token", cred: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"},
		{name: "empty", cred: "   "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseBearer(testSecret, tt.cred)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("ParseBearer(%q) = %q, %v; want %q, %v", tt.cred, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestEncodeURIComponent(t *testing.T) {
	in := "a+b/c=d e~!*'()-_.é"
	want := "a%2Bb%2Fc%3Dd%20e~!*'()-_.%C3%A9"
	if got := EncodeURIComponent(in); got != want {
		t.Fatalf("EncodeURIComponent = %q, want %q", got, want)
	}
	if got := TryDecode(want); got != in {
		t.Fatalf("TryDecode = %q, want %q", got, in)
	}
}

func FuzzParseBearer(f *testing.F) {
	f.Add(vecToken)
	f.Add(vecToken + "." + vecSig)
	f.Add(SignCookieValue(testSecret, vecToken))
	f.Add("a.b.c")
	f.Add("%zz.x")
	f.Fuzz(func(t *testing.T, cred string) {
		tok, ok := ParseBearer(testSecret, cred)
		if !ok {
			return
		}
		if tok == "" {
			t.Fatal("accepted an empty token")
		}
		if strings.Contains(strings.TrimSpace(cred), ".") && Sign(testSecret, tok) != TryDecode(strings.TrimSpace(cred)) {
			t.Fatalf("accepted signed credential %q with a bad signature", cred)
		}
	})
}

func TestValidEmail(t *testing.T) {
	// Expectations measured with zod 4's z.email() (Better Auth 1.7.25's copy).
	tests := map[string]bool{
		"a@b.co": true, "A@B.CO": true, "a.b@c.d": false, "a..b@c.de": false, "a@b": false,
		"a@b.c": false, ".a@b.co": false, "a.@b.co": false, "a+b@x.io": true, "a@-b.co": false,
		"a@b-.co": true, "ü@b.co": false, "a@ü.co": false, "a'b@c.co": true, "a@b.co ": false,
		" a@b.co": false, "a@b.c0m": false, "a@1.co": true, "a_@b.co": true, "a-@b.co": true,
		"a@b..co": false, "a@b.co.": false, `"a"@b.co`: false, "a@[1.2.3.4]": false,
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := ValidEmail(in); got != want {
				t.Fatalf("ValidEmail(%q) = %v, want %v", in, got, want)
			}
		})
	}
}

func TestRandomString(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 2000 {
		s, err := NewID()
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 32 || seen[s] {
			t.Fatalf("bad or repeated id %q", s)
		}
		seen[s] = true
		for _, r := range s {
			if !strings.ContainsRune(idAlphabet, r) {
				t.Fatalf("id %q has %q outside [A-Za-z0-9]", s, r)
			}
			counts[r]++
		}
	}
	// 64000 draws over 62 symbols: each about 1032; a bias such as
	// modulo without rejection (+~3% for the first 8) stays invisible
	// here, but a broken alphabet mapping would not.
	if len(counts) != 62 {
		t.Fatalf("only %d distinct characters drawn", len(counts))
	}
	for r, n := range counts {
		if n < 800 || n > 1300 {
			t.Errorf("character %q drawn %d times, outside [800,1300]", r, n)
		}
	}
	if maxValidByte != 248 {
		t.Fatalf("maxValidByte = %d, want 248", maxValidByte)
	}
}
