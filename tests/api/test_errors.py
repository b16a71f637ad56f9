"""Bad input (SPEC §1, §9 and the lead's decisions): malformed JSON, wrong types, unknown fields,
huge bodies and headers, unknown routes and methods, malformed HTTP — each gets its error, never a
5xx or a hang."""


import json

import pytest

from conftest import (ACTIVE, NUMBERS, assert_error, assert_ok, check_doc, http_request,
                      raw_exchange, raw_request_bytes)

LIMIT = 64 * 1024


def _alive(server):
    r = server.request("GET", "/healthz")
    assert r.status == 200 and r.json == {"status": "ok"}, f"server unhealthy after: {r!r}"


# ---------------------------------------------------------------------------------------------------
# Malformed JSON, non-object bodies, wrong types, unknown fields

@pytest.mark.parametrize("raw", [
    b'{"phoneNumber":',
    b'{phoneNumber: "01012345678"}',
    b"{'phoneNumber': '01012345678'}",
    b'{"phoneNumber":"01012345678",}',
    b'{"phoneNumber":"01012345678"} trailing',
    b'{"phoneNumber":"01012345678"}{}',
    b'{"phoneNumber": NaN}',
    b'{"phoneNumber":"\xff\xfe"}',
    b'{"phoneNumber":"0101234\x005678"}',
    b"\x00\x01\x02",
    b"   ",
], ids=["truncated", "bare-key", "single-quotes", "trailing-comma", "trailing-text",
        "two-values", "nan", "bad-utf8", "raw-nul", "binary", "whitespace"])
def test_post_malformed_json(account, raw):
    r = account.post(NUMBERS, raw=raw)
    assert_error(r, 400, "ValidationError")
    assert account.doc()["senderIds"] == []


@pytest.mark.parametrize("raw", [b"[]", b'["01012345678"]', b'"01012345678"', b"1", b"null",
                                 b"true"])
def test_post_non_object_body(account, raw):
    r = account.post(NUMBERS, raw=raw)
    assert_error(r, 400, "ValidationError")
    assert account.doc()["senderIds"] == []


@pytest.mark.parametrize("raw", [b'{"status":', b"[]", b'"INACTIVE"', b"null"])
def test_put_malformed_or_non_object(account, raw):
    account.create("01012345678")
    r = account.put(f"{NUMBERS}/01012345678", raw=raw)
    assert_error(r, 400, "ValidationError")


@pytest.mark.parametrize("raw", [b'{"x":', b"[]", b'{"unexpected": 1}'])
def test_delete_malformed_or_unknown_field(account, raw):
    account.create("01012345678")
    r = account.delete(f"{NUMBERS}/01012345678", raw=raw)
    assert_error(r, 400, "ValidationError")
    assert len(account.doc()["senderIds"]) == 1, "a refused delete deletes nothing"


def test_post_empty_body(account):
    r = account.post(NUMBERS, raw=b"")
    assert_error(r, 400, "ValidationError", names="phoneNumber")


def test_unknown_field_named(account):
    r = account.post(NUMBERS, {"phoneNumber": "01012345678", "zzUnexpectedField": 1})
    assert_error(r, 400, "ValidationError", names="zzUnexpectedField")
    assert account.doc()["senderIds"] == []


def test_many_unknown_fields(account):
    body = {"phoneNumber": "01012345678"}
    body.update({f"f{i}": i for i in range(3000)})
    r = account.post(NUMBERS, body)
    assert_error(r, 400, "ValidationError")


def test_wrong_type_named(account):
    r = account.post(NUMBERS, {"phoneNumber": 1012345678})
    assert_error(r, 400, "ValidationError", names="phoneNumber")


def test_deeply_nested_json(server, account):
    depth = 30000
    raw = ('{"phoneNumber":"01012345678","x":' + "[" * depth + "]" * depth + "}").encode()
    assert len(raw) < LIMIT
    r = account.post(NUMBERS, raw=raw)
    assert_error(r, 400, "ValidationError")
    raw = ("[" * depth + "]" * depth).encode()
    assert_error(account.post(NUMBERS, raw=raw), 400, "ValidationError")
    raw = ('{"a":' * 10000 + "1" + "}" * 10000).encode()
    assert_error(account.post(NUMBERS, raw=raw), 400, "ValidationError")
    _alive(server)


def test_huge_phone_number_string(account):
    # SPEC §4 "Bounds": a string field over 1,000 bytes is a ValidationError naming the field.
    r = account.post(NUMBERS, {"phoneNumber": "0" * 50000})
    assert_error(r, 400, "ValidationError", names="phoneNumber")


def test_duplicate_keys_never_5xx(account):
    r = account.post(NUMBERS, raw=b'{"phoneNumber":"01012345678","phoneNumber":"021234567"}')
    assert r.status in (200, 400), r
    if r.status == 400:
        assert_error(r, 400, "ValidationError")


# ---------------------------------------------------------------------------------------------------
# Body size (64 KiB everywhere but document upload)

def test_body_just_under_limit_accepted(account):
    raw = b'{"phoneNumber":"01012345678"}' + b" " * 60000
    doc = check_doc(assert_ok(account.post(NUMBERS, raw=raw)), account)
    assert [s["phoneNumber"] for s in doc["senderIds"]] == ["01012345678"]


def test_body_limit_boundary(server, account):
    """64 KiB = 65,536 bytes is accepted; one byte more is 413."""
    payload = b'{"phoneNumber":"01012345678"}'
    exact = payload + b" " * (LIMIT - len(payload))
    assert len(exact) == LIMIT
    headers = {"Authorization": account.auth(), "Content-Type": "application/json"}
    r = raw_exchange(server.port, raw_request_bytes("POST", NUMBERS, exact, headers), ignore_errors=True)
    assert r is not None
    check_doc(assert_ok(r), account)
    assert_ok(account.delete(f"{NUMBERS}/01012345678"))
    headers = {"Authorization": account.auth(), "Content-Type": "application/json"}
    r = raw_exchange(server.port, raw_request_bytes("POST", NUMBERS, exact + b" ", headers),
                     ignore_errors=True)
    assert r is not None, "connection closed without an answer"
    assert_error(r, 413, "PayloadTooLarge")
    assert account.doc()["senderIds"] == []


@pytest.mark.parametrize("method,path", [("POST", NUMBERS), ("PUT", f"{NUMBERS}/01012345678"),
                                         ("DELETE", f"{NUMBERS}/01012345678")])
def test_body_over_limit(server, account, method, path):
    raw = b'{"phoneNumber":"01012345678"}' + b" " * (LIMIT + 1)
    r = raw_exchange(server.port, raw_request_bytes(method, path, raw, {
        "Authorization": account.auth(), "Content-Type": "application/json"}), ignore_errors=True)
    assert r is not None, "connection closed without an answer"
    assert_error(r, 413, "PayloadTooLarge")
    assert account.doc()["senderIds"] == []
    _alive(server)


def test_declared_huge_body_answered_without_reading(server, account):
    """Content-Length of 50 MB, body never sent: 413 must come back without waiting for it."""
    r = raw_exchange(server.port, raw_request_bytes("POST", NUMBERS, b"", {
        "Authorization": account.auth(), "Content-Type": "application/json",
        "Content-Length": str(50 * 1024 * 1024)}), timeout=5)
    assert r is not None, "connection closed without an answer"
    assert_error(r, 413, "PayloadTooLarge")
    _alive(server)


def test_chunked_body_over_limit(server, account):
    chunk = b" " * 8192
    body = b""
    body += b"%x\r\n%s\r\n" % (len(b'{"phoneNumber":"01012345678"}'), b'{"phoneNumber":"01012345678"}')
    for _ in range(10):   # 80 KiB of whitespace
        body += b"%x\r\n%s\r\n" % (len(chunk), chunk)
    body += b"0\r\n\r\n"
    head = (f"POST {NUMBERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: {account.auth()}\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    r = raw_exchange(server.port, head + body, ignore_errors=True)
    assert r is not None, "connection closed without an answer"
    assert_error(r, 413, "PayloadTooLarge")
    assert account.doc()["senderIds"] == []
    _alive(server)


def test_chunked_body_under_limit_accepted(server, account):
    payload = b'{"phoneNumber":"01012345678"}'
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
    head = (f"POST {NUMBERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: {account.auth()}\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    r = raw_exchange(server.port, head + body)
    doc = check_doc(assert_ok(r), account)
    assert [s["phoneNumber"] for s in doc["senderIds"]] == ["01012345678"]


# ---------------------------------------------------------------------------------------------------
# Header size

def test_huge_header_431(server, account):
    r = account.get(NUMBERS, headers={"X-Padding": "a" * 40000})
    assert_error(r, 431, "RequestHeaderFieldsTooLarge")
    _alive(server)


def test_header_under_limit_accepted(account):
    r = account.get(NUMBERS, headers={"X-Padding": "a" * 8000})
    check_doc(assert_ok(r), account)


def test_many_headers_431(server):
    headers = {f"X-H{i}": "v" * 100 for i in range(400)}
    r = http_request(server.port, "GET", "/healthz", headers=headers)
    assert_error(r, 431, "RequestHeaderFieldsTooLarge")


# ---------------------------------------------------------------------------------------------------
# Unknown routes and methods (answered without authentication)

@pytest.mark.parametrize("method,path", [
    ("GET", "/"),
    ("GET", "/senderid"),
    ("GET", "/senderid/v1"),
    ("GET", "/senderid/v1/"),
    ("GET", "/senderid/v1/nothing"),
    ("GET", "/senderid/v2/numbers"),
    ("GET", "/senderid/v1/numbers/01012345678/extra/more"),
    ("GET", "/senderid/v1/numbers/active/extra"),
    ("POST", "/senderid/v1/numberz"),
    ("GET", "/messages/v4/send"),
    ("GET", "/healthz/extra"),
    ("GET", "/senderid/v1/numbers/%2e%2e/%2e%2e/healthz"),
    ("GET", "/senderid/v1/nothing?x=1"),
])
def test_unknown_route(server, method, path):
    r = http_request(server.port, method, path)
    assert_error(r, 404, "ResourceNotFound")


@pytest.mark.parametrize("method,path", [
    ("DELETE", NUMBERS),
    ("PUT", NUMBERS),
    ("PATCH", NUMBERS),
    ("PUT", ACTIVE),
    ("DELETE", ACTIVE),
    ("POST", ACTIVE),
    ("GET", f"{NUMBERS}/01012345678"),
    ("POST", f"{NUMBERS}/01012345678"),
    ("PATCH", f"{NUMBERS}/01012345678"),
    ("PUT", f"{ACTIVE}?x=1"),
    ("POST", "/healthz"),
    ("OPTIONS", NUMBERS),
])
def test_wrong_method(server, method, path):
    r = http_request(server.port, method, path, body=b"{}" if method != "GET" else None)
    assert_error(r, 405, "MethodNotAllowed")


def test_active_is_reserved_not_a_number(account):
    """PUT/DELETE /numbers/active are 405 even with valid auth — 'active' is never a number."""
    assert_error(account.put(ACTIVE, {"status": "INACTIVE"}), 405, "MethodNotAllowed")
    assert_error(account.delete(ACTIVE), 405, "MethodNotAllowed")


# ---------------------------------------------------------------------------------------------------
# Malformed HTTP: a 4xx (or a closed connection), never a 5xx, never a hang

@pytest.mark.parametrize("data", [
    b"GARBAGE\r\n\r\n",
    b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
    b"POST /senderid/v1/numbers HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"POST /senderid/v1/numbers HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST /senderid/v1/numbers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
], ids=["garbage", "bad-version", "bad-header", "bad-content-length", "cl-and-te", "bad-chunk"])
def test_malformed_http(server, data):
    r = raw_exchange(server.port, data, timeout=10, ignore_errors=True)
    if r is not None:
        assert 400 <= r.status < 500, r
    _alive(server)


# ---------------------------------------------------------------------------------------------------
# A seeded random pass: whatever arrives, the answer is a well-formed JSON 200 or 4xx, never a 5xx

def _random_value(rng, depth=0):
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 2 ** 53, 1e308, -0.0, 1012345678])
    if kind == 3:
        return "".join(rng.choice("0123456789-() ") for _ in range(rng.randrange(0, 16)))
    if kind == 4:
        return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(0, 12)))
    if kind == 5:
        return rng.choice(["ACTIVE", "INACTIVE", "PENDING", "", "active", "ACTIVE ", "\u0000"])
    if kind == 6:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
    if kind == 7:
        return {rng.choice(["phoneNumber", "status", "documents", "x"]): _random_value(rng, depth + 1)}
    return {"phoneNumber": _random_value(rng, depth + 1)}


def test_random_requests_never_5xx(server, new_account):
    import random
    from urllib.parse import quote
    rng = random.Random(20260226)
    acct = new_account(limit=1000)
    acct.create("01012345678")
    for i in range(200):
        method = rng.choice(["POST", "PUT", "DELETE", "GET"])
        if method == "POST" or (method == "GET" and rng.random() < 0.5):
            path = NUMBERS
        else:
            seg = rng.choice(["01012345678", "active", "..", "%00", "%2F", "0" * 300,
                              quote("".join(chr(rng.randrange(32, 0x3000)) for _ in range(8)))])
            path = f"{NUMBERS}/{seg}"
        if method == "GET" and rng.random() < 0.5:
            path += "?" + rng.choice(["limit=", "limit=99999999999999999999", "startKey=%00",
                                      "status=&status=ACTIVE", "phoneNumber=" + "9" * 100, "&&=",
                                      "startKey=SED", "limit=1&limit=2"])
        if rng.random() < 0.2:
            raw = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
        else:
            body = {}
            for _ in range(rng.randrange(0, 3)):
                body[rng.choice(["phoneNumber", "status", "documents", "limit"])] = \
                    _random_value(rng)
            if rng.random() < 0.3:
                body = _random_value(rng)
            raw = json.dumps(body).encode()
        r = acct.request(method, path, raw=raw if method != "GET" else None)
        assert r.status < 500, f"request {i}: {method} {path} {raw[:80]!r} -> {r!r}"
        if r.status != 200:
            body = r.json
            assert isinstance(body, dict) and set(body) == {"errorCode", "errorMessage"}, \
                f"request {i}: {method} {path} {raw[:80]!r} -> {r!r}"
        assert_request_id_present(r)
    _alive(server)


def assert_request_id_present(r):
    assert r.header("X-Request-Id"), r
