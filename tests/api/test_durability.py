"""Durability and atomicity: concurrent creates, kill -9, restart — every 200 survived; limits and
duplicates hold under concurrency."""

import http.client
import json
import queue
import threading
import time

from conftest import (MSG_CREATED, NUMBERS, assert_error, assert_id, check_doc, find_sender,
                      pg_store_args)


def _run_threads(n, target):
    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive(), "a client thread hung"


def test_kill_9_keeps_every_acknowledged_create(server_factory):
    srv = server_factory()
    acct = srv.new_account(limit=1000)
    numbers = [f"0101000{i:04d}" for i in range(300)]
    work = queue.Queue()
    for n in numbers:
        work.put(n)
    ok = []                 # numbers that got a 200
    answers = []            # (number, status, body) of every HTTP answer received
    lock = threading.Lock()
    killed = threading.Event()

    def worker(_):
        while not killed.is_set():
            try:
                n = work.get_nowait()
            except queue.Empty:
                return
            try:
                r = acct.post(NUMBERS, {"phoneNumber": n}, timeout=10)
            except (OSError, http.client.HTTPException):
                continue     # no answer: may or may not be stored
            with lock:
                answers.append((n, r.status, r.body[:300]))
                if r.status == 200:
                    # the answer itself must already contain the new entry
                    if find_sender(r.json, n) is None:
                        answers.append((n, -1, b"200 answer without the number"))
                    ok.append(n)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(16)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with lock:
            if len(ok) >= 40:
                break
        if not any(t.is_alive() for t in threads):
            break
        time.sleep(0.002)
    srv.kill()                       # kill -9, mid-way
    killed.set()
    for t in threads:
        t.join(timeout=30)
        assert not t.is_alive(), "a client thread hung after kill -9"

    bad = [a for a in answers if a[1] != 200]
    assert not bad, f"non-200 answers to valid concurrent creates: {bad[:5]}"
    assert len(ok) >= 40, f"only {len(ok)} creates succeeded before the kill"

    srv.start()
    doc = acct.doc()
    present = [s["phoneNumber"] for s in doc["senderIds"]]
    missing = sorted(set(ok) - set(present))
    assert not missing, f"{len(missing)} acknowledged creates lost after kill -9: {missing[:10]}"
    assert len(present) == len(set(present)), "an entry appears twice"
    assert set(present) <= set(numbers), "entries that were never asked for"
    keys = [s["handleKey"] for s in doc["senderIds"]]
    assert len(keys) == len(set(keys)), "handleKeys are not unique"
    alphabet = set("".join(k[17:] for k in keys))
    assert len(alphabet) >= 30, f"random part of handleKeys uses only {sorted(alphabet)}"
    for s in doc["senderIds"]:
        assert s["status"] == "PENDING", s
        assert [e["message"] for e in s["log"]] == [MSG_CREATED], f"half-written entry {s!r}"
        assert s["expireAt"] is not None
        assert_id(s["handleKey"], "SED", tolerance=300)
    # The store still works after recovery.
    doc = acct.create("01099990000")
    assert find_sender(doc, "01099990000")["status"] == "PENDING"


def test_concurrent_creates_all_succeed(server_factory):
    srv = server_factory()
    acct = srv.new_account(limit=100)
    numbers = [f"0102000{i:04d}" for i in range(64)]
    results = {}
    barrier = threading.Barrier(16)

    def worker(i):
        barrier.wait(timeout=20)
        for n in numbers[i::16]:
            r = acct.post(NUMBERS, {"phoneNumber": n})
            results[n] = (r.status, r.body[:200])

    _run_threads(16, worker)
    bad = {n: v for n, v in results.items() if v[0] != 200}
    assert not bad, f"failed concurrent creates: {list(bad.items())[:5]}"
    doc = acct.doc()
    assert sorted(s["phoneNumber"] for s in doc["senderIds"]) == sorted(numbers)


def test_concurrent_same_number_exactly_one_wins(server_factory):
    srv = server_factory()
    acct = srv.new_account(limit=10)
    barrier = threading.Barrier(12)
    results = []
    lock = threading.Lock()

    def worker(_):
        barrier.wait(timeout=20)
        r = acct.post(NUMBERS, {"phoneNumber": "01055550000"})
        with lock:
            results.append(r)

    _run_threads(12, worker)
    wins = [r for r in results if r.status == 200]
    assert len(wins) == 1, f"{len(wins)} creates of one number succeeded: {results}"
    for r in results:
        if r.status != 200:
            assert_error(r, 409, "AlreadyRegistered")
    assert [s["phoneNumber"] for s in acct.doc()["senderIds"]] == ["01055550000"]


def test_concurrent_creates_respect_limit(server_factory):
    srv = server_factory()
    acct = srv.new_account(limit=3)
    barrier = threading.Barrier(12)
    results = []
    lock = threading.Lock()

    def worker(i):
        barrier.wait(timeout=20)
        r = acct.post(NUMBERS, {"phoneNumber": f"010666600{i:02d}"})
        with lock:
            results.append(r)

    _run_threads(12, worker)
    wins = [r for r in results if r.status == 200]
    assert len(wins) == 3, f"{len(wins)} creates succeeded with limit 3"
    for r in results:
        if r.status != 200:
            assert_error(r, 400, "LimitExceeded")
    assert len(check_doc(acct.doc(), acct)["senderIds"]) == 3


def test_data_survives_graceful_restart(server_factory):
    srv = server_factory()
    acct = srv.new_account()
    acct.create("01012345678")
    acct.create("021234567")
    before = acct.doc()
    code = srv.restart()
    assert code == 0
    assert acct.doc() == before


def test_concurrent_delete_exactly_one_wins(server_factory):
    srv = server_factory()
    acct = srv.new_account()
    acct.create("01012345678")
    acct.create("021234567")
    barrier = threading.Barrier(10)
    results = []
    lock = threading.Lock()

    def worker(_):
        barrier.wait(timeout=20)
        r = acct.delete(f"{NUMBERS}/01012345678")
        with lock:
            results.append(r)

    _run_threads(10, worker)
    assert sum(r.status == 200 for r in results) == 1, [r.status for r in results]
    for r in results:
        if r.status != 200:
            assert_error(r, 400, "InvalidSenderId")
    assert [s["phoneNumber"] for s in acct.doc()["senderIds"]] == ["021234567"]


def test_sigterm_under_load(server_factory):
    """SIGTERM while creates stream in: every answer is a 200 (or 503 ServiceUnavailable while
    shutting down), the process exits 0 within 5 s, and every 200 is there after a restart."""
    import signal
    import subprocess
    srv = server_factory()
    acct = srv.new_account(limit=1000)
    counter = iter(range(10 ** 6))
    ok, answers = [], []
    lock = threading.Lock()
    stop = threading.Event()

    def worker(_):
        while not stop.is_set():
            with lock:
                n = f"0103000{next(counter):04d}"
            try:
                r = acct.post(NUMBERS, {"phoneNumber": n}, timeout=10)
            except (OSError, http.client.HTTPException):
                if srv.proc.poll() is not None:
                    return
                continue
            with lock:
                answers.append((n, r))
                if r.status == 200:
                    ok.append(n)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with lock:
            if len(ok) >= 30:
                break
        time.sleep(0.002)
    t0 = time.monotonic()
    srv.signal(signal.SIGTERM)
    try:
        code = srv.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        code = None
    elapsed = time.monotonic() - t0
    stop.set()
    for t in threads:
        t.join(timeout=30)
        assert not t.is_alive(), "a client thread hung"
    assert code == 0, f"exit code {code} ({elapsed:.1f}s after SIGTERM)"
    for n, r in answers:
        if r.status != 200:
            assert_error(r, 503, "ServiceUnavailable")
    assert len(ok) >= 30
    srv.start()
    present = {s["phoneNumber"] for s in acct.doc()["senderIds"]}
    missing = sorted(set(ok) - present)
    assert not missing, f"{len(missing)} acknowledged creates lost over SIGTERM: {missing[:10]}"


def test_cli_concurrent_with_server_writes(server_factory):
    """Operators run the CLI while the server writes: both succeed (SQLite busy handling)."""
    import subprocess
    from conftest import BINARY
    srv = server_factory()
    acct = srv.new_account(limit=1000)
    stop = threading.Event()
    statuses = []

    def writer(i):
        j = 0
        while not stop.is_set():
            r = acct.post(NUMBERS, {"phoneNumber": f"010400{i:02d}{j:03d}"})
            statuses.append(r.status)
            j += 1

    threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(4)]
    for t in threads:
        t.start()
    try:
        procs = [subprocess.Popen([BINARY, "accounts", "create", "--data", srv.data_dir, "--name",
                                   f"op{i}", *pg_store_args(srv.data_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for i in range(8)]
        outs = [p.communicate(timeout=30) + (p.returncode,) for p in procs]
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    for out, err, code in outs:
        assert code == 0, f"accounts create failed during server writes: {err}"
    ids = [json.loads(out)["accountId"] for out, _, _ in outs]
    assert len(set(ids)) == 8
    assert statuses and all(s == 200 for s in statuses), sorted(set(statuses))
