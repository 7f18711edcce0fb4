package authhttp

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/latchhq/latch/internal/auth"
)

// Cookie base names (Better Auth's default prefix "better-auth").
const (
	sessionTokenCookie = "better-auth.session_token"
	sessionDataCookie  = "better-auth.session_data"
	dontRememberCookie = "better-auth.dont_remember"
)

// noMaxAge marks a browser-session cookie (no Max-Age attribute).
const noMaxAge = -1

// setCookie is one pending Set-Cookie header.
type setCookie struct {
	name   string
	value  string // as serialized (URL-encoded)
	maxAge int
	line   string
}

// jar collects the response's Set-Cookie headers in order, with Better
// Auth's rule that expiring a cookie first drops any earlier entry for it.
type jar struct {
	secure  bool
	entries []setCookie
}

// name returns the full cookie name (with __Secure- on https).
func (j *jar) name(base string) string {
	if j.secure {
		return "__Secure-" + base
	}
	return base
}

// serialize writes name=value; Max-Age; Path; HttpOnly; Secure; SameSite
// in better-call's attribute order.
func (j *jar) serialize(name, value string, maxAge int) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('=')
	b.WriteString(value)
	if maxAge >= 0 {
		b.WriteString("; Max-Age=")
		b.WriteString(strconv.Itoa(maxAge))
	}
	b.WriteString("; Path=/; HttpOnly")
	if j.secure {
		b.WriteString("; Secure")
	}
	b.WriteString("; SameSite=Lax")
	return b.String()
}

func (j *jar) set(name, value string, maxAge int) {
	j.entries = append(j.entries, setCookie{name: name, value: value, maxAge: maxAge, line: j.serialize(name, value, maxAge)})
}

// expire removes pending entries for name (and its chunks name.N) and
// adds name=; Max-Age=0.
func (j *jar) expire(name string) {
	kept := j.entries[:0]
	for _, e := range j.entries {
		if e.name == name || strings.HasPrefix(e.name, name+".") {
			continue
		}
		kept = append(kept, e)
	}
	j.entries = kept
	j.set(name, "", 0)
}

// sessionToken returns the decoded value of the last pending session
// cookie that is non-empty and not expiring, for the set-auth-token
// header.
func (j *jar) sessionToken() (string, bool) {
	n := j.name(sessionTokenCookie)
	for i := len(j.entries) - 1; i >= 0; i-- {
		e := j.entries[i]
		if e.name != n {
			continue
		}
		if e.value == "" || e.maxAge == 0 {
			return "", false
		}
		return auth.TryDecode(e.value), true
	}
	return "", false
}

func (j *jar) write(h http.Header) {
	for _, e := range j.entries {
		h.Add("Set-Cookie", e.line)
	}
}

// requestCookies parses the Cookie header the way better-call does: the
// first occurrence of a name wins, names and values are trimmed, one pair
// of surrounding double quotes is removed and values containing "%" are
// URL-decoded when valid.
func requestCookies(r *http.Request) cookieList {
	var out cookieList
	seen := map[string]bool{}
	str := strings.Join(r.Header.Values("Cookie"), "; ")
	index := 0
	for index < len(str) {
		eq := strings.IndexByte(str[index:], '=')
		if eq < 0 {
			break
		}
		eq += index
		end := strings.IndexByte(str[index:], ';')
		if end < 0 {
			end = len(str)
		} else {
			end += index
			if end < eq {
				index = strings.LastIndexByte(str[:eq], ';') + 1
				continue
			}
		}
		key := strings.TrimSpace(str[index:eq])
		if !seen[key] {
			seen[key] = true
			val := strings.TrimSpace(str[eq+1 : end])
			if len(val) > 0 && val[0] == '"' {
				if len(val) >= 2 {
					val = val[1 : len(val)-1]
				} else {
					val = ""
				}
			}
			out = append(out, cookiePair{key, auth.TryDecode(val)})
		}
		index = end + 1
	}
	return out
}

// cookiePair is one request cookie (value already URL-decoded).
type cookiePair struct{ name, value string }

// cookieList holds the request cookies in header order, first occurrence
// of each name only.
type cookieList []cookiePair

func (l cookieList) get(name string) (string, bool) {
	for _, p := range l {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// signedCookie returns the value of the signed cookie name in l as Better
// Auth reads it: the request's value (already URL-decoded by
// requestCookies when valid) must be non-empty and carry a valid signature
// (verifySigned: the current secret or a previous one). It is the one path
// every signed request cookie takes.
func (s *Server) signedCookie(l cookieList, name string) (string, bool) {
	v, ok := l.get(name)
	if !ok || v == "" {
		return "", false
	}
	return s.verifySigned(v)
}

// isChunkOf reports whether name is base.N (a chunk of a split cookie).
func isChunkOf(base, name string) bool {
	rest, ok := strings.CutPrefix(name, base+".")
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return false
		}
	}
	return true
}
