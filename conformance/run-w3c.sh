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
https_port=${W3C_HTTPS_PORT:-18443}
# The spec key pairs the suites expect the issuers to sign with (ED_DID, P256_DID): the
# vc-di-eddsa and vc-di-ecdsa test vectors, beside the runner in the shared tree.
keys_dir=${W3C_KEYS_DIR:-$runner_dir/../../vectors}
ed_keys="$keys_dir/vc-di-eddsa/TestVectors/keyPair.json"
p256_keys="$keys_dir/vc-di-ecdsa/TestVectors/p256KeyPair.json"

echo "[conformance] building credbridge (release)" >&2
cargo build --release -q -p credbridge-cli
bin="$PWD/target/release/credbridge"

echo "[conformance] preparing the suites in $SCRATCH" >&2
"$runner_dir/setup.sh" "$@" >&2

data=$(mktemp -d)
# A throw-away self-signed certificate for the HTTPS listener (the BSL suite fetches status
# lists only over https; it accepts a self-signed certificate on 127.0.0.1).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$data/tls-key.pem" -out "$data/tls-cert.pem" 2>/dev/null
dev_keys=""
for f in "$ed_keys" "$p256_keys"; do
    [ -f "$f" ] && dev_keys="$dev_keys${dev_keys:+:}$f"
done
CREDBRIDGE_HTTPS_LISTEN="127.0.0.1:$https_port" \
    CREDBRIDGE_TLS_CERT="$data/tls-cert.pem" CREDBRIDGE_TLS_KEY="$data/tls-key.pem" \
    CREDBRIDGE_DEV_ISSUER_KEYS="$dev_keys" \
    "$bin" serve --dev --data-dir "$data" --listen "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
server=$!
stop() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"; }
trap stop EXIT
for _ in $(seq 1 100); do
    grep -q "listening on" "$data/serve.log" 2>/dev/null && break
    sleep 0.2
done
grep -q "listening on" "$data/serve.log" || { cat "$data/serve.log" >&2; exit 2; }
# The development instances print `issuer instance NAME DID FORMAT`; the suites copy the DID
# of their issuer into credential.issuer.
did_of() { awk -v n="$1" '$1 == "issuer" && $2 == "instance" && $3 == n { print $4 }' "$data/serve.log"; }
ed_did=$(did_of eddsa-rdfc)
p256_did=$(did_of ecdsa-rdfc)
[ -n "$ed_did" ] && [ -n "$p256_did" ] || { cat "$data/serve.log" >&2; exit 2; }

# The runner prints one line per suite and its totals line last on stdout; progress on stderr.
BASE_URL="http://127.0.0.1:$port" \
    HTTPS_BASE="https://127.0.0.1:$https_port" \
    ED_DID="$ed_did" P256_DID="$p256_did" \
    ISSUE_PATH_VC_API=/credentials/issue \
    ISSUE_PATH_VC2_0=/issuers/vc2/credentials/issue \
    ISSUE_PATH_EDDSA_RDFC_2022=/issuers/eddsa-rdfc/credentials/issue \
    ISSUE_PATH_EDDSA_JCS_2022=/issuers/eddsa-jcs/credentials/issue \
    ISSUE_PATH_ECDSA_RDFC_2019=/issuers/ecdsa-rdfc/credentials/issue \
    ISSUE_PATH_ECDSA_JCS_2019=/issuers/ecdsa-jcs/credentials/issue \
    ISSUE_PATH_BITSTRINGSTATUSLIST=/issuers/status/credentials/issue \
    ECDSA_CRYPTOSUITES=ecdsa-rdfc-2019,ecdsa-jcs-2019 \
    CLI="$bin" \
    JOSE_COSE_FEATURES="credential_jose,presentation_jose,credential_sdjwt,presentation_sdjwt,credential_cose,presentation_cose" \
    ECDSA_VERIFIER_KEY_TYPES="P-256,P-384" \
    "$runner" "$@"
