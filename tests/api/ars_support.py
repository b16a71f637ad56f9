"""Helpers for the ARS verification tests (SPEC §5, §5.1): x-mfa-data headers, the outbox voice
provider, step 1 / step 2 shortcuts, concurrency, and a local HTTP receiver standing in for a
telephony gateway (webhook provider).

Standard library + pytest only; builds on conftest.py (imported as the module `conftest`).
"""

import datetime as dt
import hashlib
import hmac
import json
import re
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import (LEAK_MARKERS, NUMBERS, add_months, assert_json_content_type,  # noqa: F401 — re-exported
                      assert_request_id, parse_iso, unique_number, utcnow, wait_until)

OUTBOX_NAME = "voice-outbox.jsonl"
TXN_RE = re.compile(r"^[0-9a-f]{32}$")
MSG_VERIFIED_ARS = "인증수단 'ARS'로 발신번호 인증이 완료되었습니다."
MSG_TURNED_DUPLICATED = "다른 계정에서 인증이 완료되어 중복 상태로 변경되었습니다."
MFA_STEP1_KEYS = {"authType", "transactionId", "expiresAt", "attemptsLeft", "resendAfter"}
VOICE_CALL_KEYS = {"to", "token", "transactionId", "message", "createdAt"}

def data_dir_in(base):
    """A fresh `<base>/<unique>/data` path for a module-scoped server (like conftest's fixtures)."""
    return Path(tempfile.mkdtemp(prefix="ars-", dir=base)) / "data"


def auth_path(number):
    return f"{NUMBERS}/{number}/authenticate"


def mfa_json(number=None, transaction_id=None, token=None, auth_type="ARS", python_spacing=False,
             extras=True):
    """The x-mfa-data header text. Compact like the Node SDK, or `json.dumps` default spacing."""
    data = {"authType": auth_type}
    if extras:
        data["extras"] = {"phoneNumber": number}
    if transaction_id is not None:
        data["transactionId"] = transaction_id
    if token is not None:
        data["token"] = token
    if python_spacing:
        return json.dumps(data)
    return json.dumps(data, separators=(",", ":"))


def wrong_code(code):
    """A code of the same length that differs from `code`."""
    return f"{(int(code) + 1) % (10 ** len(code)):0{len(code)}d}"


# ---------------------------------------------------------------------------------------------------
# Requests

def step1(acct, number, header=None, **kw):
    """Step 1 (ask for the call). `header` overrides the x-mfa-data text."""
    text = mfa_json(number) if header is None else header
    return acct.put(auth_path(number), headers={"x-mfa-data": text}, **kw)


def step2(acct, number, transaction_id, token, python_spacing=False, **kw):
    text = mfa_json(number, transaction_id, token, python_spacing=python_spacing)
    return acct.put(auth_path(number), headers={"x-mfa-data": text}, **kw)


def no_header(acct, number):
    return acct.put(auth_path(number))


# ---------------------------------------------------------------------------------------------------
# Answers

def assert_ars_error(resp, status, code, need_mfa=False):
    """An §5 error: {errorCode, errorMessage} plus, optionally (required with need_mfa), `mfa`."""
    assert resp.status == status, f"expected {status} {code}, got {resp!r}"
    body = resp.json
    assert isinstance(body, dict), f"error body is not an object: {body!r}"
    assert {"errorCode", "errorMessage"} <= set(body) <= {"errorCode", "errorMessage", "mfa"}, \
        f"error keys {sorted(body)}: {body!r}"
    assert body["errorCode"] == code, f"expected errorCode {code}, got {body!r}"
    msg = body["errorMessage"]
    assert isinstance(msg, str) and msg.strip(), f"empty errorMessage: {body!r}"
    for marker in LEAK_MARKERS:
        assert marker not in msg.lower(), f"errorMessage leaks {marker!r}: {msg!r}"
    if need_mfa:
        assert isinstance(body.get("mfa"), dict), f"no mfa object: {body!r}"
    assert_json_content_type(resp)
    assert_request_id(resp)
    return body


def retry_after(resp):
    """The Retry-After header: whole seconds, at least 1. Returns it as int."""
    value = resp.header("Retry-After")
    assert value is not None, f"HTTP {resp.status} without Retry-After: {resp!r}"
    assert re.fullmatch(r"\d+", value.strip()), f"Retry-After {value!r} is not whole seconds"
    seconds = int(value)
    assert seconds >= 1, f"Retry-After {seconds} < 1"
    return seconds


def assert_too_many_calls(resp, max_seconds=None):
    assert_ars_error(resp, 429, "TooManyVerificationCalls")
    seconds = retry_after(resp)
    if max_seconds is not None:
        assert seconds <= max_seconds, f"Retry-After {seconds} > {max_seconds}"
    return seconds


def check_step1(resp, before=None, lifetime=300.0, spacing=60.0, attempts=5, tolerance=5.0):
    """A successful step 1: 403 MFARequired with the §5 `mfa` object. Returns mfa."""
    before = before or utcnow()
    body = assert_ars_error(resp, 403, "MFARequired", need_mfa=True)
    mfa = body["mfa"]
    assert set(mfa) == MFA_STEP1_KEYS, f"mfa keys {sorted(mfa)}: {mfa!r}"
    assert mfa["authType"] == "ARS", mfa
    assert isinstance(mfa["transactionId"], str) and TXN_RE.match(mfa["transactionId"]), \
        f"transactionId {mfa['transactionId']!r} is not 32 lowercase hex"
    assert mfa["attemptsLeft"] == attempts and not isinstance(mfa["attemptsLeft"], bool), mfa
    expires = parse_iso(mfa["expiresAt"])
    resend = parse_iso(mfa["resendAfter"])
    after = utcnow()
    for name, when, offset in (("expiresAt", expires, lifetime), ("resendAfter", resend, spacing)):
        lo = before + dt.timedelta(seconds=offset - tolerance)
        hi = after + dt.timedelta(seconds=offset + tolerance)
        assert lo <= when <= hi, f"{name} {when.isoformat()} is not now + {offset}s"
    return mfa


class Outbox:
    """The outbox voice provider's file: one JSON line per call placed."""

    def __init__(self, server):
        self.path = Path(server.data_dir) / OUTBOX_NAME

    def entries(self):
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        assert data == b"" or data.endswith(b"\n"), f"outbox does not end in a newline: {data[-200:]!r}"
        out = []
        for line in data.decode("utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError as e:
                raise AssertionError(f"outbox line is not JSON: {line!r}") from e
        return out

    def count(self):
        return len(self.entries())

    def for_transaction(self, transaction_id):
        hits = [e for e in self.entries() if e.get("transactionId") == transaction_id]
        assert len(hits) == 1, f"{len(hits)} outbox lines for transaction {transaction_id}"
        return hits[0]

    def code_for(self, transaction_id):
        return self.for_transaction(transaction_id)["token"]


DEFAULT_CODE_LENGTH = 6     # SPEC §5: 6 digits unless --code-length says otherwise


def check_voice_call(call, number, transaction_id, code_length=DEFAULT_CODE_LENGTH, near=None):
    """One call as the voice provider sees it (SPEC §5.1)."""
    assert isinstance(call, dict) and set(call) == VOICE_CALL_KEYS, f"voice call keys: {call!r}"
    assert call["to"] == number, call
    assert call["transactionId"] == transaction_id, call
    code = call["token"]
    assert isinstance(code, str) and re.fullmatch(r"\d{%d}" % code_length, code), \
        f"token {code!r} is not {code_length} digits"
    assert call["message"] == f"인증번호는 {' '.join(code)} 입니다.", call["message"]
    when = parse_iso(call["createdAt"])
    if near is not None:
        assert abs((when - near).total_seconds()) <= 10, f"createdAt {call['createdAt']} not near now"
    return code


def request_call(acct, number, outbox=None, code_length=DEFAULT_CODE_LENGTH, header=None,
                 **check_kw):
    """Step 1 that must succeed; returns (mfa, code) with the code read from the outbox.

    With several tests sharing a server, `outbox.count()` may move concurrently only across xdist
    workers, which never share a server; within one worker tests run one at a time."""
    before = utcnow()
    n_before = outbox.count() if outbox is not None else None
    mfa = check_step1(step1(acct, number, header=header), before=before, **check_kw)
    if outbox is None:
        return mfa, None
    assert outbox.count() == n_before + 1, "step 1 must place exactly one call"
    code = check_voice_call(outbox.for_transaction(mfa["transactionId"]), number,
                            mfa["transactionId"], code_length=code_length, near=before)
    return mfa, code


def verify(acct, number, outbox, code_length=DEFAULT_CODE_LENGTH):
    """The whole ARS flow, which must succeed; returns the 200's AccountDoc (parsed)."""
    mfa, code = request_call(acct, number, outbox, code_length=code_length)
    r = step2(acct, number, mfa["transactionId"], code)
    assert r.status == 200, f"step 2 with the right code: {r!r}"
    return r.json


# ---------------------------------------------------------------------------------------------------
# Concurrency and waiting

def concurrently(fn, n, timeout=30.0):
    """Runs fn(i) in n threads released together by a barrier; returns the results in order."""
    barrier = threading.Barrier(n)
    results = [None] * n
    errors = []

    def run(i):
        try:
            barrier.wait(timeout=timeout)
            results[i] = fn(i)
        except BaseException as e:  # noqa: BLE001 — reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "concurrent requests did not finish in time"
    if errors:
        raise errors[0]
    return results


def sleep_until(moment):
    """Waits until the wall clock has passed `moment` (an aware datetime)."""
    remaining = (moment - utcnow()).total_seconds()
    if remaining > 0:
        time.sleep(remaining)


# ---------------------------------------------------------------------------------------------------
# A telephony gateway stand-in for the webhook provider

def webhook_signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Receiver:
    """An HTTP server on 127.0.0.1:<free port> that records every request and answers with a
    configurable status after a configurable delay."""

    def __init__(self):
        self.calls = []
        self.status = 200
        self.delay = 0.0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._arrived = threading.Condition(self._lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with receiver._lock:
                    status, delay = receiver.status, receiver.delay
                    receiver.calls.append({"method": self.command, "path": self.path,
                                           "headers": dict(self.headers.items()),
                                           "header_list": list(self.headers.items()),
                                           "body": body, "at": time.monotonic()})
                    receiver._arrived.notify_all()
                if delay:
                    receiver._stopping.wait(delay)
                payload = b'{"ok":true}'
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    if 300 <= status < 400:
                        self.send_header("Location", "/elsewhere")
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass    # the caller gave up (timeout)

            do_POST = do_GET = do_PUT = _handle

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/call"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)

    def configure(self, status=200, delay=0.0):
        with self._lock:
            self.status = status
            self.delay = delay

    def count(self):
        with self._lock:
            return len(self.calls)

    def snapshot(self):
        with self._lock:
            return list(self.calls)

    def wait_count(self, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.calls) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"receiver got {len(self.calls)} requests, expected {n}")
                self._arrived.wait(left)
            return list(self.calls)
