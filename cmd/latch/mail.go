package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/latchhq/latch/internal/auth"
	"github.com/latchhq/latch/internal/mail"
)

// mailDrainTimeout bounds how long shutdown waits for queued mail.
const mailDrainTimeout = 10 * time.Second

// wireMail sets up the account lifecycle of svc: the mailer (SMTP, the
// development log, or none in production without LATCH_SMTP_URL) and the
// settings of password reset, verification and deletion.
func (a *app) wireMail(svc *auth.Service, secret string) error {
	cfg := a.cfg
	svc.Verifications = a.store
	svc.Secret = []byte(secret)
	svc.PreviousSecrets = previousSecrets(cfg)
	svc.BaseURL = strings.TrimRight(cfg.BaseURL.String(), "/") + "/api/auth"
	svc.RequireEmailVerification = cfg.RequireVerify
	svc.RevokeSessionsOnPasswordReset = cfg.RevokeOnReset
	svc.DeleteConfirmation = cfg.DeleteConfirm
	svc.ResetPasswordExpiresIn = cfg.ResetTokenTTL
	var sender mail.Sender
	switch {
	case cfg.SMTPURL != "":
		s, err := mail.ParseSMTPURL(cfg.SMTPURL)
		if err != nil {
			return fmt.Errorf("%w: LATCH_SMTP_URL: %w", errConfig, err)
		}
		sender = s
		a.log.Info("account mail through SMTP", "server", s.String(), "from", cfg.MailFrom)
	case cfg.Production:
		a.log.Warn("LATCH_SMTP_URL is unset: password reset, email verification and change of email are off")
		return nil
	default:
		sender = mail.LogSender{Logger: a.log}
		a.log.Warn("LATCH_SMTP_URL is unset: account mail (reset and verification links) is written to this log instead of sent (development only)")
	}
	tmpl, err := mail.LoadTemplates(cfg.MailTemplates)
	if err != nil {
		return fmt.Errorf("%w: LATCH_MAIL_TEMPLATES: %w", errConfig, err)
	}
	q := mail.NewQueue(sender, mail.Options{From: cfg.MailFrom, Templates: tmpl, Logger: a.log})
	svc.Mailer = q
	a.closers = append(a.closers, func() {
		svc.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), mailDrainTimeout)
		defer cancel()
		if err := q.Close(ctx); err != nil {
			a.log.Warn("mail queue not drained at shutdown", "error", err.Error())
		}
	})
	return nil
}
