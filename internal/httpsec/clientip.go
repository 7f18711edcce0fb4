package httpsec

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ErrBadProxy reports an unusable trusted-proxy entry.
var ErrBadProxy = errors.New("httpsec: bad trusted proxy")

// ClientIP says where the client address of a request comes from. The
// result is normalised as Better Auth's normalizeIP does (core/utils/ip.ts):
// IPv4 (and IPv4-mapped IPv6) as dotted quad, IPv6 masked to its /64 and
// written in expanded lower-case form, for example
// "2001:0db8:0000:0000:0000:0000:0000:0000".
type ClientIP struct {
	// Header names the proxy header to read, for example
	// "X-Forwarded-For". Empty means the connection address (RemoteAddr)
	// only: no header is ever trusted then.
	Header string
	// TrustedProxies lists the proxies allowed to append to Header. With
	// none, only a single-value header is trusted (Better Auth's rule) and
	// a comma chain is ignored. With some, the chain plus the connection
	// address is walked from the right, skipping trusted hops, and the
	// first untrusted hop is the client; the connection address must
	// therefore be a trusted proxy for the header to count at all.
	TrustedProxies []netip.Prefix
}

// Of returns the client address of r, or "" when neither the header nor
// RemoteAddr yields one. A malformed or fully trusted chain falls back to
// RemoteAddr.
func (c ClientIP) Of(r *http.Request) string {
	remote, remoteOK := remoteAddr(r.RemoteAddr)
	if c.Header != "" {
		if vals := r.Header.Values(c.Header); len(vals) > 0 {
			if a, ok := c.fromHeader(strings.Join(vals, ","), remote, remoteOK); ok {
				return NormalizeIP(a)
			}
		}
	}
	if !remoteOK {
		return ""
	}
	return NormalizeIP(remote)
}

func (c ClientIP) fromHeader(v string, remote netip.Addr, remoteOK bool) (netip.Addr, bool) {
	var hops []string
	for h := range strings.SplitSeq(v, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hops = append(hops, h)
		}
	}
	if len(hops) == 0 {
		return netip.Addr{}, false
	}
	if len(c.TrustedProxies) == 0 {
		if len(hops) != 1 {
			return netip.Addr{}, false
		}
		return parseHop(hops[0])
	}
	if remoteOK && !c.trusted(remote) {
		// The peer is not one of our proxies: whatever it wrote in the
		// header is its own claim.
		return remote, true
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			return netip.Addr{}, false // a malformed hop breaks the chain
		}
		if !c.trusted(a) {
			return a, true
		}
	}
	return netip.Addr{}, false
}

func (c ClientIP) trusted(a netip.Addr) bool {
	for _, p := range c.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHop parses one header entry: a bare IPv4 or IPv6 address (no port,
// no brackets, no zone), IPv4-mapped forms unmapped.
func parseHop(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

func remoteAddr(s string) (netip.Addr, bool) {
	host := s
	if h, _, err := net.SplitHostPort(s); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone("").Unmap(), true
}

// NormalizeIP writes a as Better Auth keys it: IPv4 as is (mapped IPv6
// unmapped), IPv6 masked to /64 in expanded lower-case hex groups.
func NormalizeIP(a netip.Addr) string {
	a = a.WithZone("").Unmap()
	if a.Is4() {
		return a.String()
	}
	b := a.As16()
	for i := 8; i < 16; i++ {
		b[i] = 0
	}
	const hexd = "0123456789abcdef"
	out := make([]byte, 0, 39)
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, hexd[b[i]>>4], hexd[b[i]&15], hexd[b[i+1]>>4], hexd[b[i+1]&15])
	}
	return string(out)
}

// ParseTrustedProxies parses a comma-separated list of IP addresses and
// CIDR ranges ("10.0.0.0/8, 127.0.0.1, fd00::/8") for
// ClientIP.TrustedProxies. Blank entries are skipped; errors wrap
// ErrBadProxy.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for e := range strings.SplitSeq(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		var p netip.Prefix
		if strings.Contains(e, "/") {
			var err error
			if p, err = netip.ParsePrefix(e); err != nil {
				return nil, fmt.Errorf("%w: %q: %v", ErrBadProxy, e, err)
			}
		} else {
			a, err := netip.ParseAddr(e)
			if err != nil || a.Zone() != "" {
				return nil, fmt.Errorf("%w: %q is not an IP address or CIDR range", ErrBadProxy, e)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
