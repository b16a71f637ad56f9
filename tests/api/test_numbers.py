"""Endpoints 1-5 of SPEC §4 (numbers), number rules through the API (§6), limit, paging (§8)."""

import datetime as dt

import pytest

from conftest import (ACTIVE, MSG_CREATED, MSG_FAILED_UPDATE, MSG_INVALID_PHONE, MSG_INVALID_SENDER,
                      NUMBERS, assert_error, assert_id, assert_iso, assert_ok, check_doc,
                      check_unlock_empty, find_sender, ms, parse_iso, utcnow)


@pytest.fixture(scope="module")
def big_account(server):
    """One account with room for the number-rule tables."""
    return server.new_account(limit=200)


# ---------------------------------------------------------------------------------------------------
# GET /senderid/v1/numbers on a fresh account

def test_fresh_account_doc_is_empty(account):
    before = utcnow()
    r = account.get(NUMBERS)
    doc = check_doc(assert_ok(r), account)
    assert doc["senderIds"] == []
    assert doc["limitationDocuments"] == []
    assert doc["limit"] == 5, "default limit is 5 (SPEC §3.1)"
    assert account.limit == 5, f"CLI reported limit {account.limit}"
    assert "nextKey" not in doc
    assert_iso(doc["dateCreated"], near=before)
    assert_iso(doc["dateUpdated"], near=before)


def test_get_does_not_change_doc(account):
    first = account.doc()
    second = account.doc()
    assert first == second, "a GET must not change the Doc (dateUpdated moves only on change)"


def test_fresh_account_active_is_empty_array(account):
    r = account.get(ACTIVE)
    assert assert_ok(r) == []


def test_account_limit_from_cli(new_account):
    acct = new_account(limit=7)
    assert acct.limit == 7
    assert acct.doc()["limit"] == 7


# ---------------------------------------------------------------------------------------------------
# POST /senderid/v1/numbers — success shape

def test_create_success_shape(account):
    before_doc = account.doc()
    t0 = utcnow()
    r = account.post(NUMBERS, {"phoneNumber": "01012345678"})
    t1 = utcnow()
    doc = check_doc(assert_ok(r), account)
    assert doc["limit"] == 5
    assert doc["limitationDocuments"] == []
    assert doc["dateCreated"] == before_doc["dateCreated"]
    assert parse_iso(doc["dateUpdated"]) > parse_iso(before_doc["dateUpdated"]), \
        "dateUpdated must move on every change"
    assert len(doc["senderIds"]) == 1
    s = doc["senderIds"][0]
    assert s["phoneNumber"] == "01012345678"
    assert_id(s["handleKey"], "SED", tolerance=90)
    assert s["status"] == "PENDING"
    assert s["method"] is None
    assert s["approvalDocuments"] == []
    check_unlock_empty(s["unlockDuplicate"])
    created = assert_iso(s["dateCreated"], near=t0, tolerance=60)
    assert t0 - dt.timedelta(seconds=1) <= created <= t1 + dt.timedelta(seconds=1)
    assert s["dateUpdated"] >= s["dateCreated"]
    assert len(s["log"]) == 1
    assert s["log"][0]["message"] == MSG_CREATED
    assert abs(ms(parse_iso(s["log"][0]["createAt"]) - created)) <= 1000
    # SPEC §7: entering PENDING sets expireAt = now + 12 days.
    expire = parse_iso(s["expireAt"])
    assert abs(ms(expire - created - dt.timedelta(days=12))) <= 1000, \
        f"expireAt {s['expireAt']} is not dateCreated {s['dateCreated']} + 12 days"
    # The stored entry is what GET answers.
    again = account.doc()
    assert again["senderIds"] == doc["senderIds"]
    assert again["dateUpdated"] == doc["dateUpdated"]


def test_create_returns_json_content_type_and_request_id(account):
    r = account.post(NUMBERS, {"phoneNumber": "01011112222"})
    assert_ok(r)


def test_handle_keys_are_unique(new_account):
    acct = new_account(limit=10)
    for i in range(6):
        acct.create(f"0102000000{i}")
    keys = [s["handleKey"] for s in acct.doc()["senderIds"]]
    assert len(set(keys)) == 6
    for k in keys:
        assert_id(k, "SED", tolerance=90)


def test_sender_ids_ordered_by_creation(new_account):
    acct = new_account(limit=10)
    numbers = ["0319876543", "01055556666", "021234567", "15881234"]
    for n in numbers:
        acct.create(n)
    doc = acct.doc()
    assert [s["phoneNumber"] for s in doc["senderIds"]] == numbers


def test_create_without_content_type(account):
    """SPEC §1: accept a JSON body whatever its Content-Type (the PHP SDK sends none)."""
    r = account.post(NUMBERS, {"phoneNumber": "01033334444"}, content_type=None)
    doc = check_doc(assert_ok(r), account)
    assert find_sender(doc, "01033334444") is not None


def test_create_with_text_plain_content_type(account):
    r = account.post(NUMBERS, {"phoneNumber": "01033334445"}, content_type="text/plain")
    doc = check_doc(assert_ok(r), account)
    assert find_sender(doc, "01033334445") is not None


@pytest.mark.parametrize("given,stored", [
    ("010-1234-5678", "01012345678"),
    ("010 1234 5678", "01012345678"),
    ("(02) 123-4567", "021234567"),
    ("1588-1234", "15881234"),
])
def test_separators_are_stripped(new_account, given, stored):
    acct = new_account()
    doc = acct.create(given)
    assert [s["phoneNumber"] for s in doc["senderIds"]] == [stored]


# ---------------------------------------------------------------------------------------------------
# Number rules through the API (SPEC §6) — a handful; the exhaustive table is a unit test.

@pytest.mark.parametrize("number", [
    "01012345678",      # mobile 11
    "0101234567",       # mobile 10
    "01112345678",      # legacy mobile
    "0191234567",
    "021234567",        # Seoul 9
    "0212345678",       # Seoul 10
    "0311234567",       # area 10
    "06412345678",      # area 11
    "15881234",         # representative
    "16001234",
    "18001234",
    "07012345678",      # common service
    "0801234567",
    "03012345678",      # 030: 11-12 digits
    "05041234567",      # 050x: 11-12 digits
    "050412345678",
])
def test_valid_numbers_accepted(big_account, number):
    r = big_account.post(NUMBERS, {"phoneNumber": number})
    doc = check_doc(assert_ok(r), big_account)
    s = find_sender(doc, number)
    assert s is not None and s["status"] == "PENDING"


@pytest.mark.parametrize("number", [
    "0101234",          # too short (7)
    "1234567",          # 7 digits, unknown
    "0101234567890",    # 13 digits
    "01a12345678",      # not digits after stripping
    "+821012345678",    # '+' is not a separator
    "112",              # special service numbers need an operator override
    "119",
    "114",
    "1301",
    "0215881234",       # area code + representative number
    "03115881234",
    "158812345",        # representative with an extension
    "1588123",          # representative too short
    "09012345678",      # unknown prefix
    "0201234567890",    # too long
    "99999999",
    "---",              # nothing left after stripping
    "０１０１２３４５６７８",   # full-width digits are not ASCII digits
    "٠١٠١٢٣٤٥٦٧٨",       # Arabic-Indic digits
    "010１２３４５６７８",
])
def test_invalid_numbers_refused(account, number):
    r = account.post(NUMBERS, {"phoneNumber": number})
    assert_error(r, 400, "InvalidPhoneNumber", MSG_INVALID_PHONE)
    assert account.doc()["senderIds"] == []


def test_invalid_number_does_not_change_doc(account):
    before = account.doc()
    assert_error(account.post(NUMBERS, {"phoneNumber": "12"}), 400, "InvalidPhoneNumber",
                 MSG_INVALID_PHONE)
    assert account.doc() == before


# ---------------------------------------------------------------------------------------------------
# POST errors

@pytest.mark.parametrize("body", [{}, {"phoneNumber": None}, {"phoneNumber": 1012345678},
                                  {"phoneNumber": ["01012345678"]}, {"phoneNumber": {"n": 1}},
                                  {"phoneNumber": True}])
def test_create_missing_or_ill_typed_number(account, body):
    r = account.post(NUMBERS, body)
    assert_error(r, 400, "ValidationError", names="phoneNumber")
    assert account.doc()["senderIds"] == []


def test_already_registered(account):
    account.create("01012345678")
    before = account.doc()
    r = account.post(NUMBERS, {"phoneNumber": "01012345678"})
    assert_error(r, 409, "AlreadyRegistered")
    r = account.post(NUMBERS, {"phoneNumber": "010-1234-5678"})
    assert_error(r, 409, "AlreadyRegistered")
    assert account.doc() == before


def test_limit_exceeded(new_account):
    acct = new_account(limit=2)
    acct.create("01011110001")
    acct.create("01011110002")
    before = acct.doc()
    r = acct.post(NUMBERS, {"phoneNumber": "01011110003"})
    assert_error(r, 400, "LimitExceeded")
    assert acct.doc() == before
    # Deleting one frees a slot.
    assert_ok(acct.delete(f"{NUMBERS}/01011110001"))
    doc = acct.create("01011110003")
    assert [s["phoneNumber"] for s in doc["senderIds"]] == ["01011110002", "01011110003"]


def test_default_limit_is_five(account):
    for i in range(5):
        account.create(f"0107000000{i}")
    assert_error(account.post(NUMBERS, {"phoneNumber": "01070000005"}), 400, "LimitExceeded")
    assert len(account.doc()["senderIds"]) == 5


def test_already_registered_wins_when_full(new_account):
    """A number already in a full account is still 'already registered', not a new entry."""
    acct = new_account(limit=1)
    acct.create("01011110001")
    r = acct.post(NUMBERS, {"phoneNumber": "01011110001"})
    assert_error(r, 409, "AlreadyRegistered")  # SPEC §4.1 checks it before the limit
    assert len(acct.doc()["senderIds"]) == 1


@pytest.mark.parametrize("documents", [["DOC20250101000000ABCDEFGHIJKLMNO"], ["garbage"]])
def test_create_with_unknown_document(account, documents):
    r = account.post(NUMBERS, {"phoneNumber": "01012345678", "documents": documents})
    assert_error(r, 400, "InvalidDocumentId")
    assert account.doc()["senderIds"] == []


@pytest.mark.parametrize("documents", [[123], "DOC20250101000000ABCDEFGHIJKLMNO", {"a": 1}, [None]])
def test_create_with_ill_typed_documents(account, documents):
    r = account.post(NUMBERS, {"phoneNumber": "01012345678", "documents": documents})
    assert_error(r, 400, "ValidationError", names="documents")
    assert account.doc()["senderIds"] == []


def test_unknown_field_refused(account):
    r = account.post(NUMBERS, {"phoneNumber": "01012345678", "colour": "blue"})
    assert_error(r, 400, "ValidationError", names="colour")
    assert account.doc()["senderIds"] == []


def test_create_with_empty_documents_list(account):
    """`documents` is optional; an empty list asks for no approval."""
    r = account.post(NUMBERS, {"phoneNumber": "01012345678", "documents": []})
    doc = check_doc(assert_ok(r), account)
    s = find_sender(doc, "01012345678")
    assert s["status"] == "PENDING" and s["approvalDocuments"] == []


# ---------------------------------------------------------------------------------------------------
# GET /senderid/v1/numbers/active

def test_active_lists_no_pending_numbers(account):
    account.create("01012345678")
    account.create("021234567")
    r = account.get(ACTIVE)
    assert assert_ok(r) == []


# ---------------------------------------------------------------------------------------------------
# PUT /senderid/v1/numbers/{phoneNumber}

def test_update_unknown_number(account):
    r = account.put(f"{NUMBERS}/01099998888", {"status": "INACTIVE"})
    assert_error(r, 400, "InvalidSenderId", MSG_INVALID_SENDER)


@pytest.mark.parametrize("status", ["ACTIVE", "INACTIVE"])
def test_update_pending_fails(account, status):
    account.create("01012345678")
    before = account.doc()
    r = account.put(f"{NUMBERS}/01012345678", {"status": status})
    assert_error(r, 409, "FailedToUpdate", MSG_FAILED_UPDATE)
    after = account.doc()
    assert after == before, "a refused update changes nothing"
    assert after["senderIds"][0]["status"] == "PENDING"
    assert len(after["senderIds"][0]["log"]) == 1


@pytest.mark.parametrize("body", [{"status": "PENDING"}, {"status": "EXPIRED"},
                                  {"status": "DELETED"}, {"status": ""}, {"status": None},
                                  {"status": 1}, {"status": ["ACTIVE"]}, {}])
def test_update_bad_status_value(account, body):
    account.create("01012345678")
    before = account.doc()
    r = account.put(f"{NUMBERS}/01012345678", body)
    assert_error(r, 400, "ValidationError", names="status")
    assert account.doc() == before


def test_update_empty_body_means_empty_object(account):
    """SPEC §1: an empty body on PUT means {} — so `status` is missing: ValidationError."""
    account.create("01012345678")
    r = account.put(f"{NUMBERS}/01012345678", raw=b"")
    assert_error(r, 400, "ValidationError", names="status")


def test_update_unknown_field(account):
    account.create("01012345678")
    r = account.put(f"{NUMBERS}/01012345678", {"status": "INACTIVE", "reason": "x"})
    assert_error(r, 400, "ValidationError", names="reason")


# ---------------------------------------------------------------------------------------------------
# DELETE /senderid/v1/numbers/{phoneNumber}

def test_delete_unknown_number(account):
    r = account.delete(f"{NUMBERS}/01099998888")
    assert_error(r, 400, "InvalidSenderId", MSG_INVALID_SENDER)


def test_delete_pending_number(new_account):
    acct = new_account()
    acct.create("01012345678")
    kept = acct.create("021234567")
    keep_entry = find_sender(kept, "021234567")
    r = acct.delete(f"{NUMBERS}/01012345678")
    doc = check_doc(assert_ok(r), acct)
    assert [s["phoneNumber"] for s in doc["senderIds"]] == ["021234567"]
    assert doc["senderIds"][0] == keep_entry, "deleting one entry must not touch another"
    assert parse_iso(doc["dateUpdated"]) > parse_iso(kept["dateUpdated"])
    assert acct.doc() == doc
    # Gone: a second delete and an update do not find it.
    assert_error(acct.delete(f"{NUMBERS}/01012345678"), 400, "InvalidSenderId", MSG_INVALID_SENDER)
    assert_error(acct.put(f"{NUMBERS}/01012345678", {"status": "INACTIVE"}), 400,
                 "InvalidSenderId", MSG_INVALID_SENDER)


def test_delete_then_recreate_gets_new_handle_key(account):
    first = find_sender(account.create("01012345678"), "01012345678")
    assert_ok(account.delete(f"{NUMBERS}/01012345678"))
    second = find_sender(account.create("01012345678"), "01012345678")
    assert second["handleKey"] != first["handleKey"]
    assert [e["message"] for e in second["log"]] == [MSG_CREATED]


def test_delete_with_empty_json_body(account):
    account.create("01012345678")
    r = account.delete(f"{NUMBERS}/01012345678", {})
    assert check_doc(assert_ok(r), account)["senderIds"] == []


def test_delete_with_separators_in_path(account):
    account.create("01012345678")
    r = account.delete(f"{NUMBERS}/010-1234-5678")
    assert check_doc(assert_ok(r), account)["senderIds"] == []


# ---------------------------------------------------------------------------------------------------
# Paging (SPEC §8)

@pytest.fixture(scope="module")
def paged_account(server):
    acct = server.new_account(limit=20)
    numbers = [f"0105000000{i}" for i in range(5)]
    for n in numbers:
        acct.create(n)
    doc = acct.doc()
    return acct, doc


def _page(acct, query):
    return check_doc(assert_ok(acct.get(f"{NUMBERS}?{query}")), acct, paged=True)


def test_paging_walks_all_entries(paged_account):
    acct, whole = paged_account
    keys = [s["handleKey"] for s in whole["senderIds"]]
    p1 = _page(acct, "limit=2")
    assert p1["senderIds"] == whole["senderIds"][:2]
    assert p1["nextKey"] == keys[2]
    p2 = _page(acct, f"limit=2&startKey={p1['nextKey']}")
    assert p2["senderIds"] == whole["senderIds"][2:4], "startKey is inclusive"
    assert p2["nextKey"] == keys[4]
    p3 = _page(acct, f"limit=2&startKey={p2['nextKey']}")
    assert p3["senderIds"] == whole["senderIds"][4:]
    assert p3["nextKey"] is None
    for p in (p1, p2, p3):
        for k in ("accountId", "limit", "limitationDocuments", "dateCreated", "dateUpdated"):
            assert p[k] == whole[k]


def test_paging_exact_fit_ends_with_null(paged_account):
    acct, whole = paged_account
    p = _page(acct, "limit=5")
    assert p["senderIds"] == whole["senderIds"]
    assert p["nextKey"] is None


def test_paging_status_filter(paged_account):
    acct, whole = paged_account
    p = _page(acct, "status=PENDING")
    assert p["senderIds"] == whole["senderIds"]
    assert p["nextKey"] is None
    p = _page(acct, "status=ACTIVE")
    assert p["senderIds"] == []
    assert p["nextKey"] is None


def test_paging_phone_filter(paged_account):
    acct, whole = paged_account
    p = _page(acct, "phoneNumber=01050000003")
    assert p["senderIds"] == [whole["senderIds"][3]]
    assert p["nextKey"] is None
    p = _page(acct, "phoneNumber=01099990000")
    assert p["senderIds"] == []


def test_paging_default_page_size_is_20(server):
    acct = server.new_account(limit=25)
    for i in range(22):
        acct.create(f"010600000{i:02d}")
    whole = acct.doc()
    assert len(whole["senderIds"]) == 22, "without paging parameters the whole list is returned"
    p = _page(acct, "status=PENDING")
    assert p["senderIds"] == whole["senderIds"][:20]
    assert p["nextKey"] == whole["senderIds"][20]["handleKey"]


def test_paging_query_is_percent_decoded(paged_account):
    acct, whole = paged_account
    p = _page(acct, "limit=%32&status=%50ENDING")
    assert p["senderIds"] == whole["senderIds"][:2]


def test_paging_limit_1000_accepted(paged_account):
    acct, whole = paged_account
    p = _page(acct, "limit=1000")
    assert p["senderIds"] == whole["senderIds"]


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=-1", "limit=abc", "limit=2.5",
                                   "status=BOGUS"])
def test_paging_bad_query(paged_account, query):
    acct, _ = paged_account
    r = acct.get(f"{NUMBERS}?{query}")
    assert_error(r, 400, "ValidationError")
