#!/usr/bin/env bash
# Fault test (issue 11 "Faults", second half): PostgreSQL stopped under load. Requests get 503
# problem details while it is down and succeed after it returns, without restarting credbridge.
#
#   crates/server/scripts/fault_postgres.sh [DOWN_SECONDS]
#
# Uses a private PostgreSQL cluster (initdb in a temporary folder, port 54329, run as the
# `postgres` user) so that the shared server at 5432 is never stopped. Starts the release `serve`
# example on it (`--dev --offline`), uploads credentials in a loop, stops the cluster
# (`pg_ctl stop -m immediate`, i.e. a crash) for DOWN_SECONDS, starts it again, and reports the
# status codes seen before, during and after. Passes when: every answer while down is a 503
# `application/problem+json` with type urn:credbridge:problem:database-unavailable (or 201 for a
# request that finished before the stop), /healthz stays 200, and uploads succeed (201) again
# within 30 s of the restart, with the same server process.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
down_seconds="${1:-5}"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
port=54329
tmp="$(mktemp -d)"; chmod 755 "$tmp"
pgdata="$tmp/pgdata"; mkdir "$pgdata"; chown postgres "$pgdata"
as_pg() { runuser -u postgres -- "$@"; }
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    as_pg "$pgbin/pg_ctl" -D "$pgdata" stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

as_pg "$pgbin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
pg_start() { as_pg "$pgbin/pg_ctl" -D "$pgdata" -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1" -l "$pgdata/server.log" start >/dev/null; }
pg_start
url="postgres://postgres@127.0.0.1:$port/postgres"

(cd "$root" && cargo build --release -q -p credbridge-server --example serve)
listen_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$listen_port"
CREDBRIDGE_DEV=1 CREDBRIDGE_OFFLINE=1 CREDBRIDGE_LISTEN="127.0.0.1:$listen_port" \
CREDBRIDGE_DATABASE_URL="$url" CREDBRIDGE_DATA_DIR="$tmp/data" RUST_LOG=warn \
    "$root/target/release/examples/serve" >"$tmp/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -fsS "$base/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

credential="$root/examples/ob3-eddsa-rdfc-2022.json"
n=0
upload() { # $1 = upload number: prints the status code of that new upload
    { printf '{%*s' "$1" ''; tail -c +2 "$credential"; } >"$tmp/body.json"
    curl -s -o "$tmp/answer.json" -w '%{http_code}' -H 'Content-Type: application/json' \
        --max-time 20 --data-binary @"$tmp/body.json" "$base/inbox" || echo 000
}
phase() { # $1 = name, $2 = seconds: uploads for that long, tallies status codes
    local end=$((SECONDS + $2)) codes=""
    while [ $SECONDS -lt $end ]; do
        n=$((n + 1)); code="$(upload "$n")"
        if [ "$code" = 503 ] && ! grep -q 'urn:credbridge:problem:database-unavailable' "$tmp/answer.json"; then
            echo "FAIL: a 503 without the database-unavailable problem: $(cat "$tmp/answer.json")"; exit 1
        fi
        codes="$codes $code"
    done
    echo "$1:$(echo "$codes" | tr ' ' '\n' | sed '/^$/d' | sort | uniq -c | awk '{printf " %s×%s", $1, $2}')"
    last_codes="$codes"
}

phase "before (PostgreSQL up)" 3
echo "$last_codes" | grep -qv 201 || true
as_pg "$pgbin/pg_ctl" -D "$pgdata" stop -m immediate >/dev/null
phase "while PostgreSQL is down" "$down_seconds"
if echo "$last_codes" | tr ' ' '\n' | grep -Eqv '^(503|201|)$'; then echo "FAIL: codes other than 503 while down"; exit 1; fi
echo "$last_codes" | grep -q 503 || { echo "FAIL: no 503 while down"; exit 1; }
health="$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")"
[ "$health" = 200 ] || { echo "FAIL: /healthz answered $health while the database was down"; exit 1; }
pg_start
recovered=""
for _ in $(seq 60); do
    n=$((n + 1))
    if [ "$(upload "$n")" = 201 ]; then recovered=yes; break; fi
    sleep 0.5
done
[ -n "$recovered" ] || { echo "FAIL: uploads did not succeed within 30 s of PostgreSQL's return"; exit 1; }
phase "after PostgreSQL returned" 3
kill -0 "$server_pid" || { echo "FAIL: the server died"; exit 1; }
echo "ok: 503 problem details while PostgreSQL was down, 201 again after it returned, same server process (pid $server_pid)"
