// Package mail sends Latch's account mail (password reset, email
// verification, change of email, account deletion): messages rendered in
// plain text and HTML from embedded templates (overridable from a
// directory), handed to a bounded in-process queue that delivers them in
// the background with retries and backoff, through SMTP (smtp:// with
// STARTTLS, smtps:// with implicit TLS) or, in development, to the log.
//
// Queue implements latch.Mailer. Every attempt and failure is logged with
// the message id and kind, never with the link or its token (the
// development LogSender is the one exception: showing the link is its
// purpose).
package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/textproto"
	"sync"
	"time"

	"github.com/latchhq/latch"
)

// Message is one rendered message.
type Message struct {
	// ID identifies the message in the log (and is its Message-ID).
	ID      string
	Kind    latch.MailKind
	From    string
	To      string
	Subject string
	Text    string
	HTML    string
	// Link is the message's link (secret); only the development
	// LogSender shows it.
	Link string
}

// Sender delivers one message. An error wrapping ErrPermanent is not
// retried.
type Sender interface {
	Deliver(ctx context.Context, m *Message) error
}

// ErrPermanent marks delivery errors that a retry cannot fix (a 5xx SMTP
// answer, credentials that would travel in plain text).
var ErrPermanent = errors.New("mail: permanent failure")

// ErrQueueFull is returned by Send when the queue holds QueueSize
// messages already.
var ErrQueueFull = errors.New("mail: queue full")

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("mail: queue closed")

// Defaults of Queue.
const (
	DefaultQueueSize = 256
	DefaultAttempts  = 5
	DefaultBackoff   = 2 * time.Second
	maxBackoff       = 5 * time.Minute
	attemptTimeout   = 60 * time.Second
)

// Queue renders messages and delivers them in the background. Create it
// with NewQueue.
type Queue struct {
	sender   Sender
	tmpl     *Templates
	from     string
	log      *slog.Logger
	attempts int
	backoff  time.Duration

	mu     sync.Mutex
	closed bool
	ch     chan *Message
	done   chan struct{}
	stop   chan struct{}
}

// Options configure a Queue; zero values take the defaults.
type Options struct {
	// From is the From address (LATCH_MAIL_FROM).
	From string
	// Templates renders the messages (nil: the embedded ones).
	Templates *Templates
	// Logger receives the delivery log (nil: slog.Default()).
	Logger *slog.Logger
	// QueueSize bounds the messages waiting (DefaultQueueSize).
	QueueSize int
	// Attempts is how often a message is tried (DefaultAttempts).
	Attempts int
	// Backoff is the wait before the second attempt; it doubles after
	// each failure, up to five minutes (DefaultBackoff).
	Backoff time.Duration
}

// NewQueue starts a queue that delivers through sender.
func NewQueue(sender Sender, o Options) *Queue {
	q := &Queue{sender: sender, tmpl: o.Templates, from: o.From, log: o.Logger,
		attempts: o.Attempts, backoff: o.Backoff, done: make(chan struct{}), stop: make(chan struct{})}
	if q.tmpl == nil {
		q.tmpl = DefaultTemplates()
	}
	if q.log == nil {
		q.log = slog.Default()
	}
	if q.attempts <= 0 {
		q.attempts = DefaultAttempts
	}
	if q.backoff <= 0 {
		q.backoff = DefaultBackoff
	}
	size := o.QueueSize
	if size <= 0 {
		size = DefaultQueueSize
	}
	q.ch = make(chan *Message, size)
	go q.run()
	return q
}

var _ latch.Mailer = (*Queue)(nil)

// Send renders m and queues it; it never waits for the network.
func (q *Queue) Send(ctx context.Context, m latch.Mail) error {
	msg, err := q.tmpl.Render(m)
	if err != nil {
		q.log.ErrorContext(ctx, "mail not queued: template failed", "kind", string(m.Kind), "error", err.Error())
		return err
	}
	msg.ID, msg.From = newMessageID(), q.from
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrClosed
	}
	select {
	case q.ch <- msg:
		q.log.InfoContext(ctx, "mail queued", "mail_id", msg.ID, "kind", string(m.Kind))
		return nil
	default:
		q.log.ErrorContext(ctx, "mail dropped: queue full", "mail_id", msg.ID, "kind", string(m.Kind), "queue_size", cap(q.ch))
		return ErrQueueFull
	}
}

// Close stops accepting messages and waits until the queued ones are
// delivered or ctx ends (then the rest are abandoned and logged).
func (q *Queue) Close(ctx context.Context) error {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.ch)
	}
	q.mu.Unlock()
	select {
	case <-q.done:
		return nil
	case <-ctx.Done():
		close(q.stop)
		<-q.done
		return ctx.Err()
	}
}

func (q *Queue) run() {
	defer close(q.done)
	for msg := range q.ch {
		q.deliver(msg)
	}
}

// deliver tries msg up to q.attempts times with doubling waits.
func (q *Queue) deliver(msg *Message) {
	wait := q.backoff
	for attempt := 1; ; attempt++ {
		select {
		case <-q.stop:
			q.log.Error("mail abandoned at shutdown", "mail_id", msg.ID, "kind", string(msg.Kind), "attempt", attempt)
			return
		default:
		}
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), attemptTimeout)
		err := q.sender.Deliver(ctx, msg)
		cancel()
		if err == nil {
			q.log.Info("mail sent", "mail_id", msg.ID, "kind", string(msg.Kind), "attempt", attempt,
				"duration_ms", time.Since(start).Milliseconds())
			return
		}
		permanent := isPermanent(err)
		last := permanent || attempt >= q.attempts
		q.log.Warn("mail attempt failed", "mail_id", msg.ID, "kind", string(msg.Kind), "attempt", attempt,
			"error", err.Error(), "retry", !last)
		if last {
			q.log.Error("mail not delivered", "mail_id", msg.ID, "kind", string(msg.Kind), "attempts", attempt,
				"permanent", permanent)
			return
		}
		select {
		case <-time.After(wait):
		case <-q.stop:
			q.log.Error("mail abandoned at shutdown", "mail_id", msg.ID, "kind", string(msg.Kind), "attempt", attempt)
			return
		}
		wait = min(2*wait, maxBackoff)
	}
}

// isPermanent reports a failure that retrying cannot fix.
func isPermanent(err error) bool {
	if errors.Is(err, ErrPermanent) {
		return true
	}
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500
}

func newMessageID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// LogSender is the development sender: it writes each message's link to
// the log, clearly marked, instead of sending it, so that the flows work
// without an SMTP server. Never use it in production.
type LogSender struct {
	Logger *slog.Logger
}

// Deliver implements Sender.
func (l LogSender) Deliver(ctx context.Context, m *Message) error {
	lg := l.Logger
	if lg == nil {
		lg = slog.Default()
	}
	lg.WarnContext(ctx, fmt.Sprintf("DEVELOPMENT MAIL (not sent: LATCH_SMTP_URL is unset): %s for %s — open %s", m.Subject, m.To, m.Link),
		"mail_id", m.ID, "kind", string(m.Kind), "to", m.To, "link", m.Link)
	return nil
}
