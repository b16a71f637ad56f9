"""Issue 11, "also": request bodies are buffered before authentication (up to ~1 MiB on upload), so the
memory that bodies may hold in total across all connections is bounded: `--max-body-memory BYTES`
(env SENDERID_MAX_BODY_MEMORY, default 64 MiB). A request whose declared body would exceed what is
left is answered at once 503 ServiceUnavailable with Retry-After (JSON error body) — without
authentication, without waiting for its body — while the requests within the budget keep waiting for
theirs; once those connections are gone, uploads are accepted again.

Probe: budget 3,000,000 bytes; four raw connections POST /senderid/v1/documents with
`Content-Length: 1000000`, each sending its headers and a few body bytes (no credentials)."""

import re
import select

import pytest

from abuse_support import wait_server_consumed
from conftest import RawConn, assert_error, wait_until
from documents_support import DOCS, b64, png_bytes

BUDGET = 3_000_000
DECLARED = 1_000_000
HEAD = (f"POST {DOCS} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {DECLARED}\r\n\r\n").encode() + b'{"file":"iVBOR'


def has_answer(conn):
    """True when the server has sent something (or closed) on `conn` — without waiting."""
    if conn.buf:
        return True
    readable, _, _ = select.select([conn.sock], [], [], 0)
    return bool(readable)


@pytest.mark.parametrize("how", ["flag", "env"])
def test_unauthenticated_bodies_share_a_memory_budget(server_factory, how):
    if how == "flag":
        srv = server_factory(args=["--max-body-memory", str(BUDGET)])
    else:
        srv = server_factory(env={"SENDERID_MAX_BODY_MEMORY": str(BUDGET)})
    acct = srv.new_account()
    held = []
    try:
        for _ in range(BUDGET // DECLARED):
            c = RawConn(srv.port, timeout=3.0)
            held.append(c)
            c.send(HEAD)
            wait_server_consumed(srv.port, c.sock)
        assert not any(has_answer(c) for c in held), "a request within the budget was answered"

        over = RawConn(srv.port, timeout=3.0)
        try:
            over.send(HEAD, ignore_errors=True)
            try:
                r = over.read_response()
            except OSError as e:
                pytest.fail(f"the request beyond the body-memory budget was not answered at once "
                            f"({e!r})")
        finally:
            over.close()
        assert r is not None, "the request beyond the budget was closed without an answer"
        assert_error(r, 503, "ServiceUnavailable")
        value = r.header("Retry-After")
        assert value is not None and re.fullmatch(r"\d+", value.strip()) and int(value) >= 1, \
            f"Retry-After {value!r}"
        # The requests within the budget are still waiting for their bodies.
        assert not any(has_answer(c) for c in held), \
            "requests within the budget were answered or closed when the budget ran out"
    finally:
        for c in held:
            c.close()

    # Their memory is released: a normal upload is accepted again.
    def upload_ok():
        r = acct.post(DOCS, {"file": b64(png_bytes(seed=b"after")), "category": "SENDERID_APPROVAL"})
        if r.status == 503:
            return None
        return r

    r = wait_until(upload_ok, 5.0, "an upload after the held connections closed")
    assert r.status == 200, f"upload after the budget was released: {r!r}"
