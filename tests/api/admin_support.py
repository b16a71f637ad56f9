"""Helpers for the operators' API and console tests (SPEC §13): a server with `--admin-listen`,
operators made with the real CLI, and a client that keeps the session cookie and CSRF token the
way a browser does."""

import http.client
import json
import os
import subprocess

import pytest

import openapi_check
from conftest import BINARY, REQUEST_TIMEOUT, Resp, free_port, pg_store_args

ADMIN = "/admin/v1"
PASSWORD = "correct horse battery staple"
CONSOLE_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


def start_admin_server(server_factory, extra=()):
    """A server with its admin listener on a free port (`.admin_port`, `.admin_host`)."""
    port = free_port()
    s = server_factory(args=["--admin-listen", f"127.0.0.1:{port}", *extra])
    s.admin_port = port
    s.admin_host = f"127.0.0.1:{port}"
    return s


def make_operator(server, name, role="reviewer", password=PASSWORD, operator="root"):
    """`senderid operators create` with the password on stdin (on the server's store, also in
    PostgreSQL mode); returns the printed JSON."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENDERID_")}
    args = [BINARY, "operators", "create", "--data", server.data_dir, "--operator", operator,
            "--name", name, "--role", role, *pg_store_args(server.data_dir)]
    p = subprocess.run(args + (["--password-stdin"] if password else []), input=(password or "") + "\n",
                       capture_output=True, text=True, timeout=60, env=env)
    assert p.returncode == 0, f"operators create failed: {p.stderr}"
    return json.loads(p.stdout)


def admin_raw(server, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT):
    """One request to the admin listener; `body` is bytes/str/None, headers as given (http.client
    adds Host: 127.0.0.1:PORT unless one is given). Every answer is checked against
    docs/openapi/admin.json (openapi_check.check_admin; a mismatch fails the test)."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    conn = http.client.HTTPConnection("127.0.0.1", server.admin_port, timeout=timeout)
    try:
        hdrs = dict(headers or {})
        skip_host = any(k.lower() == "host" for k in hdrs)
        conn.putrequest(method, path, skip_host=skip_host, skip_accept_encoding=True)
        for k, v in hdrs.items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        resp = Resp(r.status, list(r.getheaders()), r.read())
        openapi_check.check_admin(method, path, resp.status, resp.headers, resp.body)
        return resp
    finally:
        conn.close()


class AdminClient:
    """An operator's browser, as far as the API can tell: the session cookie and the CSRF token."""

    def __init__(self, server):
        self.server = server
        self.cookie = None
        self.csrf = None
        self.bearer = None
        self.last_login = None

    def login(self, name, password=PASSWORD):
        r = self.request("POST", "/session", {"name": name, "password": password}, csrf=False)
        self.last_login = r
        if r.status == 200:
            set_cookie = r.header("Set-Cookie")
            self.cookie = set_cookie.split(";", 1)[0]
            self.csrf = r.json["csrfToken"]
        return r

    def request(self, method, path, body=None, csrf=True, headers=None, raw=None,
                content_type="application/json"):
        hdrs = {}
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False)
        if data is not None and content_type:
            hdrs["Content-Type"] = content_type
        if self.cookie:
            hdrs["Cookie"] = self.cookie
        if self.bearer:
            hdrs["Authorization"] = "Bearer " + self.bearer
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            hdrs["X-CSRF-Token"] = self.csrf
        hdrs.update(headers or {})
        return admin_raw(self.server, method, ADMIN + path if path.startswith("/") else path, data, hdrs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, body=None, **kw):
        return self.request("DELETE", path, body, **kw)


def signed_in(server, name, role="reviewer"):
    make_operator(server, name, role)
    c = AdminClient(server)
    r = c.login(name)
    assert r.status == 200, r
    return c


def assert_console_headers(resp):
    csp = resp.header("Content-Security-Policy") or ""
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp, csp
    assert "script-src 'self'" in csp, csp
    assert resp.header("X-Content-Type-Options") == "nosniff"
    assert resp.header("Referrer-Policy") == "no-referrer"


def audit(client, **query):
    q = "&".join(f"{k}={v}" for k, v in query.items())
    r = client.get("/audit" + ("?" + q if q else ""))
    assert r.status == 200, r
    return r.json["data"]


@pytest.fixture(scope="module")
def admin_server(binary, scratch_base):
    """One server with an admin listener for a module; tests use fresh operators and accounts."""
    from conftest import Server, _mkdir
    port = free_port()
    s = Server(_mkdir(scratch_base, "adm-") / "data", args=["--admin-listen", f"127.0.0.1:{port}"])
    s.admin_port = port
    s.admin_host = f"127.0.0.1:{port}"
    s.start()
    yield s
    s.stop(timeout=5)
    s.kill()
