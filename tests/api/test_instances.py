"""Several instances on one PostgreSQL database (SPEC §11): two `serve` processes over one store —
the same data directory, so the same database schema and master key (conftest's pg_store_args) and
one voice outbox — must behave as one server. Also the faults: PostgreSQL stopped under load (503,
never 500 or a hang, and 200s again from the same processes once it is back) and kill -9 of an
instance under writes (every acknowledged write is there). Skipped without PostgreSQL."""

import os
import signal
import subprocess
import threading
import time

import pytest

from ars_support import MSG_TURNED_DUPLICATED, Outbox, concurrently, request_call, step1, step2
from conftest import (ACTIVE, MSG_CREATED, MSG_EXPIRED, NUMBERS, PG_BIN, Account, assert_error,
                      assert_ok, check_doc, find_sender, pg_store_args, psql,
                      unique_number, wait_until)
from documents_support import DOCS, download, png_bytes, upload
from events_support import WebhookReceiver, check_signed, create_webhook

pytestmark = pytest.mark.pg_only


@pytest.fixture
def pair(server_factory):
    """Two servers on one database (and one data directory: the voice outbox is shared too)."""
    first = server_factory(args=["--call-spacing", "1ms"])
    second = server_factory(args=["--call-spacing", "1ms"], data_dir=first.data_dir)
    return first, second


def on(server, acct):
    """The same account (same key) as a client of `server`."""
    return Account(server, acct.account_id, acct.key, acct.secret, acct.limit)


def test_a_signature_spent_on_one_is_refused_on_the_other(pair):
    a, b = pair
    acct = a.new_account()
    header = acct.auth()
    assert_ok(acct.get(NUMBERS, auth=header))
    assert_error(on(b, acct).get(NUMBERS, auth=header), 403, "DuplicatedSignature")


def test_cli_revoke_and_deactivate_are_seen_by_both_at_once(pair):
    a, b = pair
    acct = a.new_account()
    other = a.new_key(acct)
    for s in pair:
        assert_ok(on(s, acct).get(NUMBERS))
        assert_ok(on(s, other).get(NUMBERS))
    a.cli("keys", "revoke", other.key)
    for s in pair:
        assert on(s, other).get(NUMBERS).status in (401, 403)
        assert_ok(on(s, acct).get(NUMBERS))
    a.cli("accounts", "deactivate", acct.account_id)
    for s in pair:
        assert_error(on(s, acct).get(NUMBERS), 403, "Forbidden")


def test_concurrent_creates_over_both_never_exceed_the_limit(pair):
    a, b = pair
    acct = a.new_account(limit=5)
    clients = [acct, on(b, acct)]
    numbers = [unique_number() for _ in range(16)]
    results = concurrently(lambda i: clients[i % 2].post(NUMBERS, {"phoneNumber": numbers[i]}), 16)
    ok = [r for r in results if r.status == 200]
    assert len(ok) == 5, [r.status for r in results]
    for r in results:
        if r.status != 200:
            assert_error(r, 400, "LimitExceeded")
    assert len(check_doc(assert_ok(on(b, acct).get(NUMBERS)), acct)["senderIds"]) == 5


def test_concurrent_right_answers_over_both_exactly_one_succeeds(pair):
    a, b = pair
    acct = a.new_account()
    number = unique_number()
    acct.create(number)
    mfa, code = request_call(acct, number, Outbox(a), spacing=0.001)
    clients = [acct, on(b, acct)] * 3
    results = concurrently(lambda i: step2(clients[i], number, mfa["transactionId"], code), 6)
    assert [r.status for r in results].count(200) == 1, [(r.status, r.body[:80]) for r in results]
    assert find_sender(on(b, acct).doc(), number)["status"] == "ACTIVE"
    assert number in assert_ok(on(b, acct).get(ACTIVE)), "verified on one, active on the other"


def test_attempts_and_call_spacing_hold_across_both(server_factory):
    a = server_factory()  # the default call spacing (60 s)
    b = server_factory(data_dir=a.data_dir)
    acct = a.new_account()
    number = unique_number()
    acct.create(number)
    mfa, code = request_call(acct, number, Outbox(a))
    # The second call, through the other instance, comes too soon.
    r = step1(on(b, acct), number)
    assert r.status == 429, r
    # Five wrong answers spread over both use up the transaction on both.
    wrong = "0" * len(code) if code != "0" * len(code) else "1" * len(code)
    clients = [acct, on(b, acct)]
    for i in range(5):
        assert step2(clients[i % 2], number, mfa["transactionId"], wrong).status == 403
    r = step2(clients[1], number, mfa["transactionId"], code)
    assert r.status != 200, "a sixth answer after five wrong ones must not verify"


def test_a_document_uploaded_via_one_is_served_listed_and_used_via_the_other(pair):
    a, b = pair
    acct = a.new_account()
    data = png_bytes(seed=b"instances")
    d = upload(acct, data)
    other = on(b, acct)
    assert download(other, d["documentId"]).body == data
    listed = assert_ok(other.get(DOCS))
    assert d["documentId"] in str(listed)
    number = unique_number()
    r = other.post(NUMBERS, {"phoneNumber": number, "documents": [d["documentId"]]})
    assert_ok(r)


def test_one_number_verified_in_two_accounts_over_both_one_active_one_duplicated(pair):
    """SPEC §11/§4: concurrent right answers for one number in two accounts, one through each
    instance: one entry ACTIVE, the other DUPLICATED (logged once), its step 2 DuplicatedSenderId."""
    a, b = pair
    outbox = Outbox(a)
    for _ in range(3):  # a few rounds: the two answers race differently each time
        x, y = a.new_account(), on(b, a.new_account())
        number = unique_number()
        x.create(number)
        y.create(number)
        mfa_x, code_x = request_call(x, number, outbox, spacing=0.001)
        mfa_y, code_y = request_call(y, number, outbox, spacing=0.001)
        answers = [(x, mfa_x, code_x), (y, mfa_y, code_y)]
        results = concurrently(
            lambda i: step2(answers[i][0], number, answers[i][1]["transactionId"], answers[i][2]), 2)
        assert sorted(r.status for r in results) == [200, 409], \
            [(r.status, r.body[:80]) for r in results]
        winner, loser = (x, y) if results[0].status == 200 else (y, x)
        assert_error(results[1 if winner is x else 0], 409, "DuplicatedSenderId")
        for s in pair:  # both instances see the same outcome
            assert find_sender(on(s, winner).doc(), number)["status"] == "ACTIVE"
            lost = find_sender(on(s, loser).doc(), number)
            assert lost["status"] == "DUPLICATED", lost
            assert [e["message"] for e in lost["log"]] == [MSG_CREATED, MSG_TURNED_DUPLICATED], lost
            assert number in assert_ok(on(s, winner).get(ACTIVE))
            assert number not in assert_ok(on(s, loser).get(ACTIVE))


def test_two_sweepers_over_one_database_expire_each_entry_once(server_factory):
    """SPEC §11: the expiry sweep runs on every instance; two at once add one log line and one
    event per entry. The test waits on the database (not on API reads, which expire too)."""
    args = ["--pending-lifetime", "1s", "--sweep-interval", "20ms"]
    a = server_factory(args=args)
    b = server_factory(args=args, data_dir=a.data_dir)
    acct = a.new_account(limit=20)
    numbers = [unique_number() for _ in range(20)]
    clients = [acct, on(b, acct)]
    concurrently(lambda i: assert_ok(clients[i % 2].post(NUMBERS, {"phoneNumber": numbers[i]})), 20)
    store = pg_store_args(a.data_dir)[1]  # its URL: search_path is the store's schema
    where = f"account_id = '{acct.account_id}'"

    def expired():
        return int(psql(f"SELECT count(*) FROM sender_ids "
                        f"WHERE {where} AND status = 'EXPIRED'", url=store))
    wait_until(lambda: expired() == 20, 20, "every entry EXPIRED by the sweepers")
    lines = psql(f"SELECT count(*) FROM sender_id_logs l JOIN "
                 f"sender_ids s USING (handle_key) WHERE s.{where} "
                 f"AND l.message = '{MSG_EXPIRED}'", url=store)
    assert int(lines) == 20, f"{lines.strip()} expiry log lines for 20 entries"
    events = psql(f"SELECT subject, count(*) FROM events WHERE {where} "
                  f"AND type = 'senderid.expired' GROUP BY subject", url=store).split()
    assert len(events) == 20 and all(e.endswith("|1") for e in events), events
    for s in (a, b):
        for e in on(s, acct).doc()["senderIds"]:
            assert [x["message"] for x in e["log"]] == [MSG_CREATED, MSG_EXPIRED], e


def test_each_webhook_attempt_is_made_by_one_instance(server_factory):
    """SPEC §11/§12: both instances' delivery workers drain one outbox; a claim (FOR UPDATE SKIP
    LOCKED, a lease) gives each attempt to one of them. The receiver sees every event exactly as
    often as its record counts attempts — no attempt made twice, none unrecorded — the first
    answers failing so that retries fall due while both workers poll."""
    args = ["--webhook-allow-private", "--webhook-retry-schedule", "200ms,200ms",
            "--webhook-timeout", "5s", "--call-spacing", "1ms"]
    a = server_factory(args=args)
    b = server_factory(args=args, data_dir=a.data_dir)
    receiver = WebhookReceiver().start()
    try:
        acct = a.new_account(limit=30)
        hook = create_webhook(acct, receiver.url())
        receiver.answer(*([500] * 12), 200)
        clients = [acct, on(b, acct)]
        concurrently(lambda i: assert_ok(clients[i % 2].post(NUMBERS, {"phoneNumber": unique_number()})),
                     24)
        store = pg_store_args(a.data_dir)[1]
        where = f"webhook_id = '{hook['webhookId']}'"

        def settled():
            rows = psql(f"SELECT count(*) FILTER (WHERE status <> 'PENDING'), count(*) "
                        f"FROM deliveries WHERE {where}", url=store).strip().split("|")
            return rows[0] == rows[1] == "24"
        wait_until(settled, 30, "every delivery SUCCEEDED or FAILED")
        recorded = {}
        for line in psql(f"SELECT event_id, attempt FROM deliveries WHERE {where}",
                         url=store).split():
            event_id, attempt = line.split("|")
            recorded[event_id] = int(attempt)
        seen = {}
        for call in receiver.snapshot():
            event_id = check_signed(call, [hook["secret"]])["eventId"]
            seen[event_id] = seen.get(event_id, 0) + 1
        assert seen == recorded, "attempts seen by the receiver vs. recorded per event"
        assert sum(seen.values()) > 24, "some deliveries were retried"
    finally:
        receiver.stop()


def test_readyz_on_postgres(pair):
    for s in pair:
        r = s.request("GET", "/readyz")
        assert r.status == 200 and r.json == {"status": "ready"}, r


# ---------------------------------------------------------------------------------------------------
# Faults

def _pg_ctl(*args):
    """pg_ctl on the test server's data directory (scripts/pg_throwaway.sh exports PG_DATA)."""
    data = os.environ.get("PG_DATA")
    if not data or not os.environ.get("PG_OPTS"):
        pytest.skip("PG_DATA/PG_OPTS not set: the PostgreSQL server is not one this run may stop")
    cmd = [f"{PG_BIN}/pg_ctl", "-D", data, "-w", "-t", "60", *args]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=90, stdin=subprocess.DEVNULL)


@pytest.mark.xdist_group("pg_server_stop")
def test_postgres_stopped_under_load_gives_503_then_recovers(pair, request):
    """Stops the (whole, shared) test server: only with PG_FAULTS=1, which test.sh sets for a
    run of this module alone, so that no other test sees the database go."""
    if os.environ.get("PG_FAULTS") != "1":
        pytest.skip("PG_FAULTS=1 not set (scripts/test.sh runs the fault tests on their own)")
    a, b = pair
    acct = a.new_account(limit=10_000)
    clients = [acct, on(b, acct)]
    statuses = []
    stop = threading.Event()

    def load(i):
        while not stop.is_set():
            t0 = time.monotonic()
            r = clients[i % 2].post(NUMBERS, {"phoneNumber": unique_number()}, timeout=30)
            assert time.monotonic() - t0 < 15, "a request hung past the database deadline"
            statuses.append(r.status)
            if r.status == 503:
                assert r.json["errorCode"] == "ServiceUnavailable", r
                assert r.header("Retry-After"), r

    threads = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(4)]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: statuses.count(200) >= 10, 20, "writes before the stop")
        _pg_ctl("-m", "fast", "stop")
        n = len(statuses)
        wait_until(lambda: 503 in statuses[n:], 20, "503 while the database is down")
        for s in pair:
            assert s.request("GET", "/readyz").status == 503
    finally:
        _pg_ctl("-l", os.environ["PG_LOG"], "-o", os.environ["PG_OPTS"], "start")
    n = len(statuses)
    wait_until(lambda: statuses[n:].count(200) >= 10, 30, "200s again once the database is back")
    stop.set()
    for t in threads:
        t.join(30)
    assert 500 not in statuses, "a 500 while the database was away"
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    for s in pair:
        wait_until(lambda: s.request("GET", "/readyz").status == 200, 20, "ready again")


def test_kill_9_under_writes_loses_no_acknowledged_write(pair):
    a, b = pair
    acct = a.new_account(limit=10_000)
    acked = []
    lock = threading.Lock()
    stop = threading.Event()

    def load(i):
        while not stop.is_set():
            number = unique_number()
            try:
                r = acct.post(NUMBERS, {"phoneNumber": number}, timeout=10)
            except OSError:
                return  # the instance is gone
            if r.status == 200:
                with lock:
                    acked.append(number)

    threads = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(4)]
    for t in threads:
        t.start()
    wait_until(lambda: len(acked) >= 30, 30, "acknowledged writes before the kill")
    a.proc.send_signal(signal.SIGKILL)
    a.proc.wait(10)
    stop.set()
    for t in threads:
        t.join(15)
    listed = {e["phoneNumber"] for e in on(b, acct).doc()["senderIds"]}
    missing = [n for n in acked if n not in listed]
    assert not missing, f"{len(missing)} acknowledged creates lost: {missing[:5]}"
