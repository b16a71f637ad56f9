"""Papers (SPEC §3.3–3.5, §4 #1 with documents, #5, #7–#9) and the operator's `reviews` commands
(SPEC §10): requests opened through the API, decided through the CLI against the running server's
store, with the effects visible through the API at once."""

import datetime as dt
import json
import subprocess
import threading

import pytest

from conftest import (ACTIVE, BINARY, pg_store_args, MSG_CREATED, MSG_INVALID_SENDER, NUMBERS, assert_error, assert_ok,
                      check_doc, find_sender, parse_iso, utcnow)
from documents_support import (DOCS, MSG_ALREADY_APPROVED, MSG_DOCS_SUBMITTED,
                               MSG_EVIDENCE_APPROVED, MSG_EVIDENCE_REJECTED, MSG_TURNED_DUPLICATED,
                               MSG_UNLOCK_APPROVED, MSG_UNLOCK_REJECTED, MSG_UNLOCK_REQUESTED,
                               MSG_VERIFIED, add_months, approve, ars_verify, assert_cli_failure,
                               assert_invalid_document, assert_near, check_approval,
                               check_limitation, check_review, check_review_document, check_unlock,
                               entry_of, get_document, login_name, make_active, messages, reject,
                               request_limit, request_unlock, review, reviews, submit_evidence,
                               unique_number, upload_kind, wait_until)

UNKNOWN_DOC = "DOC20240101000000ABCDEFGHIJ12345"


def doc_ids(*docs):
    return [d["documentId"] for d in docs]


def pending_approval(acct, number=None, kind="png", n_docs=1):
    """A registered PENDING number with an evidence request; returns (number, docs, bytes, approval)."""
    number = number or unique_number()
    acct.create(number)
    uploaded = [upload_kind(acct, kind) for _ in range(n_docs)]
    docs = [d for d, _ in uploaded]
    doc = check_doc(assert_ok(submit_evidence(acct, number, doc_ids(*docs))), acct)
    entry = find_sender(doc, number)
    assert len(entry["approvalDocuments"]) >= 1
    approval = check_approval(entry["approvalDocuments"][-1], doc_ids(*docs), "PENDING")
    return number, docs, [b for _, b in uploaded], approval


def duplicated_pair(server, b_name=None):
    """A holds `number` ACTIVE (ARS); B registered it afterwards → DUPLICATED. Returns (a, b, number)."""
    a = server.new_account()
    b = server.new_account(name=b_name)
    number = unique_number()
    a.create(number)
    make_active(a, number)
    doc = b.create(number)
    e = find_sender(doc, number)
    assert e["status"] == "DUPLICATED" and e["expireAt"] is None, e
    return a, b, number


def pending_unlock(server, reason="저희 회사 대표번호입니다", name=None, b_name=None):
    a, b, number = duplicated_pair(server, b_name=b_name)
    doc = check_doc(assert_ok(request_unlock(b, number, reason, name)), b)
    u = check_unlock(find_sender(doc, number)["unlockDuplicate"], "PENDING")
    return a, b, number, u


# ---------------------------------------------------------------------------------------------------
# #7 Submit evidence

def test_submit_evidence(server, account):
    number = unique_number()
    account.create(number)
    d1, b1 = upload_kind(account, "png")
    d2, b2 = upload_kind(account, "pdf", category="SENDERID_IDENTIFICATION")
    before_doc = account.doc()
    before = utcnow()
    doc = check_doc(assert_ok(submit_evidence(account, number, doc_ids(d1, d2))), account)
    e = find_sender(doc, number)
    assert e["status"] == "PENDING" and e["method"] is None
    assert len(e["approvalDocuments"]) == 1
    a = check_approval(e["approvalDocuments"][0], doc_ids(d1, d2), "PENDING")
    assert a["documents"] == doc_ids(d1, d2), "documents keep the order they were given in"
    assert a["reason"] is None
    assert_near(a["dateCreated"], before, 60)
    assert a["dateCreated"] == a["dateUpdated"]
    assert messages(e) == [MSG_CREATED, MSG_DOCS_SUBMITTED]
    assert parse_iso(doc["dateUpdated"]) > parse_iso(before_doc["dateUpdated"])
    assert parse_iso(e["dateUpdated"]) >= parse_iso(a["dateCreated"])
    for d in (d1, d2):
        assert get_document(account, d["documentId"])["use"] is True
    # the GET shows the same
    assert find_sender(account.doc(), number) == e
    # the operator sees it, with the files on disk
    items = reviews(server, "--account", account.account_id)
    assert [i["id"] for i in items] == [a["approvalId"]]
    item = check_review(items[0], "approval", "PENDING")
    assert item["phoneNumber"] == number and item["handleKey"] == e["handleKey"]
    assert item["accountId"] == account.account_id
    assert item["reason"] is None and item["decidedBy"] is None and item["dateDecided"] is None
    assert [d["documentId"] for d in item["documents"]] == doc_ids(d1, d2)
    check_review_document(item["documents"][0], b1, d1)
    check_review_document(item["documents"][1], b2, d2)


def test_submit_evidence_duplicate_ids_in_request(account):
    number = unique_number()
    account.create(number)
    d, _ = upload_kind(account, "png")
    doc = assert_ok(submit_evidence(account, number, [d["documentId"], d["documentId"]]))
    a = check_approval(find_sender(doc, number)["approvalDocuments"][0])
    assert set(a["documents"]) == {d["documentId"]}


def test_submit_evidence_unknown_number(account):
    d, _ = upload_kind(account, "png")
    assert_error(submit_evidence(account, unique_number(), [d["documentId"]]), 400,
                 "InvalidSenderId", MSG_INVALID_SENDER)
    assert get_document(account, d["documentId"])["use"] is False


@pytest.mark.parametrize("bad", [UNKNOWN_DOC, "nope", ""])
def test_submit_evidence_bad_document(account, bad):
    number = unique_number()
    account.create(number)
    d, _ = upload_kind(account, "png")
    assert_invalid_document(submit_evidence(account, number, [d["documentId"], bad]))
    e = entry_of(account, number)
    assert e["approvalDocuments"] == [] and messages(e) == [MSG_CREATED]
    assert get_document(account, d["documentId"])["use"] is False


def test_submit_evidence_deleted_document(account):
    number = unique_number()
    account.create(number)
    d, _ = upload_kind(account, "png")
    assert_ok(account.delete(DOCS, {"documents": [d["documentId"]]}))
    assert_invalid_document(submit_evidence(account, number, [d["documentId"]]))


@pytest.mark.parametrize("body", [{}, {"documents": []}, {"documents": None}, {"documents": "DOC"},
                                  {"documents": [1]}, {"documents": [None]},
                                  {"documents": ["MINE"], "note": "x"}])
def test_submit_evidence_validation(account, body):
    number = unique_number()
    account.create(number)
    d, _ = upload_kind(account, "png")
    if body.get("documents") == ["MINE"]:
        body = dict(body, documents=[d["documentId"]])
    assert_error(account.post(f"/senderid/v1/papers/approval/{number}", body), 400, "ValidationError")
    assert entry_of(account, number)["approvalDocuments"] == []
    assert get_document(account, d["documentId"])["use"] is False


def test_submit_evidence_already_requested(account):
    number, docs, _, a = pending_approval(account)
    d, _ = upload_kind(account, "png")
    assert_error(submit_evidence(account, number, [d["documentId"]]), 409, "AlreadyRequested")
    e = entry_of(account, number)
    assert [x["approvalId"] for x in e["approvalDocuments"]] == [a["approvalId"]]
    assert messages(e) == [MSG_CREATED, MSG_DOCS_SUBMITTED]
    assert get_document(account, d["documentId"])["use"] is False


def test_submit_evidence_active_and_inactive(account):
    number = unique_number()
    account.create(number)
    make_active(account, number)
    d, _ = upload_kind(account, "png")
    assert_error(submit_evidence(account, number, [d["documentId"]]), 409, "AlreadyApproved")
    assert_ok(account.put(f"{NUMBERS}/{number}", {"status": "INACTIVE"}))
    assert_error(submit_evidence(account, number, [d["documentId"]]), 409, "AlreadyApproved")
    assert entry_of(account, number)["approvalDocuments"] == []
    assert get_document(account, d["documentId"])["use"] is False


def test_submit_evidence_duplicated(server):
    a, b, number = duplicated_pair(server)
    d, _ = upload_kind(b, "png")
    assert_error(submit_evidence(b, number, [d["documentId"]]), 409, "DuplicatedSenderId")
    assert entry_of(b, number)["approvalDocuments"] == []
    assert get_document(b, d["documentId"])["use"] is False


# ---------------------------------------------------------------------------------------------------
# #1 Create with documents

def test_create_with_documents_opens_approval(server, account):
    d, data = upload_kind(account, "jpeg")
    number = unique_number()
    doc = check_doc(assert_ok(account.post(NUMBERS, {"phoneNumber": number,
                                                     "documents": [d["documentId"]]})), account)
    e = find_sender(doc, number)
    assert e["status"] == "PENDING"
    assert messages(e) == [MSG_CREATED, MSG_DOCS_SUBMITTED]
    assert len(e["approvalDocuments"]) == 1
    a = check_approval(e["approvalDocuments"][0], [d["documentId"]], "PENDING")
    assert get_document(account, d["documentId"])["use"] is True
    item = review(server, a["approvalId"], "PENDING")
    assert item["phoneNumber"] == number
    check_review_document(item["documents"][0], data, d)


def test_create_with_empty_documents_opens_nothing(account):
    number = unique_number()
    doc = assert_ok(account.post(NUMBERS, {"phoneNumber": number, "documents": []}))
    e = find_sender(doc, number)
    assert e["approvalDocuments"] == [] and messages(e) == [MSG_CREATED]


def test_create_duplicated_with_documents_opens_nothing(server):
    a = server.new_account()
    b = server.new_account()
    number = unique_number()
    a.create(number)
    make_active(a, number)
    d, _ = upload_kind(b, "png")
    doc = check_doc(assert_ok(b.post(NUMBERS, {"phoneNumber": number,
                                               "documents": [d["documentId"]]})), b)
    e = find_sender(doc, number)
    assert e["status"] == "DUPLICATED"
    assert e["approvalDocuments"] == []
    assert MSG_DOCS_SUBMITTED not in messages(e)
    assert get_document(b, d["documentId"])["use"] is False
    assert reviews(server, "--account", b.account_id, "--status", "ALL") == []
    # the documents stay deletable
    assert [x["documentId"] for x in assert_ok(b.delete(DOCS, {"documents": [d["documentId"]]}))] \
        == [d["documentId"]]


@pytest.mark.parametrize("bad", [UNKNOWN_DOC, "junk"])
def test_create_with_bad_document_creates_nothing(account, bad):
    d, _ = upload_kind(account, "png")
    number = unique_number()
    assert_invalid_document(account.post(NUMBERS, {"phoneNumber": number,
                                                   "documents": [d["documentId"], bad]}))
    assert find_sender(account.doc(), number) is None
    assert get_document(account, d["documentId"])["use"] is False


@pytest.mark.parametrize("documents", [[1], [None], "DOC", {"a": 1}])
def test_create_with_ill_typed_documents(account, documents):
    number = unique_number()
    assert_error(account.post(NUMBERS, {"phoneNumber": number, "documents": documents}), 400,
                 "ValidationError")
    assert find_sender(account.doc(), number) is None


# ---------------------------------------------------------------------------------------------------
# #5 Delete a number with an open approval

def test_delete_number_cancels_approval_and_releases_documents(server, account):
    number, docs, _, a = pending_approval(account, n_docs=2)
    assert_ok(account.delete(f"{NUMBERS}/{number}"))
    assert find_sender(account.doc(), number) is None
    item = review(server, a["approvalId"], "CANCELLED")
    assert item["status"] == "CANCELLED"
    assert a["approvalId"] not in [i["id"] for i in reviews(server, "--account", account.account_id)]
    for d in docs:
        assert get_document(account, d["documentId"])["use"] is False
    # a cancelled request cannot be decided
    assert_cli_failure(server.run_cli("reviews", "approve", a["approvalId"]))
    assert_cli_failure(server.run_cli("reviews", "reject", a["approvalId"], "--reason", "x"))
    assert review(server, a["approvalId"])["status"] == "CANCELLED"
    deleted = assert_ok(account.delete(DOCS, {"documents": doc_ids(*docs)}))
    assert sorted(x["documentId"] for x in deleted) == sorted(doc_ids(*docs))


def test_delete_number_keeps_documents_used_elsewhere(server, account):
    number = unique_number()
    account.create(number)
    shared, _ = upload_kind(account, "pdf")
    only, _ = upload_kind(account, "png")
    assert_ok(request_limit(account, [shared["documentId"]], 20))
    assert_ok(submit_evidence(account, number, doc_ids(shared, only)))
    assert_ok(account.delete(f"{NUMBERS}/{number}"))
    assert get_document(account, only["documentId"])["use"] is False
    assert get_document(account, shared["documentId"])["use"] is True, \
        "a document still attached to a pending limitation request must stay in use"
    assert_error(account.delete(DOCS, {"documents": [shared["documentId"]]}), 409, "DocumentInUse")


def test_delete_number_after_rejection_releases_documents(server, account):
    number, docs, _, a = pending_approval(account)
    reject(server, a["approvalId"], "서류 불충분")
    assert_ok(account.delete(f"{NUMBERS}/{number}"))
    assert get_document(account, docs[0]["documentId"])["use"] is False
    assert review(server, a["approvalId"])["status"] == "REJECTED", "a decided request stays decided"


def test_delete_duplicated_number_cancels_unlock(server):
    a, b, number, u = pending_unlock(server)
    assert_ok(b.delete(f"{NUMBERS}/{number}"))
    assert review(server, u["duplicateId"])["status"] == "CANCELLED"
    assert_cli_failure(server.run_cli("reviews", "approve", u["duplicateId"]))


# ---------------------------------------------------------------------------------------------------
# Approving / rejecting evidence

def test_approve_evidence(server, account):
    number, docs, blobs, a = pending_approval(account)
    before_doc = account.doc()
    before = utcnow()
    item = approve(server, a["approvalId"], "--operator", "kim.operator", "--reason", "확인 완료")
    check_review(item, "approval", "APPROVED")
    assert item["id"] == a["approvalId"]
    assert item["decidedBy"] == "kim.operator"
    assert item["reason"] == "확인 완료"
    assert_near(item["dateDecided"], before, 60)
    assert item["phoneNumber"] == number
    check_review_document(item["documents"][0], blobs[0], docs[0])
    # visible at once through the API
    doc = account.doc()
    e = find_sender(doc, number)
    assert e["status"] == "ACTIVE"
    assert e["method"] == "DOCUMENT"
    assert_near(e["expireAt"], add_months(before, 6), 120)
    assert messages(e)[-2:] == [MSG_EVIDENCE_APPROVED, MSG_VERIFIED.format("DOCUMENT")]
    assert messages(e)[:2] == [MSG_CREATED, MSG_DOCS_SUBMITTED]
    ap = check_approval(e["approvalDocuments"][0], status="APPROVED")
    assert ap["reason"] == "확인 완료"
    assert_near(ap["dateUpdated"], before, 60)
    assert parse_iso(doc["dateUpdated"]) > parse_iso(before_doc["dateUpdated"])
    assert number in assert_ok(account.get(ACTIVE))
    assert get_document(account, docs[0]["documentId"])["use"] is True
    # gone from the pending list, present among the approved
    assert a["approvalId"] not in [i["id"] for i in reviews(server, "--account", account.account_id)]
    assert a["approvalId"] in [i["id"] for i in reviews(server, "--status", "APPROVED",
                                                         "--account", account.account_id)]


def test_approve_without_operator_names_login_user(server, account):
    number, _, _, a = pending_approval(account)
    item = approve(server, a["approvalId"])
    assert item["decidedBy"] == login_name()
    assert item["reason"] is None
    assert entry_of(account, number)["status"] == "ACTIVE"


def test_approve_turns_other_pending_entries_duplicated(server):
    a = server.new_account()
    b = server.new_account()
    number = unique_number()
    a.create(number)
    number, _, _, ap = pending_approval(b, number)
    approve(server, ap["approvalId"])
    assert entry_of(b, number)["status"] == "ACTIVE"
    e = entry_of(a, number)
    assert e["status"] == "DUPLICATED", "verification by documents must make the others DUPLICATED"
    assert messages(e)[-1] == MSG_TURNED_DUPLICATED


def test_reject_evidence(server, account):
    number, docs, _, a = pending_approval(account)
    before_entry = entry_of(account, number)
    item = reject(server, a["approvalId"], "사업자등록증 사본이 흐립니다", "--operator", "lee")
    check_review(item, "approval", "REJECTED")
    assert item["reason"] == "사업자등록증 사본이 흐립니다"
    assert item["decidedBy"] == "lee"
    e = entry_of(account, number)
    assert e["status"] == "PENDING" and e["method"] is None
    assert e["expireAt"] == before_entry["expireAt"]
    assert messages(e) == [MSG_CREATED, MSG_DOCS_SUBMITTED,
                           MSG_EVIDENCE_REJECTED.format("사업자등록증 사본이 흐립니다")]
    ap = check_approval(e["approvalDocuments"][0], status="REJECTED")
    assert ap["reason"] == "사업자등록증 사본이 흐립니다"
    assert ap["reasonCode"] == "OTHER" and item["reasonCode"] == "OTHER"  # the default (SPEC §13)
    assert number not in assert_ok(account.get(ACTIVE))
    # a new request may follow the rejection, and can be approved
    d, _ = upload_kind(account, "pdf")
    doc = assert_ok(submit_evidence(account, number, [d["documentId"]]))
    approvals = find_sender(doc, number)["approvalDocuments"]
    assert [x["status"] for x in approvals] == ["REJECTED", "PENDING"]
    approve(server, approvals[1]["approvalId"])
    assert entry_of(account, number)["status"] == "ACTIVE"


def test_evidence_for_expired_number_can_be_approved(server_factory):
    """SPEC §7: an EXPIRED entry can be verified again by documents."""
    s = server_factory(args=["--pending-lifetime", "1s", "--sweep-interval", "100ms"])
    acct = s.new_account()
    number = unique_number()
    acct.create(number)
    wait_until(lambda: entry_of(acct, number)["status"] == "EXPIRED", 10, "entry expired")
    d, _ = upload_kind(acct, "png")
    doc = assert_ok(submit_evidence(acct, number, [d["documentId"]]))
    ap = find_sender(doc, number)["approvalDocuments"][0]
    approve(s, ap["approvalId"])
    e = entry_of(acct, number)
    assert e["status"] == "ACTIVE" and e["method"] == "DOCUMENT", e


def test_decide_twice_refused(server, account):
    n1, _, _, a1 = pending_approval(account)
    approve(server, a1["approvalId"], "--operator", "first")
    e1 = entry_of(account, n1)
    item1 = review(server, a1["approvalId"])
    for args in (("approve", a1["approvalId"]), ("reject", a1["approvalId"], "--reason", "no")):
        assert_cli_failure(server.run_cli("reviews", *args))
    assert review(server, a1["approvalId"]) == item1
    assert entry_of(account, n1) == e1

    n2, _, _, a2 = pending_approval(account)
    reject(server, a2["approvalId"], "첫 반려")
    e2 = entry_of(account, n2)
    item2 = review(server, a2["approvalId"])
    for args in (("approve", a2["approvalId"]), ("reject", a2["approvalId"], "--reason", "again")):
        assert_cli_failure(server.run_cli("reviews", *args))
    assert review(server, a2["approvalId"]) == item2
    assert entry_of(account, n2) == e2
    assert e2["status"] == "PENDING"


@pytest.mark.parametrize("args", [(), ("--reason", "")])
def test_reject_needs_reason(server, account, args):
    number, _, _, a = pending_approval(account)
    assert_cli_failure(server.run_cli("reviews", "reject", a["approvalId"], *args))
    assert review(server, a["approvalId"])["status"] == "PENDING"
    assert messages(entry_of(account, number)) == [MSG_CREATED, MSG_DOCS_SUBMITTED]


@pytest.mark.parametrize("rid", ["APD20240101000000ABCDEFGHIJ12345", "LID20240101000000ABCDEFGHIJ12345",
                                 "DUP20240101000000ABCDEFGHIJ12345", "nope"])
def test_decide_unknown_id(server, rid):
    assert_cli_failure(server.run_cli("reviews", "approve", rid))
    assert_cli_failure(server.run_cli("reviews", "reject", rid, "--reason", "x"))


def test_approve_refused_when_verified_elsewhere_meanwhile(server):
    a = server.new_account()
    b = server.new_account()
    number = unique_number()
    a.create(number)
    _, _, _, ap = pending_approval(b, number)
    make_active(a, number)
    eb = entry_of(b, number)
    assert eb["status"] == "DUPLICATED", eb
    assert messages(eb)[-1] == MSG_TURNED_DUPLICATED
    item_before = review(server, ap["approvalId"])
    assert item_before["status"] == "PENDING"
    p = server.run_cli("reviews", "approve", ap["approvalId"])
    assert_cli_failure(p)
    assert review(server, ap["approvalId"]) == item_before
    assert entry_of(b, number) == eb
    ea = entry_of(a, number)
    assert ea["status"] == "ACTIVE" and ea["method"] == "ARS"
    # rejecting it remains possible
    reject(server, ap["approvalId"], "다른 계정에서 인증된 번호")
    assert entry_of(b, number)["status"] == "DUPLICATED"


def test_approve_refused_when_number_already_active(server, account):
    """Evidence pending, then the customer verified by ARS: approving is refused, rejecting works."""
    number, _, _, ap = pending_approval(account)
    make_active(account, number)
    e = entry_of(account, number)
    assert_cli_failure(server.run_cli("reviews", "approve", ap["approvalId"]))
    assert review(server, ap["approvalId"])["status"] == "PENDING"
    assert entry_of(account, number) == e
    reject(server, ap["approvalId"], "ARS로 인증됨")
    assert entry_of(account, number)["status"] == "ACTIVE"


def test_unlocked_number_evidence_approved_both_active(server):
    """After an approved unlock, evidence may verify the number although another account holds it."""
    a, b, number, u = pending_unlock(server)
    approve(server, u["duplicateId"])
    d, _ = upload_kind(b, "pdf")
    doc = assert_ok(submit_evidence(b, number, [d["documentId"]]))
    ap = find_sender(doc, number)["approvalDocuments"][-1]
    approve(server, ap["approvalId"])
    eb = entry_of(b, number)
    assert eb["status"] == "ACTIVE" and eb["method"] == "DOCUMENT"
    assert entry_of(a, number)["status"] == "ACTIVE"


# ---------------------------------------------------------------------------------------------------
# #8 Limitation

def test_request_limit(server):
    acct = server.new_account(limit=1, name="Limited Co")
    acct.create(unique_number())
    assert_error(acct.post(NUMBERS, {"phoneNumber": unique_number()}), 400, "LimitExceeded")
    d, data = upload_kind(acct, "pdf", category="SENDERID-LIMITATION")
    before = utcnow()
    doc = check_doc(assert_ok(request_limit(acct, [d["documentId"]], 3)), acct)
    assert doc["limit"] == 1, "the limit changes only when an operator approves"
    assert len(doc["limitationDocuments"]) == 1
    lim = check_limitation(doc["limitationDocuments"][0], [d["documentId"]], "PENDING")
    assert lim["limitRequested"] == 3 and lim["limitBeforeRequest"] == 1
    assert lim["reason"] is None
    assert_near(lim["dateCreated"], before, 60)
    assert get_document(acct, d["documentId"])["use"] is True
    items = reviews(server, "--account", acct.account_id, "--kind", "limitation")
    assert [i["id"] for i in items] == [lim["limitationId"]]
    item = check_review(items[0], "limitation", "PENDING")
    assert item["limitRequested"] == 3 and item["limitBeforeRequest"] == 1
    assert item["accountName"] == "Limited Co"
    assert "phoneNumber" not in item
    check_review_document(item["documents"][0], data, d)

    out = approve(server, lim["limitationId"], "--operator", "park")
    assert out["status"] == "APPROVED" and out["decidedBy"] == "park"
    doc = acct.doc()
    assert doc["limit"] == 3
    assert check_limitation(doc["limitationDocuments"][0], status="APPROVED")
    acct.create(unique_number())
    acct.create(unique_number())
    assert_error(acct.post(NUMBERS, {"phoneNumber": unique_number()}), 400, "LimitExceeded")


def test_reject_limit(server):
    acct = server.new_account(limit=2)
    d, _ = upload_kind(acct, "pdf", category="SENDERID_LIMITATION")
    lim = assert_ok(request_limit(acct, [d["documentId"]], 10))["limitationDocuments"][0]
    out = reject(server, lim["limitationId"], "사용 계획서가 필요합니다")
    assert out["status"] == "REJECTED" and out["reason"] == "사용 계획서가 필요합니다"
    doc = acct.doc()
    assert doc["limit"] == 2
    l2 = check_limitation(doc["limitationDocuments"][0], status="REJECTED")
    assert l2["reason"] == "사용 계획서가 필요합니다"
    # a new request may follow
    d2, _ = upload_kind(acct, "pdf", category="SENDERID_LIMITATION")
    doc = assert_ok(request_limit(acct, [d2["documentId"]], 4))
    assert [x["status"] for x in doc["limitationDocuments"]] == ["REJECTED", "PENDING"]
    assert doc["limitationDocuments"][1]["limitBeforeRequest"] == 2


def test_limit_already_requested(server):
    acct = server.new_account()
    d, _ = upload_kind(acct, "pdf")
    assert_ok(request_limit(acct, [d["documentId"]], 10))
    d2, _ = upload_kind(acct, "pdf")
    assert_error(request_limit(acct, [d2["documentId"]], 20), 409, "AlreadyRequested")
    assert len(acct.doc()["limitationDocuments"]) == 1
    assert get_document(acct, d2["documentId"])["use"] is False


@pytest.mark.parametrize("limit", [5, 4, 0, -1, 1.5, "10", True, None, [10]])
def test_limit_invalid(server, limit):
    acct = server.new_account(limit=5)
    d, _ = upload_kind(acct, "pdf")
    r = acct.post("/senderid/v1/papers/limitation", {"documents": [d["documentId"]], "limit": limit})
    assert_error(r, 400, "ValidationError")
    assert acct.doc()["limitationDocuments"] == []
    assert get_document(acct, d["documentId"])["use"] is False


def test_limit_missing_fields(server):
    acct = server.new_account()
    d, _ = upload_kind(acct, "pdf")
    for body in ({"limit": 10}, {"documents": [], "limit": 10}, {"documents": [d["documentId"]]},
                 {"documents": [d["documentId"]], "limit": 10, "reason": "x"}):
        assert_error(acct.post("/senderid/v1/papers/limitation", body), 400, "ValidationError")
    assert acct.doc()["limitationDocuments"] == []


def test_limit_bad_documents(server):
    acct = server.new_account()
    d, _ = upload_kind(acct, "pdf")
    assert_invalid_document(request_limit(acct, [d["documentId"], UNKNOWN_DOC], 10))
    assert acct.doc()["limitationDocuments"] == []
    assert get_document(acct, d["documentId"])["use"] is False


# ---------------------------------------------------------------------------------------------------
# #9 Duplicate unlock

def test_request_unlock_defaults_to_account_name(server):
    a, b, number = duplicated_pair(server, b_name="Beta Corp")
    before = utcnow()
    doc = check_doc(assert_ok(request_unlock(b, number, "저희 회사 대표번호입니다")), b)
    e = find_sender(doc, number)
    u = check_unlock(e["unlockDuplicate"], "PENDING")
    assert u["name"] == "Beta Corp"
    assert u["reasonForRequested"] == "저희 회사 대표번호입니다"
    assert u["reason"] is None
    assert_near(u["dateCreated"], before, 60)
    assert e["status"] == "DUPLICATED"
    assert messages(e)[-1] == MSG_UNLOCK_REQUESTED.format("Beta Corp", "저희 회사 대표번호입니다")
    item = review(server, u["duplicateId"], "PENDING")
    check_review(item, "duplicate", "PENDING")
    assert item["name"] == "Beta Corp" and item["reasonForRequested"] == "저희 회사 대표번호입니다"
    assert item["phoneNumber"] == number and item["accountId"] == b.account_id
    assert item["accountName"] == "Beta Corp"
    assert item["handleKey"] == e["handleKey"]
    assert item["documents"] == []


def test_request_unlock_with_name(server):
    a, b, number = duplicated_pair(server)
    doc = assert_ok(request_unlock(b, number, "번호 이전", name="홍길동"))
    e = find_sender(doc, number)
    assert check_unlock(e["unlockDuplicate"])["name"] == "홍길동"
    assert messages(e)[-1] == MSG_UNLOCK_REQUESTED.format("홍길동", "번호 이전")


def test_unlock_errors(server):
    a, b, number, u = pending_unlock(server)
    assert_error(request_unlock(b, number, "again"), 409, "AlreadyRequested")
    assert_error(request_unlock(b, unique_number(), "x"), 400, "InvalidSenderId", MSG_INVALID_SENDER)
    # not DUPLICATED: PENDING in B, ACTIVE in A
    pending = unique_number()
    b.create(pending)
    assert_error(request_unlock(b, pending, "x"), 409, "AlreadyApproved", MSG_ALREADY_APPROVED)
    assert_error(request_unlock(a, number, "x"), 409, "AlreadyApproved", MSG_ALREADY_APPROVED)
    assert check_unlock(entry_of(b, number)["unlockDuplicate"]) == u


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": None}, {"reason": 5},
                                  {"reason": "x", "name": 5}, {"reason": "x", "contact": "y"}])
def test_unlock_validation(server, body):
    a, b, number = duplicated_pair(server)
    before = entry_of(b, number)
    assert_error(b.post(f"/senderid/v1/papers/duplicate/{number}", body), 400, "ValidationError")
    assert entry_of(b, number) == before


def test_approve_unlock_then_ars_both_active(server):
    a, b, number, u = pending_unlock(server)
    before = utcnow()
    item = approve(server, u["duplicateId"], "--operator", "choi")
    assert item["status"] == "APPROVED" and item["decidedBy"] == "choi"
    e = entry_of(b, number)
    assert e["status"] == "PENDING", "an approved unlock puts the number back to PENDING"
    assert e["method"] is None
    assert_near(e["expireAt"], before + dt.timedelta(days=12), 120)
    assert messages(e)[-1] == MSG_UNLOCK_APPROVED
    assert check_unlock(e["unlockDuplicate"], "APPROVED")["duplicateId"] == u["duplicateId"]
    # ownership is still to be proven: ARS works although A holds the number
    doc = assert_ok(ars_verify(b, number))
    eb = find_sender(doc, number)
    assert eb["status"] == "ACTIVE" and eb["method"] == "ARS"
    assert entry_of(a, number)["status"] == "ACTIVE"
    assert number in assert_ok(a.get(ACTIVE)) and number in assert_ok(b.get(ACTIVE))


def test_reject_unlock(server):
    a, b, number, u = pending_unlock(server)
    before = entry_of(b, number)
    item = reject(server, u["duplicateId"], "소유 증빙 부족")
    assert item["status"] == "REJECTED" and item["reason"] == "소유 증빙 부족"
    e = entry_of(b, number)
    assert e["status"] == "DUPLICATED" and e["expireAt"] is None
    assert messages(e) == messages(before) + [MSG_UNLOCK_REJECTED.format("소유 증빙 부족")]
    uu = check_unlock(e["unlockDuplicate"], "REJECTED")
    assert uu["reason"] == "소유 증빙 부족"
    # still blocked: ARS on a DUPLICATED number is refused
    hdr = json.dumps({"authType": "ARS", "extras": {"phoneNumber": number}})
    assert_error(b.put(f"{NUMBERS}/{number}/authenticate", headers={"x-mfa-data": hdr}), 409,
                 "DuplicatedSenderId")


# ---------------------------------------------------------------------------------------------------
# reviews list

def test_reviews_list_filters(server):
    x = server.new_account(name="Xeno")
    _, _, _, ap = pending_approval(x)
    d, _ = upload_kind(x, "pdf")
    lim = assert_ok(request_limit(x, [d["documentId"]], 9))["limitationDocuments"][0]
    a, y, number, u = pending_unlock(server, b_name="Yodel")

    items = reviews(server, "--account", x.account_id)
    assert [i["id"] for i in items] == [ap["approvalId"], lim["limitationId"]], "oldest first"
    assert all(i["accountName"] == "Xeno" for i in items)
    assert [i["id"] for i in reviews(server, "--account", x.account_id, "--kind", "approval")] == \
        [ap["approvalId"]]
    assert [i["id"] for i in reviews(server, "--account", x.account_id, "--kind", "limitation")] == \
        [lim["limitationId"]]
    assert reviews(server, "--account", x.account_id, "--kind", "duplicate") == []
    assert [i["id"] for i in reviews(server, "--account", y.account_id, "--kind", "duplicate")] == \
        [u["duplicateId"]]

    # the default is PENDING
    everything = reviews(server)
    assert all(i["status"] == "PENDING" for i in everything)
    ids = [i["id"] for i in everything]
    assert {ap["approvalId"], lim["limitationId"], u["duplicateId"]} <= set(ids)
    assert reviews(server, "--status", "PENDING") == everything

    reject(server, ap["approvalId"], "불충분")
    assert [i["id"] for i in reviews(server, "--account", x.account_id)] == [lim["limitationId"]]
    assert [i["id"] for i in reviews(server, "--account", x.account_id, "--status", "REJECTED")] == \
        [ap["approvalId"]]
    assert reviews(server, "--account", x.account_id, "--status", "APPROVED") == []
    assert [i["id"] for i in reviews(server, "--account", x.account_id, "--status", "ALL")] == \
        [ap["approvalId"], lim["limitationId"]]
    kinds = {i["kind"] for i in reviews(server, "--status", "ALL", "--kind", "limitation")}
    assert kinds == {"limitation"}


@pytest.mark.parametrize("args", [("--status", "DONE"), ("--kind", "unlock"), ("--bogus",)])
def test_reviews_list_bad_options(server, args):
    assert_cli_failure(server.run_cli("reviews", "list", *args))


def test_reviews_list_empty_store(server_factory):
    s = server_factory()
    assert s.cli("reviews", "list") == []
    assert s.cli("reviews", "list", "--status", "ALL") == []


# ---------------------------------------------------------------------------------------------------
# Races

def _concurrently(fn, n):
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        try:
            barrier.wait(10)
            results[i] = fn(i)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    if errors:
        raise errors[0]
    return results


def test_concurrent_evidence_one_wins(account):
    number = unique_number()
    account.create(number)
    docs = [upload_kind(account, "png")[0] for _ in range(6)]
    results = _concurrently(lambda i: submit_evidence(account, number, [docs[i]["documentId"]]), 6)
    ok = [r for r in results if r.status == 200]
    assert len(ok) == 1, [r.status for r in results]
    for r in results:
        if r.status != 200:
            assert_error(r, 409, "AlreadyRequested")
    e = entry_of(account, number)
    assert len(e["approvalDocuments"]) == 1
    assert messages(e).count(MSG_DOCS_SUBMITTED) == 1
    winner = e["approvalDocuments"][0]["documents"]
    assert [get_document(account, d["documentId"])["use"] for d in docs].count(True) == 1
    assert get_document(account, winner[0])["use"] is True


def test_concurrent_limitation_one_wins(server):
    acct = server.new_account()
    docs = [upload_kind(acct, "pdf")[0] for _ in range(6)]
    results = _concurrently(lambda i: request_limit(acct, [docs[i]["documentId"]], 10 + i), 6)
    assert [r.status for r in results].count(200) == 1, [r.status for r in results]
    for r in results:
        if r.status != 200:
            assert_error(r, 409, "AlreadyRequested")
    assert len(acct.doc()["limitationDocuments"]) == 1


def test_concurrent_operators_decide_once(server, account):
    number, _, _, ap = pending_approval(account)
    cmds = []
    for i in range(4):
        verb = ["approve", ap["approvalId"]] if i % 2 == 0 else ["reject", ap["approvalId"],
                                                                  "--reason", f"r{i}"]
        cmds.append([BINARY, "reviews", *verb[:1], "--data", server.data_dir, *verb[1:],
                     "--operator", f"op{i}", *pg_store_args(server.data_dir)])
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              stdin=subprocess.DEVNULL) for c in cmds]
    outs = [p.communicate(timeout=30) for p in procs]
    codes = [p.returncode for p in procs]
    assert codes.count(0) == 1, f"exactly one decision must win: {codes} {outs!r}"
    winner = codes.index(0)
    item = review(server, ap["approvalId"])
    assert item["decidedBy"] == f"op{winner}"
    e = entry_of(account, number)
    if winner % 2 == 0:
        assert item["status"] == "APPROVED" and e["status"] == "ACTIVE"
        assert messages(e).count(MSG_EVIDENCE_APPROVED) == 1
    else:
        assert item["status"] == "REJECTED" and e["status"] == "PENDING"
        assert len([m for m in messages(e) if m.startswith("관리자가 증빙자료 요청을 반려")]) == 1


def test_reject_with_a_reason_code(server, account):
    """SPEC §13: `reviews reject --reason-code` stores a known code; an unknown code or a reason over
    500 characters is refused and changes nothing."""
    number, _, _, a = pending_approval(account)
    for args in (("--reason-code", "BLURRY"), ("--reason-code", "")):
        assert_cli_failure(server.run_cli("reviews", "reject", a["approvalId"], "--reason", "x", *args))
    assert_cli_failure(server.run_cli("reviews", "reject", a["approvalId"], "--reason", "가" * 501))
    assert review(server, a["approvalId"])["status"] == "PENDING"
    item = reject(server, a["approvalId"], "가" * 500, "--reason-code", "DOCUMENT_MISMATCH")
    assert item["reasonCode"] == "DOCUMENT_MISMATCH"
    ap = check_approval(entry_of(account, number)["approvalDocuments"][0], status="REJECTED")
    assert ap["reasonCode"] == "DOCUMENT_MISMATCH"
