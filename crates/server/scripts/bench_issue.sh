#!/usr/bin/env bash
# HTTP benchmark of issuing (issue 15 "Speed"): POST /credentials/issue with eddsa-rdfc-2022 and a
# Bitstring Status List entry allocated and persisted for every credential, beside the same-run
# raw Ed25519 signing rate.
#
#   crates/server/scripts/bench_issue.sh [DURATION_SECONDS]
#
# Builds the release `serve` and `sign_rate` examples, starts `serve --dev --offline` on a free
# loopback port with a fresh data folder (its development instance `status` signs with
# eddsa-rdfc-2022 and gives every credential a revocation entry, group-committed to the status
# log with fsync), and reports:
#   1. raw Ed25519 signatures/s on THREADS threads (default 2) and per CPU-second;
#   2. wrk against POST /issuers/status/credentials/issue: credentials/s, p50/p99, non-2xx, and
#      credentials per server CPU-second (utime + stime of the server from /proc);
#   3. the ratio of (2) to (1), wall and per CPU-second; the index count in the status log.
# Settings: CONNECTIONS (default 32), WRK_THREADS (default 1), THREADS, PATH_TO.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
seconds="${1:-15}"
connections="${CONNECTIONS:-32}"
wrk_threads="${WRK_THREADS:-1}"
threads="${THREADS:-2}"
path_to="${PATH_TO:-/issuers/status/credentials/issue}"
ticks="$(getconf CLK_TCK)"

cargo build --release -q -p credbridge-server --example serve --example sign_rate
bin="$root/target/release/examples"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

tmp="$(mktemp -d)"
server_pid=""
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT

echo "== raw Ed25519 baseline ($seconds s, $threads threads)"
THREADS="$threads" SECONDS="$seconds" "$bin/sign_rate"

port="$(free_port)"
CREDBRIDGE_DEV=1 CREDBRIDGE_OFFLINE=1 CREDBRIDGE_LISTEN="127.0.0.1:$port" \
    CREDBRIDGE_DATA_DIR="$tmp/data" RUST_LOG=warn "$bin/serve" >"$tmp/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
done
did="$(awk '$1 == "issuer" && $3 == "status" { print $4 }' "$tmp/serve.log")"
[ -n "$did" ] || { cat "$tmp/serve.log"; exit 1; }
cat >"$tmp/body.json" <<JSON
{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
 "type": ["VerifiableCredential", "ExampleAlumniCredential"], "issuer": "$did",
 "validFrom": "2025-01-01T00:00:00Z",
 "credentialSubject": {"id": "did:example:alice", "alumniOf": "Example University"}}}
JSON
# One request first: it must succeed (and warms the context cache).
curl -fsS -H 'content-type: application/json' --data-binary @"$tmp/body.json" \
    "http://127.0.0.1:$port$path_to" >/dev/null

server_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
echo "== POST $path_to ($connections connections, $seconds s, keep-alive)"
before="$(server_ticks)"
out="$(BODY_FILE="$tmp/body.json" PATH_TO="$path_to" \
    wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --latency -s "$here/issue_body.lua" "http://127.0.0.1:$port")"
after="$(server_ticks)"
echo "$out" | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
     END {printf "%s credentials/s, p50 %s, p99 %s%s\n", rps, p50, p99, (bad ? ", non-2xx " bad : ", all 201")}'
requests="$(echo "$out" | awk '/requests in/ {print $1}')"
cpu="$(python3 -c "print(f'{($after - $before) / $ticks:.1f}')")"
echo "$requests credentials in $cpu server CPU s = $(python3 -c "print(f'{$requests / max($cpu, 0.01):.0f}')") per server CPU-second"
log="$(find "$tmp/data/issuers" -name 'api.status.status.jsonl' | head -1)"
echo "status log: $(grep -c '"allocate"' "$log") allocations, $(cut -d, -f2,3 "$log" | sort -u | wc -l) distinct (list, index)"
