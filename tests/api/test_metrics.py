"""GET /metrics on the admin listener (SPEC §14): Prometheus text format 0.0.4 that `promtool check
metrics` accepts; request durations labelled by route TEMPLATE (never the raw path; every unknown
path one fixed value), method and status, counted exactly; the store, ARS, webhook and review
metrics moving with the traffic that drives them; the build's version; no secret anywhere. Also
GET /readyz on the admin listener."""

import re
import secrets
import subprocess

from admin_support import PASSWORD, admin_raw, start_admin_server
from ars_support import assert_ars_error, step1
from conftest import BINARY, NUMBERS, assert_ok, unique_number, wait_until
from documents_support import request_limit, upload_kind
from events_support import WebhookReceiver, create_webhook

PROMTOOL = "/usr/bin/promtool"
DURATION = "http_server_request_duration_seconds"
SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(server):
    r = admin_raw(server, "GET", "/metrics")
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("text/plain; version=0.0.4"), r.header("Content-Type")
    return r.body.decode("utf-8")


def samples(text):
    """{(name, ((label, value), …sorted)): float} of every sample line."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE_RE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = tuple(sorted(LABEL_RE.findall(m.group(2) or "")))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def value(s, name, **labels):
    return s.get((name, tuple(sorted(labels.items()))), 0.0)


def requests_of(s, route, method, status):
    return value(s, DURATION + "_count", route=route, method=method, status=str(status))


def label_values(s, name, label):
    return {dict(labels).get(label) for (n, labels) in s if n == name}


def promtool_check(text):
    p = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 0, f"promtool check metrics failed:\n{p.stdout}{p.stderr}"


def version_of_binary():
    out = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=30)
    return out.stdout.split()[1]


def test_requests_are_counted_by_route_template_method_and_status(server_factory):
    s = start_admin_server(server_factory)
    a = s.new_account()
    bogus_id = "WHK" + secrets.token_hex(6).upper()
    unknown_path = f"/no/such/{secrets.token_hex(6)}"
    before = samples(scrape(s))

    for _ in range(3):
        assert_ok(a.get(NUMBERS))
    hook = a.get(f"/senderid/v1/webhooks/{bogus_id}")
    assert hook.status in (400, 404), hook
    assert s.request("GET", unknown_path).status == 404
    assert s.request("GET", unknown_path + "?q=1").status == 404
    assert s.request("DELETE", "/healthz").status == 405
    for _ in range(2):
        assert admin_raw(s, "GET", "/healthz").status == 200
    assert admin_raw(s, "GET", "/admin/v1/session").status == 401

    def delta(route, method, status):
        return requests_of(after, route, method, status) - requests_of(before, route, method, status)

    # A request is counted once its answer is written, a moment after the client has it: scrape
    # until the last one is in (counts only grow), then check every figure exactly.
    scrapes = 0

    def last_counted():
        nonlocal text, after, scrapes
        text = scrape(s)
        after = samples(text)
        scrapes += 1  # this one is counted by the next; the one before `before` by this one
        return (delta("/admin/v1/session", "GET", 401) >= 1
                and delta("/metrics", "GET", 200) >= scrapes)

    text, after = "", {}
    wait_until(last_counted, 10, "the last request counted")
    promtool_check(text)
    assert delta("/senderid/v1/numbers", "GET", 200) == 3
    assert delta("/senderid/v1/webhooks/{webhookId}", "GET", hook.status) == 1
    assert delta("unmatched", "GET", 404) == 2, "every unknown path has the one fixed route label"
    assert delta("/healthz", "DELETE", 405) == 1, "a 405 is named by the route template it matched"
    assert delta("/healthz", "GET", 200) == 2
    assert delta("/admin/v1/session", "GET", 401) == 1
    assert delta("/metrics", "GET", 200) == scrapes, "each scrape counts in the next one"

    routes = label_values(after, DURATION + "_count", "route")
    assert "unmatched" in routes
    for route in routes:
        assert route == "unmatched" or route.startswith("/"), route
        assert bogus_id not in route and "no/such" not in route, f"raw path as a label: {route}"
    assert bogus_id not in text and unknown_path not in text
    # Buckets from half a millisecond to ten seconds.
    les = label_values(after, DURATION + "_bucket", "le")
    assert {"0.0005", "0.001", "10", "+Inf"} <= les, les
    assert value(after, "http_server_active_requests") >= 1, "the scrape itself is in flight"

    assert value(after, "senderid_build_info", version=version_of_binary()) == 1
    for needle in (a.secret, a.key, PASSWORD):
        assert needle not in text


def test_store_ars_webhook_and_review_metrics_follow_the_traffic(server_factory):
    receiver = WebhookReceiver().start()
    try:
        receiver.answer(503)
        s = start_admin_server(server_factory, extra=["--webhook-allow-private",
                                                      "--webhook-retry-schedule", "1h",
                                                      "--call-spacing", "1ms"])
        a = s.new_account(limit=10)
        before = samples(scrape(s))
        assert value(before, "senderid_webhook_oldest_pending_seconds") == 0
        assert value(before, "senderid_reviews_pending", kind="limitation") == 0

        create_webhook(a, receiver.url())
        number = unique_number()
        a.create(number)                       # a write, and an event to deliver
        # One ARS call placed (outbox provider): step 1 answers the challenge.
        assert_ars_error(step1(a, number), 403, "MFARequired", need_mfa=True)
        d, _ = upload_kind(a, "pdf", category="SENDERID-LIMITATION")
        assert_ok(request_limit(a, [d["documentId"]], 20))  # a pending review
        receiver.wait_count(1)

        def attempts_counted():
            m = samples(scrape(s))
            counted = value(m, "senderid_webhook_deliveries_total", outcome="http_5xx") - \
                value(before, "senderid_webhook_deliveries_total", outcome="http_5xx")
            made = len(receiver.snapshot())
            return m if made >= 1 and counted == made else None
        # Each attempt is counted once its answer is in: the count catches up with the receiver.
        after = wait_until(attempts_counted, 10, "every webhook attempt counted by its outcome")
        text = scrape(s)
        promtool_check(text)

        assert value(after, "senderid_webhook_oldest_pending_seconds") > 0, \
            "the event waits for its retry in an hour"
        assert value(after, "senderid_ars_calls_total", outcome="placed") - \
            value(before, "senderid_ars_calls_total", outcome="placed") == 1
        assert value(after, "senderid_reviews_pending", kind="limitation") == 1
        assert value(after, "senderid_reviews_pending", kind="approval") == 0
        assert value(after, "senderid_reviews_oldest_pending_seconds", kind="limitation") >= 0
        commits = "senderid_store_commit_duration_seconds_count"
        assert value(after, commits) - value(before, commits) >= 4, "every write is timed"
        for needle in (a.secret, a.key):
            assert needle not in text
    finally:
        receiver.stop()


def test_admin_readyz_answers_like_the_customer_listener(server_factory):
    s = start_admin_server(server_factory)
    admin = admin_raw(s, "GET", "/readyz")
    customer = s.request("GET", "/readyz")
    assert admin.status == customer.status == 200
    assert admin.json == customer.json == {"status": "ready"}
    assert admin_raw(s, "POST", "/readyz").status == 405
