// Package smtptest is a small SMTP server on loopback for tests: it
// accepts mail (EHLO, optional STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA),
// decodes each message (quoted-printable multipart/alternative) and lets
// a test wait for the next message to an address and read its link.
// Imported only by _test.go files.
package smtptest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one received message.
type Message struct {
	From, To, Subject string
	Text, HTML        string
	// Link is the first http(s) URL of the plain-text part.
	Link string
	// TLS reports whether the message came over an encrypted connection.
	TLS bool
	// Auth is the user name of AUTH PLAIN ("" without).
	Auth string
	Raw  []byte
}

// Server is a running test server.
type Server struct {
	// Addr is host:port on 127.0.0.1.
	Addr string
	ln   net.Listener
	tls  *tls.Config

	mu       sync.Mutex
	cond     *sync.Cond
	msgs     []*Message
	taken    []bool
	failNext int
	failCode int
	closed   bool
	wg       sync.WaitGroup
}

// Options configure Start.
type Options struct {
	// TLS, when set, offers STARTTLS with this configuration.
	TLS *tls.Config
	// Implicit makes the listener speak TLS from the first byte (smtps).
	Implicit bool
}

// Start listens on 127.0.0.1:0 and stops on cleanup.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	if o.Implicit {
		ln = tls.NewListener(ln, o.TLS)
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln}
	if !o.Implicit {
		s.tls = o.TLS
	}
	s.cond = sync.NewCond(&s.mu)
	s.wg.Add(1)
	go s.accept(o.Implicit)
	t.Cleanup(s.Close)
	return s
}

// URL returns an smtp:// URL for the server (smtps:// when implicit),
// with optional credentials.
func (s *Server) URL(scheme, userinfo string) string {
	if userinfo != "" {
		userinfo += "@"
	}
	return scheme + "://" + userinfo + s.Addr
}

// Close stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.cond.Broadcast()
	s.mu.Unlock()
	_ = s.ln.Close()
	s.wg.Wait()
}

// FailNext makes the next n MAIL commands fail with code (4xx: the
// sender retries; 5xx: it gives up).
func (s *Server) FailNext(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failCode = n, code
}

// Count returns the number of messages received.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// Wait returns the oldest message to `to` not yet returned by Wait, or
// fails the test after timeout.
func (s *Server) Wait(t testing.TB, to string, timeout time.Duration) *Message {
	t.Helper()
	m, err := s.WaitErr(to, timeout)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// WaitErr is Wait returning an error instead of failing.
func (s *Server) WaitErr(to string, timeout time.Duration) (*Message, error) {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() { s.mu.Lock(); s.cond.Broadcast(); s.mu.Unlock() })
	defer timer.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		for i, m := range s.msgs {
			if !s.taken[i] && strings.EqualFold(m.To, to) {
				s.taken[i] = true
				return m, nil
			}
		}
		if s.closed || time.Now().After(deadline) {
			return nil, fmt.Errorf("smtptest: no message to %s within %s (%d received)", to, timeout, len(s.msgs))
		}
		s.cond.Wait()
	}
}

func (s *Server) accept(implicit bool) {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(time.Minute))
			s.session(c, implicit)
		}()
	}
}

func (s *Server) session(c net.Conn, encrypted bool) {
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	reply := func(format string, a ...any) {
		fmt.Fprintf(w, format+"\r\n", a...)
		w.Flush()
	}
	reply("220 smtptest ready")
	var from, to, user string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			exts := []string{"250-smtptest", "250-AUTH PLAIN"}
			if s.tls != nil && !encrypted {
				exts = append(exts, "250-STARTTLS")
			}
			for _, e := range exts {
				fmt.Fprintf(w, "%s\r\n", e)
			}
			reply("250 8BITMIME")
		case "STARTTLS":
			if s.tls == nil || encrypted {
				reply("502 not offered")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(c, s.tls)
			if tc.Handshake() != nil {
				return
			}
			c, encrypted = tc, true
			r, w = bufio.NewReader(c), bufio.NewWriter(c)
		case "AUTH":
			mech, initial, _ := strings.Cut(arg, " ")
			if !strings.EqualFold(mech, "PLAIN") {
				reply("504 unsupported")
				continue
			}
			raw, err := base64.StdEncoding.DecodeString(initial)
			parts := strings.Split(string(raw), "\x00")
			if err != nil || len(parts) != 3 {
				reply("535 bad credentials")
				continue
			}
			user = parts[1]
			reply("235 ok")
		case "MAIL":
			s.mu.Lock()
			fail := s.failNext > 0
			code := s.failCode
			if fail {
				s.failNext--
			}
			s.mu.Unlock()
			if fail {
				reply("%d try later", code)
				continue
			}
			from = addrOf(arg)
			reply("250 ok")
		case "RCPT":
			to = addrOf(arg)
			reply("250 ok")
		case "DATA":
			reply("354 end with .")
			data, err := readData(r)
			if err != nil {
				return
			}
			s.store(parse(data, from, to, user, encrypted))
			reply("250 queued")
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("500 unknown command")
		}
	}
}

func addrOf(arg string) string {
	if i, j := strings.Index(arg, "<"), strings.LastIndex(arg, ">"); i >= 0 && j > i {
		return arg[i+1 : j]
	}
	return arg
}

func readData(r *bufio.Reader) ([]byte, error) {
	var b bytes.Buffer
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		if line == ".\r\n" || line == ".\n" {
			return b.Bytes(), nil
		}
		b.WriteString(strings.TrimPrefix(line, "."))
	}
}

func (s *Server) store(m *Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	s.taken = append(s.taken, false)
	s.cond.Broadcast()
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// parse decodes a multipart/alternative message.
func parse(raw []byte, from, to, user string, encrypted bool) *Message {
	m := &Message{From: from, To: to, Auth: user, TLS: encrypted, Raw: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return m
	}
	dec := new(mime.WordDecoder)
	m.Subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return m
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			break
		}
		var body io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(p)
		}
		b, _ := io.ReadAll(body)
		switch ct := p.Header.Get("Content-Type"); {
		case strings.HasPrefix(ct, "text/plain"):
			m.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
		case strings.HasPrefix(ct, "text/html"):
			m.HTML = string(b)
		}
	}
	m.Link = linkRE.FindString(m.Text)
	return m
}
