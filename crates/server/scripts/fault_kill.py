#!/usr/bin/env python3
"""Fault test (issue 11 "Faults"): SIGKILL the server during a loop of inbox uploads, restart
it, and check that every acknowledged credential is stored exactly once and none half-written.

    crates/server/scripts/fault_kill.py [--uploads 10000] [--kills 3] [--database-url URL]

Starts the release `serve` example (`--dev --offline`, fresh data folder or PostgreSQL schema),
uploads N distinct credentials (the bundled example with a unique whitespace code: same JSON,
new bytes) from 4 client threads, SIGKILLs the server at random moments (`--kills` times),
restarts it, and keeps going; uploads that fail while it is down are retried until they are
acknowledged (201, or 200 when the killed attempt had in fact been stored). Then:
  * every acknowledged id is readable, with exactly one report, and its original bytes are
    exactly the bytes uploaded;
  * every upload is stored exactly once: the inbox holds exactly N credentials, and uploading
    any of them again answers 200 "created": false with the same id;
  * SQLite: `PRAGMA integrity_check` is ok and no credential lacks a report or its bytes.
Exits non-zero on the first failed check. Standard library only.
"""
import argparse, json, os, random, signal, socket, subprocess, sys, tempfile, threading, time
import urllib.request, urllib.error

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
CREDENTIAL = open(os.path.join(ROOT, "examples/ob3-eddsa-rdfc-2022.json"), "rb").read()


def body(n):
    code = bytes(9 if (n >> bit) & 1 else 32 for bit in range(32))
    return b"{" + code + CREDENTIAL[1:]


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


class Server:
    def __init__(self, data_dir, database_url):
        self.port = free_port(); self.data_dir = data_dir; self.database_url = database_url
        self.proc = None; self.log = open(data_dir + ".log", "ab")

    def start(self):
        env = dict(os.environ, CREDBRIDGE_DEV="1", CREDBRIDGE_OFFLINE="1", RUST_LOG="warn",
                   CREDBRIDGE_LISTEN=f"127.0.0.1:{self.port}", CREDBRIDGE_DATA_DIR=self.data_dir,
                   CREDBRIDGE_DATABASE_URL=self.database_url or "")
        self.proc = subprocess.Popen([os.path.join(ROOT, "target/release/examples/serve")],
                                     env=env, stdout=self.log, stderr=self.log)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url("/readyz"), timeout=1).read(); return
            except Exception:
                time.sleep(0.05)
        sys.exit("server did not start; see " + self.data_dir + ".log")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL); self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM); self.proc.wait(timeout=60)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def request(url, data=None, method=None):
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--uploads", type=int, default=10000)
    ap.add_argument("--kills", type=int, default=3)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--threads", type=int, default=4)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "credbridge-server", "--example", "serve"],
                   cwd=ROOT, check=True)
    tmp = tempfile.mkdtemp(prefix="credbridge-fault-")
    url = args.database_url
    schema = None
    if url:
        schema = f"cb_fault_{os.getpid()}"
        subprocess.run(["psql", url, "-qc", f"create schema {schema}"], check=True)
        url = f"{url}?options=-c%20search_path%3D{schema}"
    server = Server(os.path.join(tmp, "data"), url)
    server.start()

    acked = {}            # n -> id
    acked_lock = threading.Lock()
    stats = {"refused": 0, "replayed_existing": 0}
    next_n = iter(range(args.uploads))
    next_lock = threading.Lock()
    up = threading.Event(); up.set()

    def worker():
        while True:
            with next_lock:
                n = next(next_n, None)
            if n is None:
                return
            while True:
                up.wait()
                try:
                    status, raw = request(server.url("/inbox"), body(n))
                except (urllib.error.URLError, ConnectionError, OSError):
                    stats["refused"] += 1; time.sleep(0.02); continue
                item = json.loads(raw)["items"][0]
                if status == 200:
                    stats["replayed_existing"] += 1   # stored before the kill, ack lost
                with acked_lock:
                    acked[n] = item["id"]
                break

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    started = time.time()
    for t in threads: t.start()
    kill_at = sorted(random.sample(range(args.uploads // 10, args.uploads * 9 // 10), args.kills))
    for point in kill_at:
        while len(acked) < point:
            time.sleep(0.01)
        up.clear(); server.kill()
        print(f"SIGKILL after {len(acked)} acknowledged uploads", flush=True)
        up.set(); time.sleep(0.3)          # uploads meanwhile fail: connection refused
        server.start()
    for t in threads: t.join()
    elapsed = time.time() - started
    print(f"{len(acked)} uploads acknowledged in {elapsed:.0f} s; {stats['refused']} attempts refused while "
          f"down; {stats['replayed_existing']} retried uploads were already stored (200, created: false)")

    failures = []
    ids = set(acked.values())
    if len(ids) != args.uploads:
        failures.append(f"{args.uploads} uploads but {len(ids)} distinct ids")
    status, raw = request(server.url("/inbox/credentials?limit=1"))
    total = json.loads(raw)["total"]
    if total != args.uploads:
        failures.append(f"the inbox holds {total} credentials, expected exactly {args.uploads}")
    for n, cid in sorted(acked.items()):
        status, raw = request(server.url(f"/inbox/credentials/{cid}"))
        record = json.loads(raw)
        if len(record["history"]) != 1 or not record["report"]:
            failures.append(f"upload {n} ({cid}): {len(record['history'])} reports")
        status, original = request(server.url(f"/inbox/credentials/{cid}/original"))
        if original != body(n):
            failures.append(f"upload {n} ({cid}): original bytes differ")
        if len(failures) > 10:
            break
    for n in random.sample(range(args.uploads), min(200, args.uploads)):
        status, raw = request(server.url("/inbox"), body(n))
        item = json.loads(raw)["items"][0]
        if status != 200 or item["created"] or item["id"] != acked[n]:
            failures.append(f"upload {n} again: {status} {item}")
    server.stop()
    if not url:
        db = os.path.join(tmp, "data", "credbridge.sqlite3")
        check = subprocess.run(["sqlite3", db, "pragma integrity_check;"
                                "select count(*) from credentials c where not exists (select 1 from reports r where r.credential_id = c.id);"
                                "select count(*) from credentials c where not exists (select 1 from originals o where o.tenant_id = c.tenant_id and o.sha256 = c.sha256);"],
                               capture_output=True, text=True).stdout.split()
        if check != ["ok", "0", "0"]:
            failures.append(f"sqlite checks (integrity, credentials without report, without bytes): {check}")
    if schema:
        subprocess.run(["psql", args.database_url, "-qc", f"drop schema {schema} cascade"], check=True)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures)); sys.exit(1)
    print(f"ok: {args.uploads} acknowledged credentials stored exactly once, each with one report and "
          f"its exact bytes, after {args.kills} SIGKILLs" + ("" if url else "; SQLite integrity_check ok"))


if __name__ == "__main__":
    main()
