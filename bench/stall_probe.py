#!/usr/bin/env python3
"""Stall probe of issue 11, item 2: can one tenant stall everyone and grow the server's memory?

Starts `BIN serve` on a fresh data directory (127.0.0.1, a free port), creates one account, then:
  1. measures unauthenticated GET /healthz latency on an idle server (baseline);
  2. uploads `--uploads` (60) 16-byte PNGs, each with a `--name-length` (1,000,000) character name;
  3. runs two concurrent GET /senderid/v1/documents?limit=60 while a prober thread keeps sending
     GET /healthz (fresh connection each), and records the worst /healthz latency meanwhile.
Prints one JSON object: healthz_max_ms (during the lists), healthz_baseline_max_ms, rss_before_mb
(after start-up, before the uploads), rss_after_mb (after the lists), rss_peak_mb (VmHWM),
uploads_accepted (of uploads_sent), upload statuses, list answer sizes and times.

A measurement, not a test: it never fails on figures. Standard library only.
Usage: bench/stall_probe.py --bin build/senderid [--uploads 60] [--name-length 1000000]
"""

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

PNG16 = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR"      # 16 bytes; the type is read from magic


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def auth(key, secret):
    date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    salt = secrets.token_hex(16)
    sig = hmac.new(secret.encode(), (date + salt).encode(), hashlib.sha256).hexdigest()
    return f"HMAC-SHA256 apiKey={key}, date={date}, salt={salt}, signature={sig}"


def request(port, method, path, body=None, headers=None, timeout=120):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def rss_mb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024.0, 1)
    return None


def healthz_ms(port):
    t0 = time.perf_counter()
    status, _ = request(port, "GET", "/healthz", timeout=30)
    ms = (time.perf_counter() - t0) * 1000.0
    if status != 200:
        raise RuntimeError(f"/healthz answered {status}")
    return ms


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="the senderid binary")
    ap.add_argument("--uploads", type=int, default=60)
    ap.add_argument("--name-length", type=int, default=1_000_000)
    ap.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = ap.parse_args()

    base = tempfile.mkdtemp(prefix="stall-probe-")
    data = os.path.join(base, "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENDERID_")}
    out = subprocess.run([args.bin, "accounts", "create", "--name", "probe", "--limit", "100",
                          "--data", data], capture_output=True, text=True, timeout=60, env=env)
    if out.returncode != 0:
        sys.exit(f"accounts create failed: {out.stderr.strip()}")
    acct = json.loads(out.stdout)
    key, secret = acct["apiKey"], acct["apiSecret"]

    port = free_port()
    log = open(os.path.join(base, "server.log"), "wb")
    proc = subprocess.Popen([args.bin, "serve", "--listen", f"127.0.0.1:{port}", "--data", data,
                             "--no-access-log"], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            env=env)
    result = {"binary": args.bin, "uploads_sent": args.uploads, "name_length": args.name_length}
    try:
        deadline = time.monotonic() + 15
        while True:
            if proc.poll() is not None:
                sys.exit(f"serve exited with {proc.returncode}")
            try:
                if request(port, "GET", "/healthz", timeout=1)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit("serve not ready within 15 s")
            time.sleep(0.05)

        baseline = [healthz_ms(port) for _ in range(200)]
        result["healthz_baseline_max_ms"] = round(max(baseline), 2)
        result["rss_before_mb"] = rss_mb(proc.pid)

        name = "n" * args.name_length
        body = json.dumps({"file": base64.b64encode(PNG16).decode(), "category": "SENDERID_APPROVAL",
                           "name": name}).encode()
        statuses = {}
        accepted = 0
        t0 = time.perf_counter()
        for _ in range(args.uploads):
            status, _ = request(port, "POST", "/senderid/v1/documents", body,
                                {"Authorization": auth(key, secret),
                                 "Content-Type": "application/json"})
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            accepted += status == 200
        result["uploads_accepted"] = accepted
        result["upload_statuses"] = statuses
        result["uploads_seconds"] = round(time.perf_counter() - t0, 2)
        result["rss_after_uploads_mb"] = rss_mb(proc.pid)

        probes = []
        stop = threading.Event()

        def prober():
            while not stop.is_set():
                probes.append(healthz_ms(port))
                stop.wait(0.005)

        lists = [None, None]

        def lister(i):
            t = time.perf_counter()
            status, payload = request(port, "GET", "/senderid/v1/documents?limit=60",
                                      headers={"Authorization": auth(key, secret)}, timeout=300)
            lists[i] = {"status": status, "bytes": len(payload),
                        "seconds": round(time.perf_counter() - t, 2)}

        p = threading.Thread(target=prober, daemon=True)
        p.start()
        ls = [threading.Thread(target=lister, args=(i,), daemon=True) for i in range(2)]
        for t in ls:
            t.start()
        for t in ls:
            t.join(300)
        stop.set()
        p.join(60)
        result["lists"] = lists
        result["healthz_probes"] = len(probes)
        result["healthz_max_ms"] = round(max(probes), 2) if probes else None
        result["rss_after_mb"] = rss_mb(proc.pid)
        result["rss_peak_mb"] = rss_mb(proc.pid, "VmHWM")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
        else:
            result["data_dir"] = data
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
