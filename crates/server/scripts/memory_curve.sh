#!/usr/bin/env bash
# Memory curve of credbridge serve under constant load (issue 11 "Peak memory flat over a
# 10-minute run").
#
#   crates/server/scripts/memory_curve.sh [MINUTES] [--postgres URL]
#
# Builds the release `serve` example, starts `serve --dev --offline` on a free loopback port
# with a fresh data folder (or a fresh PostgreSQL schema), and runs two wrk loads at once for
# MINUTES minutes (default 10): POST /credentials/verify with examples/ob3-eddsa-rdfc-2022.json,
# and POST /inbox with a new credential per request (the same JSON, unique whitespace; see
# unique_body.lua). Every SAMPLE_SECONDS (default 10) it reads the server's VmRSS and VmHWM
# from /proc/PID/status and its CPU time, and at the end prints a table, writes
# memory_curve.csv (elapsed_s, rss_kb, hwm_kb, cpu_s, stored) and a plot into OUT_DIR (default
# ./target/memory-curve): memory_curve.png with gnuplot or python3 matplotlib when present,
# otherwise memory_curve.svg (drawn by a few lines of python3, no packages needed).
# Settings: CONNECTIONS (per load, default 8), SAMPLE_SECONDS, OUT_DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
minutes="${1:-10}"
pg_url=""
if [ "${2:-}" = "--postgres" ]; then pg_url="${3:?URL}"; fi
connections="${CONNECTIONS:-8}"
every="${SAMPLE_SECONDS:-10}"
out_dir="${OUT_DIR:-$root/target/memory-curve}"
credential="$root/examples/ob3-eddsa-rdfc-2022.json"
seconds=$((minutes * 60))
mkdir -p "$out_dir"
csv="$out_dir/memory_curve.csv"

cargo build --release -q -p credbridge-server --example serve
bin="$root/target/release/examples"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

tmp="$(mktemp -d)"
server_pid=""
load_pids=()
schema=""
cleanup() {
    for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [ -n "$schema" ]; then psql "$pg_url" -qc "drop schema if exists $schema cascade" >/dev/null 2>&1 || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

database_url=""
if [ -n "$pg_url" ]; then
    schema="cb_memory_$$"
    psql "$pg_url" -qc "create schema $schema" >/dev/null
    database_url="$pg_url?options=-c%20search_path%3D$schema"
fi
port="$(free_port)"
CREDBRIDGE_DEV=1 CREDBRIDGE_OFFLINE=1 CREDBRIDGE_LISTEN="127.0.0.1:$port" \
CREDBRIDGE_DATA_DIR="$tmp/data" CREDBRIDGE_DATABASE_URL="$database_url" RUST_LOG=warn \
    "$bin/serve" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "server did not start:"; cat "$tmp/server.log"; exit 1; }

ticks="$(getconf CLK_TCK)"
cpu_seconds() { # utime + stime of the server, seconds
    awk -v t="$ticks" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$server_pid/stat"
}
stored() {
    if [ -n "$pg_url" ]; then
        psql "$pg_url" -tAc "select count(*) from $schema.credentials" 2>/dev/null || echo "?"
    else
        sqlite3 "file:$tmp/data/credbridge.sqlite3?mode=ro" 'select count(*) from credentials' 2>/dev/null || echo "?"
    fi
}
sample() { # elapsed seconds -> CSV line
    local rss hwm
    rss="$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")"
    hwm="$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")"
    echo "$1,$rss,$hwm,$(cpu_seconds),$(stored)"
}

echo "credbridge serve (pid $server_pid) on 127.0.0.1:$port, ${minutes} min of verify + inbox load, $connections connections each"
echo "elapsed_s,rss_kb,hwm_kb,cpu_s,stored" >"$csv"
sample 0 >>"$csv"
BODY_FILE="$credential" WRAP=verify PATH_TO=/credentials/verify \
    wrk -t1 -c"$connections" -d"${seconds}s" -s "$here/unique_body.lua" "http://127.0.0.1:$port" >"$tmp/verify.wrk" 2>&1 &
load_pids+=($!)
BODY_FILE="$credential" PATH_TO=/inbox \
    wrk -t1 -c"$connections" -d"${seconds}s" -s "$here/unique_body.lua" "http://127.0.0.1:$port" >"$tmp/inbox.wrk" 2>&1 &
load_pids+=($!)
started=$SECONDS
while [ $((SECONDS - started)) -lt "$seconds" ]; do
    sleep "$every"
    sample $((SECONDS - started)) >>"$csv"
done
wait "${load_pids[@]}" || true
load_pids=()
sample $((SECONDS - started)) >>"$csv"

echo
printf '%8s %10s %10s %8s %10s\n' "elapsed" "RSS MiB" "HWM MiB" "CPU s" "stored"
tail -n +2 "$csv" | awk -F, '{ printf "%7ss %10.1f %10.1f %8s %10s\n", $1, $2/1024, $3/1024, $4, $5 }'
echo
for load in verify inbox; do
    printf '%-7s %s\n' "$load:" "$(awk '/Requests\/sec/ {rps=$2} /Non-2xx/ {bad=$NF} END {printf "%s req/s%s", rps, (bad ? ", non-2xx " bad : "")}' "$tmp/$load.wrk")"
done
python3 - "$csv" <<'EOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]))]
rss = [int(r["rss_kb"]) for r in rows]
half = rss[len(rss) // 2:]
print(f"RSS: start {rss[0]/1024:.1f} MiB, max {max(rss)/1024:.1f} MiB, end {rss[-1]/1024:.1f} MiB; "
      f"second half {min(half)/1024:.1f}-{max(half)/1024:.1f} MiB; peak (VmHWM) {int(rows[-1]['hwm_kb'])/1024:.1f} MiB")
EOF
echo "CSV: $csv"

title="credbridge serve RSS under verify + inbox load"
if command -v gnuplot >/dev/null 2>&1; then
    gnuplot <<EOF
set terminal png size 900,500
set output "$out_dir/memory_curve.png"
set datafile separator ","
set title "$title"
set xlabel "seconds"; set ylabel "MiB"; set key left top
plot "$csv" skip 1 using 1:(\$2/1024) with lines title "VmRSS", "$csv" skip 1 using 1:(\$3/1024) with lines title "VmHWM"
EOF
    echo "plot: $out_dir/memory_curve.png"
elif python3 -c 'import matplotlib' 2>/dev/null; then
    python3 - "$csv" "$out_dir/memory_curve.png" "$title" <<'EOF'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open(sys.argv[1])))
t = [int(r["elapsed_s"]) for r in rows]
plt.figure(figsize=(9, 5))
plt.plot(t, [int(r["rss_kb"]) / 1024 for r in rows], label="VmRSS")
plt.plot(t, [int(r["hwm_kb"]) / 1024 for r in rows], label="VmHWM")
plt.xlabel("seconds"); plt.ylabel("MiB"); plt.title(sys.argv[3]); plt.legend(); plt.ylim(bottom=0)
plt.savefig(sys.argv[2])
EOF
    echo "plot: $out_dir/memory_curve.png"
else
    python3 - "$csv" "$out_dir/memory_curve.svg" "$title" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
t = [int(r["elapsed_s"]) for r in rows]
series = {"VmRSS": ([int(r["rss_kb"]) / 1024 for r in rows], "#1f77b4"),
          "VmHWM": ([int(r["hwm_kb"]) / 1024 for r in rows], "#d62728")}
W, H, L, B = 900, 500, 70, 50
top = max(max(v) for v, _ in series.values()) * 1.1 or 1
right = max(t) or 1
x = lambda s: L + (W - L - 20) * s / right
y = lambda m: H - B - (H - B - 40) * m / top
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W/2}" y="20" text-anchor="middle" font-size="14">{sys.argv[3]}</text>',
       f'<line x1="{L}" y1="{H-B}" x2="{W-20}" y2="{H-B}" stroke="black"/>',
       f'<line x1="{L}" y1="{H-B}" x2="{L}" y2="40" stroke="black"/>',
       f'<text x="{W/2}" y="{H-10}" text-anchor="middle">seconds</text>',
       f'<text x="15" y="{H/2}" transform="rotate(-90 15 {H/2})" text-anchor="middle">MiB</text>']
for i in range(6):
    m, s = top * i / 5, right * i / 5
    out.append(f'<text x="{L-5}" y="{y(m)+4:.0f}" text-anchor="end">{m:.0f}</text>')
    out.append(f'<line x1="{L}" y1="{y(m):.0f}" x2="{W-20}" y2="{y(m):.0f}" stroke="#ddd"/>')
    out.append(f'<text x="{x(s):.0f}" y="{H-B+16}" text-anchor="middle">{s:.0f}</text>')
for n, (name, (values, colour)) in enumerate(series.items()):
    points = " ".join(f"{x(s):.1f},{y(m):.1f}" for s, m in zip(t, values))
    out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
    out.append(f'<text x="{L+10}" y="{55+16*n}" fill="{colour}">{name}</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out))
EOF
    echo "plot: $out_dir/memory_curve.svg (no gnuplot or matplotlib here)"
fi
