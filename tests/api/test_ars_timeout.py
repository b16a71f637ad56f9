"""Issue 11, item 4 (SPEC §5.1): a voice webhook that does not answer within `--voice-timeout` may
still have dialled, so the timed-out call counts as a placed call for every call limit (spacing
included) — while a gateway that refuses (non-2xx) at once still spends nothing.

The gateway stand-in (ars_support.Receiver) records each POST and answers 200 only after ~3 s,
longer than the 1 s voice timeout (its wait ends early when the receiver stops)."""

import json
import time

import pytest

from ars_support import Receiver, assert_too_many_calls, check_step1, step1, unique_number
from conftest import assert_error, wait_until

SECRET = "timeout-gateway-secret"
LATE = 3.0           # the gateway answers after this long ...
VOICE_TIMEOUT = "1s"  # ... the server gives up after this


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def secret_file(scratch):
    p = scratch / "voice.secret"
    p.write_text(SECRET + "\n")
    return p


def gateway_server(server_factory, receiver, secret_file, *args):
    return server_factory(args=["--voice", "webhook", "--voice-url", receiver.url,
                                "--voice-secret-file", str(secret_file),
                                "--voice-timeout", VOICE_TIMEOUT, *args])


def timed_out_call(acct, number):
    """A step 1 that the late gateway makes time out: 502 VoiceCallFailed within ~1 s."""
    t0 = time.monotonic()
    r = step1(acct, number, timeout=15)
    elapsed = time.monotonic() - t0
    assert_error(r, 502, "VoiceCallFailed")
    assert elapsed < LATE, f"step 1 took {elapsed:.1f}s: the 1 s voice timeout did not apply"
    return r


def test_timed_out_call_counts_for_spacing(server_factory, receiver, secret_file):
    srv = gateway_server(server_factory, receiver, secret_file)   # default spacing: 60 s
    acct = srv.new_account()
    number = unique_number()
    acct.create(number)
    receiver.configure(status=200, delay=LATE)
    timed_out_call(acct, number)
    assert receiver.count() == 1
    # The gateway may have dialled: an immediate second step 1 is refused and places no call.
    r = step1(acct, number, timeout=15)
    seconds = assert_too_many_calls(r, max_seconds=60)
    assert seconds >= 50, f"Retry-After {seconds}: the 60 s spacing should run from the timed-out call"
    assert receiver.count() == 1, "a refused step 1 reached the gateway"


def test_timed_out_calls_count_for_the_per_number_cap(server_factory, receiver, secret_file):
    srv = gateway_server(server_factory, receiver, secret_file,
                         "--call-spacing", "1s", "--calls-per-account-number", "2")
    acct = srv.new_account()
    number = unique_number()
    acct.create(number)
    receiver.configure(status=200, delay=LATE)
    timed_out_call(acct, number)

    def after_spacing():
        """The next step 1 once the 1 s spacing has passed (429s for the spacing place no call)."""
        n0 = receiver.count()
        r = step1(acct, number, timeout=15)
        if r.status == 429:
            assert_too_many_calls(r)
            if int(r.header("Retry-After")) <= 2:     # the spacing: wait it out
                assert receiver.count() == n0
                return None
        return r

    r = wait_until(after_spacing, 10, "a step 1 after the 1 s spacing", interval=0.2)
    assert_error(r, 502, "VoiceCallFailed")         # second timed-out call
    assert receiver.count() == 2

    r = wait_until(after_spacing, 10, "a step 1 after the 1 s spacing", interval=0.2)
    # Two timed-out calls spent the 2 calls allowed per account and number for the day.
    seconds = assert_too_many_calls(r)
    assert seconds > 60, f"Retry-After {seconds}: refused for the spacing, not for the daily cap"
    assert receiver.count() == 2, "a step 1 beyond the cap reached the gateway"


def test_immediate_refusal_still_spends_nothing(server_factory, receiver, secret_file):
    """Guard (holds today): a gateway that answers 500 at once places no call — retries are not
    refused, with the default 60 s spacing and a cap of 1 call."""
    srv = gateway_server(server_factory, receiver, secret_file, "--calls-per-account-number", "1")
    acct = srv.new_account()
    number = unique_number()
    acct.create(number)
    receiver.configure(status=500)
    for i in range(2):
        assert_error(step1(acct, number), 502, "VoiceCallFailed")
        assert receiver.count() == i + 1
    receiver.configure(status=200)
    mfa = check_step1(step1(acct, number))
    call = json.loads(receiver.snapshot()[-1]["body"])
    assert call["transactionId"] == mfa["transactionId"]
    # That real call spent the one allowed call.
    assert_too_many_calls(step1(acct, number))
    assert receiver.count() == 3
