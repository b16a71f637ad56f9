"""Tenant isolation (SPEC §2 last bullet): another account's numbers do not exist for a key — it
sees, changes and deletes nothing of them, and gets exactly the answer for an unknown number."""

import pytest

from conftest import (ACTIVE, MSG_INVALID_SENDER, NUMBERS, assert_error, assert_ok, check_doc,
                      find_sender)

A_NUMBER = "01012345678"
NEVER = "01087654321"


@pytest.fixture
def pair(server):
    a = server.new_account(limit=10)
    b = server.new_account(limit=10)
    a.create(A_NUMBER)
    a.create("021234567")
    return a, b


def test_listing_shows_nothing_of_other_account(pair):
    a, b = pair
    doc = b.doc()
    assert doc["senderIds"] == []
    assert doc["accountId"] == b.account_id != a.account_id
    assert assert_ok(b.get(ACTIVE)) == []


@pytest.mark.parametrize("query", ["phoneNumber={n}", "status=PENDING", "limit=1000"])
def test_paged_listing_shows_nothing_of_other_account(pair, query):
    a, b = pair
    mine = check_doc(assert_ok(b.get(f"{NUMBERS}?{query.format(n=A_NUMBER)}")), b, paged=True)
    never = check_doc(assert_ok(b.get(f"{NUMBERS}?{query.format(n=NEVER)}")), b, paged=True)
    assert mine["senderIds"] == [] and mine["nextKey"] is None
    assert mine == never


def test_start_key_of_other_account_leaks_nothing(pair):
    a, b = pair
    key = a.doc()["senderIds"][0]["handleKey"]
    r = b.get(f"{NUMBERS}?startKey={key}")
    assert r.status in (200, 400), r
    if r.status == 200:
        doc = check_doc(r.json, b, paged=True)
        assert doc["senderIds"] == []
        assert doc["nextKey"] is None
    else:
        assert_error(r, 400, "ValidationError")
    assert A_NUMBER.encode() not in r.body and key.encode() not in r.body


@pytest.mark.parametrize("body", [{"status": "INACTIVE"}, {"status": "ACTIVE"},
                                  {"status": "BOGUS"}, {}])
def test_update_other_accounts_number(pair, body):
    a, b = pair
    before = a.doc()
    theirs = b.put(f"{NUMBERS}/{A_NUMBER}", body)
    unknown = b.put(f"{NUMBERS}/{NEVER}", body)
    assert theirs.status == unknown.status, (theirs, unknown)
    assert theirs.body == unknown.body, "must be byte-identical to the answer for an unknown number"
    assert theirs.status < 500
    if body.get("status") in ("ACTIVE", "INACTIVE"):
        assert_error(theirs, 400, "InvalidSenderId", MSG_INVALID_SENDER)
    assert a.doc() == before


def test_delete_other_accounts_number(pair):
    a, b = pair
    before = a.doc()
    theirs = b.delete(f"{NUMBERS}/{A_NUMBER}")
    unknown = b.delete(f"{NUMBERS}/{NEVER}")
    assert_error(theirs, 400, "InvalidSenderId", MSG_INVALID_SENDER)
    assert theirs.status == unknown.status and theirs.body == unknown.body
    assert a.doc() == before


def test_other_account_may_register_the_same_pending_number(pair):
    """A PENDING registration holds nothing (SPEC §4.1): B's entry is an ordinary PENDING one."""
    a, b = pair
    before = a.doc()
    doc = b.create(A_NUMBER)
    mine = find_sender(doc, A_NUMBER)
    assert mine["status"] == "PENDING"
    theirs = find_sender(before, A_NUMBER)
    assert mine["handleKey"] != theirs["handleKey"]
    assert a.doc() == before
    # B deleting its own entry leaves A's alone.
    assert check_doc(assert_ok(b.delete(f"{NUMBERS}/{A_NUMBER}")), b)["senderIds"] == []
    assert a.doc() == before


def test_limits_are_per_account(server):
    a = server.new_account(limit=2)
    b = server.new_account(limit=1)
    a.create("01012345678")
    a.create("01012345679")
    doc = b.create("021234567")
    assert len(doc["senderIds"]) == 1
    assert_error(b.post(NUMBERS, {"phoneNumber": "021234568"}), 400, "LimitExceeded")
    assert_error(a.post(NUMBERS, {"phoneNumber": "021234568"}), 400, "LimitExceeded")


def test_keys_of_two_accounts_see_their_own(server, pair):
    a, b = pair
    a2 = server.new_key(a)
    assert a2.doc()["senderIds"] == a.doc()["senderIds"]
    assert a2.doc()["accountId"] == a.account_id
    assert b.doc()["senderIds"] == []
