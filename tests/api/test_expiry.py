"""Expiry (SPEC §7): a PENDING entry unverified past its expireAt becomes EXPIRED (sweeper and reads)."""

import time

import pytest

from conftest import (ACTIVE, MSG_CREATED, MSG_EXPIRED, MSG_FAILED_UPDATE, NUMBERS, assert_error,
                      assert_ok, check_doc, find_sender, ms, parse_iso)

POLL_SECONDS = 10.0


def _wait_expired(acct, number):
    deadline = time.monotonic() + POLL_SECONDS
    last = None
    while time.monotonic() < deadline:
        last = find_sender(acct.doc(), number)
        if last is not None and last["status"] == "EXPIRED":
            return last
        time.sleep(0.05)
    pytest.fail(f"{number} not EXPIRED within {POLL_SECONDS}s: {last!r}")


@pytest.fixture(scope="module")
def fast_server(binary, scratch_base):
    import tempfile
    from pathlib import Path
    from conftest import Server
    s = Server(Path(tempfile.mkdtemp(dir=scratch_base)) / "data",
               args=["--pending-lifetime", "1s", "--sweep-interval", "100ms"])
    s.start()
    yield s
    s.stop(timeout=5)
    s.kill()


def test_pending_expires(fast_server):
    acct = fast_server.new_account()
    created_doc = acct.create("01012345678")
    entry = find_sender(created_doc, "01012345678")
    assert entry["status"] == "PENDING"
    expire_at = parse_iso(entry["expireAt"])
    created = parse_iso(entry["dateCreated"])
    assert abs(ms(expire_at - created) - 1000) <= 250, \
        f"expireAt {entry['expireAt']} is not dateCreated {entry['dateCreated']} + 1s"

    expired = _wait_expired(acct, "01012345678")
    assert expired["expireAt"] == entry["expireAt"], "expireAt keeps the PENDING + lifetime moment"
    assert expired["handleKey"] == entry["handleKey"]
    assert expired["method"] is None
    assert [e["message"] for e in expired["log"]] == [MSG_CREATED, MSG_EXPIRED]
    assert expired["log"][0] == entry["log"][0]
    assert parse_iso(expired["log"][1]["createAt"]) >= expire_at
    assert parse_iso(expired["dateUpdated"]) >= expire_at
    assert expired["dateCreated"] == entry["dateCreated"]
    assert assert_ok(acct.get(ACTIVE)) == []
    doc = acct.doc()
    assert parse_iso(doc["dateUpdated"]) > parse_iso(created_doc["dateUpdated"]), \
        "the Doc's dateUpdated moves when an entry expires"
    # Reads do not add more expiry lines.
    for _ in range(3):
        again = find_sender(acct.doc(), "01012345678")
        assert [e["message"] for e in again["log"]] == [MSG_CREATED, MSG_EXPIRED]


def test_expired_entry_rules(fast_server):
    acct = fast_server.new_account(limit=1)
    acct.create("01012345678")
    _wait_expired(acct, "01012345678")
    # Still in the account: counts toward the limit, cannot be registered again.
    assert_error(acct.post(NUMBERS, {"phoneNumber": "01012345678"}), 409, "AlreadyRegistered")
    assert_error(acct.post(NUMBERS, {"phoneNumber": "021234567"}), 400, "LimitExceeded")
    # Not ACTIVE/INACTIVE: cannot be switched.
    assert_error(acct.put(f"{NUMBERS}/01012345678", {"status": "ACTIVE"}), 409, "FailedToUpdate",
                 MSG_FAILED_UPDATE)
    # Paging filter sees it as EXPIRED.
    page = check_doc(assert_ok(acct.get(f"{NUMBERS}?status=EXPIRED")), acct, paged=True)
    assert [s["phoneNumber"] for s in page["senderIds"]] == ["01012345678"]
    page = check_doc(assert_ok(acct.get(f"{NUMBERS}?status=PENDING")), acct, paged=True)
    assert page["senderIds"] == []
    # May be deleted.
    doc = check_doc(assert_ok(acct.delete(f"{NUMBERS}/01012345678")), acct)
    assert doc["senderIds"] == []
    acct.create("021234567")


def test_expired_state_survives_restart(server_factory):
    srv = server_factory(args=["--pending-lifetime", "1s", "--sweep-interval", "100ms"])
    acct = srv.new_account()
    acct.create("01012345678")
    expired = _wait_expired(acct, "01012345678")
    assert srv.restart() == 0
    after = find_sender(acct.doc(), "01012345678")
    assert after == expired


def test_reads_expire_without_sweeper(server_factory):
    """SPEC §7: 'a background sweeper (and every read)' — with the sweeper idle, a read expires it."""
    srv = server_factory(args=["--pending-lifetime", "1s", "--sweep-interval", "1h"])
    acct = srv.new_account()
    entry = find_sender(acct.create("01012345678"), "01012345678")
    expired = _wait_expired(acct, "01012345678")
    assert expired["expireAt"] == entry["expireAt"]
    assert [e["message"] for e in expired["log"]] == [MSG_CREATED, MSG_EXPIRED]
    # A paged read sees the same.
    page = check_doc(assert_ok(acct.get(f"{NUMBERS}?phoneNumber=01012345678")), acct, paged=True)
    assert page["senderIds"] == [expired]


def test_default_lifetime_is_twelve_days(server_factory):
    srv = server_factory(args=["--sweep-interval", "100ms"])
    acct = srv.new_account()
    entry = find_sender(acct.create("01012345678"), "01012345678")
    delta = parse_iso(entry["expireAt"]) - parse_iso(entry["dateCreated"])
    assert abs(delta.total_seconds() - 12 * 86400) <= 1
    # The fast sweeper must not expire it.
    srv_doc = acct.doc()
    assert find_sender(srv_doc, "01012345678")["status"] == "PENDING"


@pytest.mark.parametrize("lifetime,seconds", [("2s", 2), ("5m", 300), ("24h", 86400),
                                              ("500ms", 0.5)])
def test_lifetime_units(server_factory, lifetime, seconds):
    srv = server_factory(args=["--pending-lifetime", lifetime, "--sweep-interval", "1h"])
    acct = srv.new_account()
    entry = find_sender(acct.create("01012345678"), "01012345678")
    delta = parse_iso(entry["expireAt"]) - parse_iso(entry["dateCreated"])
    assert abs(delta.total_seconds() - seconds) <= 0.25
