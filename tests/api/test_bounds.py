"""Issue 11, item 2: SPEC §4 "Bounds" — so that one tenant cannot exhaust what all share.

- a document `name` at most 255 bytes (bytes, not characters);
- a duplicate-unlock `reason` at most 500 characters and its `name` at most 100 (characters, not
  bytes: 500 Korean characters are 1,500 bytes and accepted);
- any other string field at most 1,000 bytes (`phoneNumber` on POST /numbers, `category` on upload);
  longer → 400 ValidationError naming the field, and nothing is stored;
- at most N stored documents per account (`--max-documents-per-account N`, env
  SENDERID_MAX_DOCUMENTS_PER_ACCOUNT, default 1000): beyond → 400 LimitExceeded; deleting one makes
  room again; other accounts are not affected;
- at most 20 status changes (PUT /numbers/{n} ACTIVE↔INACTIVE that change something) per number per
  rolling 24 h: the 21st → 429 TooManyRequests with Retry-After (whole seconds, 0 < s ≤ 86400); a PUT
  of the status the number already has is not counted.

The stall probe of the issue (1,000,000-character names) is a measurement: bench/stall_probe.py.
"""

import os
import re

import pytest

from conftest import NUMBERS, assert_error, assert_ok, check_doc, entry_of, find_sender, unique_number
from documents_support import (DOCS, b64, check_document, documents_dir, list_all_documents,
                               stored_blobs,
                               make_active, png_bytes, request_unlock, upload, upload_raw)

KO = "가"     # 3 bytes in UTF-8


def validation_error(resp, field):
    """400 ValidationError whose errorMessage names `field` (as a word, not inside another)."""
    body = assert_error(resp, 400, "ValidationError")
    msg = body["errorMessage"]
    assert re.search(r"(?<![A-Za-z])%s(?![A-Za-z])" % re.escape(field), msg), \
        f"errorMessage {msg!r} does not name {field!r}"
    return body


def documents_snapshot(server, acct):
    return sorted(stored_blobs(server)), len(list_all_documents(acct))


# ---------------------------------------------------------------------------------------------------
# Document name: 255 bytes

@pytest.mark.parametrize("name", ["n" * 251 + ".png", "n" * 255, KO * 85],
                         ids=["ascii_255", "ascii_255_no_ext", "korean_85_chars_255_bytes"])
def test_document_name_of_255_bytes_accepted(account, name):
    assert len(name.encode()) == 255
    d = upload(account, png_bytes(seed=name[:8].encode()), name=name)
    assert d["originalName"] == name


@pytest.mark.parametrize("name", ["n" * 252 + ".png", "n" * 256, KO * 86, "n" * 100_000],
                         ids=["ascii_256", "ascii_256_no_ext", "korean_86_chars_258_bytes",
                              "ascii_100000"])
def test_document_name_over_255_bytes_refused(server, account, name):
    assert len(name.encode()) > 255
    before = documents_snapshot(server, account)
    validation_error(upload_raw(account, b64(png_bytes(seed=b"long")), name=name), "name")
    assert documents_snapshot(server, account) == before, "a refused upload stored something"


# ---------------------------------------------------------------------------------------------------
# Duplicate unlock: reason 500 characters, name 100 characters

@pytest.fixture
def duplicated(server):
    """(asker account, number): the number is verified (ARS, outbox) in another account and
    DUPLICATED in the asker's."""
    owner = server.new_account()
    asker = server.new_account()
    number = unique_number()
    owner.create(number)
    make_active(owner, number)
    assert find_sender(asker.create(number), number)["status"] == "DUPLICATED"
    return asker, number


def test_unlock_reason_and_name_bounds(duplicated):
    asker, number = duplicated
    untouched = entry_of(asker, number)
    cases = [
        (KO * 501, None, "reason"),               # 501 characters
        ("r" * 501, None, "reason"),
        ("ok", KO * 101, "name"),                 # 101 characters
        ("ok", "m" * 101, "name"),
    ]
    for reason, name, field in cases:
        validation_error(request_unlock(asker, number, reason, name), field)
        assert entry_of(asker, number) == untouched, \
            f"a refused unlock ({field} too long) changed the entry"
    # Exactly at the bounds, in characters (1,500 and 300 bytes): accepted.
    reason, name = KO * 500, KO * 100
    doc = check_doc(assert_ok(request_unlock(asker, number, reason, name)), asker)
    u = find_sender(doc, number)["unlockDuplicate"]
    assert u["reasonForRequested"] == reason and u["name"] == name, u


# ---------------------------------------------------------------------------------------------------
# Any other string field: 1,000 bytes

def test_phone_number_over_1000_bytes(account):
    validation_error(account.post(NUMBERS, {"phoneNumber": "0" * 1001}), "phoneNumber")
    validation_error(account.post(NUMBERS, {"phoneNumber": "010-" + "1" * 997}), "phoneNumber")
    # 1,000 bytes is within the bound: the number rules (§6) decide.
    assert_error(account.post(NUMBERS, {"phoneNumber": "0" * 1000}), 400, "InvalidPhoneNumber")
    assert account.doc()["senderIds"] == []


def test_upload_category_over_1000_bytes(server, account):
    before = documents_snapshot(server, account)
    validation_error(upload_raw(account, b64(png_bytes(seed=b"cat")),
                                category="SENDERID_APPROVAL" + "X" * 984), "category")
    assert documents_snapshot(server, account) == before


# ---------------------------------------------------------------------------------------------------
# Documents per account

@pytest.mark.parametrize("how", ["flag", "env"])
def test_max_documents_per_account(server_factory, how):
    if how == "flag":
        srv = server_factory(args=["--max-documents-per-account", "3"])
    else:
        srv = server_factory(env={"SENDERID_MAX_DOCUMENTS_PER_ACCOUNT": "3"})
    acct = srv.new_account()
    other = srv.new_account()
    docs = [upload(acct, png_bytes(seed=f"d{i}".encode())) for i in range(3)]
    files = sorted(stored_blobs(srv))
    r = upload_raw(acct, b64(png_bytes(seed=b"fourth")))
    assert_error(r, 400, "LimitExceeded")
    assert len(list_all_documents(acct)) == 3
    assert sorted(stored_blobs(srv)) == files, "a refused upload left a file"
    # The cap is per account.
    upload(other, png_bytes(seed=b"other"))
    # Deleting one makes room for exactly one more.
    assert_ok(acct.delete(DOCS, {"documents": [docs[0]["documentId"]]}))
    d = upload(acct, png_bytes(seed=b"again"))
    check_document(d, acct)
    assert_error(upload_raw(acct, b64(png_bytes(seed=b"fifth"))), 400, "LimitExceeded")
    assert len(list_all_documents(acct)) == 3


# ---------------------------------------------------------------------------------------------------
# Status changes per number per day

def put_status(acct, number, status):
    return acct.put(f"{NUMBERS}/{number}", {"status": status})


def test_status_changes_per_number_per_day(server_factory):
    srv = server_factory()
    acct = srv.new_account()
    number, other = unique_number(), unique_number()
    for n in (number, other):
        acct.create(n)
        make_active(acct, n)
    status = "ACTIVE"
    for i in range(20):
        status = "INACTIVE" if status == "ACTIVE" else "ACTIVE"
        doc = assert_ok(put_status(acct, number, status))
        assert find_sender(doc, number)["status"] == status, f"change {i + 1}"
        # The same status again changes nothing and is not counted.
        doc = assert_ok(put_status(acct, number, status))
        assert find_sender(doc, number)["status"] == status
    flip = "INACTIVE" if status == "ACTIVE" else "ACTIVE"
    r = put_status(acct, number, flip)
    assert_error(r, 429, "TooManyRequests")
    value = r.header("Retry-After")
    assert value is not None and re.fullmatch(r"\d+", value.strip()), f"Retry-After {value!r}"
    assert 0 < int(value) <= 86400, f"Retry-After {value} is not within (0, 86400]"
    assert entry_of(acct, number)["status"] == status, "a refused change changed the status"
    # The cap is per number: another number of the account still changes.
    doc = assert_ok(put_status(acct, other, "INACTIVE"))
    assert find_sender(doc, other)["status"] == "INACTIVE"
