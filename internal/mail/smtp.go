package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/netip"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// SMTP delivers through an SMTP server. Build it with ParseSMTPURL.
type SMTP struct {
	// Host and Port of the server.
	Host string
	Port string
	// ImplicitTLS is set for smtps:// (TLS from the first byte);
	// otherwise STARTTLS is used whenever the server offers it.
	ImplicitTLS bool
	// Username and Password, when set, authenticate with AUTH PLAIN.
	// They are sent only over TLS, or in plain text to a loopback host.
	Username, Password string
	// HelloName is the name sent in EHLO (empty: "localhost").
	HelloName string
	// TLSConfig, when set, is the base TLS configuration (tests set
	// RootCAs); ServerName is always Host.
	TLSConfig *tls.Config
	// Dial, when set, opens the TCP connection (tests).
	Dial func(ctx context.Context, addr string) (net.Conn, error)
}

// ErrPlainCredentials refuses to send credentials over an unencrypted
// connection to a host that is not loopback.
var ErrPlainCredentials = fmt.Errorf("%w: the SMTP server offers no STARTTLS and credentials must not travel in plain text (use smtps:// or a server with STARTTLS)", ErrPermanent)

// ParseSMTPURL parses LATCH_SMTP_URL: smtp://[user:pass@]host[:port]
// (port 587 by default, STARTTLS when offered) or
// smtps://[user:pass@]host[:port] (port 465, implicit TLS).
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	s := &SMTP{Host: u.Hostname(), Port: u.Port()}
	switch u.Scheme {
	case "smtp":
		if s.Port == "" {
			s.Port = "587"
		}
	case "smtps":
		s.ImplicitTLS = true
		if s.Port == "" {
			s.Port = "465"
		}
	default:
		return nil, fmt.Errorf("scheme %q: want smtp:// or smtps://", u.Scheme)
	}
	if s.Host == "" {
		return nil, errors.New("no host")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("unexpected path, query or fragment")
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// String describes the server without credentials.
func (s *SMTP) String() string {
	scheme := "smtp"
	if s.ImplicitTLS {
		scheme = "smtps"
	}
	return scheme + "://" + net.JoinHostPort(s.Host, s.Port)
}

// Loopback reports whether host names this machine.
func Loopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

func (s *SMTP) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.TLSConfig != nil {
		c = s.TLSConfig.Clone()
	}
	c.ServerName = s.Host
	return c
}

// Deliver implements Sender.
func (s *SMTP) Deliver(ctx context.Context, m *Message) error {
	data, err := Compose(m)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrPermanent, err)
	}
	addr := net.JoinHostPort(s.Host, s.Port)
	dial := s.Dial
	if dial == nil {
		d := &net.Dialer{Timeout: 15 * time.Second}
		dial = func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
	}
	conn, err := dial(ctx, addr)
	if err != nil {
		return fmt.Errorf("mail: connect %s: %w", s, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if s.ImplicitTLS {
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fmt.Errorf("mail: TLS with %s: %w", s, err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %s: %w", s, err)
	}
	defer c.Close()
	if s.HelloName != "" {
		if err := c.Hello(s.HelloName); err != nil {
			return err
		}
	}
	encrypted := s.ImplicitTLS
	if !encrypted {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return fmt.Errorf("mail: STARTTLS with %s: %w", s, err)
			}
			encrypted = true
		}
	}
	if s.Username != "" {
		if !encrypted && !Loopback(s.Host) {
			return ErrPlainCredentials
		}
		if err := c.Auth(&plainAuth{user: s.Username, pass: s.Password}); err != nil {
			return fmt.Errorf("mail: AUTH with %s: %w", s, err)
		}
	}
	from, _ := mail.ParseAddress(m.From)
	if err := c.Mail(from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// plainAuth is AUTH PLAIN. Deliver decides whether the connection may
// carry it (net/smtp's PlainAuth would refuse a TLS-less loopback server
// known by an IP other than 127.0.0.1 or ::1).
type plainAuth struct{ user, pass string }

func (a *plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
}

func (a *plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("mail: unexpected AUTH PLAIN challenge")
	}
	return nil, nil
}

// Compose builds the RFC 5322 message: multipart/alternative with the
// plain-text and HTML parts, both quoted-printable UTF-8.
func Compose(m *Message) ([]byte, error) {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, fmt.Errorf("mail: From %q: %w", m.From, err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil || strings.ContainsAny(m.To, "\r\n") {
		return nil, fmt.Errorf("mail: bad recipient address")
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("From", from.String())
	h.Set("To", to.String())
	h.Set("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h.Set("Date", time.Now().UTC().Format(time.RFC1123Z))
	domain := "latch.invalid"
	if _, d, ok := strings.Cut(from.Address, "@"); ok {
		domain = d
	}
	h.Set("Message-Id", "<"+m.ID+"@"+domain+">")
	h.Set("Mime-Version", "1.0")
	h.Set("Content-Type", "multipart/alternative; boundary="+mw.Boundary())
	for _, k := range []string{"From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Content-Type"} {
		fmt.Fprintf(&b, "%s: %s\r\n", k, h.Get(k))
	}
	b.WriteString("\r\n")
	for _, part := range []struct{ ctype, body string }{{"text/plain; charset=utf-8", m.Text}, {"text/html; charset=utf-8", m.HTML}} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {part.ctype}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(part.body, "\r\n", "\n"), "\n", "\r\n"))); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
