"""The webhook voice provider (SPEC §5.1) against a real HTTP receiver run by the test on 127.0.0.1."""

import json
import time
from pathlib import Path

import pytest

from ars_support import (OUTBOX_NAME, Receiver, assert_ars_error, check_step1, check_voice_call,
                         step1, step2, unique_number, webhook_signature, wrong_code)
from conftest import (assert_error, assert_ok, check_doc, find_sender, free_port, run_cli,
                      utcnow)

SECRET_TEXT = "Kq9-gateway secret\t \n"     # trailing whitespace is not part of the secret
SECRET = "Kq9-gateway secret"


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def secret_file(scratch):
    p = scratch / "voice.secret"
    p.write_text(SECRET_TEXT)
    return p


def webhook_server(server_factory, url, secret_file, *args):
    return server_factory(args=["--voice", "webhook", "--voice-url", url,
                                "--voice-secret-file", str(secret_file), *args])


def no_outbox(srv):
    assert not (Path(srv.data_dir) / OUTBOX_NAME).exists(), "the webhook provider wrote an outbox"


def call_failed(resp, receiver=None):
    body = assert_error(resp, 502, "VoiceCallFailed")
    if receiver is not None:
        assert str(receiver.port) not in body["errorMessage"], f"errorMessage leaks the URL: {body!r}"
    return body


def posted_code(receiver, index, number, transaction_id):
    call = receiver.snapshot()[index]
    return check_voice_call(json.loads(call["body"]), number, transaction_id)


def test_webhook_posts_signed_call(server_factory, receiver, secret_file):
    srv = webhook_server(server_factory, receiver.url, secret_file)
    acct = srv.new_account()
    number = unique_number()
    acct.create(number)
    before = utcnow()
    mfa = check_step1(step1(acct, number), before=before)
    calls = receiver.wait_count(1)
    assert len(calls) == 1, f"{len(calls)} gateway requests for one step 1"
    call = calls[0]
    assert call["method"] == "POST"
    assert call["path"] == "/call"
    headers = {k.lower(): v for k, v in call["header_list"]}
    ctype = headers.get("content-type", "")
    assert ctype.split(";")[0].strip().lower() == "application/json", f"Content-Type {ctype!r}"
    raw = call["body"]
    assert int(headers.get("content-length", -1)) == len(raw)
    body = json.loads(raw)
    code = check_voice_call(body, number, mfa["transactionId"], code_length=6, near=before)
    sig = headers.get("x-senderid-signature")
    assert sig == webhook_signature(SECRET, raw), \
        f"X-Senderid-Signature {sig!r} is not sha256=<hex HMAC-SHA256(secret, raw body)>"
    assert sig != webhook_signature(SECRET_TEXT, raw)
    # The posted code verifies the number.
    doc = check_doc(assert_ok(step2(acct, number, mfa["transactionId"], code)), acct)
    assert find_sender(doc, number)["status"] == "ACTIVE"
    assert receiver.count() == 1, "step 2 places no call"
    no_outbox(srv)


def test_webhook_configured_from_environment(server_factory, receiver, secret_file):
    srv = server_factory(env={"SENDERID_VOICE": "webhook", "SENDERID_VOICE_URL": receiver.url,
                              "SENDERID_VOICE_SECRET_FILE": str(secret_file)})
    acct = srv.new_account()
    number = unique_number()
    acct.create(number)
    mfa = check_step1(step1(acct, number))
    call = receiver.wait_count(1)[0]
    assert call["headers"].get("X-Senderid-Signature") == webhook_signature(SECRET, call["body"])
    code = posted_code(receiver, 0, number, mfa["transactionId"])
    assert_ok(step2(acct, number, mfa["transactionId"], code))
    no_outbox(srv)


@pytest.mark.parametrize("status", [500, 404, 302])
def test_webhook_non_2xx_spends_nothing(server_factory, receiver, secret_file, status):
    # Default 60 s spacing and one call per account+number: a spent failure would refuse the retry.
    srv = webhook_server(server_factory, receiver.url, secret_file, "--calls-per-account-number", "1")
    acct = srv.new_account()
    number = unique_number()
    acct.create(number)
    receiver.configure(status=status)
    r = step1(acct, number)
    call_failed(r, receiver)
    assert receiver.count() == 1
    failed = json.loads(receiver.snapshot()[0]["body"])
    # The discarded transaction is of no use, even with the code the gateway saw.
    assert_ars_error(step2(acct, number, failed["transactionId"], failed["token"]), 403,
                     "MFATransactionExpired")
    # An immediate retry is not refused with 429: it reaches the gateway again.
    call_failed(step1(acct, number), receiver)
    assert receiver.count() == 2
    receiver.configure(status=200)
    mfa = check_step1(step1(acct, number))
    assert receiver.count() == 3
    code = posted_code(receiver, 2, number, mfa["transactionId"])
    doc = check_doc(assert_ok(step2(acct, number, mfa["transactionId"], code)), acct)
    assert find_sender(doc, number)["status"] == "ACTIVE"
    no_outbox(srv)


def test_webhook_failure_keeps_earlier_transaction(server_factory, receiver, secret_file):
    srv = webhook_server(server_factory, receiver.url, secret_file,
                         "--call-spacing", "1ms", "--calls-per-account-number", "3")
    acct = srv.new_account()
    number = unique_number()
    acct.create(number)
    mfa1 = check_step1(step1(acct, number), spacing=0.001)
    code1 = posted_code(receiver, 0, number, mfa1["transactionId"])
    receiver.configure(status=500)
    call_failed(step1(acct, number), receiver)
    call_failed(step1(acct, number), receiver)
    assert receiver.count() == 3
    # The earlier open transaction survived both failures, attempts intact.
    body = assert_ars_error(step2(acct, number, mfa1["transactionId"], wrong_code(code1)), 403,
                            "InvalidMFAToken", need_mfa=True)
    assert body["mfa"].get("attemptsLeft") == 4, body
    # The failures spent none of the 3 calls allowed: a second real call goes through ...
    receiver.configure(status=200)
    mfa2 = check_step1(step1(acct, number), spacing=0.001)
    code2 = posted_code(receiver, 3, number, mfa2["transactionId"])
    # ... and replaces the first transaction.
    assert_ars_error(step2(acct, number, mfa1["transactionId"], code1), 403, "MFATransactionExpired")
    assert_ok(step2(acct, number, mfa2["transactionId"], code2))


def test_webhook_timeout(server_factory, receiver, secret_file):
    # A timed-out call counts as placed for the call limits (SPEC §5.1; test_ars_timeout.py): a short
    # spacing lets the retry below through.
    srv = webhook_server(server_factory, receiver.url, secret_file, "--voice-timeout", "1s",
                         "--call-spacing", "1ms")
    acct = srv.new_account()
    number = unique_number()
    acct.create(number)
    receiver.configure(status=200, delay=8.0)
    t0 = time.monotonic()
    r = step1(acct, number, timeout=15)
    elapsed = time.monotonic() - t0
    call_failed(r, receiver)
    assert elapsed < 3.5, f"step 1 took {elapsed:.1f}s with a 1 s voice timeout"
    assert elapsed >= 0.8, f"step 1 failed after {elapsed:.2f}s, before the 1 s timeout"
    assert receiver.count() == 1
    late = json.loads(receiver.snapshot()[0]["body"])
    assert_ars_error(step2(acct, number, late["transactionId"], late["token"]), 403,
                     "MFATransactionExpired")
    # A gateway that answers within the timeout works.
    receiver.configure(status=200, delay=0.3)
    mfa = check_step1(step1(acct, number), spacing=0.001)
    code = posted_code(receiver, 1, number, mfa["transactionId"])
    assert_ok(step2(acct, number, mfa["transactionId"], code))


def test_webhook_connection_refused(server_factory, secret_file):
    url = f"http://127.0.0.1:{free_port()}/call"      # nothing listens there
    srv = webhook_server(server_factory, url, secret_file)
    acct = srv.new_account()
    number = unique_number()
    acct.create(number)
    for _ in range(2):      # the retry is not refused with 429
        t0 = time.monotonic()
        call_failed(step1(acct, number))
        assert time.monotonic() - t0 < 5.0
    doc = acct.doc()
    entry = find_sender(doc, number)
    assert entry["status"] == "PENDING" and entry["method"] is None
    assert len(entry["log"]) == 1
    no_outbox(srv)


@pytest.mark.parametrize("case", ["missing_secret_file", "missing_url", "no_secret_option",
                                  "blank_secret"])
def test_webhook_misconfiguration_refuses_to_start(binary, scratch, secret_file, case):
    args = ["serve", "--listen", f"127.0.0.1:{free_port()}", "--data", str(scratch / "data"),
            "--voice", "webhook"]
    url = f"http://127.0.0.1:{free_port()}/call"
    if case == "missing_secret_file":
        args += ["--voice-url", url, "--voice-secret-file", str(scratch / "absent.secret")]
    elif case == "missing_url":
        args += ["--voice-secret-file", str(secret_file)]
    elif case == "no_secret_option":
        args += ["--voice-url", url]
    else:
        blank = scratch / "blank.secret"
        blank.write_text(" \n\t\n")
        args += ["--voice-url", url, "--voice-secret-file", str(blank)]
    p = run_cli(*args, timeout=10)
    assert p.returncode != 0, f"serve started with a broken webhook configuration ({case})"
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected a one-line error, got stderr {p.stderr!r}"
    assert lines[0].strip()
