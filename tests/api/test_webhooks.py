"""Webhooks (SPEC §12 endpoints 15–21) against a receiver on 127.0.0.1 that checks every signature
with Python hmac: CRUD and its errors, private targets refused without --webhook-allow-private,
retries until success, Retry-After, 410 disabling, the schedule spent, redeliver, rotation's two
signatures, a hanging receiver not slowing the API, and pending deliveries surviving kill -9."""

import time

import pytest

from conftest import NUMBERS, PG_MODE, assert_error, assert_id, assert_ok, unique_number, wait_until
from documents_support import upload_kind
from events_support import (WEBHOOKS, WebhookReceiver, all_events, check_signed, create_webhook,
                            deliveries, wait_delivery)

FAST = ["--webhook-allow-private", "--webhook-retry-schedule", "300ms,300ms",
        "--webhook-timeout", "1s", "--sweep-interval", "100ms"]


@pytest.fixture
def receiver():
    r = WebhookReceiver().start()
    yield r
    r.stop()


@pytest.fixture
def srv(server_factory):
    return server_factory(FAST)


def check_webhook(w, secret=False):
    keys = ["webhookId", "url", "types", "description", "status", "disabledReason"]
    keys += (["secret"] if secret else []) + ["dateCreated", "dateUpdated"]
    assert list(w) == keys, f"Webhook keys {list(w)}"
    assert_id(w["webhookId"], "WHK")
    return w


def test_crud_and_errors(srv):
    a = srv.new_account()
    b = srv.new_account()
    url = "https://hooks.example.invalid/in?token=1"   # does not resolve: accepted (DnsError later)
    w = check_webhook(create_webhook(a, url, description="운영 알림"), secret=True)
    assert w["types"] == ["*"] and w["status"] == "ENABLED" and w["disabledReason"] is None
    assert w["url"] == url and w["description"] == "운영 알림"
    wid = w["webhookId"]
    listed = assert_ok(a.get(WEBHOOKS))
    assert [check_webhook(x)["webhookId"] for x in listed] == [wid], "listings never carry secret"
    assert check_webhook(assert_ok(a.get(f"{WEBHOOKS}/{wid}")))["url"] == url
    up = check_webhook(assert_ok(a.put(f"{WEBHOOKS}/{wid}", {"types": ["senderid.*", "document.uploaded"],
                                                            "description": None, "status": "DISABLED"})))
    assert up["types"] == ["senderid.*", "document.uploaded"] and up["description"] is None
    assert up["status"] == "DISABLED" and up["disabledReason"] == "CUSTOMER"
    up = assert_ok(a.put(f"{WEBHOOKS}/{wid}", {"status": "ENABLED"}))
    assert up["status"] == "ENABLED" and up["disabledReason"] is None
    rotated = check_webhook(assert_ok(a.post(f"{WEBHOOKS}/{wid}/rotate-secret")), secret=True)
    assert rotated["secret"] != w["secret"]
    # Another account sees none of it.
    assert assert_ok(b.get(WEBHOOKS)) == []
    for method, path, body in [("GET", f"{WEBHOOKS}/{wid}", None), ("PUT", f"{WEBHOOKS}/{wid}", {}),
                               ("DELETE", f"{WEBHOOKS}/{wid}", None),
                               ("POST", f"{WEBHOOKS}/{wid}/rotate-secret", None),
                               ("GET", f"{WEBHOOKS}/{wid}/deliveries", None),
                               ("POST", f"{WEBHOOKS}/{wid}/redeliver", {"since": "2024-01-01"}),
                               ("GET", f"{WEBHOOKS}/WHK00000000000000NOSUCHHOOK00", None)]:
        r = b.request(method, path, body) if body is not None else b.request(method, path)
        assert_error(r, 400, "InvalidWebhookId")
    gone = check_webhook(assert_ok(a.delete(f"{WEBHOOKS}/{wid}")))
    assert gone["webhookId"] == wid
    assert_error(a.get(f"{WEBHOOKS}/{wid}"), 400, "InvalidWebhookId")

    bad = [{}, {"url": 5}, {"url": "ftp://example.com/"}, {"url": "https://user:pw@example.com/"},
           {"url": "http://2130706433/"}, {"url": "http://0x7f.0.0.1/"}, {"url": "http://017700000001/"},
           {"url": "https:///x"}, {"url": "https://example.com/" + "a" * 2048},
           {"url": "https://example.com/", "types": []},
           {"url": "https://example.com/", "types": ["nope.*"]},
           {"url": "https://example.com/", "types": "senderid.*"},
           {"url": "https://example.com/", "description": "가" * 501},
           {"url": "https://example.com/", "extra": 1}]
    for body in bad:
        assert_error(a.post(WEBHOOKS, body), 400, "ValidationError")
    assert create_webhook(a, "HTTPS://Example.com/a")["url"] == "HTTPS://Example.com/a"
    for i in range(9):
        create_webhook(a, f"https://example.com/{i}")
    assert_error(a.post(WEBHOOKS, {"url": "https://example.com/11"}), 400, "LimitExceeded")
    assert assert_ok(b.post(WEBHOOKS, {"url": "https://example.com/b"}))


def test_private_targets_refused_without_the_flag(server_factory):
    s = server_factory([])
    a = s.new_account()
    for url in ["http://127.0.0.1:8080/", "http://localhost/", "http://10.1.2.3/", "http://[::1]/",
                "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://[::]/", "http://169.254.169.254/",
                "http://100.64.0.1/", "http://192.168.0.1/", "http://[fe80::1]/", "http://224.0.0.1/",
                "http://[64:ff9b::a00:1]/", "http://198.18.0.1/"]:
        assert_error(a.post(WEBHOOKS, {"url": url}), 400, "ValidationError")
    assert assert_ok(a.get(WEBHOOKS)) == []


def test_retries_until_success_visible_in_deliveries(srv, receiver):
    a = srv.new_account()
    hook = create_webhook(a, receiver.url())
    receiver.answer(500, 503, 200)
    a.create(unique_number())
    ds = wait_delivery(a, hook["webhookId"], lambda ds: ds[0]["status"] == "SUCCEEDED")
    d = ds[0]
    assert_id(d["deliveryId"], "DLV")
    assert d["attempt"] == 3 and d["responseStatus"] == 200 and d["error"] is None
    assert d["nextAttemptAt"] is None and d["eventType"] == "senderid.created"
    calls = receiver.snapshot()
    assert len(calls) == 3
    events = [check_signed(c, [hook["secret"]]) for c in calls]
    assert len({e["eventId"] for e in events}) == 1, "every retry carries the same webhook-id"
    assert calls[1]["at"] - calls[0]["at"] >= 0.25, "the schedule's delay (300 ms ±10 %) is kept"
    ev = all_events(a)[0]
    assert deliveries(a, hook["webhookId"], f"?eventId={ev['eventId']}")[0]["deliveryId"] == d["deliveryId"]


def test_retry_after_is_honoured(srv, receiver):
    a = srv.new_account()
    hook = create_webhook(a, receiver.url())
    receiver.answer((429, {"Retry-After": "2"}), 200)
    a.create(unique_number())
    receiver.wait_count(2, timeout=10)
    calls = receiver.snapshot()
    assert calls[1]["at"] - calls[0]["at"] >= 1.9, "a longer Retry-After replaces the delay"
    wait_delivery(a, hook["webhookId"], lambda ds: ds[0]["status"] == "SUCCEEDED")


def test_gone_disables_and_enable_resumes(srv, receiver):
    a = srv.new_account()
    hook = create_webhook(a, receiver.url())
    wid = hook["webhookId"]
    receiver.answer(410, 200)
    a.create(unique_number())
    wait_until(lambda: assert_ok(a.get(f"{WEBHOOKS}/{wid}"))["disabledReason"] == "GONE", 10,
               "410 disables the webhook")
    w = assert_ok(a.get(f"{WEBHOOKS}/{wid}"))
    assert w["status"] == "DISABLED"
    d = deliveries(a, wid)
    assert len(d) == 1 and d[0]["status"] == "PENDING" and d[0]["responseStatus"] == 410
    a.create(unique_number())       # not queued for a disabled webhook
    assert len(deliveries(a, wid)) == 1
    assert len(receiver.snapshot()) == 1
    assert_ok(a.put(f"{WEBHOOKS}/{wid}", {"status": "ENABLED"}))
    ds = wait_delivery(a, wid, lambda ds: ds[0]["status"] == "SUCCEEDED")
    assert len(ds) == 1 and ds[0]["attempt"] == 2


def test_schedule_spent_then_redeliver(srv, receiver):
    a = srv.new_account()
    other = srv.new_account()
    hook = create_webhook(a, receiver.url(), types=["senderid.*"])
    wid = hook["webhookId"]
    receiver.answer(500)
    a.create(unique_number())
    upload_kind(a)                       # document.uploaded: not a subscribed type
    ds = wait_delivery(a, wid, lambda ds: ds[0]["status"] == "FAILED")
    assert ds[0]["attempt"] == 3 and ds[0]["responseStatus"] == 500 and ds[0]["nextAttemptAt"] is None
    events = all_events(a)
    other.create(unique_number())
    foreign_id = all_events(other)[0]["eventId"]
    path = f"{WEBHOOKS}/{wid}/redeliver"
    for body in [{}, {"eventIds": []}, {"eventIds": [events[0]["eventId"]], "since": "2024-01-01"},
                 {"eventIds": [foreign_id]}, {"eventIds": "x"}, {"since": "yesterday"}]:
        assert_error(a.post(path, body), 400, "ValidationError")
    receiver.answer(200)
    assert assert_ok(a.post(path, {"eventIds": [e["eventId"] for e in events]})) == {"queued": 1}
    ds = wait_delivery(a, wid, lambda ds: ds[0]["status"] == "SUCCEEDED")
    assert ds[0]["attempt"] == 4, "attempt is kept across a redeliver"
    # since: the event of before the webhook existed counts; a PENDING record is skipped.
    late = create_webhook(a, receiver.url("/late"))
    assert assert_ok(a.post(f"{WEBHOOKS}/{late['webhookId']}/redeliver",
                            {"since": "2020-01-01"})) == {"queued": 2}
    wait_delivery(a, late["webhookId"],
                  lambda ds: len(ds) == 2 and all(d["status"] == "SUCCEEDED" for d in ds))
    first = assert_ok(a.get(f"{WEBHOOKS}/{late['webhookId']}/deliveries?limit=1"))
    assert len(first["data"]) == 1 and first["nextKey"]
    rest = assert_ok(a.get(f"{WEBHOOKS}/{late['webhookId']}/deliveries?limit=1&startKey={first['nextKey']}"))
    assert len(rest["data"]) == 1 and rest["nextKey"] is None
    assert rest["data"][0]["deliveryId"] != first["data"][0]["deliveryId"]
    assert_error(a.get(f"{WEBHOOKS}/{late['webhookId']}/deliveries?limit=0"), 400, "ValidationError")


def test_rotation_signs_with_both_secrets(srv, receiver):
    a = srv.new_account()
    hook = create_webhook(a, receiver.url())
    wid = hook["webhookId"]
    a.create(unique_number())
    first = receiver.wait_count(1)[0]
    check_signed(first, [hook["secret"]])
    new = assert_ok(a.post(f"{WEBHOOKS}/{wid}/rotate-secret"))["secret"]
    a.create(unique_number())
    second = receiver.wait_count(2)[1]
    check_signed(second, [new, hook["secret"]])
    newest = assert_ok(a.post(f"{WEBHOOKS}/{wid}/rotate-secret"))["secret"]
    a.create(unique_number())
    third = receiver.wait_count(3)[2]
    check_signed(third, [newest, new])


def test_hanging_receiver_does_not_slow_the_api(srv, receiver):
    a = srv.new_account(limit=20)
    hook = create_webhook(a, receiver.url())
    receiver.answer((200, {}, 5.0))
    for _ in range(8):
        started = time.monotonic()
        a.create(unique_number())
        assert time.monotonic() - started < 1.0, "an API answer waited for the receiver"
    ds = wait_delivery(a, hook["webhookId"], lambda ds: any(d["error"] == "Timeout" for d in ds))
    assert len(ds) == 8
    started = time.monotonic()
    assert_ok(a.get(WEBHOOKS))
    assert time.monotonic() - started < 1.0


def test_pending_deliveries_survive_kill_and_restart(server_factory, receiver):
    s = server_factory(["--webhook-allow-private", "--webhook-timeout", "10s"])
    a = s.new_account()
    hook = create_webhook(a, receiver.url())
    receiver.answer((200, {}, 3.0), 200)
    a.create(unique_number())
    receiver.wait_count(1)          # the attempt is in flight, its lease held
    s.kill()
    s.start(port=s.port)
    # SQLite: the restart releases the dead run's leases (its instance lock proves it alone). On
    # PostgreSQL other instances may hold live leases: the dead one's is taken over once it lapses
    # (max(30 s, 2 x timeout) = 30 s here).
    ds = wait_delivery(a, hook["webhookId"], lambda ds: ds[0]["status"] == "SUCCEEDED",
                       timeout=50 if PG_MODE else 15)
    assert ds[0]["attempt"] == 1, "the cut attempt was never recorded; the new one was"
    assert len(receiver.snapshot()) >= 2


def test_connection_refused_is_recorded(srv):
    a = srv.new_account()
    port_closed = WebhookReceiver()
    url = port_closed.url()
    port_closed.httpd.server_close()     # nothing listens there any more
    hook = create_webhook(a, url)
    a.create(unique_number())
    ds = wait_delivery(a, hook["webhookId"], lambda ds: ds[0]["error"] == "ConnectionRefused")
    assert ds[0]["responseStatus"] is None and ds[0]["durationMs"] is not None


def test_private_target_refused_at_connect_time(server_factory, receiver):
    """A webhook made while private targets were allowed fails ForbiddenTarget once they are not:
    the check runs again at every attempt, and nothing reaches the receiver."""
    s = server_factory(["--webhook-allow-private"])
    a = s.new_account()
    hook = create_webhook(a, receiver.url())
    s.stop()
    s.args = ["--webhook-retry-schedule", "5s"]
    s.start()
    a.create(unique_number())
    ds = wait_delivery(a, hook["webhookId"], lambda ds: ds[0]["error"] == "ForbiddenTarget")
    assert ds[0]["responseStatus"] is None and ds[0]["status"] == "PENDING"
    assert receiver.snapshot() == []


def test_allow_private_from_the_environment(server_factory, receiver):
    s = server_factory([], env={"SENDERID_WEBHOOK_ALLOW_PRIVATE": "yes"})
    a = s.new_account()
    create_webhook(a, receiver.url())
    s.stop()
    s.env = {"SENDERID_WEBHOOK_ALLOW_PRIVATE": "0"}
    s.start()
    assert_error(a.post(WEBHOOKS, {"url": receiver.url()}), 400, "ValidationError")
