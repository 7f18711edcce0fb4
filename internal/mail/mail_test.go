package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/mail"
	"github.com/latchhq/latch/internal/mail/smtptest"
	"github.com/latchhq/latch/internal/testutil"
)

const secretLink = "https://auth.example.com/api/auth/reset-password/SECRETTOKEN123?callbackURL=%2Freset"

// testCert returns a server config and a client pool trusting it, for
// host "mail.test" and 127.0.0.1.
func testCert(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.test"},
		DNSNames: []string{"mail.test", "localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

func newQueue(t *testing.T, s mail.Sender, logs *testutil.SyncBuffer) *mail.Queue {
	t.Helper()
	q := mail.NewQueue(s, mail.Options{From: "Latch <no-reply@example.com>", Backoff: 20 * time.Millisecond, Attempts: 3,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = q.Close(ctx)
	})
	return q
}

func send(t *testing.T, q *mail.Queue, to string) {
	t.Helper()
	if err := q.Send(context.Background(), latch.Mail{Kind: latch.MailResetPassword, To: to, Name: "Ann", URL: secretLink}); err != nil {
		t.Fatalf("Send: %v", err)
	}
}

func TestDeliverySMTP(t *testing.T) {
	srvTLS, pool := testCert(t)
	cases := []struct {
		name     string
		opts     smtptest.Options
		scheme   string
		userinfo string
		wantTLS  bool
	}{
		{"plain loopback with credentials", smtptest.Options{}, "smtp", "ann:pw", false},
		{"starttls", smtptest.Options{TLS: srvTLS}, "smtp", "ann:pw", true},
		{"smtps", smtptest.Options{TLS: srvTLS, Implicit: true}, "smtps", "ann:pw", true},
		{"no credentials", smtptest.Options{TLS: srvTLS}, "smtp", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t, tc.opts)
			s, err := mail.ParseSMTPURL(srv.URL(tc.scheme, tc.userinfo))
			if err != nil {
				t.Fatal(err)
			}
			s.TLSConfig = &tls.Config{RootCAs: pool}
			logs := &testutil.SyncBuffer{}
			q := newQueue(t, s, logs)
			send(t, q, "ann@example.com")
			m := srv.Wait(t, "ann@example.com", 5*time.Second)
			if m.Link != secretLink || m.Subject != "Reset your password" || m.TLS != tc.wantTLS {
				t.Fatalf("got link %q subject %q tls %v", m.Link, m.Subject, m.TLS)
			}
			if !strings.Contains(m.HTML, `href="https://auth.example.com/api/auth/reset-password/SECRETTOKEN123?callbackURL=%2Freset"`) {
				t.Fatalf("HTML part lacks the link: %s", m.HTML)
			}
			if want := strings.SplitN(tc.userinfo, ":", 2)[0]; m.Auth != want {
				t.Fatalf("AUTH user = %q, want %q", m.Auth, want)
			}
			if m.From != "no-reply@example.com" || !strings.Contains(m.Text, "Hello Ann") {
				t.Fatalf("from %q text %q", m.From, m.Text)
			}
			waitLog(t, logs, "mail sent")
			noSecrets(t, logs)
		})
	}
}

func waitLog(t *testing.T, logs *testutil.SyncBuffer, want string) {
	t.Helper()
	for range 200 {
		if strings.Contains(logs.String(), want) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("log never said %q:\n%s", want, logs.String())
}

func noSecrets(t *testing.T, logs *testutil.SyncBuffer) {
	t.Helper()
	if s := logs.String(); strings.Contains(s, "SECRETTOKEN123") || strings.Contains(s, "pw") && strings.Contains(s, "ann:pw") {
		t.Fatalf("log leaks the token or credentials:\n%s", s)
	}
}

func TestRetriesThenDelivers(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.FailNext(2, 451)
	s, _ := mail.ParseSMTPURL(srv.URL("smtp", ""))
	logs := &testutil.SyncBuffer{}
	q := newQueue(t, s, logs)
	send(t, q, "retry@example.com")
	srv.Wait(t, "retry@example.com", 5*time.Second)
	waitLog(t, logs, "attempt=3")
	if n := strings.Count(logs.String(), "mail attempt failed"); n != 2 {
		t.Fatalf("%d failed attempts logged, want 2:\n%s", n, logs)
	}
	noSecrets(t, logs)
}

func TestPermanentFailureNotRetried(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.FailNext(5, 550)
	s, _ := mail.ParseSMTPURL(srv.URL("smtp", ""))
	logs := &testutil.SyncBuffer{}
	q := newQueue(t, s, logs)
	send(t, q, "gone@example.com")
	waitLog(t, logs, "mail not delivered")
	if n := strings.Count(logs.String(), "mail attempt failed"); n != 1 || !strings.Contains(logs.String(), "permanent=true") {
		t.Fatalf("want one attempt, marked permanent:\n%s", logs)
	}
	noSecrets(t, logs)
}

func TestGivesUpAfterAttempts(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.FailNext(10, 421)
	s, _ := mail.ParseSMTPURL(srv.URL("smtp", ""))
	logs := &testutil.SyncBuffer{}
	q := newQueue(t, s, logs)
	send(t, q, "busy@example.com")
	waitLog(t, logs, "mail not delivered")
	if n := strings.Count(logs.String(), "mail attempt failed"); n != 3 {
		t.Fatalf("%d attempts, want 3:\n%s", n, logs)
	}
}

// A server that offers no STARTTLS, reached under a name that is not
// loopback, must not receive the credentials.
func TestRefusesPlainCredentials(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	s, err := mail.ParseSMTPURL("smtp://ann:pw@mail.example.com:587")
	if err != nil {
		t.Fatal(err)
	}
	s.Dial = func(ctx context.Context, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", srv.Addr)
	}
	err = s.Deliver(context.Background(), &mail.Message{ID: "x", Kind: latch.MailVerifyEmail, From: "a@example.com",
		To: "b@example.com", Subject: "s", Text: "t", HTML: "h"})
	if !errors.Is(err, mail.ErrPlainCredentials) || !errors.Is(err, mail.ErrPermanent) {
		t.Fatalf("err = %v, want ErrPlainCredentials", err)
	}
	if srv.Count() != 0 {
		t.Fatal("a message was sent")
	}
}

func TestQueueFull(t *testing.T) {
	block := make(chan struct{})
	q := mail.NewQueue(senderFunc(func(context.Context, *mail.Message) error { <-block; return nil }),
		mail.Options{From: "a@example.com", QueueSize: 1, Logger: slog.New(slog.NewTextHandler(&testutil.SyncBuffer{}, nil))})
	defer func() {
		close(block)
		_ = q.Close(context.Background())
	}()
	var full error
	for range 5 {
		if err := q.Send(context.Background(), latch.Mail{Kind: latch.MailVerifyEmail, To: "x@example.com", URL: "https://e.com/"}); err != nil {
			full = err
		}
	}
	if !errors.Is(full, mail.ErrQueueFull) {
		t.Fatalf("err = %v, want ErrQueueFull", full)
	}
}

type senderFunc func(context.Context, *mail.Message) error

func (f senderFunc) Deliver(ctx context.Context, m *mail.Message) error { return f(ctx, m) }

func TestParseSMTPURL(t *testing.T) {
	cases := []struct {
		in, want string
		user     string
		ok       bool
	}{
		{"smtp://u:p@mail.example.com", "smtp://mail.example.com:587", "u", true},
		{"smtp://mail.example.com:25", "smtp://mail.example.com:25", "", true},
		{"smtps://u:p%40x@mail.example.com", "smtps://mail.example.com:465", "u", true},
		{"http://mail.example.com", "", "", false},
		{"smtp://", "", "", false},
		{"smtp://h/path", "", "", false},
		{"smtp://h?x=1", "", "", false},
		{"::", "", "", false},
	}
	for _, tc := range cases {
		s, err := mail.ParseSMTPURL(tc.in)
		if (err == nil) != tc.ok {
			t.Fatalf("%q: err = %v", tc.in, err)
		}
		if err == nil && (s.String() != tc.want || s.Username != tc.user) {
			t.Fatalf("%q: got %s user %q", tc.in, s, s.Username)
		}
		if err == nil && strings.Contains(s.String(), "p") && strings.Contains(s.String(), ":p") {
			t.Fatalf("String leaks the password: %s", s)
		}
	}
}

func FuzzParseSMTPURL(f *testing.F) {
	for _, s := range []string{"smtp://u:p@h:25", "smtps://h", "smtp://[::1]:2525", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := mail.ParseSMTPURL(raw)
		if err == nil && (s.Host == "" || s.Port == "") {
			t.Fatalf("%q: accepted without host or port: %+v", raw, s)
		}
	})
}

func TestTemplatesOverride(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "verify-email.txt"), []byte("Subject: Bitte bestätigen\n\nLink: {{.URL}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tm, err := mail.LoadTemplates(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := tm.Render(latch.Mail{Kind: latch.MailVerifyEmail, To: "a@example.com", URL: "https://x.example/v?token=1"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Bitte bestätigen" || m.Text != "Link: https://x.example/v?token=1\n" || !strings.Contains(m.HTML, "Verify my email") {
		t.Fatalf("override: %+v", m)
	}
	// Every kind renders from the embedded set.
	for _, k := range mail.Kinds {
		if _, err := mail.DefaultTemplates().Render(latch.Mail{Kind: k, To: "a@example.com", URL: "https://x/"}); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	bad := []string{"no subject line\n\nbody", "Subject: x\n\n{{.Nope}}", "Subject: {{"}
	for _, src := range bad {
		if err := os.WriteFile(filepath.Join(dir, "reset-password.txt"), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := mail.LoadTemplates(dir); err == nil {
			t.Fatalf("template %q accepted", src)
		}
	}
}

func TestSubjectEncodingAndHeaderInjection(t *testing.T) {
	m := &mail.Message{ID: "id1", From: "Latch <a@example.com>", To: "b@example.com", Subject: "Grüße", Text: "x", HTML: "<p>x</p>"}
	raw, err := mail.Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=") {
		t.Fatalf("subject not encoded:\n%s", raw)
	}
	m.To = "b@example.com\r\nBcc: evil@example.com"
	if _, err := mail.Compose(m); err == nil {
		t.Fatal("recipient with CRLF accepted")
	}
}
