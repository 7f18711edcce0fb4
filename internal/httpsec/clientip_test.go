package httpsec

import (
	"errors"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func mustPrefixes(t testing.TB, s string) []netip.Prefix {
	t.Helper()
	p, err := ParseTrustedProxies(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestClientIPOf(t *testing.T) {
	xff := "X-Forwarded-For"
	proxies := mustPrefixes(t, "10.0.0.0/8, 192.0.2.1, fd00::/8")
	tests := []struct {
		name    string
		c       ClientIP
		remote  string
		headers []string // values of X-Forwarded-For, one per header line
		want    string
	}{
		{name: "remote ipv4", c: ClientIP{}, remote: "203.0.113.7:5555", want: "203.0.113.7"},
		{name: "no header configured ignores xff", c: ClientIP{}, remote: "203.0.113.7:5555", headers: []string{"1.2.3.4"}, want: "203.0.113.7"},
		{name: "remote ipv6 masked to /64 expanded", c: ClientIP{}, remote: "[2001:db8:1:2:3:4:5:6]:443", want: "2001:0db8:0001:0002:0000:0000:0000:0000"},
		{name: "remote ipv6 zone dropped", c: ClientIP{}, remote: "[fe80::1%eth0]:1", want: "fe80:0000:0000:0000:0000:0000:0000:0000"},
		{name: "remote ipv4-mapped", c: ClientIP{}, remote: "[::ffff:192.0.2.9]:80", want: "192.0.2.9"},
		{name: "remote unparsable", c: ClientIP{}, remote: "@", want: ""},
		{name: "remote without port", c: ClientIP{}, remote: "198.51.100.1", want: "198.51.100.1"},
		{name: "single header value trusted", c: ClientIP{Header: xff}, remote: "127.0.0.1:1", headers: []string{"1.2.3.4"}, want: "1.2.3.4"},
		{name: "header name case-insensitive", c: ClientIP{Header: "x-forwarded-for"}, remote: "127.0.0.1:1", headers: []string{"1.2.3.4"}, want: "1.2.3.4"},
		{name: "header ipv6 masked", c: ClientIP{Header: xff}, remote: "127.0.0.1:1", headers: []string{"2001:DB8::1"}, want: "2001:0db8:0000:0000:0000:0000:0000:0000"},
		{name: "header ipv4-mapped hex", c: ClientIP{Header: xff}, remote: "127.0.0.1:1", headers: []string{"::ffff:c000:0201"}, want: "192.0.2.1"},
		{name: "chain without proxies ignored", c: ClientIP{Header: xff}, remote: "127.0.0.1:1", headers: []string{"1.2.3.4, 5.6.7.8"}, want: "127.0.0.1"},
		{name: "second header line makes a chain", c: ClientIP{Header: xff}, remote: "127.0.0.1:1", headers: []string{"1.2.3.4", "5.6.7.8"}, want: "127.0.0.1"},
		{name: "malformed single value", c: ClientIP{Header: xff}, remote: "127.0.0.1:1", headers: []string{"1.2.3.4:80"}, want: "127.0.0.1"},
		{name: "zone in header rejected", c: ClientIP{Header: xff}, remote: "127.0.0.1:1", headers: []string{"fe80::1%eth0"}, want: "127.0.0.1"},
		{name: "empty header", c: ClientIP{Header: xff}, remote: "127.0.0.1:1", headers: []string{" , "}, want: "127.0.0.1"},
		{name: "proxies: walk from right", c: ClientIP{Header: xff, TrustedProxies: proxies}, remote: "10.0.0.5:1", headers: []string{"6.6.6.6, 1.2.3.4, 10.1.1.1"}, want: "1.2.3.4"},
		{name: "proxies: single exact proxy entry", c: ClientIP{Header: xff, TrustedProxies: proxies}, remote: "192.0.2.1:1", headers: []string{"1.2.3.4"}, want: "1.2.3.4"},
		{name: "proxies: ipv6 proxy range", c: ClientIP{Header: xff, TrustedProxies: proxies}, remote: "[fd00::1]:1", headers: []string{"2001:db8::1, fd12::3"}, want: "2001:0db8:0000:0000:0000:0000:0000:0000"},
		{name: "proxies: untrusted peer wins over header", c: ClientIP{Header: xff, TrustedProxies: proxies}, remote: "203.0.113.9:1", headers: []string{"1.2.3.4"}, want: "203.0.113.9"},
		{name: "proxies: all hops trusted falls back to peer", c: ClientIP{Header: xff, TrustedProxies: proxies}, remote: "10.0.0.5:1", headers: []string{"10.2.2.2, 10.3.3.3"}, want: "10.0.0.5"},
		{name: "proxies: malformed hop breaks chain", c: ClientIP{Header: xff, TrustedProxies: proxies}, remote: "10.0.0.5:1", headers: []string{"1.2.3.4, junk, 10.1.1.1"}, want: "10.0.0.5"},
		{name: "proxies: spoofed left part ignored", c: ClientIP{Header: xff, TrustedProxies: proxies}, remote: "10.0.0.5:1", headers: []string{"10.0.0.1, 8.8.8.8"}, want: "8.8.8.8"},
		{name: "proxies: no header uses peer", c: ClientIP{Header: xff, TrustedProxies: proxies}, remote: "10.0.0.5:1", want: "10.0.0.5"},
		{name: "custom header", c: ClientIP{Header: "CF-Connecting-IP"}, remote: "10.0.0.5:1", want: "10.0.0.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.headers {
				r.Header.Add(xff, v)
			}
			if got := tt.c.Of(r); got != tt.want {
				t.Fatalf("Of = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.1.2.3/8 ,, 127.0.0.1, ::1, ::ffff:10.0.0.0/104 ")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "127.0.0.1/32", "::1/128", "10.0.0.0/8"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "example.com", "1.2.3.4:80", "fe80::1%eth0"} {
		t.Run(bad, func(t *testing.T) {
			if _, err := ParseTrustedProxies(bad); !errors.Is(err, ErrBadProxy) {
				t.Fatalf("err = %v, want ErrBadProxy", err)
			}
		})
	}
}
