"""Helpers for the events and webhooks tests (SPEC §12): a webhook receiver on 127.0.0.1 that checks
every Standard Webhooks signature on its own (Python hmac), and small request shortcuts."""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import assert_ok, wait_until

EVENTS = "/senderid/v1/events"
WEBHOOKS = "/senderid/v1/webhooks"


def sign_standard(secret, msg_id, timestamp, body):
    """v1 signature of the Standard Webhooks scheme: base64 HMAC-SHA256 keyed with the bytes after
    'whsec_', over '<id>.<timestamp>.<body>'."""
    key = base64.b64decode(secret[len("whsec_"):])
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def signatures_of(headers):
    """The base64 parts of a webhook-signature header, in order."""
    out = []
    for part in headers.get("webhook-signature", "").split(" "):
        version, _, sig = part.partition(",")
        assert version == "v1", f"signature version {version!r}"
        out.append(sig)
    return out


class WebhookReceiver:
    """Records every POST; answers from a plan of (status, extra headers, delay) — the last entry
    repeats — and checks each request's signatures against `secrets` (newest first)."""

    def __init__(self):
        self.calls = []
        self.plan = [(200, {}, 0.0)]
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with receiver._lock:
                    index = len(receiver.calls)
                    status, extra, delay = receiver.plan[min(index, len(receiver.plan) - 1)]
                    receiver.calls.append({"path": self.path, "body": body, "at": time.monotonic(),
                                           "headers": {k.lower(): v for k, v in self.headers.items()}})
                if delay:
                    receiver._stopping.wait(delay)
                try:
                    self.send_response(status)
                    for k, v in extra.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path="/hook?src=senderid"):
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)

    def answer(self, *plan):
        """Answers from now on: each entry a status or (status, headers[, delay])."""
        steps = []
        for p in plan:
            p = p if isinstance(p, tuple) else (p,)
            steps.append((p[0], p[1] if len(p) > 1 else {}, p[2] if len(p) > 2 else 0.0))
        with self._lock:
            self.plan = [(200, {}, 0.0)] * len(self.calls) + steps

    def snapshot(self):
        with self._lock:
            return list(self.calls)

    def wait_count(self, n, timeout=10.0):
        return wait_until(lambda: len(self.snapshot()) >= n and self.snapshot(), timeout,
                          f"{n} webhook request(s)")

    def events(self):
        return [json.loads(c["body"]) for c in self.snapshot()]


def check_signed(call, secrets):
    """The request carries the §12 headers and exactly one valid signature per secret (new first)."""
    h = call["headers"]
    assert h["content-type"] == "application/json"
    event = json.loads(call["body"])
    assert h["webhook-id"] == event["eventId"]
    ts = int(h["webhook-timestamp"])
    assert abs(time.time() - ts) < 120, f"webhook-timestamp {ts} is not now"
    expected = [sign_standard(s, h["webhook-id"], h["webhook-timestamp"], call["body"]) for s in secrets]
    got = signatures_of(h)
    assert len(got) == len(expected), f"{len(got)} signatures, expected {len(expected)}"
    for g, e in zip(got, expected):
        assert hmac.compare_digest(g, e), "a signature does not verify"
    return event


def create_webhook(acct, url, **fields):
    body = {"url": url, **fields}
    hook = assert_ok(acct.post(WEBHOOKS, body))
    assert hook["secret"].startswith("whsec_") and len(base64.b64decode(hook["secret"][6:])) == 32
    return hook


def all_events(acct, **query):
    q = "&".join(f"{k}={v}" for k, v in query.items())
    out, after = [], 0
    while True:
        page = assert_ok(acct.get(f"{EVENTS}?after={after}&limit=1000" + (f"&{q}" if q else "")))
        out += page["data"]
        if not page["data"]:
            return out
        after = page["nextAfter"]


def deliveries(acct, webhook_id, query=""):
    return assert_ok(acct.get(f"{WEBHOOKS}/{webhook_id}/deliveries{query}"))["data"]


def wait_delivery(acct, webhook_id, predicate, timeout=10.0, what="delivery state"):
    def probe():
        ds = deliveries(acct, webhook_id)
        return ds if ds and predicate(ds) else None
    return wait_until(probe, timeout, what)
