#!/usr/bin/env bash
# Runs the eight W3C/CCG VC interop suites against credbridge on loopback, offline.
#
#   W3C_RUNNER=/path/to/w3c-suites/run.sh MIRROR_ROOT=/path/to/mirrors conformance/run-w3c.sh [SUITE…]
#
# W3C_RUNNER is the runner's run.sh (its setup.sh beside it clones the suites from MIRROR_ROOT,
# which holds `<owner>+<name>/repo` git mirrors, and installs them from the npm registry; it never
# reaches GitHub). This script builds credbridge, starts `credbridge serve --dev` on 127.0.0.1 with a
# throw-away data folder, runs the suites (all, or those named), stops the server and prints the
# runner's totals line (`w3c suites: N passed, M failed`) last. Exit status: the runner's.
# CI does not run this (the mirrors are not reachable there); it runs the Rust tests of the same
# endpoints instead.
set -euo pipefail
cd "$(dirname "$0")/.."

runner=${W3C_RUNNER:?set W3C_RUNNER to the w3c-suites run.sh}
: "${MIRROR_ROOT:?set MIRROR_ROOT to the folder of <owner>+<name>/repo mirrors}"
runner_dir=$(cd "$(dirname "$runner")" && pwd)
export SCRATCH=${SCRATCH:-/tmp/w3c}
port=${W3C_PORT:-18400}

echo "[conformance] building credbridge (release)" >&2
cargo build --release -q -p credbridge-cli
bin="$PWD/target/release/credbridge"

echo "[conformance] preparing the suites in $SCRATCH" >&2
"$runner_dir/setup.sh" "$@" >&2

data=$(mktemp -d)
"$bin" serve --dev --data-dir "$data" --listen "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
server=$!
stop() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"; }
trap stop EXIT
for _ in $(seq 1 100); do
    grep -q "listening on" "$data/serve.log" 2>/dev/null && break
    sleep 0.2
done
grep -q "listening on" "$data/serve.log" || { cat "$data/serve.log" >&2; exit 2; }

# The runner prints one line per suite and its totals line last on stdout; progress on stderr.
BASE_URL="http://127.0.0.1:$port" \
    CLI="$bin" \
    JOSE_COSE_FEATURES="credential_jose,presentation_jose,credential_sdjwt,presentation_sdjwt,credential_cose,presentation_cose" \
    ECDSA_VERIFIER_KEY_TYPES="P-256,P-384" \
    "$runner" "$@"
