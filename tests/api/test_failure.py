"""Failure behaviour of the real binary (what test_durability.py, test_upload_crash.py, test_http.py and
test_webhook.py already cover — kill -9 under creates only, under uploads only, SIGTERM with one
request in flight, a slow gateway — is not repeated):

- kill -9 under a mixed write load (number creates and deletes, ARS step 1 + 2, uploads): every
  200-acknowledged effect survives, nothing acknowledged as deleted comes back, and the stopped
  store passes SQLite's integrity and foreign-key checks with no orphan or temporary files;
- a read-only data directory and a full disk (small tmpfs mounts; root only) give 503
  ServiceUnavailable, never a 500 or a crash, and writes work again once the condition is gone;
- SIGTERM under load: uploads whose bodies are still arriving and handlers still running are all
  answered completely, idle and half-sent connections are closed without a byte, new connections
  are refused while the server drains, and it exits 0 within 5 s;
- a dead telephony gateway (accepts, never answers) cannot stall the server.

Bounds: other endpoints stay under 500 ms while the gateway hangs; a step 1 against the dead
gateway ends within the 2 s voice timeout + 2.5 s; at most 4 webhook calls are in flight (the
server's cap) and the rest fail at once (< 1 s).
"""

import hashlib
import http.client
import json
import os
import secrets
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from abuse_support import (Blackhole, Tmpfs, assert_store_consistent, connect_refused, healthy,
                            mfa_header, outbox_code, unique_numbers, wait_server_consumed,
                            wait_until)
from ars_support import MSG_VERIFIED_ARS, Receiver, assert_ars_error
from conftest import (MSG_CREATED, NUMBERS, REQUEST_TIMEOUT, RawConn, assert_error, assert_ok,
                      check_doc, find_sender, http_request, raw_request_bytes)
from documents_support import (DOCS, assert_no_stray_files, b64, check_document, documents_dir,
                               download, file_path, get_document, list_all_documents, pdf_bytes,
                               upload_raw)

NO_ANSWER = (OSError, http.client.HTTPException)
UNLIMITED_CALLS = ["--call-spacing", "1ms", "--calls-per-account", "100000",
                   "--calls-per-number", "100000", "--calls-per-account-number", "100000"]


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def _assert_no_stray_files(folder, names):
    # Young strays of a crash may outlive a restart (the sweep's grace period, issue 11).
    assert_no_stray_files(folder, names)


# ---------------------------------------------------------------------------------------------------
# kill -9 under mixed write load

class MixedLoad:
    """Writer threads of three kinds against one server; records every acknowledged effect."""

    def __init__(self, srv, accounts, round_no):
        self.srv = srv
        self.nums_acct, self.ars_acct, self.up_acct = accounts
        self.round_no = round_no
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.killed = threading.Event()
        self.created = []           # numbers whose create got 200 (numbers threads)
        self.deleted = set()        # numbers whose delete got 200
        self.delete_unanswered = set()   # deletes in flight at the kill: either outcome is fine
        self.ars_created = set()
        self.ars_verified = set()
        self.uploads = []           # (documentId, sha256, size)
        self.unexpected = []

    def _bad(self, what, detail):
        with self.lock:
            self.unexpected.append((what, detail))

    def _call(self, what, fn, *args, **kw):
        """fn(...) or None when the server is gone (after the kill); before it, a failure."""
        try:
            return fn(*args, **kw)
        except NO_ANSWER as e:
            if not self.killed.is_set():
                self._bad(what, f"no answer before the kill: {e!r}")
            return None

    def numbers_worker(self, t):
        mine = []
        pool = unique_numbers(f"{self.round_no}{t}", 400)
        while not self.stop.is_set() and pool:
            n = pool.pop()
            r = self._call("create", self.nums_acct.post, NUMBERS, {"phoneNumber": n})
            if r is None:
                return
            if r.status != 200 or find_sender(r.json, n) is None:
                return self._bad("create", r)
            with self.lock:
                self.created.append(n)
            mine.append(n)
            if len(mine) >= 3 and secrets.randbelow(2):
                victim = mine.pop(0)
                r = self._call("delete", self.nums_acct.delete, f"{NUMBERS}/{victim}")
                if r is None:
                    with self.lock:
                        self.delete_unanswered.add(victim)
                    return
                if r.status != 200 or find_sender(r.json, victim) is not None:
                    return self._bad("delete", r)
                with self.lock:
                    self.deleted.add(victim)

    def ars_worker(self, t):
        pool = unique_numbers(f"{self.round_no}{t + 5}", 200)
        acct = self.ars_acct
        while not self.stop.is_set() and pool:
            n = pool.pop()
            r = self._call("ars-create", acct.post, NUMBERS, {"phoneNumber": n})
            if r is None:
                return
            if r.status != 200:
                return self._bad("ars-create", r)
            with self.lock:
                self.ars_created.add(n)
            path = f"{NUMBERS}/{n}/authenticate"
            r = self._call("step1", acct.put, path, headers={"x-mfa-data": mfa_header(n)})
            if r is None:
                return
            if r.status != 403 or r.json.get("errorCode") != "MFARequired":
                return self._bad("step1", r)
            txn = r.json["mfa"]["transactionId"]
            try:
                code = outbox_code(self.srv.data_dir, txn)
            except BaseException as e:  # noqa: BLE001 — pytest.fail inside a thread
                return self._bad("outbox", repr(e))
            r = self._call("step2", acct.put, path,
                           headers={"x-mfa-data": mfa_header(n, txn, code)})
            if r is None:
                return
            if r.status != 200 or find_sender(r.json, n)["status"] != "ACTIVE":
                return self._bad("step2", r)
            with self.lock:
                self.ars_verified.add(n)

    def upload_worker(self, t):
        while not self.stop.is_set():
            data = pdf_bytes(size=20_000 + secrets.randbelow(180_000))
            r = self._call("upload", upload_raw, self.up_acct, b64(data), name=f"mixed-{t}.pdf")
            if r is None:
                return
            if r.status != 200:
                return self._bad("upload", r)
            with self.lock:
                self.uploads.append((r.json["documentId"], _sha(data), len(data)))

    def run_until_kill(self, min_created=60, min_verified=6, min_uploads=12, timeout=30.0):
        workers = ([(self.numbers_worker, t) for t in range(3)]
                   + [(self.ars_worker, t) for t in range(2)]
                   + [(self.upload_worker, t) for t in range(2)])
        threads = [threading.Thread(target=f, args=(t,), daemon=True) for f, t in workers]
        for th in threads:
            th.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.unexpected or (len(self.created) >= min_created
                                       and len(self.ars_verified) >= min_verified
                                       and len(self.uploads) >= min_uploads):
                    break
            time.sleep(0.005)
        self.killed.set()
        self.srv.kill()                                   # kill -9 with requests in flight
        self.stop.set()
        for th in threads:
            th.join(REQUEST_TIMEOUT + 10)
            assert not th.is_alive(), "a writer thread hung after kill -9"
        assert not self.unexpected, f"unexpected answers before the kill: {self.unexpected[:3]}"
        assert len(self.created) >= min_created, f"only {len(self.created)} creates acknowledged"
        assert len(self.ars_verified) >= min_verified, \
            f"only {len(self.ars_verified)} ARS verifications acknowledged"
        assert len(self.uploads) >= min_uploads, f"only {len(self.uploads)} uploads acknowledged"


def _check_acknowledged(loads):
    nums_acct, ars_acct, up_acct = loads[0].nums_acct, loads[0].ars_acct, loads[0].up_acct
    created = {n for l in loads for n in l.created}
    deleted = {n for l in loads for n in l.deleted}
    unsure = {n for l in loads for n in l.delete_unanswered}
    doc = check_doc(nums_acct.doc(), nums_acct)
    present = {s["phoneNumber"]: s for s in doc["senderIds"]}
    lost = sorted(created - deleted - unsure - set(present))
    assert not lost, f"{len(lost)} acknowledged creates lost after kill -9: {lost[:5]}"
    back = sorted(deleted & set(present))
    assert not back, f"{len(back)} acknowledged deletes undone after kill -9: {back[:5]}"
    for n in (created - deleted) & set(present):
        s = present[n]
        assert s["status"] == "PENDING" and [e["message"] for e in s["log"]] == [MSG_CREATED], s

    verified = {n for l in loads for n in l.ars_verified}
    ars_created = {n for l in loads for n in l.ars_created}
    doc = check_doc(ars_acct.doc(), ars_acct)
    present = {s["phoneNumber"]: s for s in doc["senderIds"]}
    lost = sorted(ars_created - set(present))
    assert not lost, f"acknowledged ARS creates lost: {lost[:5]}"
    for n in verified:
        s = present[n]
        assert s["status"] == "ACTIVE" and s["method"] == "ARS", \
            f"acknowledged verification of {n} lost after kill -9: {s}"
        assert s["log"][-1]["message"] == MSG_VERIFIED_ARS, s["log"]

    for doc_id, digest, size in (u for l in loads for u in l.uploads):
        get_document(up_acct, doc_id)
        body = download(up_acct, doc_id).body
        assert len(body) == size and _sha(body) == digest, \
            f"acknowledged upload {doc_id} not intact after kill -9"


@pytest.mark.sqlite_only("reads the SQLite file; the PostgreSQL kill -9 test is in test_instances.py")
def test_kill_9_under_mixed_write_load(server_factory):
    srv = server_factory(args=UNLIMITED_CALLS)
    accounts = (srv.new_account(limit=10000), srv.new_account(limit=10000), srv.new_account())
    loads = []
    for round_no in (1, 2):
        load = MixedLoad(srv, accounts, round_no)
        load.run_until_kill()
        loads.append(load)
        srv.start()
        _check_acknowledged(loads)

    # The recovered store works, and once stopped it is consistent on disk.
    accounts[0].create(unique_numbers("99", 1)[0])
    names = [d["name"] for a in accounts for d in list_all_documents(a)]
    assert len(names) >= sum(len(l.uploads) for l in loads)
    assert srv.stop() == 0
    assert_store_consistent(Path(srv.data_dir) / "senderid.db")
    _assert_no_stray_files(documents_dir(srv), names)


# ---------------------------------------------------------------------------------------------------
# Read-only data directory, full disk (tmpfs mounts; root only)

@pytest.fixture
def tmpfs(scratch):
    """Makes small tmpfs mounts under this test's scratch dir; servers on them are stopped and the
    mounts removed at teardown (lazily if still busy). Skips when not root or mounting fails."""
    mounts = []

    def make(size="8m"):
        m = Tmpfs(scratch / f"mnt{len(mounts)}", size)
        mounts.append(m)
        return m

    yield make
    for m in mounts:
        m.cleanup()


def _unavailable(r):
    return assert_error(r, 503, "ServiceUnavailable")


def _assert_not_5xx_except_503(r, what):
    assert r.status < 500 or r.status == 503, f"{what}: {r!r}"
    if r.status == 503:
        _unavailable(r)


def test_read_only_data_directory(tmpfs, scratch):
    """The data directory (documents, voice outbox) turns read-only under a running server: uploads
    are 503 ServiceUnavailable, ARS calls through the outbox fail cleanly (502 VoiceCallFailed or
    503) without opening a transaction, reads keep working, nothing crashes; after `remount,rw`
    everything works again.

    The database is kept outside the mount (`--db`): Linux refuses to remount a file system
    read-only while a process holds files on it open for writing (SQLite keeps the database and its
    WAL open), and as root file permissions do not apply — so a live server's database cannot be
    made read-only under it. A read-only database is covered at start-up below."""
    m = tmpfs("16m")
    srv = m.server(args=UNLIMITED_CALLS, db_dir=scratch)
    srv.start()
    acct = srv.new_account(limit=100)
    n1, n2 = unique_numbers("71", 2)
    acct.create(n1)
    data = pdf_bytes(size=50_000)
    d0 = check_document(assert_ok(upload_raw(acct, b64(data))), acct)

    m.remount("ro")
    try:
        _unavailable(upload_raw(acct, b64(pdf_bytes(size=30_000))))
        r = acct.put(f"{NUMBERS}/{n1}/authenticate", headers={"x-mfa-data": mfa_header(n1)})
        assert r.status in (502, 503), f"ARS call with a read-only outbox: {r!r}"
        assert_error(r, r.status, "VoiceCallFailed" if r.status == 502 else "ServiceUnavailable")
        # reads work
        assert download(acct, d0["documentId"]).body == data
        assert get_document(acct, d0["documentId"]) == d0
        entry = find_sender(acct.doc(), n1)
        assert entry["status"] == "PENDING" and len(entry["log"]) == 1, entry
        # the database (elsewhere) still takes writes
        assert find_sender(acct.create(n2), n2) is not None
        assert srv.proc.poll() is None, "the server died on a read-only data directory"
        healthy(srv)
    finally:
        m.remount("rw")

    # Recovery: uploads and calls work again.
    def upload_ok():
        r = upload_raw(acct, b64(pdf_bytes(size=30_000)))
        _assert_not_5xx_except_503(r, "upload after remount,rw")
        return r if r.status == 200 else None

    d1 = check_document(wait_until(upload_ok, 5.0, "upload after remount,rw").json, acct)
    path = f"{NUMBERS}/{n1}/authenticate"
    r = acct.put(path, headers={"x-mfa-data": mfa_header(n1)})
    assert_ars_error(r, 403, "MFARequired", need_mfa=True)
    txn = r.json["mfa"]["transactionId"]
    doc = assert_ok(acct.put(path, headers={"x-mfa-data": mfa_header(
        n1, txn, outbox_code(srv.data_dir, txn))}))
    assert find_sender(doc, n1)["status"] == "ACTIVE"
    names = [d["name"] for d in list_all_documents(acct)]
    assert sorted(names) == sorted([d0["name"], d1["name"]])
    assert srv.stop() == 0
    _assert_no_stray_files(documents_dir(srv), names)
    assert_store_consistent(Path(scratch) / "senderid.db")


@pytest.mark.sqlite_only("the SQLite file's disk")
def test_read_only_store_at_start(tmpfs):
    """A server started on a read-only store either refuses cleanly (exit code > 0, an error on
    stderr, within the start-up timeout) or serves reads and answers writes 503; never a crash.
    After `remount,rw` it starts and all data is there."""
    m = tmpfs("8m")
    srv = m.server()
    srv.start()
    acct = srv.new_account()
    n = unique_numbers("72", 1)[0]
    acct.create(n)
    data = pdf_bytes(size=20_000)
    d0 = check_document(assert_ok(upload_raw(acct, b64(data))), acct)
    assert srv.stop() == 0

    m.remount("ro")
    try:
        srv.start(wait=False)
        state = wait_until(lambda: "exited" if srv.proc.poll() is not None else
                           ("ready" if _ready(srv) else None), 10.0, "start on a read-only store")
        if state == "exited":
            code = srv.proc.returncode
            assert code > 0, f"serve on a read-only store died of signal {-code}"
            tail = srv.log_tail()
            assert "senderid" in tail and tail.strip().splitlines()[-1].strip(), tail
        else:
            r = acct.get(NUMBERS)
            _assert_not_5xx_except_503(r, "read on a read-only store")
            _unavailable(acct.post(NUMBERS, {"phoneNumber": unique_numbers("72", 1)[0]}))
            _unavailable(upload_raw(acct, b64(pdf_bytes(size=10_000))))
            assert srv.stop() == 0
    finally:
        if srv.proc.poll() is None:
            srv.kill()
        m.remount("rw")
    srv.start()
    assert find_sender(acct.doc(), n) is not None
    assert download(acct, d0["documentId"]).body == data
    assert srv.stop() == 0
    assert_store_consistent(Path(srv.data_dir) / "senderid.db")


def _ready(srv):
    try:
        return http_request(srv.port, "GET", "/healthz", timeout=1).status == 200
    except NO_ANSWER:
        return False


@pytest.mark.sqlite_only("the SQLite file's disk")
def test_full_disk_gives_503_and_recovers(tmpfs):
    m = tmpfs("8m")
    srv = m.server()
    srv.start()
    acct = srv.new_account(limit=1000)
    first = unique_numbers("73", 1)[0]
    acct.create(first)
    data = pdf_bytes(size=60_000)
    d0 = check_document(assert_ok(upload_raw(acct, b64(data))), acct)

    filler = m.fill()
    # Writes: each is a 200 (SQLite may still have room in pages it owns) or 503 — and an upload,
    # which needs new blocks, is 503. Never a 500, never a crash.
    saw_503 = False
    acked = [first]
    for n in unique_numbers("74", 100):
        r = acct.post(NUMBERS, {"phoneNumber": n})
        _assert_not_5xx_except_503(r, "create on a full disk")
        if r.status == 503:
            saw_503 = True
            break
        assert r.status == 200, r
        acked.append(n)
    assert saw_503, "100 creates succeeded on a full disk: it was not full"
    _unavailable(upload_raw(acct, b64(pdf_bytes(size=40_000))))
    for path in (NUMBERS, f"{DOCS}/{d0['documentId']}", file_path(d0["documentId"])):
        r = acct.get(path)
        _assert_not_5xx_except_503(r, f"GET {path} on a full disk")
    assert srv.proc.poll() is None, "the server died on a full disk"
    healthy(srv)

    os.unlink(filler)

    def create_ok():
        n = unique_numbers("75", 1)[0]
        r = acct.post(NUMBERS, {"phoneNumber": n})
        _assert_not_5xx_except_503(r, "create after space returned")
        return n if r.status == 200 else None

    acked.append(wait_until(create_ok, 5.0, "a create after space returned"))
    d1 = check_document(assert_ok(upload_raw(acct, b64(pdf_bytes(size=40_000)))), acct)
    present = {s["phoneNumber"] for s in acct.doc()["senderIds"]}
    assert set(acked) <= present, f"acknowledged creates missing: {set(acked) - present}"
    assert download(acct, d0["documentId"]).body == data
    names = [d["name"] for d in list_all_documents(acct)]
    assert sorted(names) == sorted([d0["name"], d1["name"]])
    assert srv.stop() == 0
    _assert_no_stray_files(documents_dir(srv), names)
    assert_store_consistent(Path(srv.data_dir) / "senderid.db")
    srv.start()
    assert set(acked) <= {s["phoneNumber"] for s in acct.doc()["senderIds"]}


# ---------------------------------------------------------------------------------------------------
# SIGTERM drains in-flight requests under load

@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def test_sigterm_drains_in_flight_requests_under_load(server_factory, scratch, receiver):
    secret = scratch / "voice.secret"
    secret.write_text("drain-test-secret\n")
    receiver.configure(status=200, delay=1.5)           # step 1 handlers stay busy 1.5 s
    srv = server_factory(args=["--voice", "webhook", "--voice-url", receiver.url,
                               "--voice-secret-file", str(secret), "--voice-timeout", "5s"])
    acct = srv.new_account(limit=100)
    ars_numbers = unique_numbers("81", 3)
    for n in ars_numbers:
        acct.create(n)

    idle = []
    for _ in range(20):
        c = RawConn(srv.port, timeout=10)
        c.send(raw_request_bytes("GET", "/healthz"))
        assert c.read_response().status == 200
        idle.append(c)
    partial = []
    for _ in range(5):
        c = RawConn(srv.port, timeout=10)
        c.send(b"GET /senderid/v1/numbers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthor")
        partial.append(c)
    uploads = []
    for i in range(4):
        data = pdf_bytes(size=700_000)
        body = json.dumps({"file": b64(data), "category": "SENDERID_APPROVAL",
                           "name": f"drain-{i}.pdf"}).encode()
        c = RawConn(srv.port, timeout=10)
        c.send(raw_request_bytes("POST", DOCS, b"", {
            "Authorization": acct.auth(), "Content-Type": "application/json",
            "Content-Length": str(len(body))}) + body[:len(body) // 2])
        uploads.append((c, body, data))
    for c, _, _ in uploads:
        wait_server_consumed(srv.port, c.sock)
    step1 = [None] * len(ars_numbers)

    def ask(i):
        n = ars_numbers[i]
        try:
            step1[i] = acct.put(f"{NUMBERS}/{n}/authenticate",
                                headers={"x-mfa-data": mfa_header(n)}, timeout=15)
        except Exception as e:  # noqa: BLE001
            step1[i] = e

    askers = [threading.Thread(target=ask, args=(i,), daemon=True) for i in range(len(ars_numbers))]
    for t in askers:
        t.start()
    receiver.wait_count(len(ars_numbers), timeout=5)    # those handlers are now running

    t0 = time.monotonic()
    srv.signal(signal.SIGTERM)
    wait_until(lambda: connect_refused(srv.port), 2.0, "new connections refused after SIGTERM")
    assert srv.proc.poll() is None, "the server exited before its in-flight requests were done"

    docs = []
    for c, body, data in uploads:
        c.send(body[len(body) // 2:])
    for c, body, data in uploads:
        r = c.read_response()
        assert r is not None, "an upload whose body was arriving got no answer on SIGTERM"
        d = check_document(assert_ok(r), acct)
        assert (r.header("Connection") or "").lower() == "close", r.headers
        assert c.read_until_eof() == b"", "bytes after the drained answer"
        docs.append((d, data))
    for t in askers:
        t.join(15)
        assert not t.is_alive(), "a step 1 in flight never returned"
    for r in step1:
        assert not isinstance(r, Exception), f"step 1 in flight at SIGTERM: {r!r}"
        assert_ars_error(r, 403, "MFARequired", need_mfa=True)
    for c in idle + partial:
        assert c.read_until_eof() == b"", "an idle or half-sent connection got bytes on SIGTERM"
        c.close()
    try:
        code = srv.proc.wait(timeout=max(0.1, 5.0 - (time.monotonic() - t0)))
    except subprocess.TimeoutExpired:
        pytest.fail("the server did not exit within 5 s of SIGTERM")
    assert code == 0, f"exit code {code} after SIGTERM"

    # Everything drained is durable: the uploads, and the transactions opened by the step 1s.
    receiver.configure(status=200, delay=0)
    srv.start()
    for d, data in docs:
        assert download(acct, d["documentId"]).body == data
    calls = {json.loads(c["body"])["transactionId"]: json.loads(c["body"])["token"]
             for c in receiver.snapshot()}
    for n, r in zip(ars_numbers, step1):
        txn = r.json["mfa"]["transactionId"]
        doc = assert_ok(acct.put(f"{NUMBERS}/{n}/authenticate",
                                 headers={"x-mfa-data": mfa_header(n, txn, calls[txn])}))
        assert find_sender(doc, n)["status"] == "ACTIVE"


# ---------------------------------------------------------------------------------------------------
# A dead telephony gateway

VOICE_TIMEOUT = 2.0
CALL_MARGIN = 2.5
FAST = 1.0
OTHER_BOUND = 0.5
IN_FLIGHT_CAP = 4


@pytest.fixture
def blackhole():
    b = Blackhole().start()
    yield b
    b.stop()


def _dead_gateway_server(server_factory, scratch, blackhole, extra=()):
    secret = scratch / "voice.secret"
    secret.write_text("dead-gateway-secret\n")
    return server_factory(args=["--voice", "webhook", "--voice-url", blackhole.url,
                                "--voice-secret-file", str(secret),
                                "--voice-timeout", f"{int(VOICE_TIMEOUT)}s", *extra])


def _fire_step1(acct, numbers):
    """Starts one step 1 per number at once; returns (threads, results[(elapsed, resp)])."""
    results = [None] * len(numbers)
    barrier = threading.Barrier(len(numbers))

    def go(i):
        n = numbers[i]
        try:
            barrier.wait(10)
            t0 = time.monotonic()
            r = acct.put(f"{NUMBERS}/{n}/authenticate", headers={"x-mfa-data": mfa_header(n)},
                         timeout=VOICE_TIMEOUT + 10)
            results[i] = (time.monotonic() - t0, r)
        except Exception as e:  # noqa: BLE001
            results[i] = (None, e)

    threads = [threading.Thread(target=go, args=(i,), daemon=True) for i in range(len(numbers))]
    for t in threads:
        t.start()
    return threads, results


def _dead_gateway_round(srv, acct, blackhole, numbers):
    probes = []
    stop = threading.Event()
    reader = srv.new_account()

    def probe():
        while not stop.is_set():
            for fn in (lambda: http_request(srv.port, "GET", "/healthz", timeout=10),
                       lambda: reader.get(NUMBERS, timeout=10),
                       lambda: acct.get(f"{NUMBERS}/active", timeout=10)):
                t0 = time.monotonic()
                r = fn()
                probes.append((time.monotonic() - t0, r.status))
            stop.wait(0.05)

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    threads, results = _fire_step1(acct, numbers)
    for t in threads:
        t.join(VOICE_TIMEOUT + 15)
        assert not t.is_alive(), "a step 1 against the dead gateway never returned"
    stop.set()
    prober.join(15)

    assert probes, "no probe ran"
    worst = max(p[0] for p in probes)
    assert all(p[1] == 200 for p in probes), f"probe answers: {sorted(set(p[1] for p in probes))}"
    times = sorted(round(e, 2) for e, _ in results if e is not None)
    assert worst < OTHER_BOUND, (f"other endpoints took up to {worst:.2f}s while the gateway hung "
                                 f"(bound {OTHER_BOUND}s); step 1 times {times}")
    slow = []
    for elapsed, r in results:
        assert elapsed is not None, f"step 1: {r!r}"
        assert_error(r, 502, "VoiceCallFailed")
        if elapsed >= FAST:
            slow.append(elapsed)
            assert elapsed <= VOICE_TIMEOUT + CALL_MARGIN, \
                f"a step 1 took {elapsed:.2f}s with a {VOICE_TIMEOUT}s voice timeout; all: {times}"
    assert 1 <= len(slow) <= IN_FLIGHT_CAP, (f"{len(slow)} step 1s waited on the dead gateway "
                                             f"(cap {IN_FLIGHT_CAP}); the rest must fail at once")
    stats = blackhole.stats()
    assert 1 <= stats["max_open"] <= IN_FLIGHT_CAP, f"gateway connections: {stats}"
    # No limit was spent and no entry changed.
    for n in numbers:
        e = find_sender(acct.doc(), n)
        assert e["status"] == "PENDING" and len(e["log"]) == 1, e


def test_dead_gateway_cannot_stall_the_server(server_factory, scratch, blackhole):
    srv = _dead_gateway_server(server_factory, scratch, blackhole)
    acct = srv.new_account(limit=100)
    numbers = unique_numbers("82", 14)
    for n in numbers:
        acct.create(n)
    _dead_gateway_round(srv, acct, blackhole, numbers[:10])

    # SIGTERM while calls hang: each in-flight step 1 still gets its complete 502, and the server
    # exits 0 within the voice timeout + 3 s.
    wait_until(lambda: blackhole.stats()["open"] == 0, VOICE_TIMEOUT + 3, "gateway calls closed")
    threads, results = _fire_step1(acct, numbers[10:])
    wait_until(lambda: blackhole.stats()["open"] >= IN_FLIGHT_CAP, 5.0, "calls hanging at the gateway")
    t0 = time.monotonic()
    srv.signal(signal.SIGTERM)
    for t in threads:
        t.join(VOICE_TIMEOUT + 10)
        assert not t.is_alive()
    for elapsed, r in results:
        assert elapsed is not None, f"step 1 in flight at SIGTERM: {r!r}"
        assert_error(r, 502, "VoiceCallFailed")
    try:
        code = srv.proc.wait(timeout=max(0.1, VOICE_TIMEOUT + 3 - (time.monotonic() - t0)))
    except subprocess.TimeoutExpired:
        pytest.fail("the server did not exit while gateway calls hung")
    assert code == 0


def test_dead_gateway_with_few_workers(server_factory, scratch, blackhole):
    """The same with `--workers 4` (a plausible setting on a 2-core host): calls hanging at a dead
    gateway must not occupy every worker, so other endpoints stay fast and surplus step 1s fail at
    once."""
    srv = _dead_gateway_server(server_factory, scratch, blackhole, ["--workers", "4"])
    acct = srv.new_account(limit=100)
    numbers = unique_numbers("83", 10)
    for n in numbers:
        acct.create(n)
    _dead_gateway_round(srv, acct, blackhole, numbers)
