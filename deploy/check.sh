#!/usr/bin/env bash
# Checks the deployment files without pulling images: builds the binary
# with the Dockerfile's own go build command and checks it is static, runs
# it on a read-only copy of nothing but a data directory, and validates
# compose.yaml with `docker compose config` when Docker Compose is
# installed (else parses it as YAML and checks the services are there).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; wait "${pid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT

build=$(grep -o 'CGO_ENABLED=0 go build [^\\]*' Dockerfile | sed 's/\${VERSION}/check/; s|/out/latch|'"$tmp"'/latch|')
echo "+ $build"
eval "$build"
if file "$tmp/latch" 2>/dev/null | grep -q 'dynamically linked'; then
  echo "latch is dynamically linked"; exit 1
fi
go version -m "$tmp/latch" | grep -q 'CGO_ENABLED=0' || { echo "latch not built with CGO_ENABLED=0"; exit 1; }

# Start it as the image does: production, data dir the only writable path.
mkdir "$tmp/data"
port=${CHECK_PORT:-18977}
(cd "$tmp" && LATCH_DATA_DIR="$tmp/data" PORT=$port LATCH_HOST=127.0.0.1 LATCH_ENV=production \
  BETTER_AUTH_SECRET=check-secret-0123456789abcdef0123456789 ./latch serve >"$tmp/log" 2>&1) &
pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/readyz" || { cat "$tmp/log"; exit 1; }
echo

if docker compose version >/dev/null 2>&1; then
  BETTER_AUTH_SECRET=x docker compose -f deploy/compose.yaml config -q
  echo "compose.yaml: docker compose config ok"
else
  /usr/bin/python3 - <<'PY'
import yaml
c = yaml.safe_load(open("deploy/compose.yaml"))
s = c["services"]
assert {"latch1", "latch2", "caddy", "postgres", "redis"} <= set(s), s.keys()
for n in ("latch1", "latch2"):
    env = s[n]["environment"]
    assert s[n]["read_only"] is True
    assert env["LATCH_TRUSTED_PROXIES"] == s["caddy"]["networks"]["latch"]["ipv4_address"]
    assert env["LATCH_IP_HEADER"] == "X-Forwarded-For"
print("compose.yaml: parsed (docker compose not installed: not validated by compose itself)")
PY
fi
