"""Abuse at scale against the real binary (the issue's list; what test_errors.py, test_http.py and
test_auth.py already cover at small scale is not repeated here):

- 200 slowloris connections (100 trickling header bytes, 100 trickling body bytes) while normal
  requests are served promptly; the whole-request deadline closes every one of them;
- 1,000 idle keep-alive connections;
- a flood of wrongly signed requests does not slow good requests beyond a stated bound;
- oversized headers answered before they end, concurrently; oversized bodies on every route, with
  Content-Length and chunked, streamed, answered before the rest is read, memory bounded;
- 300 pipelined requests; nothing pipelined behind an error answer or inside an ambiguous body
  (Content-Length plus Transfer-Encoding and friends) is ever executed;
- replayed signatures on other endpoints, concurrently; forged signatures neither verify nor burn
  the genuine one;
- path traversal and odd Unicode in every path parameter and in every stored name.

Bounds (stated once, here):
- PROMPT: every normal request made while an attack runs completes within 1 s (an unloaded one
  takes a few ms; 1 s is "not stalled" with room for a loaded 2-core CI machine).
- Bad-signature flood (one client process, 6 keep-alive connections, as fast as answered — on a
  2-core host a heavier client would mostly measure the client stealing the server's CPU): p95 of
  good requests under flood <= 10 x unloaded p95 + 150 ms, and no good request over 2 s.
- Slowloris: the server closes each trickling connection within its 10 s whole-request deadline
  + 4 s of scheduling slack.
"""

import base64
import json
import os
import socket
import threading
import time

import pytest

from abuse_support import (Flood, Trickler, healthy, mfa_header, outbox_code, parse_response_bytes,
                            percentile, raise_fd_limit, rss_kib, signed_probe, stream_until_answer,
                            timed, tree, unique_numbers, wait_until)
from conftest import (ACTIVE, NUMBERS, RawConn, assert_error, assert_ok, check_doc, find_sender,
                      fmt_z, http_request, make_salt, raw_exchange, raw_request_bytes, sign, signature,
                      utcnow)
from documents_support import (DOCS, NAME_RE, b64, check_document, documents_dir, file_path,
                               stored_blobs,
                               list_all_documents, pdf_bytes, png_bytes)

PROMPT = 1.0
FLOOD_FACTOR = 10.0
FLOOD_SLACK = 0.150
FLOOD_MAX = 2.0
REQUEST_DEADLINE = 10.0
DEADLINE_SLACK = 4.0

BODY_LIMIT = 64 * 1024
UPLOAD_LIMIT_OVER = 1_153_434          # > 1.1 MiB: over the upload route's limit


def _json_error_4xx(r, allowed=None):
    """A clean client error: 4xx, {errorCode, errorMessage} JSON, X-Request-Id."""
    assert 400 <= r.status < 500, f"expected a 4xx, got {r!r}"
    body = assert_error(r, r.status, r.json.get("errorCode") if isinstance(r.json, dict) else None)
    if allowed is not None:
        assert (r.status, body["errorCode"]) in allowed, \
            f"unexpected answer {r.status} {body['errorCode']}: {r!r}"
    return body


def _probe_all(acct, numbers):
    """A round of normal requests (health, signed read, signed write); returns the latencies."""
    out = []
    t, r = timed(http_request, acct.server.port, "GET", "/healthz")
    assert r.status == 200, r
    out.append(t)
    out.append(signed_probe(acct))
    n = numbers.pop()
    t, r = timed(acct.post, NUMBERS, {"phoneNumber": n})
    assert r.status == 200, f"create under attack: {r!r}"
    out.append(t)
    return out


# ---------------------------------------------------------------------------------------------------
# Slowloris

def test_slowloris_200_connections(server_factory):
    raise_fd_limit(4096)
    srv = server_factory()
    acct = srv.new_account(limit=1000)
    numbers = unique_numbers("31", 200)
    slow = Trickler(srv.port, interval=0.5)
    try:
        for _ in range(100):       # a header that never ends
            slow.open(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", trickle=b"a")
        for _ in range(100):       # a complete header, then a body that never ends
            slow.open(raw_request_bytes("POST", NUMBERS, b"", {
                "Content-Type": "application/json", "Content-Length": "60000"}), trickle=b" ")
        first_open = min(e[1] for e in slow.socks)
        slow.start()

        # While they trickle, normal requests are served promptly.
        latencies = []
        for _ in range(8):
            latencies += _probe_all(acct, numbers)
        still_open = slow.open_count()
        assert max(latencies) < PROMPT, \
            f"normal requests under slowloris: max {max(latencies):.3f}s (bound {PROMPT}s)"
        assert still_open >= 100, f"only {still_open} of 200 slow connections lasted the probes"

        # The whole-request deadline (not the trickle) ends every one of them.
        limit = REQUEST_DEADLINE + DEADLINE_SLACK
        remaining = max(0.5, first_open + limit - time.monotonic())
        wait_until(lambda: slow.open_count() == 0, remaining,
                   "server closing all slowloris connections", interval=0.1)
        for sock, opened, closed, received, _ in slow.socks:
            assert closed - opened <= limit, f"a slow connection lived {closed - opened:.1f}s"
            assert received == b"" or received.startswith(b"HTTP/1.1 4"), \
                f"a slow connection got {received[:200]!r}"
        # And the server is none the worse for it.
        assert max(_probe_all(acct, numbers)) < PROMPT
    finally:
        slow.stop()


# ---------------------------------------------------------------------------------------------------
# 1,000 idle keep-alive connections

def test_1000_idle_keepalive_connections(server_factory):
    raise_fd_limit(4096)
    srv = server_factory()
    acct = srv.new_account(limit=1000)
    numbers = unique_numbers("32", 100)
    conns = []
    try:
        for _ in range(1000):
            conns.append(RawConn(srv.port, timeout=10))
        for c in conns:
            c.send(raw_request_bytes("GET", "/healthz"))
        for i, c in enumerate(conns):
            r = c.read_response()
            assert r is not None and r.status == 200, f"connection {i}: {r!r}"
            assert (r.header("Connection") or "").lower() != "close", f"connection {i} not kept"
        # 1,000 connections idle: normal clients are served within the bound.
        latencies = []
        for _ in range(10):
            latencies += _probe_all(acct, numbers)
        assert max(latencies) < PROMPT, \
            f"requests with 1,000 idle connections: max {max(latencies):.3f}s (bound {PROMPT}s)"
        # Every idle connection is still open and usable (signed requests, all at once).
        headers = [acct.auth() for _ in conns]
        for c, h in zip(conns, headers):
            c.send(raw_request_bytes("GET", ACTIVE, headers={"Authorization": h}))
        for i, c in enumerate(conns):
            r = c.read_response()
            assert r is not None, f"idle keep-alive connection {i} was closed"
            assert r.status == 200 and isinstance(r.json, list), f"connection {i}: {r!r}"
    finally:
        for c in conns:
            c.close()
    healthy(srv)
    assert max(_probe_all(acct, numbers)) < PROMPT


# ---------------------------------------------------------------------------------------------------
# Bad-signature flood

def test_bad_signature_flood_does_not_stall_good_requests(server_factory):
    srv = server_factory()
    acct = srv.new_account(limit=1000)
    for _ in range(10):                                        # warm up
        signed_probe(acct)
    baseline = [signed_probe(acct) for _ in range(60)]
    base95 = percentile(baseline, 95)

    flood = Flood(srv.port, acct.key, acct.secret, processes=1, threads=6)
    try:
        flood.wait_ready()
        loaded = [signed_probe(acct) for _ in range(60)]
        write = timed(acct.post, NUMBERS, {"phoneNumber": unique_numbers("33", 1)[0]})
        counts = flood.stop()
    finally:
        flood.kill()

    total = sum(counts.values())
    assert set(counts) == {"403:SignatureDoesNotMatch"}, f"flood answers: {counts}"
    assert total >= 200, f"the flood sent only {total} requests: not a flood"
    bound = FLOOD_FACTOR * base95 + FLOOD_SLACK
    p95 = percentile(loaded, 95)
    assert p95 <= bound, (f"good requests under a flood of {total} bad signatures: p95 "
                          f"{p95 * 1000:.1f} ms > bound {bound * 1000:.1f} ms (unloaded p95 "
                          f"{base95 * 1000:.1f} ms)")
    assert max(loaded) <= FLOOD_MAX, f"a good request took {max(loaded):.2f}s under the flood"
    assert write[1].status == 200 and write[0] <= FLOOD_MAX, f"write under flood: {write!r}"
    # The flood locked nobody out.
    check_doc(assert_ok(acct.get(NUMBERS)), acct)


# ---------------------------------------------------------------------------------------------------
# Oversized headers

@pytest.mark.parametrize("shape", ["one-long-unterminated-header", "many-lines-unterminated",
                                   "long-request-line"])
def test_oversized_header_answered_before_it_ends(server, shape):
    if shape == "one-long-unterminated-header":
        data = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000
    elif shape == "many-lines-unterminated":
        data = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-a: b\r\n" * 5000
    else:
        data = b"GET /senderid/v1/documents/" + b"d" * 40000 + b" HTTP/1.1\r\nHost: x\r\n"
    conn = RawConn(server.port, timeout=5)
    try:
        t0 = time.monotonic()
        conn.send(data, ignore_errors=True)     # never terminated by an empty line
        r = conn.read_response()
        elapsed = time.monotonic() - t0
        assert r is not None, "connection closed without the 431 answer"
        assert_error(r, 431, "RequestHeaderFieldsTooLarge")
        assert elapsed < PROMPT, f"431 took {elapsed:.2f}s: the server waited for more header"
        assert (r.header("Connection") or "").lower() == "close"
        conn.sock.settimeout(5)
        assert conn.read_until_eof() == b"", "bytes after the 431 answer"
    finally:
        conn.close()
    healthy(server)


def test_oversized_headers_concurrently(server):
    acct = server.new_account(limit=1000)
    numbers = unique_numbers("34", 50)
    results = [None] * 50
    barrier = threading.Barrier(50)

    def attack(i):
        conn = RawConn(server.port, timeout=10)
        try:
            barrier.wait(10)
            headers = {f"X-Pad-{j}": "p" * 1000 for j in range(64)}    # 64 KiB of header
            conn.send(raw_request_bytes("GET", NUMBERS, headers=headers), ignore_errors=True)
            results[i] = conn.read_response()
        except Exception as e:  # noqa: BLE001 — reported below
            results[i] = e
        finally:
            conn.close()

    threads = [threading.Thread(target=attack, args=(i,), daemon=True) for i in range(50)]
    for t in threads:
        t.start()
    latencies = []
    for _ in range(5):
        latencies += _probe_all(acct, numbers)
    for t in threads:
        t.join(15)
        assert not t.is_alive(), "an oversized-header client hung"
    for i, r in enumerate(results):
        assert not isinstance(r, Exception) and r is not None, f"client {i}: {r!r}"
        assert_error(r, 431, "RequestHeaderFieldsTooLarge")
    assert max(latencies) < PROMPT, f"normal requests during the attack: max {max(latencies):.3f}s"


# ---------------------------------------------------------------------------------------------------
# Oversized bodies: every framing on both limits, streamed by a client that stops once answered

def _body_case(acct, route, framing, total):
    """(head bytes, chunk iterator) of a request whose body would be `total` bytes."""
    path = NUMBERS if route == "numbers" else DOCS
    hdrs = {"Authorization": acct.auth(), "Content-Type": "application/json"}
    prefix = (b'{"phoneNumber":"01012345678","x":"' if route == "numbers"
              else b'{"category":"SENDERID_APPROVAL","file":"')
    piece = b"A" * 65536

    def raw_chunks():
        yield prefix
        sent = len(prefix)
        while sent < total:
            n = min(len(piece), total - sent)
            yield piece[:n]
            sent += n

    if framing == "content-length":
        hdrs["Content-Length"] = str(total)
        head = raw_request_bytes("POST", path, b"", hdrs)
        return head, raw_chunks()
    hdrs["Transfer-Encoding"] = "chunked"
    head = ("\r\n".join([f"POST {path} HTTP/1.1", "Host: 127.0.0.1"]
                        + [f"{k}: {v}" for k, v in hdrs.items()]) + "\r\n\r\n").encode()
    return head, (b"%x\r\n%s\r\n" % (len(c), c) for c in raw_chunks())


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
@pytest.mark.parametrize("route", ["numbers", "upload"])
def test_oversized_body_answered_before_the_rest(server, route, framing):
    acct = server.new_account()
    total = 16 * 1024 * 1024
    head, chunks = _body_case(acct, route, framing, total)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        sent, received = stream_until_answer(sock, head, chunks, timeout=10)
    finally:
        sock.close()
    assert received, "no answer to an oversized body"
    status, headers, body = parse_response_bytes(received)
    assert status == 413, f"expected 413, got {received[:300]!r}"
    assert json.loads(body)["errorCode"] == "PayloadTooLarge", body
    assert headers.get("content-type", "").startswith("application/json"), headers
    assert sent <= total // 2, f"the 413 came only after {sent} of {total} body bytes"
    limit = BODY_LIMIT if route == "numbers" else UPLOAD_LIMIT_OVER
    if framing == "content-length":
        assert sent <= 8 * 1024 * 1024, f"413 for a declared length came after {sent} bytes"
    else:
        assert sent > limit // 2, "chunked body refused before it could have been over the limit"
    assert acct.doc()["senderIds"] == []
    healthy(server)


def test_upload_body_just_over_limit_refused(server):
    """A Content-Length over the upload route's limit (> 1.1 MiB) is refused without the body."""
    acct = server.new_account()
    r = raw_exchange(server.port, raw_request_bytes("POST", DOCS, b"", {
        "Authorization": acct.auth(), "Content-Type": "application/json",
        "Content-Length": str(UPLOAD_LIMIT_OVER)}), timeout=5)
    assert r is not None, "connection closed without an answer"
    assert_error(r, 413, "PayloadTooLarge")
    assert list_all_documents(acct) == []


def test_concurrent_oversized_bodies_memory_bounded(server_factory):
    """24 clients stream 16 MiB bodies at once (both routes, both framings): all get 413, the
    server's memory grows by less than 128 MiB (it never buffers a refused body), and normal
    requests stay prompt."""
    srv = server_factory()
    acct = srv.new_account(limit=1000)
    numbers = unique_numbers("35", 50)
    before = rss_kib(srv.proc.pid)
    peak = [before]
    results = [None] * 24
    barrier = threading.Barrier(24)
    cases = [(r, f) for r in ("numbers", "upload") for f in ("content-length", "chunked")]

    def attack(i):
        route, framing = cases[i % 4]
        head, chunks = _body_case(acct, route, framing, 16 * 1024 * 1024)
        try:
            sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
            try:
                barrier.wait(10)
                results[i] = stream_until_answer(sock, head, chunks, timeout=15)[1]
            finally:
                sock.close()
        except Exception as e:  # noqa: BLE001
            results[i] = e

    threads = [threading.Thread(target=attack, args=(i,), daemon=True) for i in range(24)]
    for t in threads:
        t.start()
    latencies = []
    while any(t.is_alive() for t in threads):
        peak.append(rss_kib(srv.proc.pid))
        latencies += _probe_all(acct, numbers)
        if len(latencies) > 60:
            break
    for t in threads:
        t.join(20)
        assert not t.is_alive(), "an oversized-body client hung"
    peak.append(rss_kib(srv.proc.pid))
    for i, data in enumerate(results):
        assert isinstance(data, bytes) and data, f"client {i}: no answer ({data!r})"
        status, _, body = parse_response_bytes(data)
        assert status == 413 and json.loads(body)["errorCode"] == "PayloadTooLarge", data[:300]
    growth_mib = (max(peak) - before) / 1024
    assert growth_mib < 128, f"server RSS grew by {growth_mib:.0f} MiB under refused bodies"
    assert max(latencies) < PROMPT, f"normal requests during the attack: max {max(latencies):.3f}s"
    healthy(srv)


# ---------------------------------------------------------------------------------------------------
# Pipelining at scale

def test_300_pipelined_requests_answered_in_order(server):
    acct = server.new_account(limit=100)
    numbers = unique_numbers("36", 40)
    plan = []                              # (bytes, expected status, expected errorCode or None)
    spent = []
    for i in range(300):
        kind = i % 6
        if kind == 0:
            plan.append((raw_request_bytes("GET", "/healthz"), 200, None))
        elif kind == 1:
            h = acct.auth()
            spent.append(h)
            plan.append((raw_request_bytes("GET", NUMBERS, headers={"Authorization": h}), 200, None))
        elif kind == 2:
            plan.append((raw_request_bytes("GET", "/senderid/v1/nothing"), 404, "ResourceNotFound"))
        elif kind == 3 and numbers:
            body = json.dumps({"phoneNumber": numbers.pop(0)})
            plan.append((raw_request_bytes("POST", NUMBERS, body, {
                "Authorization": acct.auth(), "Content-Type": "application/json"}), 200, None))
        elif kind == 4 and spent:
            # a replay of an earlier pipelined signature, inside the same pipeline
            plan.append((raw_request_bytes("GET", NUMBERS, headers={"Authorization": spent[0]}),
                         403, "DuplicatedSignature"))
        else:
            plan.append((raw_request_bytes("POST", NUMBERS, b'{"phoneNumber":', {
                "Authorization": acct.auth(), "Content-Type": "application/json"}),
                400, "ValidationError"))
    created = [json.loads(p[0].split(b"\r\n\r\n", 1)[1])["phoneNumber"] for p in plan
               if p[0].startswith(b"POST") and p[1] == 200]
    data = b"".join(p[0] for p in plan)

    conn = RawConn(server.port, timeout=20)
    sender = threading.Thread(target=conn.send, args=(data,), daemon=True)
    try:
        sender.start()                     # send while reading: the answers are large
        ids = set()
        for i, (_, status, code) in enumerate(plan):
            r = conn.read_response()
            assert r is not None, f"connection closed after {i} of {len(plan)} pipelined answers"
            assert r.status == status, f"pipelined request {i}: expected {status}, got {r!r}"
            if code is not None:
                assert_error(r, status, code)
            rid = r.header("X-Request-Id")
            assert rid and rid not in ids, f"request id {rid!r} missing or repeated"
            ids.add(rid)
        sender.join(10)
    finally:
        conn.close()
    doc = acct.doc()
    assert [s["phoneNumber"] for s in doc["senderIds"]] == created, \
        "pipelined creates not applied exactly once, in order"


def _smuggled_create(acct, number):
    return raw_request_bytes("POST", NUMBERS, json.dumps({"phoneNumber": number}), {
        "Authorization": acct.auth(), "Content-Type": "application/json"})


@pytest.mark.parametrize("case", ["413-declared-length", "431-header", "400-bad-header-line",
                                  "400-bad-chunk"])
def test_nothing_pipelined_behind_an_error_answer_runs(server, case):
    acct = server.new_account()
    number = unique_numbers("37", 1)[0]
    behind = _smuggled_create(acct, number)
    if case == "413-declared-length":
        first = raw_request_bytes("POST", NUMBERS, b"", {"Content-Length": str(BODY_LIMIT + 1),
                                                         "Content-Type": "application/json"})
        status, code = 413, "PayloadTooLarge"
    elif case == "431-header":
        first = raw_request_bytes("GET", "/healthz", headers={"X-Big": "b" * 20000})
        status, code = 431, "RequestHeaderFieldsTooLarge"
    elif case == "400-bad-header-line":
        first = b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n"
        status, code = 400, "ValidationError"
    else:
        first = (b"POST /senderid/v1/numbers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                 b"\r\nzz\r\n")
        status, code = 400, "ValidationError"
    conn = RawConn(server.port, timeout=5)
    try:
        conn.send(first + behind, ignore_errors=True)
        r = conn.read_response()
        assert r is not None, "closed without an answer"
        assert_error(r, status, code)
        rest = conn.read_until_eof()
        assert rest == b"", f"something answered after the error: {rest[:200]!r}"
    finally:
        conn.close()
    assert find_sender(acct.doc(), number) is None, "a request pipelined behind an error ran"


SMUGGLING = {
    "cl-then-te": b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "te-then-cl": b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
    "te-identity-cl": b"Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\n",
    "te-chunked-identity": b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
    "te-identity-chunked-cl": b"Transfer-Encoding: identity, chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
    "te-twice": b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "te-unknown": b"Transfer-Encoding: xchunked\r\n\r\n",
    "te-space-before-colon": b"Transfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
    "te-tab-cl": b"Transfer-Encoding:\tchunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
    "te-obs-fold": b"Transfer-Encoding: identity\r\n chunked\r\n\r\n0\r\n\r\n",
    "cl-twice-different": b"Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}",
    "cl-plus": b"Content-Length: +2\r\n\r\n{}",
    "cl-negative": b"Content-Length: -1\r\n\r\n{}",
    "cl-overflow": b"Content-Length: 99999999999999999999999\r\n\r\n{}",
    "chunk-size-overflow": b"Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff1\r\n",
}


@pytest.mark.parametrize("case", sorted(SMUGGLING))
def test_ambiguous_framing_refused_and_nothing_smuggled(server, case):
    """Content-Length with Transfer-Encoding, or any other framing two parsers could read
    differently: 400, the connection ends, and the request hidden in the body never runs."""
    acct = server.new_account()
    number = unique_numbers("38", 1)[0]
    data = (b"POST /senderid/v1/numbers HTTP/1.1\r\nHost: x\r\n" + SMUGGLING[case]
            + _smuggled_create(acct, number))
    conn = RawConn(server.port, timeout=5)
    try:
        conn.send(data, ignore_errors=True)
        r = conn.read_response()
        assert r is not None, "closed without an answer"
        assert_error(r, 400, "ValidationError")
        assert conn.read_until_eof() == b"", "the connection went on after the refusal"
    finally:
        conn.close()
    assert find_sender(acct.doc(), number) is None, f"{case}: the smuggled request ran"


# ---------------------------------------------------------------------------------------------------
# Replayed and forged signatures

def _replay_targets(acct, header, i):
    """Requests of every kind carrying the already-spent `header` (odd spacing/case too)."""
    variant = header.replace("apiKey=", "APIKEY=").replace(", ", " ,  ") if i % 2 else header
    number = f"0103900{i:04d}"
    return [
        ("POST", NUMBERS, json.dumps({"phoneNumber": number}), variant),
        ("DELETE", f"{NUMBERS}/01039999999", None, variant),
        ("PUT", f"{NUMBERS}/01039999999", json.dumps({"status": "INACTIVE"}), variant),
        ("POST", DOCS, json.dumps({"file": b64(png_bytes(seed=b"r%d" % i)),
                                   "category": "SENDERID_APPROVAL"}), variant),
        ("GET", DOCS, None, variant),
        ("GET", ACTIVE, None, variant),
    ]


def test_replay_storm_across_endpoints(server):
    """Signatures spent on a GET are refused on every other endpoint and method, by 12 threads at
    once; nothing they ask for happens."""
    acct = server.new_account(limit=100)
    acct.create("01039999999")
    headers = []
    for _ in range(20):
        h = acct.auth()
        assert_ok(acct.get(NUMBERS, auth=h))
        headers.append(h)
    work = [t for i, h in enumerate(headers) for t in _replay_targets(acct, h, i)]
    results = [None] * len(work)
    lock = threading.Lock()
    cursor = [0]

    def run():
        while True:
            with lock:
                if cursor[0] >= len(work):
                    return
                k = cursor[0]
                cursor[0] += 1
            method, path, body, h = work[k]
            try:
                results[k] = acct.request(method, path, raw=body, auth=h)
            except Exception as e:  # noqa: BLE001
                results[k] = e

    threads = [threading.Thread(target=run, daemon=True) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    for (method, path, _, _), r in zip(work, results):
        assert not isinstance(r, Exception), f"{method} {path}: {r!r}"
        assert_error(r, 403, "DuplicatedSignature")
    doc = acct.doc()
    assert [s["phoneNumber"] for s in doc["senderIds"]] == ["01039999999"]
    assert find_sender(doc, "01039999999")["status"] == "PENDING"
    assert list_all_documents(acct) == []


def _forgeries(acct, other, date, salt):
    genuine = signature(acct.secret, date, salt)
    flip = genuine[:-1] + ("0" if genuine[-1] != "0" else "1")
    return {
        "key-as-secret": signature(acct.key, date, salt),
        "lowercased-secret": signature(acct.secret.lower(), date, salt),
        "secret-with-space": signature(acct.secret + " ", date, salt),
        "salt-then-date": signature(acct.secret, salt, date),
        "date-only": signature(acct.secret, date, ""),
        "plain-sha256": __import__("hashlib").sha256((acct.secret + date + salt).encode()).hexdigest(),
        "one-nibble-flipped": flip,
        "genuine-plus-00": genuine + "00",
        "genuine-prefix": genuine[:32],
        "base64-of-mac": base64.b64encode(bytes.fromhex(genuine)).decode(),
        "other-accounts-secret": signature(other.secret, date, salt),
        "all-zero": "0" * 64,
    }


FORGERY_IDS = ["key-as-secret", "lowercased-secret", "secret-with-space", "salt-then-date",
               "date-only", "plain-sha256", "one-nibble-flipped", "genuine-plus-00",
               "genuine-prefix", "base64-of-mac", "other-accounts-secret", "all-zero"]


def test_forged_signatures_neither_verify_nor_burn(server):
    """Each forgery of a (date, salt) pair is SignatureDoesNotMatch — on a write it changes
    nothing — and afterwards the genuine signature over that same pair is still accepted once."""
    acct = server.new_account(limit=100)
    other = server.new_account()
    for i, name in enumerate(FORGERY_IDS):
        date, salt = fmt_z(utcnow()), make_salt()
        forged = _forgeries(acct, other, date, salt)[name]
        header = sign(acct.key, acct.secret, date=date, salt=salt, sig=forged)
        number = f"0104000{i:04d}"
        r = acct.post(NUMBERS, {"phoneNumber": number}, auth=header)
        assert_error(r, 403, "SignatureDoesNotMatch")
        assert_error(acct.get(NUMBERS, auth=header), 403, "SignatureDoesNotMatch")
        genuine = sign(acct.key, acct.secret, date=date, salt=salt)
        doc = check_doc(assert_ok(acct.post(NUMBERS, {"phoneNumber": number}, auth=genuine)), acct)
        assert find_sender(doc, number) is not None, f"{name}: genuine request after forgery"
        assert_error(acct.get(NUMBERS, auth=genuine), 403, "DuplicatedSignature")
    assert len(acct.doc()["senderIds"]) == len(FORGERY_IDS)


def test_forged_homoglyph_signature(server):
    """A signature with a non-ASCII look-alike of a hex digit ('а', U+0430) is refused, and does
    not burn the genuine one."""
    acct = server.new_account()
    date, salt = fmt_z(utcnow()), make_salt()
    genuine = signature(acct.secret, date, salt)
    forged = genuine.replace("a", "\u0430", 1) if "a" in genuine else "\u0430" + genuine[1:]
    header = sign(acct.key, acct.secret, date=date, salt=salt, sig=forged)
    r = raw_exchange(server.port, raw_request_bytes("GET", NUMBERS, headers={"Authorization": header}))
    assert r is not None and r.status == 403, r
    assert r.json["errorCode"] in ("SignatureDoesNotMatch", "InvalidAPIKey"), r
    assert_ok(acct.get(NUMBERS, auth=sign(acct.key, acct.secret, date=date, salt=salt)))


# ---------------------------------------------------------------------------------------------------
# Path traversal and odd Unicode in every path parameter

EVIL_SEGMENTS = [
    "..%2F..%2Fetc%2Fpasswd", "..%2f..%2f..%2fsenderid.db", "%2e%2e%2f%2e%2e%2fmaster.key",
    "..", "%2e%2e", ".", "..%5C..%5Cwindows%5Cwin.ini", "%00", "01012345678%00",
    "01012345678%00.pdf", "%c0%ae%c0%ae%c0%af", "%c0%af", "%e0%80%af", "%E2%80%AE01012345678",
    "%F0%9F%98%80", "%ff", "%fe%ff", "%ed%a0%80", "%EF%BC%90%EF%BC%91%EF%BC%90",
    "%D9%A0%D9%A1%D9%A0", "%0d%0aX-Injected:%20yes", "%20", "%", "%zz", "%2", "*", ";",
    "d" * 8000, "%41" * 3000,
]

RAW_SEGMENTS = [b"\xe2\x80\xae01012345678", b"\xf0\x9f\x98\x80", b"\xff\xfe", b"\xc0\xae\xc0\xae",
                "사업자등록증".encode()]


def _routes(number_seg, doc_seg, doc_id):
    """(method, path, body, extra headers) for every route with a path parameter."""
    return [
        ("PUT", f"{NUMBERS}/{number_seg}", json.dumps({"status": "INACTIVE"}), {}),
        ("DELETE", f"{NUMBERS}/{number_seg}", None, {}),
        ("PUT", f"{NUMBERS}/{number_seg}/authenticate", None, {}),
        ("PUT", f"{NUMBERS}/{number_seg}/authenticate", None,
         {"x-mfa-data": mfa_header("01012345678")}),
        ("POST", f"/senderid/v1/papers/approval/{number_seg}", json.dumps({"documents": [doc_id]}),
         {}),
        ("POST", f"/senderid/v1/papers/duplicate/{number_seg}", json.dumps({"reason": "r"}), {}),
        ("GET", f"{DOCS}/{doc_seg}", None, {}),
        ("GET", f"{DOCS}/{doc_seg}/file", None, {}),
    ]


NUMBER_ANSWERS = {(400, "InvalidSenderId"), (400, "InvalidPhoneNumber"), (400, "ValidationError"),
                  (404, "ResourceNotFound"), (431, "RequestHeaderFieldsTooLarge")}
DOC_ANSWERS = {(400, "InvalidDocumentId"), (404, "ResourceNotFound"),
               (431, "RequestHeaderFieldsTooLarge")}
FORBIDDEN_BYTES = (b"root:x:0:0", b"SQLite format 3", b"[fonts]", b"%PDF-")


def _check_evil_answer(r, method, path):
    assert r is not None, f"{method} {path[:120]}: closed without an answer"
    allowed = DOC_ANSWERS if "/documents/" in path else NUMBER_ANSWERS
    _json_error_4xx(r, allowed)
    for marker in FORBIDDEN_BYTES:
        assert marker not in r.body, f"{method} {path[:120]} answered file content"
    assert not any(k.lower() == "x-injected" for k, _ in r.headers), "header injection"


def test_evil_path_parameters(server_factory):
    srv = server_factory()
    acct = srv.new_account(limit=100)
    acct.create("01012345678")
    data = pdf_bytes(seed="evilpath")
    d = check_document(assert_ok(acct.post(DOCS, {"file": b64(data),
                                                  "category": "SENDERID_APPROVAL"})), acct)
    doc_id = d["documentId"]
    before_doc = acct.doc()
    segments = EVIL_SEGMENTS + [f"{doc_id}%2F..%2F..%2Fsenderid.db", f"{doc_id}%00",
                                f"..%2F{doc_id}", f"{doc_id}%2F..%2F{doc_id}", doc_id.lower(),
                                "01012345678%2F..%2F01012345678", "01012345678%2F"]
    for seg in segments:
        for method, path, body, extra in _routes(seg, seg, doc_id):
            t0 = time.monotonic()
            r = acct.request(method, path, raw=body, headers=extra)
            assert time.monotonic() - t0 < PROMPT * 5, f"{method} {path[:120]} was slow"
            _check_evil_answer(r, method, path)
    # The same with raw (unencoded) odd bytes in the request target.
    for seg in RAW_SEGMENTS:
        for method, path, body, extra in _routes("SEG", "SEG", doc_id):
            target = path.encode().replace(b"SEG", seg)
            conn = RawConn(srv.port, timeout=5)
            try:
                head = {"Authorization": acct.auth(), **extra}
                if body is not None:
                    head["Content-Type"] = "application/json"
                req = raw_request_bytes(method, "/PLACEHOLDER", body or b"", head)
                conn.send(req.replace(b"/PLACEHOLDER", target, 1))
                r = conn.read_response()
            finally:
                conn.close()
            _check_evil_answer(r, method, target.decode("latin-1"))
    # Nothing changed, nothing escaped, the server is healthy.
    assert acct.doc() == before_doc, "an evil path parameter changed the account"
    assert acct.get(file_path(doc_id)).body == data
    assert sorted(stored_blobs(srv)) == [d["name"]]
    healthy(srv)


# ---------------------------------------------------------------------------------------------------
# Odd names: document upload `name`, unlock `name`/`reason`, account names (CLI)

EVIL_NAMES = [
    "../../../../../../tmp/senderid-evil.pdf", "..\\..\\..\\windows\\system32\\evil.pdf",
    "/etc/cron.d/evil.pdf", "a\u0000/../../b.pdf", "\u0000", "invoice\u202egpj.pdf",
    "\U0001F600\U0001F4C4.pdf", "\u200b\u200b\u200b.pdf", "\uff45\uff56\uff49\uff4c.pdf",
    "CON.pdf", "nul", "\r\nContent-Disposition: attachment; filename=evil.exe",
    '"; filename="evil.exe', "%2e%2e%2fevil.pdf", ".", "..", "/", "\\", " ", "\t\n",
    "x" * 20000 + ".pdf", "\U0010FFFF.pdf", "\ufeffbom.pdf", "e\u0301\u0301\u0301\u0301.pdf",
]


def test_evil_upload_names_are_labels_only(server_factory, scratch_base):
    srv = server_factory()
    acct = srv.new_account()
    before = tree(scratch_base)
    stored = {}
    for i, name in enumerate(EVIL_NAMES):
        data = pdf_bytes(seed=f"evilname{i}")
        r = acct.post(DOCS, {"file": b64(data), "category": "SENDERID_APPROVAL", "name": name})
        if r.status != 200:
            _json_error_4xx(r, {(400, "ValidationError")})
            continue
        d = check_document(r.json, acct)
        assert d["originalName"] == name, f"originalName {d['originalName']!r} != {name!r}"
        assert NAME_RE.match(d["name"]), d["name"]
        got = acct.get(f"{DOCS}/{d['documentId']}")
        assert assert_ok(got)["originalName"] == name
        f = acct.get(file_path(d["documentId"]))
        assert f.status == 200 and f.body == data
        # The download names the generated file, never the client's text (no header injection).
        dispositions = [v for k, v in f.headers if k.lower() == "content-disposition"]
        assert len(dispositions) <= 1, f"several Content-Disposition headers: {dispositions}"
        for v in dispositions:
            assert v in (f'inline; filename="{d["name"]}"', f'attachment; filename="{d["name"]}"'), v
        assert not any(k.lower() == "x-injected" for k, _ in f.headers)
        stored[d["name"]] = data
    assert stored, "every odd name was refused: nothing to check"
    # Invalid UTF-8 and lone surrogates are not names: 400, nothing stored.
    for raw in (b'{"file":"%s","category":"SENDERID_APPROVAL","name":"\xc0\xae\xc0\xae/x.pdf"}',
                b'{"file":"%s","category":"SENDERID_APPROVAL","name":"\xff.pdf"}',
                b'{"file":"%s","category":"SENDERID_APPROVAL","name":"\\ud800.pdf"}',
                b'{"file":"%s","category":"SENDERID_APPROVAL","name":"\\udc00\\ud800.pdf"}'):
        body = raw % b64(pdf_bytes(seed="badutf8")).encode()
        _json_error_4xx(acct.post(DOCS, raw=body), {(400, "ValidationError")})
    # Bytes live only under <data>/documents, under generated names.
    assert stored_blobs(srv) == stored
    data_rel = os.path.relpath(srv.data_dir, scratch_base)
    new = {p for p in tree(scratch_base) - before
           if not (p.startswith(data_rel + os.sep + "documents" + os.sep)
                   or p.startswith(data_rel + os.sep) and "senderid.db" in p
                   # the spent-signature journal: 32-byte records of keyed hashes, nothing of a request
                   or p.startswith(data_rel + os.sep + "senderid-signatures.journal" + os.sep)
                   or p.endswith(".log"))}
    assert not new, f"files appeared outside <data>/documents: {sorted(new)[:5]}"
    assert not os.path.exists("/tmp/senderid-evil.pdf")
    assert not os.path.exists("/etc/cron.d/evil.pdf")
    healthy(srv)


def _verify_in(acct, number):
    """ARS verification through the outbox; the number becomes ACTIVE in `acct`."""
    path = f"{NUMBERS}/{number}/authenticate"
    r = acct.put(path, headers={"x-mfa-data": mfa_header(number)})
    assert r.status == 403 and r.json["errorCode"] == "MFARequired", r
    txn = r.json["mfa"]["transactionId"]
    code = outbox_code(acct.server.data_dir, txn)
    assert_ok(acct.put(path, headers={"x-mfa-data": mfa_header(number, txn, code)}))


UNLOCK_TEXTS = [
    "../../etc/passwd", "\u202eevil", "\U0001F600" * 50, "a\u0000b", "'; DROP TABLE accounts; --",
    "\r\n\r\nHTTP/1.1 200 OK", "<script>alert(1)</script>", "\ufffd\ufeff", "x" * 5000,
]


def test_evil_unlock_name_and_reason(server_factory):
    srv = server_factory()
    owner = srv.new_account(limit=100)
    asker = srv.new_account(limit=100)
    numbers = unique_numbers("41", len(UNLOCK_TEXTS) + 1)
    for n in numbers:
        owner.create(n)
        _verify_in(owner, n)
        entry = find_sender(asker.create(n), n)
        assert entry["status"] == "DUPLICATED", entry
    for n, text in zip(numbers, UNLOCK_TEXTS):
        r = asker.post(f"/senderid/v1/papers/duplicate/{n}", {"reason": text, "name": text})
        if r.status != 200:
            _json_error_4xx(r, {(400, "ValidationError")})
            continue
        e = find_sender(check_doc(r.json, asker), n)
        u = e["unlockDuplicate"]
        assert u["name"] == text and u["reasonForRequested"] == text, u
        assert e["log"][-1]["message"] == f"중복해제 요청을 하였습니다. 담당자명: {text}, 사유: {text}"
    # Invalid UTF-8 in a reason: 400, no request opened.
    last = numbers[-1]
    r = asker.post(f"/senderid/v1/papers/duplicate/{last}", raw=b'{"reason":"\xc0\xae\xff"}')
    _json_error_4xx(r, {(400, "ValidationError")})
    assert find_sender(asker.doc(), last)["unlockDuplicate"]["duplicateId"] is None
    healthy(srv)


ACCOUNT_NAMES = ["../../etc/passwd", "\u202eevil", "\U0001F600 \uc774\ub984", "x" * 5000,
                 "'; DROP TABLE accounts; --", "--data", "-h", "line\nbreak", "\t", "%00%2F"]


def test_evil_account_names_via_cli(server_factory):
    """Account names are labels: `accounts create --name=<odd>` either works (and the name is the
    default contact name of an unlock request, byte for byte) or fails cleanly with a one-line
    error; the server is unaffected."""
    srv = server_factory()
    owner = srv.new_account()
    number = unique_numbers("42", 1)[0]
    owner.create(number)
    _verify_in(owner, number)
    created = 0
    for name in ACCOUNT_NAMES:
        p = srv.run_cli("accounts", "create", f"--name={name}")
        if p.returncode != 0:
            err = p.stderr.strip()
            assert err and "\n" not in err, f"--name={name[:40]!r}: stderr {p.stderr!r}"
            assert p.returncode > 0, f"--name={name[:40]!r}: killed by signal {-p.returncode}"
            continue
        out = json.loads(p.stdout)
        created += 1
        from conftest import Account
        acct = Account(srv, out["accountId"], out["apiKey"], out["apiSecret"], out.get("limit"))
        assert find_sender(acct.create(number), number)["status"] == "DUPLICATED"
        r = acct.post(f"/senderid/v1/papers/duplicate/{number}", {"reason": "mine"})
        u = find_sender(check_doc(assert_ok(r), acct), number)["unlockDuplicate"]
        assert u["name"] == name, f"default contact name {u['name'][:60]!r} != {name[:60]!r}"
    assert created >= len(ACCOUNT_NAMES) // 2, f"only {created} odd account names accepted"
    healthy(srv)
