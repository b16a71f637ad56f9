"""ARS verification (SPEC §5) black-box against the real binary, with the outbox voice provider
(SPEC §5.1): the code is read from `<data dir>/voice-outbox.jsonl`."""

import datetime as dt
import hashlib
import secrets
import time
from pathlib import Path

import pytest

from ars_support import (MSG_TURNED_DUPLICATED, MSG_VERIFIED_ARS, OUTBOX_NAME, Outbox, add_months,
                         assert_ars_error, assert_too_many_calls, auth_path, check_step1,
                         check_voice_call, concurrently, data_dir_in, mfa_json, no_header, request_call,
                         retry_after, sleep_until, step1, step2, unique_number, verify, wait_until,
                         wrong_code)
from conftest import (ACTIVE, MSG_CREATED, MSG_EXPIRED, MSG_INVALID_SENDER, NUMBERS, Server,
                      assert_error, assert_ok, check_doc, entry_of, find_sender, parse_iso, pg_store_dump,
                      utcnow)


@pytest.fixture(scope="module")
def outbox(server):
    return Outbox(server)


@pytest.fixture(scope="module")
def quick(binary, scratch_base):
    """A server whose call spacing does not get in the way of a second step 1."""
    s = Server(data_dir_in(scratch_base), args=["--call-spacing", "1ms"])
    s.start()
    yield s
    s.stop(timeout=5)
    s.kill()


@pytest.fixture(scope="module")
def caps(binary, scratch_base):
    """Small caps in a 3 s window: 2 per account+number, 3 per account, 4 per number."""
    s = Server(data_dir_in(scratch_base),
               args=["--call-spacing", "1ms", "--call-window", "3s", "--calls-per-account-number", "2",
                     "--calls-per-account", "3", "--calls-per-number", "4"])
    s.start()
    yield s
    s.stop(timeout=5)
    s.kill()


def registered(acct, number=None):
    number = number or unique_number()
    acct.create(number)
    return number


def assert_token_refused(resp, attempts_left):
    body = assert_ars_error(resp, 403, "InvalidMFAToken", need_mfa=True)
    assert body["mfa"].get("attemptsLeft") == attempts_left, \
        f"attemptsLeft {body['mfa'].get('attemptsLeft')!r}, expected {attempts_left}: {body!r}"
    return body


def assert_expired(resp):
    return assert_ars_error(resp, 403, "MFATransactionExpired")


def assert_attempts_exceeded(resp):
    assert_ars_error(resp, 429, "MFAAttemptsExceeded")
    return retry_after(resp)


# ---------------------------------------------------------------------------------------------------
# Step 1

def test_step1_answer_and_outbox_line(account, outbox):
    number = registered(account)
    entry_before = entry_of(account, number)
    n0 = outbox.count()
    before = utcnow()
    mfa = check_step1(step1(account, number), before=before)
    assert outbox.count() == n0 + 1, "step 1 places exactly one call"
    last = outbox.entries()[-1]
    check_voice_call(last, number, mfa["transactionId"], code_length=6, near=before)
    # Step 1 changes nothing on the entry.
    assert entry_of(account, number) == entry_before


def test_step1_without_header_places_no_call(account, outbox):
    number = registered(account)
    n0 = outbox.count()
    body = assert_ars_error(no_header(account, number), 403, "MFARequired", need_mfa=True)
    assert body["mfa"] == {"authTypes": ["ARS"]}, body
    assert outbox.count() == n0, "no x-mfa-data: no call may be placed"
    # It spent no call allowance either (the default 60 s spacing would refuse a second call).
    request_call(account, number, outbox)


def test_transaction_ids_are_unique(quick):
    acct = quick.new_account()
    box = Outbox(quick)
    numbers = [registered(acct) for _ in range(3)]
    tids = set()
    for number in numbers:
        for _ in range(3):
            mfa, _code = request_call(acct, number, box, spacing=0.001)
            tids.add(mfa["transactionId"])
    assert len(tids) == 9


@pytest.mark.parametrize("variant", ["compact", "python_spacing", "header_name_case"])
def test_full_flow(server, outbox, variant):
    acct = server.new_account()
    number = registered(acct)
    doc0 = acct.doc()
    entry0 = find_sender(doc0, number)
    header = mfa_json(number, python_spacing=(variant == "python_spacing"))
    mfa, code = request_call(acct, number, outbox, header=header)
    tid = mfa["transactionId"]
    text = mfa_json(number, tid, code, python_spacing=(variant == "python_spacing"))
    name = "X-MFA-Data" if variant == "header_name_case" else "x-mfa-data"
    t0 = utcnow()
    r = acct.put(auth_path(number), headers={name: text})
    t1 = utcnow()
    doc = check_doc(assert_ok(r), acct)
    s = find_sender(doc, number)
    assert s["status"] == "ACTIVE", s
    assert s["method"] == "ARS", s
    assert s["handleKey"] == entry0["handleKey"]
    assert s["dateCreated"] == entry0["dateCreated"]
    assert [e["message"] for e in s["log"]] == [MSG_CREATED, MSG_VERIFIED_ARS], s["log"]
    assert s["log"][0] == entry0["log"][0]
    verified_at = parse_iso(s["log"][-1]["createAt"])
    assert t0 - dt.timedelta(seconds=1) <= verified_at <= t1 + dt.timedelta(seconds=1)
    assert parse_iso(s["expireAt"]) == add_months(verified_at, 6), \
        f"expireAt {s['expireAt']} is not {s['log'][-1]['createAt']} + 6 calendar months"
    assert parse_iso(s["dateUpdated"]) >= verified_at
    assert parse_iso(doc["dateUpdated"]) > parse_iso(doc0["dateUpdated"])
    # Durable and visible.
    assert find_sender(acct.doc(), number) == s
    assert number in assert_ok(acct.get(ACTIVE))
    # The transaction is consumed: a second use finds the number verified.
    assert_error(step2(acct, number, tid, code), 409, "AlreadyApproved")
    assert find_sender(acct.doc(), number) == s


def test_verified_number_refuses_both_steps(account, outbox):
    number = registered(account)
    verify(account, number, outbox)
    n0 = outbox.count()
    assert_error(step1(account, number), 409, "AlreadyApproved")
    assert_error(no_header(account, number), 409, "AlreadyApproved")
    assert_error(step2(account, number, secrets.token_hex(16), "1234"), 409, "AlreadyApproved")
    # INACTIVE is verified too.
    check_doc(assert_ok(account.put(f"{NUMBERS}/{number}", {"status": "INACTIVE"})), account)
    assert_error(step1(account, number), 409, "AlreadyApproved")
    assert_error(no_header(account, number), 409, "AlreadyApproved")
    assert_error(step2(account, number, secrets.token_hex(16), "1234"), 409, "AlreadyApproved")
    assert outbox.count() == n0, "no call for a verified number"
    assert entry_of(account, number)["status"] == "INACTIVE"


def test_unknown_number(server, account, outbox):
    number = unique_number()
    other = server.new_account()
    registered(other, number)      # another account's number is unknown here
    n0 = outbox.count()
    for r in (step1(account, number), no_header(account, number),
              step2(account, number, secrets.token_hex(16), "1234")):
        assert_error(r, 400, "InvalidSenderId", MSG_INVALID_SENDER)
    assert outbox.count() == n0


def test_duplicated_entry_refuses_step1(server, outbox):
    a = server.new_account()
    b = server.new_account()
    number = unique_number()
    registered(a, number)
    verify(a, number, outbox)
    b.create(number)
    entry = entry_of(b, number)
    assert entry["status"] == "DUPLICATED", entry
    n0 = outbox.count()
    assert_error(step1(b, number), 409, "DuplicatedSenderId")
    assert_error(no_header(b, number), 409, "DuplicatedSenderId")
    assert_error(step2(b, number, secrets.token_hex(16), "1234"), 409, "DuplicatedSenderId")
    assert outbox.count() == n0, "no call for a DUPLICATED entry"
    assert entry_of(b, number) == entry


def test_verification_turns_other_pending_entry_duplicated(server, outbox):
    a = server.new_account()
    b = server.new_account()
    number = unique_number()
    registered(b, number)
    registered(a, number)
    mfa_b, code_b = request_call(b, number, outbox)
    doc_b0 = b.doc()
    t0 = utcnow()
    verify(a, number, outbox)
    t1 = utcnow()
    doc_b = b.doc()
    e = find_sender(doc_b, number)
    assert e["status"] == "DUPLICATED", e
    assert e["expireAt"] is None, e
    assert e["method"] is None, e
    assert [x["message"] for x in e["log"]] == [MSG_CREATED, MSG_TURNED_DUPLICATED], e["log"]
    assert t0 - dt.timedelta(seconds=1) <= parse_iso(e["log"][-1]["createAt"]) <= t1 + dt.timedelta(seconds=1)
    assert parse_iso(doc_b["dateUpdated"]) > parse_iso(doc_b0["dateUpdated"])
    # B's open transaction is dead: even the right code does not verify B's entry.
    assert_error(step2(b, number, mfa_b["transactionId"], code_b), 409, "DuplicatedSenderId")
    assert entry_of(b, number)["status"] == "DUPLICATED"
    assert assert_ok(b.get(ACTIVE)) == []
    assert entry_of(a, number)["status"] == "ACTIVE"


# ---------------------------------------------------------------------------------------------------
# Malformed x-mfa-data

BAD_HEADERS = {
    "phone_mismatch_step1": lambda n, o, t, c: mfa_json(o),
    "phone_mismatch_right_code": lambda n, o, t, c: mfa_json(o, t, c),
    "phone_missing": lambda n, o, t, c: '{"authType":"ARS"}',
    "auth_type_sms": lambda n, o, t, c: mfa_json(n, auth_type="SMS"),
    "auth_type_sms_right_code": lambda n, o, t, c: mfa_json(n, t, c, auth_type="SMS"),
    "auth_type_missing": lambda n, o, t, c: '{"extras":{"phoneNumber":"%s"}}' % n,
    "malformed_json": lambda n, o, t, c: '{"authType":"ARS","extras":{"phoneNumber":"%s"}' % n,
    "not_an_object": lambda n, o, t, c: '["ARS"]',
    "not_json": lambda n, o, t, c: "authType=ARS",
    "non_digit_token": lambda n, o, t, c: mfa_json(n, t, c[:-1] + "a"),
    "spaced_token": lambda n, o, t, c: mfa_json(n, t, " ".join(c)),
    "empty_token": lambda n, o, t, c: mfa_json(n, t, ""),
    "transaction_without_token": lambda n, o, t, c: mfa_json(n, t),
    "token_without_transaction": lambda n, o, t, c: mfa_json(n, token=c),
}


@pytest.mark.parametrize("case", sorted(BAD_HEADERS))
def test_invalid_mfa_data(account, outbox, case):
    number = registered(account)
    other = unique_number()
    mfa, code = request_call(account, number, outbox)
    tid = mfa["transactionId"]
    n0 = outbox.count()
    header = BAD_HEADERS[case](number, other, tid, code)
    r = account.put(auth_path(number), headers={"x-mfa-data": header})
    assert_error(r, 400, "InvalidMFAData")
    assert outbox.count() == n0, "a refused header places no call"
    assert entry_of(account, number)["status"] == "PENDING"
    # Neither an attempt spent nor the open transaction voided.
    assert_token_refused(step2(account, number, tid, wrong_code(code)), 4)
    assert_ok(step2(account, number, tid, code))


# ---------------------------------------------------------------------------------------------------
# Step 2: attempts

def test_wrong_codes_count_down_then_dead(account, outbox):
    number = registered(account)
    mfa, code = request_call(account, number, outbox)
    tid = mfa["transactionId"]
    bad = wrong_code(code)
    for left in (4, 3, 2, 1, 0):
        assert_token_refused(step2(account, number, tid, bad), left)
    assert_attempts_exceeded(step2(account, number, tid, code))
    assert_attempts_exceeded(step2(account, number, tid, bad))
    assert_attempts_exceeded(step2(account, number, tid, code))
    e = entry_of(account, number)
    assert e["status"] == "PENDING" and e["method"] is None
    assert [x["message"] for x in e["log"]] == [MSG_CREATED]


def test_twenty_concurrent_wrong_guesses_use_five_attempts(account, outbox):
    number = registered(account)
    mfa, code = request_call(account, number, outbox)
    tid = mfa["transactionId"]
    bad = wrong_code(code)
    results = concurrently(lambda i: step2(account, number, tid, bad), 20)
    refused = [r for r in results if r.status == 403]
    exceeded = [r for r in results if r.status == 429]
    assert len(refused) + len(exceeded) == 20, [r for r in results if r.status not in (403, 429)]
    assert len(refused) == 5, f"{len(refused)} wrong guesses were counted, 5 allowed"
    lefts = sorted(assert_token_refused(r, r.json["mfa"].get("attemptsLeft"))["mfa"]["attemptsLeft"]
                   for r in refused)
    assert lefts == [0, 1, 2, 3, 4], f"attemptsLeft values {lefts}"
    for r in exceeded:
        assert_attempts_exceeded(r)
    assert_attempts_exceeded(step2(account, number, tid, code))
    assert entry_of(account, number)["status"] == "PENDING"


def test_concurrent_right_answers_exactly_one_wins(account, outbox):
    number = registered(account)
    mfa, code = request_call(account, number, outbox)
    tid = mfa["transactionId"]
    results = concurrently(lambda i: step2(account, number, tid, code), 8)
    ok = [r for r in results if r.status == 200]
    assert len(ok) == 1, f"{len(ok)} of 8 concurrent right answers succeeded: {results!r}"
    for r in results:
        if r.status != 200:
            assert_error(r, 409, "AlreadyApproved")
    e = entry_of(account, number)
    assert e["status"] == "ACTIVE"
    assert [x["message"] for x in e["log"]] == [MSG_CREATED, MSG_VERIFIED_ARS]
    assert find_sender(check_doc(ok[0].json, account), number) == e


# ---------------------------------------------------------------------------------------------------
# Step 2: transactions that are not (or no longer) this entry's

def test_unknown_transaction(account, outbox):
    number = registered(account)
    mfa, code = request_call(account, number, outbox)
    assert_expired(step2(account, number, secrets.token_hex(16), code))
    assert_expired(step2(account, number, "not-a-transaction", code))
    # Unknown transactions spend nothing of the real one.
    assert_token_refused(step2(account, number, mfa["transactionId"], wrong_code(code)), 4)


def test_other_accounts_transaction(server, outbox):
    a = server.new_account()
    b = server.new_account()
    c = server.new_account()
    number = unique_number()
    registered(a, number)
    registered(b, number)
    mfa, code = request_call(a, number, outbox)
    tid = mfa["transactionId"]
    # c has no such number: the number check comes first.
    assert_error(step2(c, number, tid, code), 400, "InvalidSenderId")
    # b has the number, but the transaction is a's: as if unknown, with the right code or not.
    assert_expired(step2(b, number, tid, code))
    assert_expired(step2(b, number, tid, wrong_code(code)))
    assert entry_of(b, number)["status"] == "PENDING"
    assert entry_of(a, number)["status"] == "PENDING"
    # a's attempts are untouched.
    assert_token_refused(step2(a, number, tid, wrong_code(code)), 4)
    assert_ok(step2(a, number, tid, code))


def test_other_numbers_transaction(account, outbox):
    n1 = registered(account)
    n2 = registered(account)
    mfa, code = request_call(account, n1, outbox)
    tid = mfa["transactionId"]
    assert_expired(step2(account, n2, tid, code))
    assert_expired(step2(account, n2, tid, wrong_code(code)))
    assert entry_of(account, n2)["status"] == "PENDING"
    assert_token_refused(step2(account, n1, tid, wrong_code(code)), 4)
    assert_ok(step2(account, n1, tid, code))
    assert entry_of(account, n2)["status"] == "PENDING"


def test_transactions_of_a_deleted_entry(account, outbox):
    # An open transaction of an entry that was deleted and registered again.
    n1 = registered(account)
    mfa1, code1 = request_call(account, n1, outbox)
    check_doc(assert_ok(account.delete(f"{NUMBERS}/{n1}")), account)
    account.create(n1)
    assert_expired(step2(account, n1, mfa1["transactionId"], code1))
    assert entry_of(account, n1)["status"] == "PENDING"
    # A consumed transaction, after the verified entry was switched off, deleted and re-registered.
    n2 = registered(account)
    mfa2, code2 = request_call(account, n2, outbox)
    assert_ok(step2(account, n2, mfa2["transactionId"], code2))
    assert_ok(account.put(f"{NUMBERS}/{n2}", {"status": "INACTIVE"}))
    assert_ok(account.delete(f"{NUMBERS}/{n2}"))
    account.create(n2)
    assert_expired(step2(account, n2, mfa2["transactionId"], code2))
    assert entry_of(account, n2)["status"] == "PENDING"


def test_new_step1_voids_earlier_transaction(quick):
    acct = quick.new_account()
    box = Outbox(quick)
    number = registered(acct)
    mfa1, code1 = request_call(acct, number, box, spacing=0.001)
    mfa2, code2 = request_call(acct, number, box, spacing=0.001)
    assert mfa1["transactionId"] != mfa2["transactionId"]
    assert_expired(step2(acct, number, mfa1["transactionId"], code1))
    # The voided one spent nothing of the new one.
    assert_token_refused(step2(acct, number, mfa2["transactionId"], wrong_code(code2)), 4)
    doc = check_doc(assert_ok(step2(acct, number, mfa2["transactionId"], code2)), acct)
    assert find_sender(doc, number)["status"] == "ACTIVE"


def test_refused_call_keeps_open_transaction(account, outbox):
    number = registered(account)
    mfa, code = request_call(account, number, outbox)
    entry = entry_of(account, number)
    n0 = outbox.count()
    seconds = assert_too_many_calls(step1(account, number), max_seconds=60)
    assert seconds >= 55, f"Retry-After {seconds} right after a call under a 60 s spacing"
    assert outbox.count() == n0, "a 429 places no call"
    assert entry_of(account, number) == entry
    assert_ok(step2(account, number, mfa["transactionId"], code))


def test_read_only_key_is_forbidden(server, account, outbox):
    number = registered(account)
    mfa, code = request_call(account, number, outbox)
    ro = server.new_key(account, scopes=["senderid:read"])
    n0 = outbox.count()
    assert_error(step1(ro, number), 403, "Forbidden")
    assert_error(no_header(ro, number), 403, "Forbidden")
    assert_error(step2(ro, number, mfa["transactionId"], code), 403, "Forbidden")
    assert_error(step2(ro, number, mfa["transactionId"], wrong_code(code)), 403, "Forbidden")
    assert outbox.count() == n0
    assert entry_of(account, number)["status"] == "PENDING"
    assert_token_refused(step2(account, number, mfa["transactionId"], wrong_code(code)), 4)
    assert_ok(step2(account, number, mfa["transactionId"], code))


# ---------------------------------------------------------------------------------------------------
# Options: code length, attempts, lifetimes

def test_default_code_is_6_digits(server_factory):
    """SPEC §5: a default server's codes are 6 digits (the NIST SP 800-63B minimum)."""
    srv = server_factory(args=["--call-spacing", "1ms"])
    acct = srv.new_account()
    box = Outbox(srv)
    number = registered(acct)
    codes = set()
    for _ in range(3):
        mfa, code = request_call(acct, number, box, code_length=6, spacing=0.001)
        codes.add(code)
    assert_ok(step2(acct, number, mfa["transactionId"], code))
    for call in box.entries():
        assert len(call["token"]) == 6 and call["token"].isdigit(), call


def test_code_length_4_still_configurable(server_factory):
    srv = server_factory(args=["--code-length", "4"])
    acct = srv.new_account()
    box = Outbox(srv)
    number = registered(acct)
    mfa, code = request_call(acct, number, box, code_length=4)
    assert_token_refused(step2(acct, number, mfa["transactionId"], wrong_code(code)), 4)
    assert_ok(step2(acct, number, mfa["transactionId"], code))


def test_code_length_and_attempts_options(server_factory):
    srv = server_factory(args=["--code-length", "6", "--mfa-attempts", "2", "--call-spacing", "2s"])
    acct = srv.new_account()
    box = Outbox(srv)
    number = registered(acct)
    mfa, code = request_call(acct, number, box, code_length=6, attempts=2, spacing=2)
    tid = mfa["transactionId"]
    assert_token_refused(step2(acct, number, tid, wrong_code(code)), 1)
    assert_token_refused(step2(acct, number, tid, wrong_code(code)), 0)
    assert_attempts_exceeded(step2(acct, number, tid, code))
    # A new call can be asked for once the spacing allows it (bounded polling; 429s place no call).
    n0 = box.count()

    def ask():
        r = step1(acct, number)
        if r.status == 429:
            assert_too_many_calls(r, max_seconds=2)
            assert box.count() == n0
            return None
        return r

    r = wait_until(ask, 10, "a new step 1 after the spacing", interval=0.2)
    mfa2 = check_step1(r, before=utcnow() - dt.timedelta(seconds=5), attempts=2, spacing=2)
    code2 = check_voice_call(box.for_transaction(mfa2["transactionId"]), number,
                             mfa2["transactionId"], code_length=6)
    assert_ok(step2(acct, number, mfa2["transactionId"], code2))


def test_expired_transaction(server_factory):
    srv = server_factory(args=["--mfa-lifetime", "2s"])
    acct = srv.new_account()
    box = Outbox(srv)
    number = registered(acct)
    mfa, code = request_call(acct, number, box, lifetime=2, tolerance=1.0)
    tid = mfa["transactionId"]
    created = parse_iso(box.for_transaction(tid)["createdAt"])
    assert abs((parse_iso(mfa["expiresAt"]) - created).total_seconds() - 2) <= 0.5
    # Alive while young (spends one attempt) ...
    assert_token_refused(step2(acct, number, tid, wrong_code(code)), 4)
    # ... dead once expiresAt has passed, even with the right code.
    sleep_until(parse_iso(mfa["expiresAt"]) + dt.timedelta(milliseconds=200))
    assert_expired(step2(acct, number, tid, code))
    e = entry_of(acct, number)
    assert e["status"] == "PENDING" and e["method"] is None


def test_expired_number_can_be_verified_again(server_factory):
    srv = server_factory(args=["--pending-lifetime", "1s", "--sweep-interval", "100ms"])
    acct = srv.new_account()
    box = Outbox(srv)
    number = registered(acct)
    wait_until(lambda: entry_of(acct, number)["status"] == "EXPIRED", 10, f"{number} EXPIRED")
    mfa, code = request_call(acct, number, box)
    doc = check_doc(assert_ok(step2(acct, number, mfa["transactionId"], code)), acct)
    s = find_sender(doc, number)
    assert s["status"] == "ACTIVE" and s["method"] == "ARS", s
    assert [x["message"] for x in s["log"]] == [MSG_CREATED, MSG_EXPIRED, MSG_VERIFIED_ARS], s["log"]
    assert parse_iso(s["expireAt"]) == add_months(parse_iso(s["log"][-1]["createAt"]), 6)
    assert assert_ok(acct.get(ACTIVE)) == [number]
    # The 1 s pending lifetime does not apply to a verified entry (reads apply due expiries).
    assert entry_of(acct, number) == s


# ---------------------------------------------------------------------------------------------------
# Call caps

def wait_out(resp, ask, outbox):
    """Waits exactly Retry-After, then asks again: the call must go through."""
    seconds = retry_after(resp)
    time.sleep(seconds)
    n0 = outbox.count()
    r = ask()
    assert r.status == 403 and r.json.get("errorCode") == "MFARequired", \
        f"still refused after waiting Retry-After {seconds}s: {r!r}"
    assert outbox.count() == n0 + 1
    return r


def test_call_spacing(server_factory):
    srv = server_factory(args=["--call-spacing", "2s"])
    a = srv.new_account()
    b = srv.new_account()
    box = Outbox(srv)
    number = unique_number()
    registered(a, number)
    registered(b, number)
    mfa, code = request_call(a, number, box, spacing=2)
    n0 = box.count()
    refused = step1(a, number)
    assert_too_many_calls(refused, max_seconds=2)
    assert box.count() == n0, "a 429 places no call"
    # The refusal voided nothing and spent nothing.
    assert_token_refused(step2(a, number, mfa["transactionId"], wrong_code(code)), 4)
    # The spacing is per account and number: another account may call the same number now.
    request_call(b, number, box, spacing=2)
    r = wait_out(refused, lambda: step1(a, number), box)
    check_step1(r, before=utcnow() - dt.timedelta(seconds=5), spacing=2)


def test_cap_per_account_and_number(caps):
    acct = caps.new_account()
    box = Outbox(caps)
    number = registered(acct)
    for _ in range(2):
        request_call(acct, number, box, spacing=0.001)
    n0 = box.count()
    refused = step1(acct, number)
    assert_too_many_calls(refused, max_seconds=3)
    assert box.count() == n0
    # Other numbers of the same account are not affected by this cap.
    request_call(acct, registered(acct), box, spacing=0.001)
    wait_out(refused, lambda: step1(acct, number), box)


def test_cap_per_account(caps):
    acct = caps.new_account(limit=10)
    box = Outbox(caps)
    for _ in range(3):
        request_call(acct, registered(acct), box, spacing=0.001)
    number = registered(acct)
    n0 = box.count()
    refused = step1(acct, number)
    assert_too_many_calls(refused, max_seconds=3)
    assert box.count() == n0
    # Another account is not affected.
    other = caps.new_account()
    request_call(other, registered(other, number), box, spacing=0.001)
    wait_out(refused, lambda: step1(acct, number), box)


def test_cap_per_number_across_accounts(caps):
    box = Outbox(caps)
    number = unique_number()
    accounts = [caps.new_account() for _ in range(5)]
    for acct in accounts:
        registered(acct, number)
    for acct in accounts[:4]:
        request_call(acct, number, box, spacing=0.001)
    n0 = box.count()
    refused = step1(accounts[4], number)
    assert_too_many_calls(refused, max_seconds=3)
    assert box.count() == n0
    # The same account may still call its other numbers.
    request_call(accounts[4], registered(accounts[4]), box, spacing=0.001)
    wait_out(refused, lambda: step1(accounts[4], number), box)


def test_other_account_does_not_affect_owner(server_factory):
    srv = server_factory(args=["--call-spacing", "1ms", "--calls-per-account-number", "2",
                               "--calls-per-account", "2", "--calls-per-number", "20"])
    owner = srv.new_account()
    other = srv.new_account()
    box = Outbox(srv)
    number = unique_number()
    registered(owner, number)
    registered(other, number)
    mfa, code = request_call(owner, number, box, spacing=0.001)
    tid = mfa["transactionId"]
    # The other account uses up its own allowance on the same number.
    request_call(other, number, box, spacing=0.001)
    mfa_o, code_o = request_call(other, number, box, spacing=0.001)
    assert_too_many_calls(step1(other, number))
    # The owner's open transaction is alive ...
    assert_token_refused(step2(owner, number, tid, wrong_code(code)), 4)
    # ... the other account cannot use it, and its tries do not spend the owner's attempts ...
    assert_expired(step2(other, number, tid, code))
    assert_expired(step2(other, number, tid, wrong_code(code)))
    assert_token_refused(step2(owner, number, tid, wrong_code(code)), 3)
    # ... and the owner's allowance is intact: a second call (cap 2) goes through.
    mfa2, code2 = request_call(owner, number, box, spacing=0.001)
    assert_too_many_calls(step1(owner, number))
    assert_expired(step2(owner, number, tid, code))
    assert_ok(step2(owner, number, mfa2["transactionId"], code2))
    # The other account's entry is now DUPLICATED and its transaction is of no use.
    assert entry_of(other, number)["status"] == "DUPLICATED"
    assert_error(step2(other, number, mfa_o["transactionId"], code_o), 409, "DuplicatedSenderId")


# ---------------------------------------------------------------------------------------------------
# The stored code is not recoverable from the database

def _digests(text):
    out = []
    for algo in ("md5", "sha1", "sha256", "sha512"):
        d = hashlib.new(algo, text.encode()).digest()
        out += [d, d.hex().encode(), d.hex().upper().encode()]
    return out


def _forbidden_forms(code, tid):
    forms = [code.encode(), " ".join(code).encode(), code.encode("utf-16-le")]
    for text in (code, tid + code, tid + ":" + code, code + tid):
        forms += _digests(text)
    if code[0] != "0":
        forms.append(int(code).to_bytes(4, "big"))
    return forms


def _stored_bytes(srv):
    blobs = {}
    for p in sorted(Path(srv.data_dir).rglob("*")):
        if p.is_file() and p.name != OUTBOX_NAME:
            blobs[str(p)] = p.read_bytes()
    blobs[str(srv.log_path)] = srv.log_path.read_bytes() if srv.log_path.exists() else b""
    blobs.update(pg_store_dump(srv.data_dir))
    return blobs


def test_no_plaintext_code_in_database(server_factory):
    srv = server_factory(args=["--code-length", "8", "--call-spacing", "1ms"])
    acct = srv.new_account()
    box = Outbox(srv)
    calls = []
    numbers = [registered(acct) for _ in range(3)]
    for number in numbers:
        for _ in range(2):
            mfa, code = request_call(acct, number, box, code_length=8, spacing=0.001)
            calls.append((mfa["transactionId"], code))
    # One verified, one with wrong guesses, one left open.
    assert_ok(step2(acct, numbers[0], calls[1][0], calls[1][1]))
    assert_token_refused(step2(acct, numbers[1], calls[3][0], wrong_code(calls[3][1])), 4)
    outbox_bytes = (Path(srv.data_dir) / OUTBOX_NAME).read_bytes()
    for tid, code in calls:
        assert code.encode() in outbox_bytes
    blobs = _stored_bytes(srv)
    assert any(Path(name).name.startswith("senderid.db") or name.startswith("postgresql:")
               for name in blobs), \
        f"no database file found among {sorted(blobs)}"
    for phase in ("running", "stopped"):
        if phase == "stopped":
            assert srv.stop() == 0
            blobs = _stored_bytes(srv)
        for name, data in blobs.items():
            for tid, code in calls:
                for form in _forbidden_forms(code, tid):
                    assert form not in data, \
                        f"({phase}) {name} holds code {code} (as {form[:40]!r}) of transaction {tid}"
