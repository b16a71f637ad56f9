"""HTTP-level behaviour: /healthz, X-Request-Id, keep-alive, pipelining, serve options and
environment, graceful shutdown on SIGTERM."""

import json
import os
import signal
import socket
import subprocess
import time

import pytest

from conftest import (ACTIVE, NUMBERS, PG_SERVER, RawConn, assert_ok, assert_request_id,
                      check_doc, find_sender, free_port, http_request, raw_exchange,
                      raw_request_bytes, server_rx_queue)


def test_healthz(server):
    r = http_request(server.port, "GET", "/healthz")
    assert r.status == 200
    assert r.json == {"status": "ok"}
    assert_request_id(r)


def test_request_id_on_every_response(server, account):
    answers = [
        http_request(server.port, "GET", "/healthz"),
        account.get(NUMBERS),
        account.get(ACTIVE),
        account.post(NUMBERS, {"phoneNumber": "12"}),                     # 400
        account.get(NUMBERS, auth=False),                                 # 403
        http_request(server.port, "GET", "/nope"),                        # 404
        http_request(server.port, "DELETE", ACTIVE),                      # 405
        account.put(f"{NUMBERS}/01099990000", {"status": "INACTIVE"}),    # 400
    ]
    ids = [assert_request_id(r) for r in answers]
    assert len(set(ids)) == len(ids), f"request ids are not unique: {ids}"


def test_keep_alive_serves_several_requests(server, account):
    conn = RawConn(server.port)
    try:
        for i in range(3):
            conn.send(raw_request_bytes("GET", NUMBERS, headers={"Authorization": account.auth()}))
            r = conn.read_response()
            assert r is not None, f"connection closed before answer {i}"
            check_doc(assert_ok(r), account)
    finally:
        conn.close()


def test_pipelined_requests_answered_in_order(server, account):
    reqs = (raw_request_bytes("GET", "/healthz")
            + raw_request_bytes("GET", "/nope")
            + raw_request_bytes("GET", NUMBERS, headers={"Authorization": account.auth()}))
    conn = RawConn(server.port)
    try:
        conn.send(reqs)
        statuses = []
        for _ in range(3):
            r = conn.read_response()
            assert r is not None, f"closed after {statuses}"
            statuses.append(r.status)
    finally:
        conn.close()
    assert statuses == [200, 404, 200]


# ---------------------------------------------------------------------------------------------------
# serve options

def test_serve_from_environment(binary, scratch):
    port = free_port()
    data = scratch / "envdata"
    # No --listen/--data: both come from the environment.
    log = open(scratch / "env.log", "wb")
    proc = subprocess.Popen([binary, "serve"], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            env={**srv_env(), "SENDERID_LISTEN": f"127.0.0.1:{port}",
                                 "SENDERID_DATA": str(data)})
    try:
        _wait_health(proc, port, scratch / "env.log")
        assert (data / "senderid.db").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        log.close()


def test_listen_flag_wins_over_environment(server_factory):
    other = free_port()
    srv = server_factory(start=False, env={"SENDERID_LISTEN": f"127.0.0.1:{other}"})
    srv.start()                                 # passes --listen with its own port
    assert srv.port != other
    assert http_request(srv.port, "GET", "/healthz").status == 200
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", other), timeout=2).close()


def test_port_in_use_fails(binary, scratch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        p = subprocess.run([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data",
                            str(scratch / "d")], capture_output=True, text=True, timeout=10,
                           env=srv_env())
    assert p.returncode != 0
    assert p.stderr.strip()


@pytest.mark.parametrize("flag,value", [("--pending-lifetime", "soon"),
                                        ("--sweep-interval", "-5s"),
                                        ("--listen", "not-an-address")])
def test_bad_serve_option_fails(binary, scratch, flag, value):
    args = [binary, "serve", "--data", str(scratch / "d")]
    if flag != "--listen":
        args += ["--listen", f"127.0.0.1:{free_port()}"]
    p = subprocess.run(args + [flag, value], capture_output=True, text=True, timeout=10,
                       env=srv_env())
    assert p.returncode != 0
    assert p.stderr.strip()


def srv_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("SENDERID_")}


def _wait_health(proc, port, log_path, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serve exited {proc.returncode}: {open(log_path).read()[-2000:]}")
        try:
            r = http_request(port, "GET", "/healthz", timeout=1)
            if r.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail("serve did not become ready")


# ---------------------------------------------------------------------------------------------------
# Graceful shutdown (SPEC §10)

def test_sigterm_drains_and_exits_zero(server_factory):
    srv = server_factory()
    acct = srv.new_account()

    # An idle keep-alive connection (one request answered).
    idle = RawConn(srv.port)
    idle.send(raw_request_bytes("GET", "/healthz"))
    assert idle.read_response().status == 200

    # A request whose headers (and half its body) the server has received.
    body = json.dumps({"phoneNumber": "01012345678"}).encode()
    busy = RawConn(srv.port)
    head = raw_request_bytes("POST", NUMBERS, body, {"Authorization": acct.auth(),
                                                      "Content-Type": "application/json"})
    first, rest = head[:-10], head[-10:]
    busy.send(first)
    client_port = busy.sock.getsockname()[1]
    deadline = time.monotonic() + 5
    while server_rx_queue(srv.port, client_port) != 0:
        assert time.monotonic() < deadline, "server never read the request headers"
        time.sleep(0.01)

    t0 = time.monotonic()
    srv.signal(signal.SIGTERM)
    busy.send(rest)
    r = busy.read_response()
    assert r is not None, "in-flight request was dropped on SIGTERM"
    doc = check_doc(assert_ok(r), acct)
    assert find_sender(doc, "01012345678") is not None

    # The idle connection is closed by the server.
    idle.sock.settimeout(5)
    assert idle.read_until_eof() == b"", "idle connection got unexpected bytes"
    idle.close()
    busy.close()

    try:
        code = srv.proc.wait(timeout=max(0.1, 5 - (time.monotonic() - t0)))
    except subprocess.TimeoutExpired:
        pytest.fail("server did not exit within 5 s of SIGTERM")
    assert code == 0, f"exit code {code} after SIGTERM"

    # The drained request's effect is durable.
    srv.start()
    assert [s["phoneNumber"] for s in acct.doc()["senderIds"]] == ["01012345678"]


def test_sigterm_idle_server_exits_quickly(server_factory):
    srv = server_factory()
    t0 = time.monotonic()
    srv.signal(signal.SIGTERM)
    code = srv.proc.wait(timeout=5)
    assert code == 0
    assert time.monotonic() - t0 < 5
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()


def test_sigterm_with_keepalive_request_just_before(server_factory):
    """A request sent on a keep-alive connection right before SIGTERM is answered (or, if the
    server had not yet read it, the connection is closed cleanly without a partial answer)."""
    srv = server_factory()
    acct = srv.new_account()
    conn = RawConn(srv.port)
    conn.send(raw_request_bytes("GET", "/healthz"))
    assert conn.read_response().status == 200
    conn.send(raw_request_bytes("GET", NUMBERS, headers={"Authorization": acct.auth()}))
    srv.signal(signal.SIGTERM)
    r = conn.read_response()
    if r is not None:
        check_doc(assert_ok(r), acct)
    conn.close()
    assert srv.proc.wait(timeout=5) == 0


def test_http_1_0_request(server):
    conn = RawConn(server.port)
    try:
        conn.send(b"GET /healthz HTTP/1.0\r\n\r\n")
        r = conn.read_response()
    finally:
        conn.close()
    assert r is not None and r.status == 200
    assert r.json == {"status": "ok"}


def test_keep_alive_survives_error_answers(server, account):
    conn = RawConn(server.port)
    try:
        sequence = [
            (raw_request_bytes("POST", NUMBERS, b'{"phoneNumber":', {
                "Authorization": account.auth(), "Content-Type": "application/json"}), 400),
            (raw_request_bytes("GET", "/nope"), 404),
            (raw_request_bytes("DELETE", ACTIVE), 405),
            (raw_request_bytes("GET", NUMBERS), 403),
            (raw_request_bytes("GET", NUMBERS, headers={"Authorization": account.auth()}), 200),
        ]
        for data, status in sequence:
            conn.send(data)
            r = conn.read_response()
            assert r is not None, f"connection closed before the {status} answer"
            assert r.status == status, r
    finally:
        conn.close()


def test_many_idle_connections_do_not_block_service(server, account):
    idle = []
    try:
        for _ in range(200):
            idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        for _ in range(3):
            check_doc(assert_ok(account.get(NUMBERS)), account)
    finally:
        for s in idle:
            s.close()


@pytest.mark.parametrize("name", ["authorization", "AUTHORIZATION", "AuThOrIzAtIoN"])
def test_authorization_header_name_case(server, account, name):
    r = raw_exchange(server.port, raw_request_bytes("GET", NUMBERS, headers={name: account.auth()}))
    check_doc(assert_ok(r), account)


def test_threads_carry_the_name_of_their_job(server, account):
    """top -H, ps -L and perf --sort comm tell the server's threads apart (README, Operating)."""
    assert_ok(account.get(NUMBERS))  # a worker-pool thread names itself with the first work it runs
    names = set()
    for task in os.listdir(f"/proc/{server.proc.pid}/task"):
        try:
            with open(f"/proc/{server.proc.pid}/task/{task}/comm") as f:
                names.add(f.read().strip())
        except FileNotFoundError:  # a thread that ended meanwhile
            pass
    store = ("pg-ledger",) if PG_SERVER else ("sqlite-writer", "sig-journal")
    for expected in store + ("sweeper", "http-io", "http-worker", "webhook-disp", "webhook-send"):
        assert expected in names, (expected, sorted(names))
