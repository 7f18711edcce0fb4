package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// newSecret returns 32 random bytes encoded as 43 base64url characters.
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails on supported platforms (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// resolveSecret returns the configured secret, or in development the one
// generated into dataDir/secret (created with mode 0600 on first use).
func resolveSecret(c *Config, log *slog.Logger) (string, error) {
	if c.Secret != "" {
		return c.Secret, nil
	}
	if c.Production {
		return "", fmt.Errorf("%w: BETTER_AUTH_SECRET is required when LATCH_ENV=production (generate one with `latch secret generate`)", errConfig)
	}
	path := filepath.Join(c.DataDir, "secret")
	if s, err := readSecretFile(path); err == nil {
		log.Debug("using the generated secret", "path", path)
		return s, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return "", fmt.Errorf("create data directory: %w", err)
	}
	s := newSecret()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process won the race
		return readSecretFile(path)
	}
	if err != nil {
		return "", fmt.Errorf("store generated secret: %w", err)
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		return "", fmt.Errorf("store generated secret: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("store generated secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("store generated secret: %w", err)
	}
	log.Warn("BETTER_AUTH_SECRET is not set: generated a random secret and stored it for reuse; set BETTER_AUTH_SECRET to share it with other services", "path", path)
	return s, nil
}

func readSecretFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(data))
	if len(s) < 32 {
		return "", fmt.Errorf("%w: the secret in %s is shorter than 32 characters; delete the file to generate a new one", errConfig, path)
	}
	return s, nil
}
