package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// cmdKeys is `latch keys rotate|list`: the signing keys of an asymmetric
// LATCH_JWT_ALG, in the jwks table that Better Auth's jwt plugin shares.
func cmdKeys(ctx context.Context, args []string, env map[string]string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "rotate" && args[0] != "list") {
		return fmt.Errorf("%w: latch keys rotate|list (see latch help)", errUsage)
	}
	sub := args[0]
	fs := flag.NewFlagSet("latch keys "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: latch keys %s takes no arguments", errUsage, sub)
	}
	cfg, _, secret, err := setup(env, stderr, true)
	if err != nil {
		return err
	}
	if cfg.JWTAlg == "HS256" {
		return fmt.Errorf("%w: LATCH_JWT_ALG is HS256, which signs with BETTER_AUTH_SECRET and has no keys; set EdDSA, ES256 or RS256", errConfig)
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	ring := newKeyRing(cfg, secret, st)
	if sub == "rotate" {
		info, err := ring.Rotate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "new signing key %s (%s); older keys stay in the JWKS for %s\n", info.ID, info.Alg, cfg.JWTKeyGrace)
	} else if err := ring.Load(ctx); err != nil {
		return err
	}
	keys, err := ring.List(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KID\tALG\tCREATED\tRETIRED\tSTATE")
	for _, k := range keys {
		retired, state := "-", "published"
		if !k.ExpiresAt.IsZero() {
			retired = k.ExpiresAt.UTC().Format(time.RFC3339)
		}
		switch {
		case k.Signing:
			state = "signing"
		case !k.Published:
			state = "dropped from the JWKS"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Alg, k.CreatedAt.UTC().Format(time.RFC3339), retired, state)
	}
	return tw.Flush()
}
