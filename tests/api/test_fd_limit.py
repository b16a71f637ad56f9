"""Issue 11, item 3: the connection cap must sit below the descriptor limit.

The probe of the issue: the server runs under `prlimit --nofile=128:128`; 200 idle keep-alive
connections (each sent one GET /healthz, its answer read when it comes, the socket kept open) must not
exhaust its descriptors: a new connection's GET /healthz is still answered 200 within 5 s, a document
upload by an account still answers 200, and "accept failed" is logged at most a few times (≤ 5)
over the whole run (rate-limited). The server may shed idle connections to make room.
"""

import select
import shutil
import socket
import time

import pytest

from conftest import RawConn, http_request
from documents_support import DOCS, b64, png_bytes

IDLE = 200
NOFILE = 128
ANSWER_BOUND = 5.0
UPLOAD_BOUND = 8.0
MAX_ACCEPT_FAILED_LINES = 5

HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def open_idle_connections(port, n, deadline_s):
    """Opens `n` keep-alive connections, each sending one GET /healthz; reads the answers that come
    within `deadline_s` (all connections are polled together). Returns (sockets, answered count)."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=2.0)
        s.sendall(HEALTHZ)
        s.setblocking(False)
        socks.append(s)
    pending = {s: b"" for s in socks}
    answered = 0
    deadline = time.monotonic() + deadline_s
    while pending and time.monotonic() < deadline:
        ready, _, _ = select.select(list(pending), [], [], 0.1)
        for s in ready:
            try:
                chunk = s.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                chunk = b""
            if not chunk:                      # closed by the server (shed): no answer
                del pending[s]
                continue
            pending[s] += chunk
            if b"\r\n\r\n" in pending[s] and b'{"status":"ok"}' in pending[s]:
                answered += 1
                del pending[s]
    return socks, answered


def test_idle_connections_cannot_exhaust_descriptors(server_factory):
    if shutil.which("prlimit") is None:
        pytest.skip("prlimit (util-linux) not installed")
    srv = server_factory(prefix=["prlimit", f"--nofile={NOFILE}:{NOFILE}"])
    acct = srv.new_account()
    socks = []
    try:
        socks, answered = open_idle_connections(srv.port, IDLE, deadline_s=5.0)
        assert answered > 0, "no idle connection was answered at all: the server did not serve"

        problems = []
        # A new connection is still served, quickly.
        t0 = time.monotonic()
        conn = RawConn(srv.port, timeout=ANSWER_BOUND)
        try:
            conn.send(HEALTHZ)
            r = conn.read_response()
            elapsed = time.monotonic() - t0
            if r is None or r.status != 200:
                problems.append(f"GET /healthz on a new connection: {r!r}")
            elif elapsed > ANSWER_BOUND:
                problems.append(f"GET /healthz on a new connection took {elapsed:.1f}s")
        except OSError as e:
            problems.append(f"GET /healthz on a new connection not answered within {ANSWER_BOUND}s "
                            f"({e!r}); {answered} of {IDLE} idle connections had been answered")
        finally:
            conn.close()
        # An upload (a file and a database write) still works.
        try:
            r = acct.post(DOCS, {"file": b64(png_bytes(seed=b"fd-limit")),
                                 "category": "SENDERID_APPROVAL", "name": "fd.png"},
                          timeout=UPLOAD_BOUND)
            if r.status != 200:
                problems.append(f"upload under {IDLE} idle connections: {r!r}")
        except OSError as e:
            problems.append(f"upload under {IDLE} idle connections: no answer ({e!r})")
        assert srv.proc.poll() is None, "the server died"
    finally:
        for s in socks:
            s.close()
    # Once the idle connections are gone, everything is normal again.
    r = http_request(srv.port, "GET", "/healthz", timeout=ANSWER_BOUND)
    assert r.status == 200
    log = srv.log_text()
    accept_failed = [l for l in log.splitlines() if "accept failed" in l]
    if len(accept_failed) > MAX_ACCEPT_FAILED_LINES:
        problems.append(f"{len(accept_failed)} 'accept failed' lines in the log (at most "
                        f"{MAX_ACCEPT_FAILED_LINES}): {accept_failed[:2]}")
    assert not problems, "\n".join(problems)
