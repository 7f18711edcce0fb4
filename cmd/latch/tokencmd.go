package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/latchhq/latch/token"
)

// newTokens builds the HS256 signer/verifier from the configuration.
// Issued tokens carry aud only when LATCH_JWT_AUDIENCE is set: PyJWT's
// jwt.decode(token, key, algorithms=["HS256"]), as the original design
// calls it, refuses any token with aud when no audience is passed.
func newTokens(c *Config, secret string) (*token.HS256, error) {
	secrets := [][]byte{[]byte(secret)}
	for _, s := range c.PreviousSecrets {
		secrets = append(secrets, []byte(s))
	}
	opts := []token.Option{
		token.WithTTL(c.JWTTTL),
		token.WithLeeway(c.JWTLeeway),
		token.WithIssuer(c.JWTIssuer),
		token.WithClock(c.Now),
	}
	if c.JWTAudience != "" {
		opts = append(opts, token.WithAudience(c.JWTAudience))
	}
	opts = append(opts, issAudChecks(c)...)
	return token.NewHS256(secrets, opts...)
}

// issAudChecks are the verification options of LATCH_JWT_REQUIRE_ISS_AUD:
// iss must be LATCH_JWT_ISSUER, and aud must contain LATCH_JWT_AUDIENCE
// when (and only when) that is set.
func issAudChecks(c *Config) []token.Option {
	if !c.RequireIssAud {
		return nil
	}
	opts := []token.Option{token.RequireIssuer(c.JWTIssuer)}
	if c.JWTAudience != "" {
		opts = append(opts, token.RequireAudience(c.JWTAudience))
	}
	return opts
}

func cmdToken(ctx context.Context, args []string, env map[string]string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: latch token issue|verify (see latch help)", errUsage)
	}
	sub, args := args[0], args[1:]
	cfg, _, secret, err := setup(env, stderr, true)
	if err != nil {
		return err
	}
	switch sub {
	case "issue":
		fs := flag.NewFlagSet("latch token issue", flag.ContinueOnError)
		fs.SetOutput(stderr)
		user := fs.String("user", "", "user id (the sub claim), required")
		email := fs.String("email", "", "email claim")
		ttl := fs.Duration("ttl", cfg.JWTTTL, "lifetime")
		sid := fs.String("session", "", "session id (the sid claim)")
		if err := fs.Parse(args); err != nil {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		if *user == "" || fs.NArg() > 0 {
			return fmt.Errorf("%w: latch token issue --user ID [--email E] [--ttl 1h] [--session SID]", errUsage)
		}
		if *ttl <= 0 {
			return fmt.Errorf("%w: --ttl must be positive", errUsage)
		}
		cfg.JWTTTL = *ttl
		tokens, err := newTokens(cfg, secret)
		if err != nil {
			return err
		}
		tok, err := tokens.Sign(token.Claims{Subject: *user, Email: *email, SessionID: *sid})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, tok)
		return nil
	case "verify":
		var raw string
		switch len(args) {
		case 0:
			line, err := bufio.NewReader(io.LimitReader(stdin, 16<<10)).ReadString('\n')
			if err != nil && err != io.EOF {
				return err
			}
			raw = line
		case 1:
			raw = args[0]
		default:
			return fmt.Errorf("%w: latch token verify [TOKEN]", errUsage)
		}
		raw = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(raw), "Bearer "))
		tokens, err := newTokens(cfg, secret)
		if err != nil {
			return err
		}
		claims, err := tokens.Verify(ctx, raw)
		if err != nil {
			return fmt.Errorf("token rejected: %w", err)
		}
		out := map[string]any{
			"sub": claims.Subject,
			"iat": claims.IssuedAt.UTC().Format(time.RFC3339),
			"exp": claims.ExpiresAt.UTC().Format(time.RFC3339),
		}
		if claims.Email != "" {
			out["email"] = claims.Email
		}
		if claims.SessionID != "" {
			out["sid"] = claims.SessionID
		}
		if claims.Issuer != "" {
			out["iss"] = claims.Issuer
		}
		if len(claims.Audience) > 0 {
			out["aud"] = claims.Audience
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	default:
		return fmt.Errorf("%w: unknown token command %q (want issue or verify)", errUsage, sub)
	}
}
