#!/usr/bin/env bash
# Runs the browser test against a freshly built `credbridge serve --dev`:
# installs what is missing (Debian chromium, node + npm, playwright-core from the lock file),
# builds the binary, starts the server on a free loopback port with a temporary data folder,
# runs e2e/verifier.test.mjs, e2e/employer.test.mjs then e2e/consent.test.mjs, stops the server, and exits non-zero when anything failed.
# Screenshots land in e2e/out/ (git-ignored). Set CREDBRIDGE_BIN to test a binary already built.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

apt_install() {
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    else
        echo "e2e: please install: $*" >&2
        exit 2
    fi
}

command -v chromium >/dev/null 2>&1 || apt_install chromium chromium-driver fonts-dejavu-core
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

bin="${CREDBRIDGE_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --quiet -p credbridge-cli --bin credbridge
    bin="$root/target/debug/credbridge"
fi

data="$(mktemp -d)"
log="$data/server.log"
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base="http://127.0.0.1:$port"

# A person to log in as (the test skips logging in when the binary cannot add users).
export E2E_USER="${E2E_USER:-recruiter@example.com}"
export E2E_PASSWORD="${E2E_PASSWORD:-e2e-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')}"
if ! printf '%s\n' "$E2E_PASSWORD" | "$bin" users add --data-dir "$data/store" --tenant default \
        --password-stdin "$E2E_USER" >"$data/users.log" 2>&1; then
    echo "e2e: 'users add' failed (see below); the inbox is checked in --dev without logging in" >&2
    cat "$data/users.log" >&2
    unset E2E_USER E2E_PASSWORD
fi

"$bin" serve --dev --listen "127.0.0.1:$port" --data-dir "$data/store" >"$log" 2>&1 &
server=$!
stop() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$data"
}
trap stop EXIT

# Wait (up to 60 s) for the server to answer.
for _ in $(seq 1 120); do
    if ! kill -0 "$server" 2>/dev/null; then
        echo "e2e: the server exited early:" >&2
        cat "$log" >&2
        exit 1
    fi
    if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$base/" 2>/dev/null; then
        break
    fi
    sleep 0.5
done

status=0
(cd "$here" && BASE_URL="$base" node --test --test-reporter=spec verifier.test.mjs) || status=$?
# The employer's side, after the verifier (one file at a time: they share the server's inbox).
(cd "$here" && BASE_URL="$base" node --test --test-reporter=spec employer.test.mjs) || status=$?
# The OB 3.0 API's consent page (needs a person to log in as).
if [ -n "${E2E_USER:-}" ]; then
    (cd "$here" && BASE_URL="$base" node --test --test-reporter=spec consent.test.mjs) || status=$?
else
    echo "e2e: consent.test.mjs needs a user to log in as ('users add' failed above)" >&2
    status=1
fi
if [ "$status" != 0 ]; then
    echo "e2e: failed; server log:" >&2
    tail -n 50 "$log" >&2
fi
echo "e2e: screenshots in $here/out/"
exit "$status"
