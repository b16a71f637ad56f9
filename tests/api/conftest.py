"""Black-box API test support for senderid (SPEC.md is the contract).

Everything here drives the real binary: `senderid serve` on a free port with a temp data dir, and the
`senderid` CLI for operator work (accounts, keys, ...). Standard library + pytest only.

Test modules import helpers with `from conftest import ...` (tests/api has no __init__.py, so pytest
puts this directory on sys.path and registers this file as the module `conftest`).

PostgreSQL mode (SPEC §11): with SENDERID_TEST_PG set to a server URL (scripts/test.sh starts a
throwaway server and runs the whole suite once more with it), every data directory gets a store of
its own in PostgreSQL — a fresh schema in that database, and a master key file beside the directory —
and every `serve` and CLI call that names the directory gets `--db` and `--master-key-file` for it
(see pg_store_args). Tests about SQLite files by nature carry `@pytest.mark.sqlite_only(reason)` and
are skipped then; tests of several instances on one database carry `@pytest.mark.pg_only` and are
skipped without it.
"""

import datetime as dt
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

import openapi_check

REPO = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("SENDERID_BIN") or str(REPO / "build" / "senderid")

UTC = dt.timezone.utc
KST = dt.timezone(dt.timedelta(hours=9))

REQUEST_TIMEOUT = 10.0      # every HTTP request
READY_TIMEOUT = 10.0        # server start-up
CLI_TIMEOUT = 30.0

NUMBERS = "/senderid/v1/numbers"
ACTIVE = "/senderid/v1/numbers/active"

# PostgreSQL mode: the server URL (a libpq URI of a database the tests may create schemas in).
PG_SERVER = os.environ.get("SENDERID_TEST_PG", "")
PG_MODE = bool(PG_SERVER)
PG_BIN = os.environ.get("SENDERID_PG_BIN", "/usr/lib/postgresql/15/bin")

# ---------------------------------------------------------------------------------------------------
# SPEC texts (§3.2, §4, §9)
MSG_CREATED = "발신번호를 생성하였습니다."
MSG_EXPIRED = "발신번호 인증 기간이 만료되었습니다."
MSG_INVALID_PHONE = "전화번호가 유효하지 않습니다."
MSG_INVALID_SENDER = "등록된 발신번호 정보를 찾을 수 없습니다."
MSG_FAILED_UPDATE = "등록된 발신번호의 상태가 'ACTIVE', 'INACTIVE'가 아닙니다."
MSG_FAILED_DELETE = "'ACTIVE'상태의 발신번호는 삭제가 불가능합니다."

ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
KEY_RE = re.compile(r"^NCS[A-Z0-9]{13}$")
SECRET_RE = re.compile(r"^[A-Z0-9]{32}$")

DOC_KEYS = {"accountId", "limit", "senderIds", "limitationDocuments", "dateCreated", "dateUpdated"}
SENDER_KEYS = {"phoneNumber", "handleKey", "status", "method", "expireAt", "log",
               "approvalDocuments", "unlockDuplicate", "dateCreated", "dateUpdated"}
UNLOCK_KEYS = {"duplicateId", "reason", "reasonCode", "reasonForRequested", "name", "status",
               "dateCreated", "dateUpdated"}
STATUSES = {"PENDING", "ACTIVE", "INACTIVE", "DUPLICATED", "EXPIRED"}

# Texts that must never appear in an errorMessage (SPEC §1: no stack traces, SQL or file paths).
LEAK_MARKERS = ("sqlite", "select ", "insert ", "update ", "std::", "what()", "traceback",
                "exception", "/tmp/", "/work/", ".cc:", ".db")


# ---------------------------------------------------------------------------------------------------
# Small utilities

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def utcnow():
    return dt.datetime.now(UTC)


def parse_iso(text):
    """Parses a SPEC response date (`2018-11-20T05:25:27.757Z`) into an aware UTC datetime."""
    assert isinstance(text, str) and ISO_RE.match(text), f"not an ISO date with milliseconds: {text!r}"
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def assert_iso(text, near=None, tolerance=120.0):
    """`text` is an ISO-8601 UTC date with milliseconds; with `near`, within `tolerance` s of it."""
    when = parse_iso(text)
    if near is not None:
        delta = abs((when - near).total_seconds())
        assert delta <= tolerance, f"{text} is {delta:.1f}s away from {near.isoformat()}"
    return when


def assert_id(value, prefix, tolerance=120.0):
    """A SPEC §1 id: prefix + yyyyMMddHHmmss (Korea time, near now) + 15 [A-Z0-9]; 32 chars."""
    assert isinstance(value, str), f"id is not a string: {value!r}"
    assert len(value) == 32, f"id {value!r} is {len(value)} chars, not 32"
    assert re.fullmatch(prefix + r"\d{14}[A-Z0-9]{15}", value), f"bad id shape {value!r}"
    stamp = dt.datetime.strptime(value[3:17], "%Y%m%d%H%M%S").replace(tzinfo=KST)
    delta = abs((stamp - utcnow()).total_seconds())
    assert delta <= tolerance, (
        f"id {value!r}: timestamp {stamp.isoformat()} is {delta:.0f}s from now (Korea time expected)")


def ms(delta):
    return delta.total_seconds() * 1000.0


# ---------------------------------------------------------------------------------------------------
# Signing (SPEC §2)

def fmt_offset(moment, frac_digits, offset, colon=True):
    """Formats `moment` in `offset` with `frac_digits` fraction digits and a numeric offset."""
    local = moment.astimezone(dt.timezone(offset))
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if frac_digits:
        nanos = f"{local.microsecond:06d}{secrets.randbelow(1000):03d}"
        text += "." + nanos[:frac_digits]
    total = int(offset.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    hh, mm = divmod(abs(total), 60)
    text += f"{sign}{hh:02d}:{mm:02d}" if colon else f"{sign}{hh:02d}{mm:02d}"
    return text


def fmt_z(moment, frac_digits=3):
    """UTC with a literal Z."""
    m = moment.astimezone(UTC)
    text = m.strftime("%Y-%m-%dT%H:%M:%S")
    if frac_digits:
        text += "." + f"{m.microsecond:06d}{'000'}"[:frac_digits]
    return text + "Z"


def fmt_php(moment):
    """The PHP SDK's date: Korea wall-clock time, 5 fraction digits, then a literal `Z`."""
    wall = moment.astimezone(UTC).replace(tzinfo=None) + dt.timedelta(hours=9)
    return wall.strftime("%Y-%m-%dT%H:%M:%S.") + f"{wall.microsecond:06d}"[:5] + "Z"


STYLES = ("default", "node", "python", "ruby", "java", "php", "utc_z", "minus5")


def make_date(style="default", skew=0.0):
    """The date text an SDK of `style` would send, `skew` seconds away from now."""
    moment = utcnow() + dt.timedelta(seconds=skew)
    kst = dt.timedelta(hours=9)
    if style == "default":
        return fmt_z(moment, 3)
    if style == "node":      # date-fns formatISO in Korea: no fraction, +09:00
        return fmt_offset(moment, 0, kst)
    if style == "python":    # datetime.isoformat(): microseconds, +09:00
        return fmt_offset(moment, 6, kst)
    if style == "ruby":      # milliseconds, +0900
        return fmt_offset(moment, 3, kst, colon=False)
    if style == "java":      # nanoseconds, +09:00
        return fmt_offset(moment, 9, kst)
    if style == "php":
        return fmt_php(moment)
    if style == "utc_z":     # 2021-02-19T05:12:34Z
        return fmt_z(moment, 0)
    if style == "minus5":
        return fmt_offset(moment, 3, dt.timedelta(hours=-5))
    raise ValueError(style)


def make_salt(style="default"):
    if style == "php":
        return secrets.token_hex(7)[:13]    # uniqid(): 13 hex chars
    return secrets.token_hex(16)            # 32 hex chars


def signature(secret, date, salt, method="HMAC-SHA256"):
    digest = hashlib.md5 if method.upper() == "HMAC-MD5" else hashlib.sha256
    return hmac.new(secret.encode(), (date + salt).encode(), digest).hexdigest()


def sign(key, secret, date=None, salt=None, method="HMAC-SHA256", style="default", skew=0.0,
         sig=None):
    """The Authorization header value exactly as the SDK of `style` builds it.

    `sig` overrides the computed signature (for forgery tests)."""
    date = make_date(style, skew) if date is None else date
    salt = make_salt(style) if salt is None else salt
    sig = signature(secret, date, salt, method) if sig is None else sig
    if style == "python":
        return f"{method} ApiKey={key}, Date={date}, salt={salt}, signature={sig}"
    return f"{method} apiKey={key}, date={date}, salt={salt}, signature={sig}"


# ---------------------------------------------------------------------------------------------------
# HTTP

class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # list of (name, value)
        self.body = body                # bytes

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError as e:
            raise AssertionError(f"HTTP {self.status}: body is not JSON: {self.body[:300]!r}") from e

    def __repr__(self):
        return f"<Resp {self.status} {self.body[:400]!r}>"


def http_request(port, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT):
    """One request on a fresh connection. `body` is bytes, str or None. Returns Resp."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        r = conn.getresponse()
        data = r.read()
        resp = Resp(r.status, list(r.getheaders()), data)
        openapi_check.check(method, path, resp.status, resp.headers, resp.body)
        return resp
    finally:
        conn.close()


class RawConn:
    """A raw socket speaking HTTP/1.1 by hand, for keep-alive, pipelining and malformed requests."""

    def __init__(self, port, timeout=REQUEST_TIMEOUT):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.eof = False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data, ignore_errors=False):
        try:
            self.sock.sendall(data)
        except OSError:
            if not ignore_errors:
                raise

    def _fill(self):
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
        self.buf += chunk
        return chunk

    def read_until_eof(self):
        while not self.eof:
            self._fill()
        return self.buf

    def read_response(self):
        """Reads one complete response; returns Resp or None if the peer closed before any byte."""
        while b"\r\n\r\n" not in self.buf:
            if self.eof or not self._fill():
                if not self.buf:
                    return None
                raise AssertionError(f"connection closed mid-headers: {self.buf[:300]!r}")
        head, rest = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        assert parts[0].startswith("HTTP/1."), f"bad status line {lines[0]!r}"
        status = int(parts[1])
        headers = []
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers.append((k.strip(), v.strip()))
        hmap = {k.lower(): v for k, v in headers}
        self.buf = rest
        if "chunked" in hmap.get("transfer-encoding", "").lower():
            body = b""
            while True:
                while b"\r\n" not in self.buf:
                    if self.eof or not self._fill():
                        raise AssertionError("closed inside chunked body")
                size_line, self.buf = self.buf.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                while len(self.buf) < size + 2:
                    if self.eof or not self._fill():
                        raise AssertionError("closed inside chunk")
                body += self.buf[:size]
                self.buf = self.buf[size + 2:]
                if size == 0:
                    break
        else:
            length = int(hmap.get("content-length", "0"))
            while len(self.buf) < length:
                if self.eof or not self._fill():
                    raise AssertionError(f"closed inside body ({len(self.buf)}/{length})")
            body, self.buf = self.buf[:length], self.buf[length:]
        return Resp(status, headers, body)


def raw_request_bytes(method, path, body=b"", headers=None):
    if isinstance(body, str):
        body = body.encode()
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    hdrs = dict(headers or {})
    if body or method in ("POST", "PUT"):
        hdrs.setdefault("Content-Length", str(len(body)))
    for k, v in hdrs.items():
        lines.append(f"{k}: {v}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def raw_exchange(port, data, timeout=REQUEST_TIMEOUT, ignore_errors=False):
    """Sends `data` on a fresh raw connection and returns the one answer (None if none came).
    `ignore_errors`: the server may answer and close before it has read everything we send."""
    conn = RawConn(port, timeout=timeout)
    try:
        conn.send(data, ignore_errors=ignore_errors)
        return conn.read_response()
    finally:
        conn.close()


def server_rx_queue(server_port, client_port):
    """Bytes the server has not yet read from its end of our connection (/proc/net/tcp), or None
    when the connection is not (or no longer) there."""
    want_local = f"0100007F:{server_port:04X}"
    want_remote = f"0100007F:{client_port:04X}"
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            parts = line.split()
            if parts[1] == want_local and parts[2] == want_remote:
                return int(parts[4].split(":")[1], 16)
    return None


# ---------------------------------------------------------------------------------------------------
# Assertions on answers

def assert_json_content_type(resp):
    """SPEC §1: `application/json; charset=utf-8`."""
    ct = resp.header("Content-Type") or ""
    parts = [p.strip().lower() for p in ct.split(";")]
    assert parts[0] == "application/json", f"Content-Type {ct!r}"
    assert "charset=utf-8" in parts[1:], f"Content-Type {ct!r} lacks charset=utf-8"


def assert_request_id(resp):
    rid = resp.header("X-Request-Id")
    assert rid and rid.strip(), f"no X-Request-Id on HTTP {resp.status}"
    return rid


def assert_error(resp, status, code, message=None, names=None):
    """An error answer (SPEC §1, §9): exactly {errorCode, errorMessage}."""
    assert resp.status == status, f"expected {status} {code}, got {resp!r}"
    body = resp.json
    assert isinstance(body, dict), f"error body is not an object: {body!r}"
    assert set(body) == {"errorCode", "errorMessage"}, f"error keys {sorted(body)}: {body!r}"
    assert body["errorCode"] == code, f"expected errorCode {code}, got {body!r}"
    msg = body["errorMessage"]
    assert isinstance(msg, str) and msg.strip(), f"empty errorMessage: {body!r}"
    if message is not None:
        assert msg == message, f"errorMessage {msg!r} != {message!r}"
    if names is not None:
        assert names in msg, f"errorMessage {msg!r} does not name {names!r}"
    low = msg.lower()
    for marker in LEAK_MARKERS:
        assert marker not in low, f"errorMessage leaks {marker!r}: {msg!r}"
    assert_json_content_type(resp)
    assert_request_id(resp)
    return body


def assert_ok(resp):
    assert resp.status == 200, f"expected 200, got {resp!r}"
    assert_json_content_type(resp)
    assert_request_id(resp)
    return resp.json


def check_unlock_empty(u):
    assert isinstance(u, dict) and set(u) == UNLOCK_KEYS, f"unlockDuplicate {u!r}"
    assert all(v is None for v in u.values()), f"unlockDuplicate not all-null: {u!r}"


def check_sender(s):
    """One SenderId (SPEC §3.2); returns it."""
    assert isinstance(s, dict) and set(s) == SENDER_KEYS, f"SenderId keys {sorted(s)}"
    assert isinstance(s["phoneNumber"], str) and s["phoneNumber"].isdigit(), s
    assert_id(s["handleKey"], "SED", tolerance=10 ** 9)   # freshness checked where relevant
    assert s["status"] in STATUSES, s
    assert s["method"] in (None, "ARS", "DOCUMENT"), s
    if s["expireAt"] is not None:
        parse_iso(s["expireAt"])
    assert isinstance(s["log"], list) and s["log"], f"empty log: {s!r}"
    for entry in s["log"]:
        assert isinstance(entry, dict) and set(entry) == {"createAt", "message"}, f"log {entry!r}"
        parse_iso(entry["createAt"])
        assert isinstance(entry["message"], str) and entry["message"]
    stamps = [parse_iso(e["createAt"]) for e in s["log"]]
    assert stamps == sorted(stamps), f"log not in order: {s['log']!r}"
    assert isinstance(s["approvalDocuments"], list), s
    u = s["unlockDuplicate"]
    assert isinstance(u, dict) and set(u) == UNLOCK_KEYS, f"unlockDuplicate {u!r}"
    if u["duplicateId"] is None:
        check_unlock_empty(u)
    created = parse_iso(s["dateCreated"])
    updated = parse_iso(s["dateUpdated"])
    assert updated >= created, s
    return s


def check_doc(doc, account=None, paged=False):
    """An AccountDoc (SPEC §3.1); with `paged`, it carries `nextKey`, else it must not."""
    assert isinstance(doc, dict), f"Doc is not an object: {doc!r}"
    keys = DOC_KEYS | ({"nextKey"} if paged else set())
    assert set(doc) == keys, f"Doc keys {sorted(doc)}, expected {sorted(keys)}"
    assert isinstance(doc["accountId"], str) and doc["accountId"].isdigit(), doc["accountId"]
    if account is not None:
        assert doc["accountId"] == account.account_id
    assert isinstance(doc["limit"], int) and not isinstance(doc["limit"], bool), doc["limit"]
    assert isinstance(doc["senderIds"], list)
    assert isinstance(doc["limitationDocuments"], list)
    for s in doc["senderIds"]:
        check_sender(s)
    created = [parse_iso(s["dateCreated"]) for s in doc["senderIds"]]
    assert created == sorted(created), "senderIds not ordered by dateCreated ascending"
    dc = parse_iso(doc["dateCreated"])
    du = parse_iso(doc["dateUpdated"])
    assert du >= dc
    if paged:
        nk = doc["nextKey"]
        assert nk is None or (isinstance(nk, str) and nk.startswith("SED") and len(nk) == 32), nk
    return doc


def find_sender(doc, number):
    hits = [s for s in doc["senderIds"] if s["phoneNumber"] == number]
    assert len(hits) <= 1, f"{number} appears {len(hits)} times"
    return hits[0] if hits else None


def entry_of(acct, number):
    e = find_sender(acct.doc(), number)
    assert e is not None, f"{number} is not in account {acct.account_id}"
    return e


_used_numbers = set()
_numbers_lock = threading.Lock()


def unique_number():
    """A valid mobile number (010 + 8 digits) not handed out before in this process (each xdist
    worker has its own servers, so numbers need only be unique within one process)."""
    with _numbers_lock:
        while True:
            n = "010" + "".join(secrets.choice("0123456789") for _ in range(8))
            if n not in _used_numbers:
                _used_numbers.add(n)
                return n


def add_months(moment, months):
    """Calendar-month arithmetic: same day and time, clamped to the end of a shorter month."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_first - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def wait_until(predicate, timeout, what, interval=0.05):
    """Bounded polling: returns the first truthy predicate() value, fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"{what}: not reached within {timeout}s (last: {last!r})")


# ---------------------------------------------------------------------------------------------------
# PostgreSQL mode: one store per data directory

def with_query(url, **params):
    """`url` (a libpq URI) with more query parameters."""
    sep = "&" if "?" in url else "?"
    return url + sep + "&".join(f"{k}={v}" for k, v in params.items())


def pg_url_for_schema(schema):
    """The server URL with search_path set to `schema` (where the registry's tables go)."""
    return with_query(PG_SERVER, options=f"-csearch_path%3D{schema}")


def psql(sql, url=None, timeout=30):
    """Runs SQL with psql against `url` (default: the test server); returns stdout (unaligned)."""
    p = subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                        url or PG_SERVER, "-c", sql], capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise AssertionError(f"psql {sql!r} failed: {p.stderr.strip()}")
    return p.stdout


def new_master_key_file(path):
    """A fresh 32-byte master key as 64 hex characters, mode 0600."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32) + "\n")
    return str(path)


_pg_stores = {}
_pg_lock = threading.Lock()


def pg_store_args(data_dir):
    """In PostgreSQL mode, `--db URL --master-key-file FILE` of the store of `data_dir`; [] otherwise.

    The store is a schema of its own (named after the directory's path), created on first use; the
    key is `<data_dir>.master.key` beside the directory (with PostgreSQL the key is never generated,
    and keeping it out of the directory leaves that holding only the outbox, as SPEC §11 says). Two
    servers on one data directory (a restart, a second instance) thus share one database store."""
    if not PG_MODE:
        return []
    where = Path(data_dir).resolve()
    with _pg_lock:
        if where not in _pg_stores:
            schema = "t_" + hashlib.sha1(str(where).encode()).hexdigest()[:20]
            psql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            key = where.parent / (where.name + ".master.key")
            where.parent.mkdir(parents=True, exist_ok=True)
            if not key.exists():
                new_master_key_file(key)
            _pg_stores[where] = (pg_url_for_schema(schema), str(key), schema)
        url, key, _ = _pg_stores[where]
    return ["--db", url, "--master-key-file", key]


def master_key_path(data_dir):
    """The master key file the store of `data_dir` uses (PostgreSQL mode: beside the directory)."""
    return Path(pg_store_args(data_dir)[3]) if PG_MODE else Path(data_dir) / "master.key"


def pg_store_dump(data_dir):
    """PostgreSQL mode: {"postgresql:<schema>": every row of the store of `data_dir`}, as pg_dump
    prints them, followed by the raw bytes of every bytea value in them (so that a search for raw
    bytes as well as for their hex finds what the database holds); {} otherwise."""
    if not PG_MODE:
        return {}
    pg_store_args(data_dir)
    schema = _pg_stores[Path(data_dir).resolve()][2]
    p = subprocess.run([f"{PG_BIN}/pg_dump", "--data-only", "-n", schema, PG_SERVER],
                       capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise AssertionError(f"pg_dump failed: {p.stderr.decode(errors='replace').strip()}")
    raw = b"".join(bytes.fromhex(h.decode()) for h in re.findall(rb"\\x((?:[0-9a-f]{2})+)", p.stdout))
    return {f"postgresql:{schema}": p.stdout + b"\n" + raw}


def _store_args_of_cli(args, env):
    """pg_store_args for a CLI call, found from its `--data` (or SENDERID_DATA); [] when the call
    names no data directory or already names a store."""
    if not PG_MODE:
        return []
    env = env or {}
    if "SENDERID_DB" in env or any(a == "--db" or a.startswith("--db=") for a in args):
        return []
    data = env.get("SENDERID_DATA")
    for i, a in enumerate(args):
        if a == "--data" and i + 1 < len(args):
            data = args[i + 1]
        elif a.startswith("--data="):
            data = a[len("--data="):]
    return pg_store_args(data) if data else []


# ---------------------------------------------------------------------------------------------------
# The binary: CLI and server

class CliError(AssertionError):
    pass


def run_cli(*args, env=None, timeout=CLI_TIMEOUT):
    """Runs `senderid ARGS`; returns CompletedProcess (text). In PostgreSQL mode a call naming a
    data directory gets that directory's store (pg_store_args)."""
    full_env = dict(os.environ)
    for k in list(full_env):
        if k.startswith("SENDERID_") and k != "SENDERID_BIN":
            del full_env[k]
    full_env.update(env or {})
    args = [str(a) for a in args]
    args += _store_args_of_cli(args, env)
    return subprocess.run([BINARY, *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env, stdin=subprocess.DEVNULL)


def cli(*args, env=None):
    """Runs the CLI, expects exit 0 and JSON on stdout; returns the parsed JSON."""
    p = run_cli(*args, env=env)
    if p.returncode != 0:
        raise CliError(f"senderid {' '.join(map(str, args))} exited {p.returncode}: {p.stderr.strip()}")
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        raise CliError(f"senderid {' '.join(map(str, args))}: stdout is not JSON: {p.stdout!r}") from e


class Server:
    """One `senderid serve` process on 127.0.0.1:<free port> over `data_dir`.

    `prefix` is put before the binary on the command line, e.g. `["prlimit", "--nofile=128:128"]`
    (it must exec the binary, so that the process id is the server's). Everything the server writes
    to stdout and stderr goes to `log_path` (`log_text()` reads it whole)."""

    _counter = 0

    def __init__(self, data_dir, args=(), env=None, prefix=()):
        self.data_dir = str(data_dir)
        self.args = list(args)
        self.env = env
        self.prefix = list(prefix)
        self.proc = None
        self.port = None
        Server._counter += 1
        self.log_path = Path(self.data_dir).parent / f"{Path(self.data_dir).name}-server-{Server._counter}.log"
        self._log = None

    # -- lifecycle ----------------------------------------------------------------------------------
    def start(self, port=None, wait=True):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self._close_log()
        # 0700 like a careful operator's (serve only warns about an existing directory that is more
        # open); an existing directory is left as it is.
        Path(self.data_dir).parent.mkdir(parents=True, exist_ok=True)
        Path(self.data_dir).mkdir(mode=0o700, exist_ok=True)
        self.port = port or free_port()
        cmd = [*self.prefix, BINARY, "serve", "--listen", f"127.0.0.1:{self.port}", "--data",
               self.data_dir, *self.args]
        if "--db" not in self.args:
            cmd += pg_store_args(self.data_dir)
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("SENDERID_")}
        full_env.update(self.env or {})
        self._log = open(self.log_path, "ab")
        self._log.write(f"\n===== {' '.join(cmd)}\n".encode())
        self._log.flush()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=self._log, env=full_env)
        if wait:
            self.wait_ready()
        return self

    def log_text(self):
        """Everything the server processes of this object wrote (stdout and stderr), as text."""
        try:
            return self.log_path.read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, n=4000):
        try:
            return self.log_path.read_bytes()[-n:].decode("utf-8", "replace")
        except OSError:
            return "<no log>"

    def wait_ready(self, timeout=READY_TIMEOUT):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"senderid serve exited with {self.proc.returncode} before it was ready; "
                            f"stderr:\n{self.log_tail()}")
            try:
                r = http_request(self.port, "GET", "/healthz", timeout=1.0)
                if r.status == 200 and r.json == {"status": "ok"}:
                    return
                last = r
            except (OSError, http.client.HTTPException, AssertionError) as e:
                last = e
            time.sleep(0.05)
        self.kill()
        pytest.fail(f"senderid serve not ready within {timeout}s (last: {last!r}); stderr:\n"
                    f"{self.log_tail()}")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=10.0):
        """SIGTERM, bounded wait, then SIGKILL. Returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            return None
        finally:
            self._close_log()

    def kill(self):
        """SIGKILL (kill -9) and reap."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._close_log()

    def restart(self, hard=False, new_port=True):
        code = None
        if hard:
            self.kill()
        else:
            code = self.stop()
        self.start(port=None if new_port else self.port)
        return code

    def _close_log(self):
        if self._log is not None:
            self._log.close()
            self._log = None

    # -- helpers ------------------------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT):
        return http_request(self.port, method, path, body, headers, timeout)

    def cli(self, *args):
        """Runs a CLI subcommand with `--data` of this server inserted after the subcommand words."""
        return cli(*_with_data(args, self.data_dir))

    def run_cli(self, *args):
        return run_cli(*_with_data(args, self.data_dir))

    def new_account(self, name=None, limit=None):
        args = ["accounts", "create", "--name", name or f"acct-{secrets.token_hex(4)}"]
        if limit is not None:
            args += ["--limit", str(limit)]
        out = self.cli(*args)
        return Account(self, out["accountId"], out["apiKey"], out["apiSecret"], out.get("limit"),
                       raw=out)

    def new_key(self, account, scopes=None):
        args = ["keys", "create", "--account", account.account_id]
        for s in scopes or []:
            args += ["--scope", s]
        out = self.cli(*args)
        return Account(self, account.account_id, out["apiKey"], out["apiSecret"], account.limit,
                       raw=out)


def _with_data(args, data_dir):
    """Inserts `--data DIR` after the leading subcommand words (those not starting with '-')."""
    args = [str(a) for a in args]
    i = 0
    # subcommand words: "accounts create", "keys revoke", "numbers allow-special", ...
    while i < len(args) and i < 2 and not args[i].startswith("-"):
        i += 1
    return args[:i] + ["--data", data_dir] + args[i:]


_NOBODY = object()


class Account:
    """An account (or one of its keys) plus a signing HTTP client bound to a Server."""

    def __init__(self, server, account_id, key, secret, limit, raw=None):
        self.server = server
        self.account_id = str(account_id)
        self.key = key
        self.secret = secret
        self.limit = limit
        self.raw = raw

    def auth(self, **kw):
        return sign(self.key, self.secret, **kw)

    def request(self, method, path, body=_NOBODY, *, raw=None, headers=None, auth=True,
                content_type="application/json", timeout=REQUEST_TIMEOUT, **sign_kw):
        """Signed request. `body` is JSON-encoded; `raw` (bytes/str) is sent as is."""
        hdrs = {}
        data = None
        if raw is not None:
            data = raw
        elif body is not _NOBODY:
            data = json.dumps(body, ensure_ascii=False)
        if data is not None and content_type:
            hdrs["Content-Type"] = content_type
        if auth is True:
            hdrs["Authorization"] = self.auth(**sign_kw)
        elif isinstance(auth, str):
            hdrs["Authorization"] = auth
        hdrs.update(headers or {})
        return self.server.request(method, path, data, hdrs, timeout)

    def get(self, path=NUMBERS, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=_NOBODY, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=_NOBODY, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, body=_NOBODY, **kw):
        return self.request("DELETE", path, body, **kw)

    # -- shortcuts ----------------------------------------------------------------------------------
    def doc(self):
        return check_doc(assert_ok(self.get(NUMBERS)), self)

    def create(self, number):
        r = self.post(NUMBERS, {"phoneNumber": number})
        return check_doc(assert_ok(r), self)


# ---------------------------------------------------------------------------------------------------
# Markers

def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about the SQLite store's files by nature; skipped in "
                   "PostgreSQL mode")
    config.addinivalue_line(
        "markers", "pg_only: needs PostgreSQL (several instances on one database); skipped "
                   "without SENDERID_TEST_PG")


def pytest_collection_modifyitems(config, items):
    for item in items:
        sqlite_only = item.get_closest_marker("sqlite_only")
        if PG_MODE and sqlite_only is not None:
            reason = sqlite_only.args[0] if sqlite_only.args else "about SQLite files"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
        if not PG_MODE and item.get_closest_marker("pg_only") is not None:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set SENDERID_TEST_PG "
                                                    "(scripts/test.sh does)"))


# ---------------------------------------------------------------------------------------------------
# Fixtures

@pytest.fixture(autouse=True)
def openapi_conformance():
    """Every answer a test received matches docs/openapi/customer.json or, from an admin listener,
    admin.json (tests/api/openapi_check.py)."""
    yield
    mismatches = openapi_check.take_mismatches()
    if mismatches:
        pytest.fail(f"{len(mismatches)} answer(s) differ from the OpenAPI document:\n"
                    + "\n".join(mismatches[:10]), pytrace=False)

@pytest.fixture(scope="session")
def binary():
    if not (os.path.isfile(BINARY) and os.access(BINARY, os.X_OK)):
        pytest.fail(f"senderid binary not found at {BINARY} (build it, or set SENDERID_BIN)")
    return BINARY


@pytest.fixture(scope="session")
def scratch_base():
    """A private temp dir for this session (worker). Not pytest's tmp_path: pytest prunes
    /tmp/pytest-of-$USER to the three newest runs, which deletes the data dirs of a suite that runs
    while other pytest sessions start. Set SENDERID_KEEP_TMP=1 to keep it for post-mortems."""
    base = tempfile.mkdtemp(prefix="senderid-api-")
    yield Path(base)
    if not os.environ.get("SENDERID_KEEP_TMP"):
        shutil.rmtree(base, ignore_errors=True)


def _mkdir(base, prefix):
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


@pytest.fixture
def scratch(scratch_base):
    """A fresh empty directory for one test."""
    return _mkdir(scratch_base, "t-")


@pytest.fixture
def server_factory(binary, scratch_base):
    """Makes servers private to one test; all are stopped (SIGKILL if need be) at teardown."""
    made = []

    def make(args=(), start=True, data_dir=None, env=None, prefix=()):
        d = data_dir or (_mkdir(scratch_base, "srv-") / "data")
        s = Server(d, args=args, env=env, prefix=prefix)
        made.append(s)
        if start:
            s.start()
        return s

    yield make
    for s in made:
        s.stop(timeout=5)
        s.kill()


@pytest.fixture(scope="module")
def server(binary, scratch_base):
    """A server shared by the tests of one module; tests use fresh accounts on it."""
    s = Server(_mkdir(scratch_base, "mod-") / "data")
    s.start()
    yield s
    s.stop(timeout=5)
    s.kill()


@pytest.fixture
def account(server):
    """A fresh account (default limit) on the module's server."""
    return server.new_account()


@pytest.fixture
def new_account(server):
    def make(limit=None, name=None):
        return server.new_account(name=name, limit=limit)
    return make
