package httpsec

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
)

// ErrBadOrigin reports a trusted-origin entry that NewOrigins cannot use.
var ErrBadOrigin = errors.New("httpsec: bad trusted origin")

// maxURLLen bounds the inputs Trusted and SafeRedirect look at.
const maxURLLen = 8192

// Origins is the set of trusted origins: the base URL's origin plus extra
// entries, matched the way Better Auth's matchesOriginPattern does. It is
// immutable and safe for concurrent use.
type Origins struct {
	base       string // normalised origin of the base URL
	baseScheme string
	exact      map[string]struct{} // normalised http(s) origins
	originGlob []ipGlob            // "https://*.example.com": matched against the normalised origin
	hostGlob   []ipGlob            // "*.example.com": matched against host[:port] of http(s) URLs
	custom     []customPattern     // "myapp://", "exp://host/path", with or without wildcards
	entries    []string            // what was configured, normalised, for logs
}

// ipGlob is a compiled wildcard plus Better Auth's rule that a wildcard host
// made of digits, dots and wildcards ("192.168.*.*") admits only IPv4
// addresses.
type ipGlob struct {
	re     *regexp.Regexp
	ipOnly bool
}

func (g ipGlob) match(s, authority string) bool {
	if !g.re.MatchString(s) {
		return false
	}
	if !g.ipOnly {
		return true
	}
	host, _, _ := strings.Cut(authority, ":")
	a, err := netip.ParseAddr(host)
	return err == nil && a.Is4()
}

type customPattern struct {
	scheme    string
	authority string // exact (lower-case) unless authGlob is set; "" = any
	path      string // normalised; "" = any
	authGlob  *ipGlob
	pathGlob  *regexp.Regexp
}

// NewOrigins builds the trusted set from baseURL (an http or https URL; only
// its origin is used) and extra entries. An extra entry is one of:
//   - an exact origin: "https://app.example.com", "http://localhost:3000"
//     (scheme and host are case-folded, a default port is dropped, a bare
//     "/" path is allowed; any other path, query or user info is an error);
//   - a wildcard origin: "https://*.example.com", "http://localhost:*";
//   - a wildcard host: "*.example.com" (any http/https scheme and port
//     written in the pattern);
//   - a custom scheme: "myapp://" (every URL of the scheme), "myapp://host",
//     "exp://host/path" (that authority, that path or below), wildcards
//     allowed in the authority and path.
//
// In wildcards "*" matches any run of characters except "/" and "\", and "?"
// one such character. A wildcard whose host has no letter or digit ("*",
// "https://*") is refused: trusted origins get credentialed CORS, so it
// would let every web site act as the signed-in user (Better Auth itself
// sets no CORS headers and accepts it). Blank entries are skipped. Errors
// wrap ErrBadOrigin.
func NewOrigins(baseURL string, extra []string) (*Origins, error) {
	base, ok := originOf(baseURL)
	if !ok || !hasOnlyPath(baseURL) {
		return nil, fmt.Errorf("%w: base URL %q is not an http(s) URL", ErrBadOrigin, baseURL)
	}
	o := &Origins{
		base:       base,
		baseScheme: base[:strings.Index(base, "://")],
		exact:      map[string]struct{}{base: {}},
		entries:    []string{base},
	}
	for _, raw := range extra {
		e := strings.TrimSpace(raw)
		if e == "" {
			continue
		}
		if err := o.add(e); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// ParseList splits a comma-separated list of origins (the format of
// LATCH_TRUSTED_ORIGINS and BETTER_AUTH_TRUSTED_ORIGINS), trimming blanks.
func ParseList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (o *Origins) add(e string) error {
	bad := func(why string) error { return fmt.Errorf("%w: %q: %s", ErrBadOrigin, e, why) }
	if !printableASCII(e) || strings.Contains(e, `\`) {
		return bad("contains spaces, control, non-ASCII or backslash characters")
	}
	wild := strings.ContainsAny(e, "*?")
	sep := strings.Index(e, "://")
	if wild && matchesAnyHost(e, sep) {
		// Trusted origins get credentialed CORS: "*" would let every web
		// site read a signed-in user's session tokens.
		return bad("wildcard matches every host; name a domain, for example https://*.example.com")
	}
	if wild && sep < 0 {
		lower := strings.ToLower(e)
		o.hostGlob = append(o.hostGlob, ipGlob{re: compileGlob(lower), ipOnly: ipOnlyPattern(lower)})
		o.entries = append(o.entries, lower)
		return nil
	}
	scheme, _, hasColon := strings.Cut(e, ":")
	if !hasColon || !validScheme(scheme) {
		return bad("not an origin (want scheme://host[:port], a wildcard host, or a custom scheme)")
	}
	scheme = strings.ToLower(scheme)
	if scheme == "http" || scheme == "https" {
		if sep < 0 {
			return bad("http(s) origin needs //host")
		}
		if wild {
			lower := strings.ToLower(e)
			authority := lower[sep+3:]
			if strings.ContainsAny(authority, "/#@") {
				return bad("wildcard origin may not have a path, fragment or user info")
			}
			o.originGlob = append(o.originGlob, ipGlob{re: compileGlob(lower), ipOnly: ipOnlyPattern(authority)})
			o.entries = append(o.entries, lower)
			return nil
		}
		norm, ok := originOf(e)
		if !ok || !isRootPath(e) {
			return bad("want scheme://host[:port] with no path, query or user info")
		}
		o.exact[norm] = struct{}{}
		o.entries = append(o.entries, norm)
		return nil
	}
	if isDangerousScheme(scheme) {
		return bad("scheme " + scheme + " can run code")
	}
	cp, ok := parseCustom(e, wild)
	if !ok {
		return bad("bad custom-scheme origin")
	}
	p := customPattern{scheme: cp.scheme, authority: cp.authority, path: cp.path}
	if wild {
		if strings.ContainsAny(cp.authority, "*?") {
			p.authGlob = &ipGlob{re: compileGlob(cp.authority), ipOnly: ipOnlyPattern(cp.authority)}
		}
		if strings.ContainsAny(cp.path, "*?") {
			p.pathGlob = compileGlob(cp.path)
		}
	}
	o.custom = append(o.custom, p)
	o.entries = append(o.entries, e)
	return nil
}

// matchesAnyHost reports whether an http(s) or host-only wildcard entry
// has no literal letter or digit in its host ("*", "*.*", "https://*:*"),
// so that it would trust every site. sep is the index of "://" or -1.
func matchesAnyHost(e string, sep int) bool {
	authority := e
	if sep >= 0 {
		scheme := strings.ToLower(e[:sep])
		if scheme != "http" && scheme != "https" && strings.Trim(scheme, "*?") != "" {
			return false // custom schemes are pinned by their scheme
		}
		authority = e[sep+3:]
	}
	if i := strings.IndexAny(authority, "/#"); i >= 0 {
		authority = authority[:i]
	}
	host := authority
	if i := strings.LastIndexByte(authority, ':'); i >= 0 && !strings.Contains(authority, "]") {
		host = authority[:i]
	}
	for i := 0; i < len(host); i++ {
		c := host[i] | 0x20
		if 'a' <= c && c <= 'z' || '0' <= host[i] && host[i] <= '9' {
			return false
		}
	}
	return true
}

// Base returns the normalised origin of the base URL, for example
// "https://app.example.com".
func (o *Origins) Base() string { return o.base }

// List returns the trusted entries as normalised, base origin first.
func (o *Origins) List() []string { return append([]string(nil), o.entries...) }

// Trusted reports whether origin, the value of an Origin header or a full
// URL such as a Referer, belongs to a trusted origin. Relative URLs, "null"
// and unparsable values are not trusted.
func (o *Origins) Trusted(origin string) bool {
	if origin == "" || len(origin) > maxURLLen || strings.HasPrefix(origin, "/") {
		return false
	}
	if norm, ok := originOf(origin); ok {
		return o.trustedHTTP(norm)
	}
	return o.trustedCustom(origin)
}

func (o *Origins) trustedHTTP(norm string) bool {
	if _, ok := o.exact[norm]; ok {
		return true
	}
	authority := norm[strings.Index(norm, "://")+3:]
	for _, g := range o.originGlob {
		if g.match(norm, authority) {
			return true
		}
	}
	for _, g := range o.hostGlob {
		if g.match(authority, authority) {
			return true
		}
	}
	return false
}

func (o *Origins) trustedCustom(s string) bool {
	if len(o.custom) == 0 || !printableASCII(s) || strings.Contains(s, `\`) {
		return false
	}
	u, ok := parseCustom(s, false)
	if !ok || u.scheme == "http" || u.scheme == "https" || isDangerousScheme(u.scheme) {
		return false
	}
	for _, p := range o.custom {
		if p.scheme != u.scheme {
			continue
		}
		if p.authGlob != nil {
			if strings.Contains(u.authority, "@") || !p.authGlob.match(u.authority, u.authority) {
				continue
			}
		} else if p.authority != "" && p.authority != u.authority {
			continue
		}
		switch {
		case p.pathGlob != nil:
			path := u.path
			if path == "" {
				path = "/"
			}
			if p.pathGlob.MatchString(path) {
				return true
			}
		case p.path == "" || u.path == p.path || strings.HasPrefix(u.path, p.path+"/"):
			return true
		}
	}
	return false
}

// SafeRedirect reports whether target may be used as a redirect or callback
// URL (callbackURL, redirectTo, errorCallbackURL, newUserCallbackURL).
// A relative target is safe when it starts with "/" but not "//", contains
// no "\" and no control characters, and its path has no encoded "/" or "\"
// (%2F, %5C). An absolute target must belong to a trusted origin; the
// javascript:, data: and vbscript: schemes never pass. The empty string is
// not safe (callers treat an absent value separately).
func (o *Origins) SafeRedirect(target string) bool {
	if target == "" || len(target) > maxURLLen {
		return false
	}
	if strings.HasPrefix(target, "/") {
		return safeRelative(target)
	}
	if !printableASCII(target) || strings.Contains(target, `\`) {
		return false
	}
	return o.Trusted(target)
}

// safeRelative is Better Auth's isSafeRelativeURL.
func safeRelative(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.Contains(s, `\`) || !validUTF8NoControl(s) {
		return false
	}
	path := s
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		path = s[:i]
	}
	lp := strings.ToLower(path)
	if strings.Contains(lp, "%2f") || strings.Contains(lp, "%5c") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}
