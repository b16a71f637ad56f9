"""Helpers for the abuse, failure and log tests (test_abuse.py, test_failure.py, test_logs.py):
file-descriptor limits, latency statistics, slowloris tricklers, a bad-signature flood run in child
processes, a black-hole telephony gateway, tmpfs mounts (read-only / full disk), a server whose
database lives outside its data directory, SQLite consistency checks and secret scanning.

Standard library + pytest only; builds on conftest.py (imported as the module `conftest`).
"""

import base64
import errno
import json
import os
import resource
import secrets
import selectors
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

import conftest
from conftest import NUMBERS, Server, _with_data, server_rx_queue, wait_until  # noqa: F401 — re-exported

HERE = Path(__file__).resolve().parent


# ---------------------------------------------------------------------------------------------------
# Process limits and statistics

def raise_fd_limit(wanted):
    """Raises RLIMIT_NOFILE of this process (and so of every server it starts afterwards, which
    inherit it) to at least `wanted`; skips the test when that is impossible."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return soft
    if hard != resource.RLIM_INFINITY and hard < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, wanted))
            return wanted
        except (ValueError, OSError):
            pytest.skip(f"RLIMIT_NOFILE hard limit {hard} < {wanted} and cannot be raised")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return wanted


def percentile(values, p):
    """The p-th percentile (0-100, nearest rank) of a non-empty sequence."""
    ordered = sorted(values)
    assert ordered, "no samples"
    rank = max(1, min(len(ordered), int(round(p / 100.0 * len(ordered) + 0.5))))
    return ordered[rank - 1]


def timed(fn, *args, **kw):
    """(seconds, result) of fn(*args, **kw)."""
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t0, out


def rss_kib(pid):
    """Resident set size of a process in KiB (from /proc)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


def unique_numbers(prefix, count):
    """`count` distinct valid mobile numbers `010` + prefix + digits (prefix: up to 4 digits)."""
    width = 8 - len(prefix)
    start = secrets.randbelow(10 ** width - count)
    return [f"010{prefix}{start + i:0{width}d}" for i in range(count)]


# ---------------------------------------------------------------------------------------------------
# Raw sockets

def wait_server_consumed(server_port, sock, timeout=5.0):
    """Waits until the server has read every byte we sent on `sock`."""
    client_port = sock.getsockname()[1]
    wait_until(lambda: server_rx_queue(server_port, client_port) == 0, timeout,
               f"server reading connection from port {client_port}", interval=0.005)


def connect_refused(port, timeout=1.0):
    """True when a new TCP connection to 127.0.0.1:port is refused (nobody listens)."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    s.close()
    return False


def stream_until_answer(sock, head, chunks, timeout=10.0):
    """Sends `head`, then the byte strings of the iterable `chunks` one by one, stopping as soon as
    the server starts answering (or the connection breaks). Returns (bytes of body sent, all bytes
    received until EOF or `timeout`)."""
    sock.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ)
    received = b""
    sent_body = 0
    deadline = time.monotonic() + timeout
    pending = head
    it = iter(chunks)
    sending = True
    try:
        while time.monotonic() < deadline:
            wait = 0 if sending else min(0.5, max(0.0, deadline - time.monotonic()))
            if sel.select(wait):
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    continue
                except ConnectionResetError:
                    data = b""
                if not data:
                    break
                received += data
                sending = False         # the answer has begun: a polite client stops sending
                continue
            if not sending:
                continue
            if not pending:
                try:
                    pending = next(it)
                    sent_body += len(pending)
                except StopIteration:
                    sending = False
                    continue
            try:
                n = sock.send(pending)
                pending = pending[n:]
            except BlockingIOError:
                sel.select(0.01)
            except (BrokenPipeError, ConnectionResetError):
                sending = False
        return sent_body, received
    finally:
        sel.close()
        sock.setblocking(True)


def parse_response_bytes(data):
    """(status, headers dict lower-case, body) of one complete HTTP/1.1 response in `data`."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    assert sep, f"incomplete response head: {data[:300]!r}"
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    assert len(rest) >= length, f"truncated response body ({len(rest)}/{length}): {data[:300]!r}"
    return status, headers, rest[:length]


class Trickler:
    """Slowloris: keeps sockets open and sends each one byte every `interval` seconds from one
    thread, recording when (and with what) the server closed each of them."""

    def __init__(self, port, interval=0.5):
        self.port = port
        self.interval = interval
        self.socks = []               # [sock, opened_at, closed_at or None, received bytes, trickle byte]
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def open(self, prefix, trickle=b"a"):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        opened = time.monotonic()
        s.sendall(prefix)
        s.setblocking(False)
        with self._lock:
            self.socks.append([s, opened, None, b"", trickle])

    def start(self):
        self._thread.start()
        return self

    def open_count(self):
        with self._lock:
            return sum(1 for e in self.socks if e[2] is None)

    def _poll_closed(self, entry, now):
        s = entry[0]
        try:
            while True:
                data = s.recv(4096)
                if not data:
                    entry[2] = now
                    return
                entry[3] += data
        except BlockingIOError:
            return
        except OSError:
            entry[2] = now

    def _run(self):
        next_tick = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            with self._lock:
                entries = [e for e in self.socks if e[2] is None]
            for e in entries:
                self._poll_closed(e, now)
                if e[2] is not None:
                    continue
                if now >= next_tick:
                    try:
                        e[0].send(e[4])
                    except BlockingIOError:
                        pass
                    except OSError:
                        e[2] = now
            if now >= next_tick:
                next_tick = now + self.interval
            self._stop.wait(0.02)

    def stop(self):
        self._stop.set()
        self._thread.join(5)
        with self._lock:
            for e in self.socks:
                try:
                    e[0].close()
                except OSError:
                    pass


# ---------------------------------------------------------------------------------------------------
# A bad-signature flood in child processes (own GILs: the measuring client is not slowed by them)

_FLOOD_SCRIPT = r"""
import json, sys, threading, secrets
sys.path.insert(0, sys.argv[1])
from conftest import RawConn, raw_request_bytes, sign, NUMBERS
port, key, secret, threads = int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
stop = threading.Event()
lock = threading.Lock()
counts = {}
ready = threading.Event()

def run():
    conn = None
    while not stop.is_set():
        try:
            if conn is None:
                conn = RawConn(port, timeout=10)
            # the real key, a current date, a fresh salt, but a made-up HMAC
            auth = sign(key, secret, sig=secrets.token_hex(32))
            conn.send(raw_request_bytes("GET", NUMBERS, headers={"Authorization": auth}))
            r = conn.read_response()
            status = "closed" if r is None else str(r.status)
            if r is not None and r.status == 403:
                status += ":" + r.json.get("errorCode", "?")
            if r is None:
                conn.close(); conn = None
        except Exception as e:
            status = "error:" + type(e).__name__
            if conn is not None:
                conn.close()
            conn = None
        with lock:
            counts[status] = counts.get(status, 0) + 1
        ready.set()

ts = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
for t in ts:
    t.start()
ready.wait(10)
print("ready", flush=True)
sys.stdin.readline()          # runs until the parent writes a line or closes stdin
stop.set()
for t in ts:
    t.join(15)
print(json.dumps(counts), flush=True)
"""


class Flood:
    """`processes` child processes × `threads` keep-alive connections sending requests signed with
    the right key and a wrong HMAC as fast as the server answers them."""

    def __init__(self, port, key, secret, processes=2, threads=4):
        self.procs = [subprocess.Popen(
            [sys.executable, "-c", _FLOOD_SCRIPT, str(HERE), str(port), key, secret, str(threads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(processes)]

    def wait_ready(self, timeout=15):
        for p in self.procs:
            line = _readline_timeout(p, timeout)
            assert line.strip() == "ready", f"flood process not ready: {line!r} {p.stderr.read() if p.poll() is not None else ''}"

    def stop(self, timeout=30):
        """Stops every process; returns the summed status counts."""
        total = {}
        for p in self.procs:
            try:
                p.stdin.write("stop\n")
                p.stdin.flush()         # communicate() below closes stdin
            except OSError:
                pass
        for p in self.procs:
            try:
                out, err = p.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
                raise AssertionError(f"flood process did not stop: {err[-2000:]}")
            lines = [l for l in out.splitlines() if l.strip().startswith("{")]
            assert lines, f"flood process printed no counts; stderr: {err[-2000:]}"
            for k, v in json.loads(lines[-1]).items():
                total[k] = total.get(k, 0) + v
        return total

    def kill(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)


def _readline_timeout(proc, timeout):
    result = []
    t = threading.Thread(target=lambda: result.append(proc.stdout.readline()), daemon=True)
    t.start()
    t.join(timeout)
    return result[0] if result else ""


# ---------------------------------------------------------------------------------------------------
# A telephony gateway that accepts connections and never answers

class Blackhole:
    """Listens on 127.0.0.1:<free port>, accepts every connection, reads and discards what arrives
    and never answers. Counts connections accepted and the most open at once."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.open = 0
        self.max_open = 0
        self._lock = threading.Lock()
        self._conns = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/call"

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        sel = selectors.DefaultSelector()
        sel.register(self.sock, selectors.EVENT_READ)
        while not self._stop.is_set():
            for key, _ in sel.select(0.05):
                if key.fileobj is self.sock:
                    try:
                        conn, _ = self.sock.accept()
                    except BlockingIOError:
                        continue
                    conn.setblocking(False)
                    sel.register(conn, selectors.EVENT_READ)
                    with self._lock:
                        self._conns.append(conn)
                        self.accepted += 1
                        self.open += 1
                        self.max_open = max(self.max_open, self.open)
                else:
                    conn = key.fileobj
                    try:
                        data = conn.recv(65536)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    if not data:
                        sel.unregister(conn)
                        conn.close()
                        with self._lock:
                            self.open -= 1
        sel.close()

    def stats(self):
        with self._lock:
            return {"accepted": self.accepted, "open": self.open, "max_open": self.max_open}

    def stop(self):
        self._stop.set()
        self._thread.join(5)
        for c in self._conns:
            try:
                c.close()
            except OSError:
                pass
        self.sock.close()


# ---------------------------------------------------------------------------------------------------
# tmpfs mounts (root only)

def _run_mount(*args):
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)


class Tmpfs:
    """A small tmpfs mounted on `path` (needs root). Servers started through `server()` are killed
    before the unmount."""

    def __init__(self, path, size="8m"):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.size = size
        self.servers = []
        self.mounted = False
        if os.geteuid() != 0:
            pytest.skip("mounting a tmpfs needs root")
        p = _run_mount("-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(self.path))
        if p.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
        self.mounted = True

    def remount(self, mode):
        """`ro` or `rw`; fails the test if the kernel refuses."""
        p = _run_mount("-o", f"remount,{mode}", str(self.path))
        assert p.returncode == 0, f"mount -o remount,{mode} {self.path}: {p.stderr.strip()}"

    def fill(self, name="filler"):
        """Writes a filler file until the file system is full (ENOSPC); returns its path."""
        path = self.path / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for size in (1 << 20, 1 << 16, 4096, 512, 1):
                block = b"\0" * size
                while True:
                    try:
                        n = os.write(fd, block)
                    except OSError as e:
                        if e.errno != errno.ENOSPC:
                            raise
                        break
                    if n < size:
                        break
        finally:
            os.close(fd)
        st = os.statvfs(self.path)
        assert st.f_bavail == 0, f"tmpfs not full: {st.f_bavail} blocks free"
        return path

    def server(self, args=(), db_dir=None, env=None):
        """A Server whose data directory is this mount point itself (so its log file, which
        conftest puts beside the data directory, stays outside the mount). With `db_dir`, the
        SQLite database lives there instead (see DbServer)."""
        if db_dir is not None:
            s = DbServer(self.path, Path(db_dir) / "senderid.db", args=args, env=env)
        else:
            s = Server(self.path, args=args, env=env)
        self.servers.append(s)
        return s

    def cleanup(self):
        for s in self.servers:
            s.stop(timeout=5)
            s.kill()
        if not self.mounted:
            return
        p = subprocess.run(["umount", str(self.path)], capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True, text=True,
                           timeout=30)
        self.mounted = False


class DbServer(Server):
    """A Server whose SQLite database is `db_path` (`--db sqlite://…`) instead of
    <data>/senderid.db; the CLI helpers pass the same `--db`."""

    def __init__(self, data_dir, db_path, args=(), env=None):
        self.db_path = Path(db_path)
        self.db_url = f"sqlite://{self.db_path}"
        super().__init__(data_dir, args=["--db", self.db_url, *args], env=env)

    def cli(self, *args):
        return conftest.cli(*_with_data(args, self.data_dir), "--db", self.db_url)

    def run_cli(self, *args):
        return conftest.run_cli(*_with_data(args, self.data_dir), "--db", self.db_url)


# ---------------------------------------------------------------------------------------------------
# Store checks

def sqlite_check(db_path):
    """(integrity_check rows, foreign_key_check rows) of the database, opened read-only."""
    uri = f"file:{quote(str(db_path))}?mode=ro"
    con = sqlite3.connect(uri, uri=True, timeout=10)
    try:
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        con.close()
    return integrity, fk


def assert_store_consistent(db_path):
    integrity, fk = sqlite_check(db_path)
    assert integrity == ["ok"], f"PRAGMA integrity_check: {integrity[:10]}"
    assert fk == [], f"PRAGMA foreign_key_check: {fk[:10]}"


# ---------------------------------------------------------------------------------------------------
# The ARS outbox, read tolerantly while the server appends to it

def outbox_code(data_dir, transaction_id, timeout=5.0):
    """The code the outbox voice provider recorded for `transaction_id` (bounded polling)."""
    path = Path(data_dir) / "voice-outbox.jsonl"

    def find():
        try:
            text = path.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            return None
        for line in text.split("\n")[:-1]:          # complete lines only
            if transaction_id in line:
                try:
                    return json.loads(line)["token"]
                except ValueError:
                    return None
        return None

    return wait_until(find, timeout, f"outbox line for transaction {transaction_id}")


def mfa_header(number, transaction_id=None, token=None):
    data = {"authType": "ARS", "extras": {"phoneNumber": number}}
    if transaction_id is not None:
        data["transactionId"] = transaction_id
        data["token"] = token
    return json.dumps(data, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------------
# Secret scanning

def slices(data, width, step):
    """Every `width`-long slice of `data` starting at multiples of `step` (and the tail)."""
    out = [data[i:i + width] for i in range(0, max(1, len(data) - width + 1), step)]
    if len(data) >= width:
        out.append(data[-width:])
    return [s for s in out if len(s) == width]


def forms_of_bytes(data, width=16, step=16):
    """Byte strings whose presence in a log would reveal `data`: raw slices and slices of its
    base64 (three alignments, so that any encoding offset is caught) and hex."""
    out = set(slices(data, width, step))
    for shift in range(3):
        enc = base64.b64encode(data[shift:])
        out.update(slices(enc[4:-4] if len(enc) > 8 else enc, width + 8, step))
        out.update(slices(base64.urlsafe_b64encode(data[shift:])[4:-4], width + 8, step))
    out.update(slices(data.hex().encode(), 2 * width, 2 * step))
    return out


def find_leaks(haystack, needles):
    """The needles (bytes or str) that occur in `haystack` (bytes), case-sensitively."""
    found = []
    for n in needles:
        b = n.encode("utf-8") if isinstance(n, str) else n
        if b and b in haystack:
            found.append(n)
    return found


def file_bytes(path):
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return b""


def tree(root):
    """The set of every file path below `root` (relative, as strings)."""
    out = set()
    for dirpath, _, files in os.walk(root):
        for f in files:
            out.add(os.path.relpath(os.path.join(dirpath, f), root))
    return out


def healthy(server, timeout=2.0):
    r = conftest.http_request(server.port, "GET", "/healthz", timeout=timeout)
    assert r.status == 200 and r.json == {"status": "ok"}, f"server unhealthy: {r!r}"


def signed_probe(acct, path=NUMBERS):
    """One signed GET that must succeed; returns its latency in seconds."""
    t0 = time.perf_counter()
    r = acct.get(path)
    elapsed = time.perf_counter() - t0
    assert r.status == 200, f"probe {path}: {r!r}"
    return elapsed
