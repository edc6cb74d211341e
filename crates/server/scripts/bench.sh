#!/usr/bin/env bash
# HTTP benchmark of credbridge serve, with same-run in-process baselines (issue 11 "Speed").
#
#   crates/server/scripts/bench.sh [DURATION_SECONDS] [--postgres URL]
#
# Builds the release `serve` and `verify_rate` examples, starts `serve --dev --offline` on a free
# loopback port with a fresh data folder (or a fresh PostgreSQL schema), and reports:
#   1. in-process verification rate of examples/ob3-eddsa-rdfc-2022.json on 2 threads (the
#      server's 2 cores), per wall second and per CPU-second;
#   2. POST /credentials/verify with that credential: wrk, keep-alive, req/s and p50/p99, and the
#      ratio to (1); and requests per server CPU-second (utime + stime of the server process
#      from /proc, so it does not depend on what else runs, wrk included) beside the in-process
#      verifications per CPU-second;
#   3. POST /inbox with a new credential per request (the same JSON, unique whitespace):
#      credentials/s and p50/p99, and credentials per server CPU-second, into SQLite (and
#      PostgreSQL with --postgres; PostgreSQL's own CPU time is not in that figure);
#   4. the server's peak RSS during each run.
# Needs `wrk` (Debian package). wrk runs on the same cores as the server (WRK_THREADS, default 1,
# keeps its share small); on a shared machine compare the per-CPU-second figures, not the
# absolutes. Settings: CONNECTIONS (default 32), WRK_THREADS, THREADS (in-process, default 2).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
seconds="${1:-15}"
pg_url=""
if [ "${2:-}" = "--postgres" ]; then pg_url="${3:?URL}"; fi
connections="${CONNECTIONS:-32}"
wrk_threads="${WRK_THREADS:-1}"
threads="${THREADS:-2}"
credential="$root/examples/ob3-eddsa-rdfc-2022.json"
ticks="$(getconf CLK_TCK)"

cargo build --release -q -p credbridge-server --example serve --example verify_rate
bin="$root/target/release/examples"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

server_pid=""
start_server() { # $1 = data dir, $2 = database url or ""
    port="$(free_port)"
    CREDBRIDGE_DEV=1 CREDBRIDGE_OFFLINE=1 CREDBRIDGE_LISTEN="127.0.0.1:$port" \
    CREDBRIDGE_DATA_DIR="$1" CREDBRIDGE_DATABASE_URL="$2" RUST_LOG=warn \
        "$bin/serve" >"$1.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "server did not start:"; cat "$1.log"; exit 1
}
stop_server() { kill -TERM "$server_pid"; wait "$server_pid" || true; }
peak_rss() { grep VmHWM "/proc/$server_pid/status" | awk '{print $2 " kB"}'; }
server_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }

summary() { # wrk output -> "N req/s, p50 X, p99 Y"
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
         END {printf "%s req/s, p50 %s, p99 %s%s\n", rps, p50, p99, (bad ? ", non-2xx " bad : "")}'
}

# Runs wrk against $1 (path) with extra env; prints the summary and the per-CPU-second figure,
# and leaves the requests per CPU-second in $per_cpu.
per_cpu=""
load() { # $1 = path, $2 = WRAP value ("" for unique bodies)
    local before after out requests
    before="$(server_ticks)"
    out="$(BODY_FILE="$credential" WRAP="$2" PATH_TO="$1" \
        wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --latency -s "$here/unique_body.lua" "http://127.0.0.1:$port")"
    after="$(server_ticks)"
    requests="$(echo "$out" | awk '/requests in/ {print $1}')"
    per_cpu="$(python3 -c "print(f'{$requests / max(($after - $before) / $ticks, 0.01):.0f}')")"
    rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
    echo "$(echo "$out" | summary); $requests requests in $(python3 -c "print(f'{($after - $before) / $ticks:.1f}')") server CPU s = $per_cpu per server CPU-second"
}

echo "== in-process baseline ($seconds s, $threads threads)"
baseline="$(THREADS="$threads" SECONDS="$seconds" "$bin/verify_rate" "$credential")"
echo "$baseline"
inproc="$(echo "$baseline" | sed -E 's/.* = ([0-9]+)\/s;.*/\1/')"
inproc_cpu="$(echo "$baseline" | sed -E 's/.* = ([0-9]+) per CPU-second/\1/')"

tmp="$(mktemp -d)"
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT

start_server "$tmp/sqlite" ""
echo "== POST /credentials/verify ($connections connections, $seconds s, keep-alive)"
load /credentials/verify verify
echo "ratio to in-process: $(python3 -c "print(f'{$rps/$inproc:.2f}')") (wall); $(python3 -c "print(f'{$per_cpu/$inproc_cpu:.2f}')") (per CPU-second)"
echo "server peak RSS: $(peak_rss)"

echo "== POST /inbox into SQLite ($connections connections, $seconds s)"
load /inbox ""
echo "server peak RSS: $(peak_rss)"
stop_server
echo "stored: $(sqlite3 "$tmp/sqlite/credbridge.sqlite3" 'select count(*) from credentials') credentials"

if [ -n "$pg_url" ]; then
    schema="cb_bench_$$"
    psql "$pg_url" -qc "create schema $schema" >/dev/null
    start_server "$tmp/pg" "$pg_url?options=-c%20search_path%3D$schema"
    echo "== POST /inbox into PostgreSQL ($connections connections, $seconds s)"
    load /inbox ""
    echo "server peak RSS: $(peak_rss)"
    stop_server
    echo "stored: $(psql "$pg_url" -tAc "select count(*) from $schema.credentials") credentials"
    psql "$pg_url" -qc "drop schema $schema cascade" >/dev/null
fi
