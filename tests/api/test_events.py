"""Events (SPEC §12): every type recorded by real API and CLI flows with its data, the per-account
sequence without gaps, GET /events paging and type filters, tenant isolation, nothing for a failed
request — and every event delivered to a webhook receiver that checks each signature itself."""

import json

import pytest

from conftest import NUMBERS, assert_error, assert_id, assert_ok, unique_number, wait_until
from documents_support import (DOCS, approve, ars_verify, make_active, reject, request_limit,
                               request_unlock, submit_evidence, upload_kind)
from events_support import (EVENTS, WebhookReceiver, all_events, check_signed, create_webhook)

ALL_TYPES = {
    "senderid.created", "senderid.verified", "senderid.status_changed", "senderid.duplicated",
    "senderid.expiring", "senderid.deleted", "verification.locked",
    "approval.requested", "approval.approved", "approval.rejected", "approval.cancelled",
    "limitation.requested", "limitation.approved", "limitation.rejected",
    "duplicate.requested", "duplicate.approved", "duplicate.rejected", "duplicate.cancelled",
    "document.uploaded", "document.deleted",
}


@pytest.fixture(scope="module")
def ev_server(server_factory_module):
    # An expiry notice longer than a verification: every verified entry is told at the next sweep.
    return server_factory_module(["--webhook-allow-private", "--expiry-notice", "200d",
                                  "--sweep-interval", "100ms", "--webhook-retry-schedule", "200ms"])


@pytest.fixture(scope="module")
def server_factory_module(binary, scratch_base):
    import tempfile
    from pathlib import Path
    from conftest import Server
    made = []

    def make(args):
        s = Server(Path(tempfile.mkdtemp(dir=scratch_base)) / "data", args=args)
        made.append(s)
        return s.start()
    yield make
    for s in made:
        s.stop(timeout=5)
        s.kill()


@pytest.fixture
def receiver():
    r = WebhookReceiver().start()
    yield r
    r.stop()


def sender_ok(data, number, status=None):
    assert data["phoneNumber"] == number
    assert_id(data["handleKey"], "SED")
    assert isinstance(data["log"], list)
    if status:
        assert data["status"] == status, data
    return data


def lock_verification(acct, number):
    path = f"{NUMBERS}/{number}/authenticate"
    hdr = {"authType": "ARS", "extras": {"phoneNumber": number}}
    r1 = acct.put(path, headers={"x-mfa-data": json.dumps(hdr)})
    assert r1.status == 403, r1
    txn = r1.json["mfa"]["transactionId"]
    with open(acct.server.data_dir + "/voice-outbox.jsonl", encoding="utf-8") as f:
        out = json.loads(f.read().splitlines()[-1])
    assert out["transactionId"] == txn
    wrong = f"{(int(out['token']) + 1) % 10 ** len(out['token']):0{len(out['token'])}d}"
    for _ in range(5):
        hdr.update({"transactionId": txn, "token": wrong})
        acct.put(path, headers={"x-mfa-data": json.dumps(hdr)})
    return txn


def test_every_event_type_signed_and_in_sequence(ev_server, receiver):
    srv = ev_server
    a = srv.new_account(limit=20)
    b = srv.new_account(limit=20)
    hook = create_webhook(a, receiver.url())
    n1, n2, n3, n4, n5, n6 = (unique_number() for _ in range(6))

    a.create(n1)                                              # senderid.created
    make_active(a, n1)                                        # senderid.verified (+ expiring)
    assert_ok(a.put(f"{NUMBERS}/{n1}", {"status": "INACTIVE"}))  # senderid.status_changed
    assert_ok(a.put(f"{NUMBERS}/{n1}", {"status": "ACTIVE"}))    # senderid.status_changed
    a.create(n2)
    txn = lock_verification(a, n2)                            # verification.locked
    d1, _ = upload_kind(a)                                    # document.uploaded
    assert_ok(a.post(NUMBERS, {"phoneNumber": n3, "documents": [d1["documentId"]]}))
    ap3 = [e for e in all_events(a) if e["type"] == "approval.requested"][-1]["data"]
    approve(srv, ap3["approvalId"])                           # approval.approved, senderid.verified
    a.create(n4)
    d2, _ = upload_kind(a)
    assert_ok(submit_evidence(a, n4, [d2["documentId"]]))     # approval.requested
    ap4 = [e for e in all_events(a) if e["type"] == "approval.requested"][-1]["data"]
    reject(srv, ap4["approvalId"], "흐림", "--reason-code", "DOCUMENT_UNREADABLE")
    d3, _ = upload_kind(a)
    assert_ok(submit_evidence(a, n4, [d3["documentId"]]))
    assert_ok(a.delete(f"{NUMBERS}/{n4}"))                    # approval.cancelled, senderid.deleted
    d4, _ = upload_kind(a, category="SENDERID-LIMITATION")
    assert_ok(request_limit(a, [d4["documentId"]], 25))       # limitation.requested
    lim = [e for e in all_events(a) if e["type"] == "limitation.requested"][-1]["data"]
    approve(srv, lim["limitationId"])                         # limitation.approved
    d5, _ = upload_kind(a, category="SENDERID-LIMITATION")
    assert_ok(request_limit(a, [d5["documentId"]], 30))
    lim2 = [e for e in all_events(a) if e["type"] == "limitation.requested"][-1]["data"]
    reject(srv, lim2["limitationId"], "근거 부족")              # limitation.rejected
    d6, _ = upload_kind(a)
    assert_ok(a.delete(DOCS, {"documents": [d6["documentId"]]}))  # document.deleted
    # Duplicates: b holds n5 and n6 PENDING; a verifies them → b's turn DUPLICATED.
    a.create(n5)
    b.create(n5)
    make_active(a, n5)                                        # b: senderid.duplicated
    assert_ok(request_unlock(b, n5, "대표번호"))               # b: duplicate.requested
    a.create(n6)
    b.create(n6)
    make_active(a, n6)
    assert_ok(request_unlock(b, n6, "대표번호"))
    # a asks for an unlock of a number b verified: approve, reject, cancel by delete.
    n7, n8, n9 = (unique_number() for _ in range(3))
    for n in (n7, n8, n9):
        b.create(n)
        make_active(b, n)
        a.create(n)                                           # a: senderid.created (DUPLICATED)
        assert_ok(request_unlock(a, n, "우리 번호"))            # a: duplicate.requested
    reqs = {e["data"]["phoneNumber"]: e["data"] for e in all_events(a, type="duplicate.requested")}
    approve(srv, reqs[n7]["duplicateId"])                     # duplicate.approved
    reject(srv, reqs[n8]["duplicateId"], "증빙 없음")           # duplicate.rejected
    assert_ok(a.delete(f"{NUMBERS}/{n9}"))                    # duplicate.cancelled, senderid.deleted
    # senderid.duplicated for a: a and b both PENDING on n10, b verifies.
    n10 = unique_number()
    a.create(n10)
    b.create(n10)
    make_active(b, n10)

    def expiring_seen():
        evs = all_events(a)
        return evs if sum(e["type"] == "senderid.expiring" for e in evs) >= 4 else None
    events = wait_until(expiring_seen, 10, "senderid.expiring for a's verified entries")

    seqs = [e["sequence"] for e in events]
    assert seqs == list(range(1, len(events) + 1)), "sequence 1..N without gaps or repeats"
    types = {e["type"] for e in events}
    assert types == ALL_TYPES, f"missing {ALL_TYPES - types}, unexpected {types - ALL_TYPES}"
    for e in events:
        assert_id(e["eventId"], "EVT")
        assert e["accountId"] == a.account_id
    by_type = {}
    for e in events:
        by_type.setdefault(e["type"], []).append(e["data"])
    # Once per verification of n1 (INACTIVE → ACTIVE does not re-arm), n3, n5, n6 (n7 is PENDING
    # after its approved unlock).
    expiring = [d["phoneNumber"] for d in by_type["senderid.expiring"]]
    assert sorted(expiring) == sorted(set(expiring)), "senderid.expiring once per verification"
    assert set(expiring) == {n1, n3, n5, n6}
    sender_ok(by_type["senderid.verified"][0], n1, "ACTIVE")
    assert [d["status"] for d in by_type["senderid.status_changed"]] == ["INACTIVE", "ACTIVE"]
    assert by_type["verification.locked"] == [{"phoneNumber": n2, "transactionId": txn}]
    assert by_type["approval.approved"][0]["approvalId"] == ap3["approvalId"]
    assert by_type["approval.approved"][0]["phoneNumber"] == n3
    rej = by_type["approval.rejected"][0]
    assert rej["status"] == "REJECTED" and rej["reason"] == "흐림"
    assert rej["reasonCode"] == "DOCUMENT_UNREADABLE" and rej["phoneNumber"] == n4
    assert by_type["approval.cancelled"][0]["status"] == "CANCELLED"
    assert by_type["limitation.approved"][0]["limit"] == 25
    assert by_type["limitation.rejected"][0]["reasonCode"] is not None
    assert by_type["duplicate.cancelled"][0]["phoneNumber"] == n9
    assert by_type["duplicate.cancelled"][0]["status"] == "CANCELLED"
    assert by_type["document.deleted"][0]["documentId"] == d6["documentId"]
    assert by_type["senderid.duplicated"][0]["phoneNumber"] == n10
    assert by_type["senderid.duplicated"][0]["status"] == "DUPLICATED"
    # Order within one request: evidence approved → approval.approved then senderid.verified;
    # delete → cancelled then deleted; create with documents → created then requested.
    names = [e["type"] for e in events]
    i = names.index("approval.approved")
    assert names[i + 1] == "senderid.verified"
    i = names.index("approval.cancelled")
    assert names[i + 1] == "senderid.deleted"
    i = names.index("approval.requested")
    assert names[i - 1] == "senderid.created"
    # An event's SenderId log holds only the causing request's lines.
    created = by_type["senderid.created"][0]
    assert len(created["log"]) == 1
    assert by_type["senderid.expiring"][0]["log"] == []

    # b's own events are b's, with b's own sequence; never a's.
    b_events = all_events(b)
    assert [e["sequence"] for e in b_events] == list(range(1, len(b_events) + 1))
    assert {e["accountId"] for e in b_events} == {b.account_id}
    assert not {e["eventId"] for e in b_events} & {e["eventId"] for e in events}
    b_types = [e["type"] for e in b_events]
    assert "senderid.duplicated" in b_types and "duplicate.requested" in b_types

    # The receiver got every event of a exactly as listed, each signed.
    wait_until(lambda: {json.loads(c["body"])["eventId"] for c in receiver.snapshot()}
               >= {e["eventId"] for e in events}, 10, "every event delivered")
    delivered = {}
    for call in receiver.snapshot():
        ev = check_signed(call, [hook["secret"]])
        delivered[ev["eventId"]] = ev
    for e in events:
        assert delivered[e["eventId"]] == e, "the body is the event as GET /events lists it"
    assert call["path"] == "/hook?src=senderid", "the URL is POSTed as given, query included"


def test_events_paging_and_filters(ev_server):
    a = ev_server.new_account()
    numbers = [unique_number() for _ in range(5)]
    for n in numbers:
        a.create(n)
    d, _ = upload_kind(a)
    page = assert_ok(a.get(f"{EVENTS}?limit=2"))
    assert [e["sequence"] for e in page["data"]] == [1, 2] and page["nextAfter"] == 2
    page = assert_ok(a.get(f"{EVENTS}?after=2&limit=2"))
    assert [e["sequence"] for e in page["data"]] == [3, 4] and page["nextAfter"] == 4
    page = assert_ok(a.get(f"{EVENTS}?after[eq]=4"))
    assert [e["sequence"] for e in page["data"]] == [5, 6]
    page = assert_ok(a.get(f"{EVENTS}?after=6"))
    assert page == {"data": [], "nextAfter": 6}, "nextAfter is the given after when nothing is new"
    assert [e["type"] for e in assert_ok(a.get(f"{EVENTS}?type=document.uploaded"))["data"]] \
        == ["document.uploaded"]
    assert len(assert_ok(a.get(f"{EVENTS}?type=senderid.*"))["data"]) == 5
    assert len(assert_ok(a.get(f"{EVENTS}?type=*"))["data"]) == 6
    assert assert_ok(a.get(f"{EVENTS}?type=approval.*"))["data"] == []
    for q in ["after=-1", "after=x", "after=1.5", "limit=0", "limit=1001", "type=senderid",
              "type=senderid.nope", "type=nope.*", "type=senderid.created.*", "type=**"]:
        assert_error(a.get(f"{EVENTS}?{q}"), 400, "ValidationError")


def test_nothing_emitted_for_a_failed_request(ev_server):
    a = ev_server.new_account(limit=1)
    before = all_events(a)
    assert_error(a.post(NUMBERS, {"phoneNumber": unique_number(),
                                  "documents": ["DOC20240101000000ABCDEFGHIJ12345"]}), 400,
                 "InvalidDocumentId")
    assert_error(a.post(NUMBERS, {"phoneNumber": "0101234"}), 400, "InvalidPhoneNumber")
    assert_error(a.delete(f"{NUMBERS}/{unique_number()}"), 400, "InvalidSenderId")
    assert all_events(a) == before == []
    a.create(unique_number())
    assert_error(a.post(NUMBERS, {"phoneNumber": unique_number()}), 400, "LimitExceeded")
    assert [e["type"] for e in all_events(a)] == ["senderid.created"]


def test_read_key_reads_events_write_needed_for_webhooks(ev_server):
    a = ev_server.new_account()
    ro = ev_server.new_key(a, ["senderid:read"])
    assert_ok(ro.get(EVENTS))
    assert_error(ro.post("/senderid/v1/webhooks", {"url": "http://127.0.0.1:9/"}), 403, "Forbidden")


def test_expired_event_and_retention(server_factory_module):
    s = server_factory_module(["--pending-lifetime", "1s", "--event-retention", "3s",
                               "--sweep-interval", "100ms"])
    a = s.new_account()
    number = unique_number()
    a.create(number)
    events = wait_until(lambda: len(all_events(a)) >= 2 and all_events(a), 10, "senderid.expired")
    assert [e["type"] for e in events] == ["senderid.created", "senderid.expired"]
    assert events[1]["data"]["status"] == "EXPIRED" and events[1]["data"]["phoneNumber"] == number
    wait_until(lambda: all_events(a) == [], 10, "events pruned after --event-retention")
    a.create(unique_number())
    page = assert_ok(a.get(f"{EVENTS}?after=0"))
    assert [e["sequence"] for e in page["data"]] == [3], "sequence numbers stay; after starts at the oldest kept"
