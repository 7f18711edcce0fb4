package httpsec

// URL parsing and wildcard helpers behind Origins: origin normalisation,
// Better Auth's custom-scheme split, glob compilation and character-class
// checks.

import (
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// originOf returns the normalised origin ("scheme://host[:port]") of an
// absolute http or https URL: lower-case scheme and host, default port
// dropped, IPv6 in canonical brackets. It refuses anything a browser might
// read differently: non-printable or non-ASCII bytes, backslashes, percent
// signs in the host, opaque forms like "https:host" and empty hosts.
func originOf(s string) (string, bool) {
	if len(s) > maxURLLen || !printableASCII(s) || strings.Contains(s, `\`) {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Host == "" {
		return "", false
	}
	if strings.ContainsAny(u.Host, "%") {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return "", false
	}
	if strings.Contains(host, ":") || strings.HasPrefix(u.Host, "[") {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", false
		}
		host = "[" + a.String() + "]"
	}
	out := u.Scheme + "://" + host
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return "", false
		}
		if !(u.Scheme == "http" && n == 80 || u.Scheme == "https" && n == 443) {
			out += ":" + strconv.Itoa(n)
		}
	}
	return out, true
}

// isRootPath reports whether an http(s) URL has at most a "/" path and no
// query, fragment or user info.
func isRootPath(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == "" && !u.ForceQuery && u.User == nil
}

// hasOnlyPath reports whether an http(s) URL has a path but no query,
// fragment or user info (a base URL such as "https://x.example/api/auth").
func hasOnlyPath(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.RawQuery == "" && u.Fragment == "" && !u.ForceQuery && u.User == nil
}

// customURL is a URL split the way Better Auth's parseCustomSchemeOrigin
// does, without a URL parser.
type customURL struct{ scheme, authority, path string }

func parseCustom(s string, wildcardPattern bool) (customURL, bool) {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || !validScheme(scheme) {
		return customURL{}, false
	}
	var authority string
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		stop := "/?#"
		if wildcardPattern {
			stop = "/#"
		}
		if i := strings.IndexAny(rest, stop); i >= 0 {
			authority, rest = rest[:i], rest[i:]
		} else {
			authority, rest = rest, ""
		}
	}
	stop := "?#"
	if wildcardPattern {
		stop = "#"
	}
	if i := strings.IndexAny(rest, stop); i >= 0 {
		rest = rest[:i]
	}
	return customURL{scheme: strings.ToLower(scheme), authority: strings.ToLower(authority), path: normalizePath(rest)}, true
}

// normalizePath percent-decodes p and resolves "." and ".." so a path-pinned
// pattern cannot be escaped by traversal; "" for an empty or root path.
func normalizePath(p string) string {
	if d, err := url.PathUnescape(p); err == nil {
		p = d
	}
	var segs []string
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		case ".", "":
		default:
			segs = append(segs, seg)
		}
	}
	if len(segs) == 0 {
		return ""
	}
	return "/" + strings.Join(segs, "/")
}

// compileGlob turns a wildcard pattern into an anchored regexp: "*" is any
// run of characters other than "/" and "\", "?" one such character, and
// "\x" a literal x. RE2 keeps matching linear in the input.
func compileGlob(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			b.WriteString(`[^/\\]*`)
		case '?':
			b.WriteString(`[^/\\]`)
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteString(regexp.QuoteMeta(p[i : i+1]))
			}
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

var ipPatternRE = regexp.MustCompile(`^[\d*?.]*\d[\d*?.]*$`)

// ipOnlyPattern reports whether the host of a wildcard authority is made
// only of digits, dots and wildcards.
func ipOnlyPattern(authority string) bool {
	host, _, _ := strings.Cut(authority, ":")
	return ipPatternRE.MatchString(host)
}

func validScheme(s string) bool {
	if s == "" || !('a' <= s[0]|0x20 && s[0]|0x20 <= 'z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !('a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func isDangerousScheme(s string) bool {
	s = strings.ToLower(s)
	return s == "javascript" || s == "data" || s == "vbscript"
}

// printableASCII reports whether s has only bytes 0x21..0x7e.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// validUTF8NoControl rejects invalid UTF-8 and C0/C1 control characters.
func validUTF8NoControl(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return false
		}
	}
	return true
}
