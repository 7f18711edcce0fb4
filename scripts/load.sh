#!/usr/bin/env bash
# Load test: builds latch, starts it on a fresh SQLite (or $DATABASE_URL) database with rate limits
# off, and measures it from a second process (cmd/latchload) on loopback. Bounded in time and count.
#   scripts/load.sh [-duration 10s] [-concurrency 8] [-scenarios ok,signin,get-session,tasks,create,mixed]
# At the end it prints the server's peak resident memory (VmHWM).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; wait "${pid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/latch" ./cmd/latch
go build -o "$tmp/latchload" ./cmd/latchload
port=${LOAD_PORT:-18931}
LATCH_DATA_DIR="$tmp/data" PORT=$port LATCH_HOST=127.0.0.1 LATCH_RATE_LIMIT=false \
  LATCH_LOG_REQUESTS=false BETTER_AUTH_SECRET=${BETTER_AUTH_SECRET:-load-test-secret-0123456789abcdef0123} \
  BETTER_AUTH_URL=http://127.0.0.1:$port "$tmp/latch" serve >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
"$tmp/latchload" -url "http://127.0.0.1:$port" "$@"
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status 2>/dev/null || echo '?')"
