"""The operators' API (SPEC §13) over real HTTP against the real binary: sign-in, sessions,
CSRF, roles, bearer tokens, every /admin/v1 endpoint with its errors and order of checks, claims,
decisions seen by customers, the audit of admin and CLI changes, document headers, Host and
Origin checks, and /admin absent from the customer listener."""

import time

import pytest

from admin_support import (ADMIN, PASSWORD, AdminClient, admin_raw, admin_server, assert_console_headers,
                           audit, make_operator, signed_in, start_admin_server)
from conftest import NUMBERS, assert_error, assert_ok, find_sender, unique_number
from documents_support import (make_active, pdf_bytes, png_bytes, request_limit, request_unlock,
                               submit_evidence, upload, upload_kind)

assert admin_server  # a fixture, imported for the tests below

REVIEW_KEYS = {"id", "kind", "status", "accountId", "accountName", "documents", "reason", "reasonCode",
               "decidedBy", "dateDecided", "claimedBy", "claimedUntil", "entry", "otherHolders",
               "dateCreated", "dateUpdated"}
_names = iter(range(10 ** 6))


@pytest.fixture
def account(admin_server):
    """A fresh account on the module's server (this module's, with its admin listener)."""
    return admin_server.new_account()


@pytest.fixture
def new_account(admin_server):
    def make(limit=None, name=None):
        return admin_server.new_account(name=name, limit=limit)
    return make


def fresh(prefix="op"):
    return f"{prefix}{next(_names)}.{time.monotonic_ns() % 100000}"


def evidence(acct, kinds=("png",)):
    """A PENDING number with an evidence request of fresh documents; (number, approval id, docs)."""
    number = unique_number()
    acct.create(number)
    docs = [upload_kind(acct, k)[0] for k in kinds]
    doc = assert_ok(submit_evidence(acct, number, [d["documentId"] for d in docs]))
    return number, find_sender(doc, number)["approvalDocuments"][-1]["approvalId"], docs


# --- sign-in and sessions -----------------------------------------------------------------------

def test_sign_in_answer_and_cookie(admin_server):
    make_operator(admin_server, "kim.signin", "admin")
    c = AdminClient(admin_server)
    r = c.login("kim.signin")
    body = assert_ok(r)
    assert set(body) == {"operator", "csrfToken"}
    assert body["operator"] == {"name": "kim.signin", "role": "admin"}
    assert len(body["csrfToken"]) >= 32
    cookie = r.header("Set-Cookie")
    value, *attrs = [p.strip() for p in cookie.split(";")]
    name, token = value.split("=", 1)
    assert name == "senderid_admin" and len(token) >= 64, cookie  # ≥ 32 random bytes, hex
    assert set(attrs) == {"HttpOnly", "SameSite=Strict", "Path=/admin"}, cookie
    assert_console_headers(r)
    again = assert_ok(c.get("/session"))
    assert again == body, "a reloaded page gets the same operator and token back"
    # Another sign-in is another session with another token.
    d = AdminClient(admin_server)
    assert d.login("kim.signin").status == 200
    assert d.cookie != c.cookie and d.csrf != c.csrf


def test_secure_cookie_flag(server_factory):
    s = start_admin_server(server_factory, ["--admin-secure-cookies"])
    make_operator(s, "sec")
    r = AdminClient(s).login("sec")
    assert r.status == 200
    assert "Secure" in [p.strip() for p in r.header("Set-Cookie").split(";")]


def test_unknown_name_wrong_password_and_disabled_look_the_same(server_factory):
    s = start_admin_server(server_factory)
    make_operator(s, "real")
    make_operator(s, "gone")
    s.cli("operators", "disable", "gone")
    answers, times = [], []
    for name, password in (("nobody", PASSWORD), ("real", "wrong password here"), ("gone", PASSWORD)):
        start = time.monotonic()
        r = AdminClient(s).login(name, password)
        times.append(time.monotonic() - start)
        body = assert_error(r, 401, "InvalidCredentials")
        assert r.header("Set-Cookie") is None
        answers.append(body)
    assert answers[0] == answers[1] == answers[2]
    # Each refusal verified a password hash (Argon2id, tens of milliseconds): none is a shortcut.
    assert min(times) > 0.02, times


def test_lockout_per_name_then_reset_by_success(server_factory):
    s = start_admin_server(server_factory)
    make_operator(s, "lock")
    for _ in range(5):
        assert_error(AdminClient(s).login("lock", "not the password"), 401, "InvalidCredentials")
    r = AdminClient(s).login("lock")  # the right password: still refused
    assert_error(r, 429, "TooManyLoginAttempts")
    retry = int(r.header("Retry-After"))
    assert 800 <= retry <= 900, retry
    assert_error(AdminClient(s).login("lock"), 429, "TooManyLoginAttempts")
    # reset-password clears the name's count; the new password signs in.
    pw = s.cli("operators", "reset-password", "lock")
    assert set(pw) == {"name", "password"} and pw["name"] == "lock"
    assert AdminClient(s).login("lock", pw["password"]).status == 200


def test_lockout_counts_unknown_names_and_the_source_address(server_factory):
    s = start_admin_server(server_factory)
    make_operator(s, "later")
    for i in range(5):
        assert_error(AdminClient(s).login(f"ghost{i}", "whatever it is"), 401, "InvalidCredentials")
    # Five failures from this address, whatever the names: the address is locked.
    assert_error(AdminClient(s).login("later"), 429, "TooManyLoginAttempts")
    audit_rows = s.cli("operators", "list")
    assert [o["name"] for o in audit_rows["data"]] == ["later"]


def test_enable_clears_the_count_and_disabled_sessions_stay_ended(server_factory):
    s = start_admin_server(server_factory)
    make_operator(s, "dis")
    c = AdminClient(s)
    assert c.login("dis").status == 200
    token = s.cli("operators", "token", "--name", "dis")
    assert set(token) == {"name", "token"}
    b = AdminClient(s)
    b.bearer = token["token"]
    assert b.get("/session").status == 200
    s.cli("operators", "disable", "dis")
    assert_error(c.get("/session"), 401, "Unauthorized")
    assert_error(b.get("/reviews"), 401, "Unauthorized")
    s.cli("operators", "enable", "dis")
    assert_error(c.get("/session"), 401, "Unauthorized")
    assert_error(b.get("/reviews"), 401, "Unauthorized")
    assert AdminClient(s).login("dis").status == 200


def test_sign_out_ends_the_session(admin_server):
    c = signed_in(admin_server, fresh("out"))
    assert_error(c.delete("/session", csrf=False), 403, "Forbidden")
    r = c.delete("/session")
    assert r.status == 200
    assert r.header("Set-Cookie").startswith("senderid_admin=;") and "Max-Age=0" in r.header("Set-Cookie")
    assert_error(c.get("/session"), 401, "Unauthorized")
    assert_error(c.get("/reviews"), 401, "Unauthorized")


def test_no_session_is_unauthorized(admin_server):
    anon = AdminClient(admin_server)
    for method, path in (("GET", "/session"), ("GET", "/reviews"), ("GET", "/audit"),
                         ("POST", "/accounts"), ("GET", "/numbers/01012345678")):
        assert_error(anon.request(method, path, {} if method == "POST" else None), 401, "Unauthorized")
    anon.cookie = "senderid_admin=" + "ab" * 32
    assert_error(anon.get("/reviews"), 401, "Unauthorized")


# --- CSRF, roles, order of checks -----------------------------------------------------------------

def test_csrf_roles_and_the_order_of_checks(admin_server, account):
    _, approval, _ = evidence(account)
    anon = AdminClient(admin_server)
    # No session beats everything else.
    assert_error(anon.post(f"/reviews/{approval}/reject", raw="{bad", csrf=False), 401, "Unauthorized")
    reviewer = signed_in(admin_server, fresh("rev"))
    admin = signed_in(admin_server, fresh("adm"), "admin")
    # CSRF before role, body and everything else.
    for token in (None, "0" * 64):
        hdrs = {"X-CSRF-Token": token} if token else {}
        assert_error(reviewer.post("/accounts", raw="{bad", csrf=False, headers=hdrs), 403, "Forbidden")
    # Role before body.
    assert_error(reviewer.post("/accounts", raw="{bad"), 403, "Forbidden")
    assert_error(reviewer.get("/accounts"), 403, "Forbidden")
    assert_error(reviewer.get("/operators"), 403, "Forbidden")
    # Content-Type before body, then body before unknown ids, then unknown ids before state.
    assert_error(admin.post("/accounts", {"name": "x"}, content_type="text/plain"), 415, "UnsupportedMediaType")
    assert_error(admin.post("/accounts", raw="{bad"), 400, "ValidationError")
    assert_error(admin.put("/accounts/99999999", {"limit": 0}), 400, "ValidationError")
    assert_error(admin.put("/accounts/99999999", {"limit": 3}), 404, "ResourceNotFound")
    assert_error(reviewer.post("/reviews/APD20240101000000ABCDEFGHIJ12345/reject", {"reason": ""}), 400,
                 "ValidationError")
    assert_error(reviewer.post("/reviews/APD20240101000000ABCDEFGHIJ12345/reject", {"reason": "흐림"}), 404,
                 "ResourceNotFound")
    # A GET needs no CSRF token.
    assert reviewer.get(f"/reviews/{approval}").status == 200


def test_bearer_tokens_need_no_csrf_and_end_when_revoked(admin_server, account):
    _, approval, _ = evidence(account)
    name = fresh("bot")
    make_operator(admin_server, name)
    t = admin_server.cli("operators", "token", "--name", name)["token"]
    bot = AdminClient(admin_server)
    bot.bearer = t
    r = bot.post(f"/reviews/{approval}/claim")
    assert assert_ok(r)["claimedBy"] == name
    assert_error(bot.get("/accounts"), 403, "Forbidden")
    out = admin_server.cli("operators", "revoke-token", "--name", name)
    assert out == {"name": name, "revoked": 1}
    assert_error(bot.get("/reviews"), 401, "Unauthorized")
    bot.bearer = "sidop_" + "x" * 43
    assert_error(bot.get("/reviews"), 401, "Unauthorized")


# --- reviews ------------------------------------------------------------------------------------

def test_review_shape_with_documents_entry_and_other_holders(admin_server, account, new_account):
    number, approval, docs = evidence(account, ("png", "pdf"))
    other = new_account()
    other.create(number)
    c = signed_in(admin_server, fresh("shape"))
    r = assert_ok(c.get(f"/reviews/{approval}"))
    assert REVIEW_KEYS | {"phoneNumber", "handleKey"} == set(r), sorted(r)
    assert r["kind"] == "approval" and r["status"] == "PENDING" and r["phoneNumber"] == number
    assert r["accountId"] == account.account_id
    assert [d["documentId"] for d in r["documents"]] == [d["documentId"] for d in docs]
    for d, uploaded in zip(r["documents"], docs):
        assert set(d) == {"documentId", "originalName", "category", "contentType", "size", "url"}
        assert d["url"] == f"/admin/v1/documents/{uploaded['documentId']}/file"
        assert "/" not in d["originalName"] and "path" not in d
    assert [d["contentType"] for d in r["documents"]] == ["image/png", "application/pdf"]
    assert r["entry"]["phoneNumber"] == number and r["entry"]["status"] == "PENDING"
    assert r["otherHolders"] == [{"accountId": other.account_id, "status": "PENDING"}]
    assert r["claimedBy"] is None and r["reason"] is None and r["reasonCode"] is None


def test_review_list_filters_order_and_paging(admin_server, new_account):
    acct = new_account(limit=20)
    ids = [evidence(acct)[1] for _ in range(3)]
    acct.post("/senderid/v1/papers/limitation", {"documents": [upload_kind(acct, "pdf")[0]["documentId"]],
                                                 "limit": 30})
    c = signed_in(admin_server, fresh("list"))
    page = assert_ok(c.get(f"/reviews?accountId={acct.account_id}&kind=approval&limit=2"))
    assert set(page) == {"data", "nextKey"}
    assert [r["id"] for r in page["data"]] == ids[:2] and page["nextKey"] == ids[2]
    rest = assert_ok(c.get(f"/reviews?accountId={acct.account_id}&kind=approval&startKey={page['nextKey']}"))
    assert [r["id"] for r in rest["data"]] == ids[2:] and rest["nextKey"] is None
    lim = assert_ok(c.get(f"/reviews?accountId={acct.account_id}&kind=limitation"))["data"]
    assert len(lim) == 1 and lim[0]["limitRequested"] == 30 and lim[0]["entry"] is None
    everything = assert_ok(c.get(f"/reviews?accountId={acct.account_id}"))["data"]
    assert len(everything) == 4, "status defaults to PENDING, every kind"
    for bad in ("limit=0", "limit=1001", "limit=x", "status=DONE", "kind=other", "startKey=APD1"):
        assert_error(c.get(f"/reviews?{bad}"), 400, "ValidationError")


def test_claims_conflict_renew_and_decide(admin_server, account):
    number, approval, _ = evidence(account)
    a = signed_in(admin_server, fresh("a"))
    b = signed_in(admin_server, fresh("b"))
    claimed = assert_ok(a.post(f"/reviews/{approval}/claim"))
    assert claimed["claimedBy"] == a.last_login.json["operator"]["name"] and claimed["claimedUntil"]
    assert_error(b.post(f"/reviews/{approval}/claim"), 409, "ReviewClaimed")
    assert_error(b.post(f"/reviews/{approval}/approve", {}), 409, "ReviewClaimed")
    assert_error(b.post(f"/reviews/{approval}/reject", {"reason": "흐림"}), 409, "ReviewClaimed")
    renewed = assert_ok(a.post(f"/reviews/{approval}/claim"))
    assert renewed["claimedUntil"] >= claimed["claimedUntil"]
    decided = assert_ok(a.post(f"/reviews/{approval}/approve", {"reason": "통신서비스 이용증명원 확인"}))
    assert decided["status"] == "APPROVED" and decided["decidedBy"] == claimed["claimedBy"]
    assert decided["entry"]["status"] == "ACTIVE" and decided["entry"]["method"] == "DOCUMENT"
    # The customer sees the decision at once.
    e = find_sender(account.doc(), number)
    assert e["status"] == "ACTIVE" and e["method"] == "DOCUMENT"
    assert e["approvalDocuments"][-1]["status"] == "APPROVED"
    # Decided: every decision and claim is AlreadyDecided, but a bad body is still 400.
    assert_error(a.post(f"/reviews/{approval}/approve", {}), 409, "AlreadyDecided")
    assert_error(b.post(f"/reviews/{approval}/reject", {"reason": "x"}), 409, "AlreadyDecided")
    assert_error(a.post(f"/reviews/{approval}/claim"), 409, "AlreadyDecided")
    assert_error(a.post(f"/reviews/{approval}/reject", {"reason": "x", "extra": 1}), 400, "ValidationError")
    assert_error(a.post(f"/reviews/{approval}/approve", {"reason": "가" * 501}), 400, "ValidationError")


def test_reject_with_reason_code_and_the_default(admin_server, account):
    number, approval, _ = evidence(account)
    _, second, _ = evidence(account)
    c = signed_in(admin_server, fresh("rej"))
    r = assert_ok(c.post(f"/reviews/{approval}/reject", {"reasonCode": "DOCUMENT_OUTDATED",
                                                          "reason": "3개월 이내 발급본이 필요합니다"}))
    assert r["status"] == "REJECTED" and r["reasonCode"] == "DOCUMENT_OUTDATED"
    a = find_sender(account.doc(), number)["approvalDocuments"][-1]
    assert a["status"] == "REJECTED" and a["reasonCode"] == "DOCUMENT_OUTDATED"
    assert a["reason"] == "3개월 이내 발급본이 필요합니다"
    assert_error(c.post(f"/reviews/{second}/reject", {"reasonCode": "BLURRY", "reason": "x"}), 400,
                 "ValidationError")
    assert assert_ok(c.post(f"/reviews/{second}/reject", {"reason": "기타"}))["reasonCode"] == "OTHER"


def test_the_duplicate_rule_holds_through_the_api(admin_server, new_account):
    a, b = new_account(), new_account()
    number, approval, _ = evidence(b)
    a.create(number)
    make_active(a, number)  # held elsewhere now: b's entry turned DUPLICATED
    c = signed_in(admin_server, fresh("dup"))
    assert_error(c.post(f"/reviews/{approval}/approve", {}), 409, "DuplicatedSenderId")
    r = assert_ok(c.get(f"/reviews/{approval}"))
    assert r["status"] == "PENDING" and r["otherHolders"] == [{"accountId": a.account_id, "status": "ACTIVE"}]
    # An unlock request, approved through the API, makes the number PENDING again.
    doc = assert_ok(request_unlock(b, number, "저희 대표번호입니다"))
    unlock = find_sender(doc, number)["unlockDuplicate"]["duplicateId"]
    u = assert_ok(c.post(f"/reviews/{unlock}/approve", {}))
    assert u["kind"] == "duplicate" and u["reasonForRequested"] == "저희 대표번호입니다"
    assert find_sender(b.doc(), number)["status"] == "PENDING"


def test_limitation_approval_and_admin_limit_edit(admin_server, new_account):
    acct = new_account(limit=2)
    doc = upload_kind(acct, "pdf")[0]
    assert_ok(request_limit(acct, [doc["documentId"]], 8))
    lim = acct.doc()["limitationDocuments"][-1]["limitationId"]
    admin = signed_in(admin_server, fresh("lim"), "admin")
    # The operator edits the limit meanwhile: the pending limitation stays as it is.
    edited = assert_ok(admin.put(f"/accounts/{acct.account_id}", {"limit": 10}))
    assert edited["limit"] == 10
    assert acct.doc()["limitationDocuments"][-1]["status"] == "PENDING"
    r = assert_ok(admin.post(f"/reviews/{lim}/approve", {}))
    assert r["status"] == "APPROVED" and r["limitRequested"] == 8
    assert acct.doc()["limit"] == 10, "an approval never lowers the limit"
    # Below the current count: allowed, and creates are refused.
    acct.create(unique_number())
    assert assert_ok(admin.put(f"/accounts/{acct.account_id}", {"limit": 1}))["limit"] == 1
    assert_error(acct.post(NUMBERS, {"phoneNumber": unique_number()}), 400, "LimitExceeded")
    for bad in ({"limit": 0}, {"limit": "3"}, {"limit": 2.5}, {}, {"limit": 3, "name": "x"}):
        assert_error(admin.put(f"/accounts/{acct.account_id}", bad), 400, "ValidationError")


# --- documents, lookups --------------------------------------------------------------------------

def test_document_bytes_headers_for_operators_and_customers(admin_server, account):
    png = png_bytes(seed=b"admin-png")
    pdf = pdf_bytes(seed="admin-pdf")
    d_png = upload(account, png, name="scan.png")
    d_pdf = upload(account, pdf, name="scan.pdf")
    c = signed_in(admin_server, fresh("doc"))
    for d, data, ctype in ((d_png, png, "image/png"), (d_pdf, pdf, "application/pdf")):
        for r in (c.get(f"/documents/{d['documentId']}/file"), account.get(d["url"])):
            assert r.status == 200 and r.body == data
            assert r.header("Content-Type") == ctype
            assert r.header("X-Content-Type-Options") == "nosniff"
            assert r.header("Content-Disposition").startswith("inline")
            csp = r.header("Content-Security-Policy")
            assert csp.startswith("default-src 'none'; frame-ancestors 'self'"), csp
            assert ("sandbox" in csp) == (ctype != "application/pdf"), csp
    assert_error(c.get("/documents/DOC20240101000000ABCDEFGHIJ12345/file"), 404, "ResourceNotFound")
    views = audit(c, target=d_png["documentId"])
    assert [v["action"] for v in views] == ["document.view"]


def test_number_lookup_across_accounts(admin_server, new_account):
    a, b = new_account(name="첫째 상점"), new_account(name="둘째 상점")
    number = unique_number()
    a.create(number)
    make_active(a, number)
    b.create(number)
    c = signed_in(admin_server, fresh("look"))
    dashed = f"{number[:3]}-{number[3:7]}-{number[7:]}"
    r = assert_ok(c.get(f"/numbers/{dashed}"))
    assert r["phoneNumber"] == number
    assert [(e["accountId"], e["accountName"], e["status"]) for e in r["entries"]] == [
        (a.account_id, "첫째 상점", "ACTIVE"), (b.account_id, "둘째 상점", "DUPLICATED")]
    assert r["entries"][0]["log"] and r["entries"][0]["handleKey"].startswith("SED")
    none = assert_ok(c.get(f"/numbers/{unique_number()}"))
    assert none["entries"] == []
    assert [x["action"] for x in audit(c, target=number)] == ["number.lookup"]


# --- accounts, keys, operators -------------------------------------------------------------------

def test_accounts_and_keys(admin_server):
    admin = signed_in(admin_server, fresh("acc"), "admin")
    created = assert_ok(admin.post("/accounts", {"name": "콘솔 계정", "limit": 3}))
    assert set(created) == {"accountId", "name", "limit", "apiKey", "apiSecret"}
    aid = created["accountId"]
    got = assert_ok(admin.get(f"/accounts/{aid}"))
    assert set(got) == {"accountId", "name", "limit", "status", "dateCreated", "keys"}
    assert got["keys"] == [{"apiKey": created["apiKey"], "scopes": ["senderid:read", "senderid:write"],
                            "status": "ACTIVE"}]
    assert "apiSecret" not in str(got)
    listed = assert_ok(admin.get(f"/accounts?startKey={aid}&limit=1"))
    assert [x["accountId"] for x in listed["data"]] == [aid]
    key = assert_ok(admin.post(f"/accounts/{aid}/keys", {"scopes": ["senderid:read"]}))
    assert set(key) == {"apiKey", "apiSecret", "scopes"} and key["scopes"] == ["senderid:read"]
    assert_error(admin.post(f"/accounts/{aid}/keys", {"scopes": ["admin"]}), 400, "ValidationError")
    assert assert_ok(admin.post(f"/accounts/{aid}/deactivate"))["status"] == "INACTIVE"
    assert assert_ok(admin.post(f"/accounts/{aid}/activate"))["status"] == "ACTIVE"
    assert_ok(admin.post(f"/keys/{created['apiKey']}/revoke"))
    assert assert_ok(admin.get(f"/accounts/{aid}"))["keys"][0]["status"] == "INACTIVE"
    for method, path in (("GET", "/accounts/99999999"), ("POST", "/accounts/99999999/deactivate"),
                         ("POST", "/accounts/99999999/keys"), ("POST", "/keys/NCSNOSUCHKEY0000/revoke"),
                         ("POST", "/operators/nobody/disable")):
        assert_error(admin.request(method, path), 404, "ResourceNotFound")


def test_revoked_key_and_deactivated_account_on_the_customer_api(admin_server, account):
    admin = signed_in(admin_server, fresh("cust"), "admin")
    assert_ok(admin.post(f"/accounts/{account.account_id}/deactivate"))
    assert_error(account.get(NUMBERS), 403, "Forbidden")
    assert_ok(admin.post(f"/accounts/{account.account_id}/activate"))
    assert_ok(account.get(NUMBERS))
    assert_ok(admin.post(f"/keys/{account.key}/revoke"))
    assert_error(account.get(NUMBERS), 403, "InvalidAPIKey")


def test_operators_through_the_api(admin_server):
    admin = signed_in(admin_server, fresh("root"), "admin")
    name = fresh("new")
    created = assert_ok(admin.post("/operators", {"name": name, "role": "reviewer"}))
    assert set(created) == {"name", "role", "password"} and len(created["password"]) >= 12
    assert_error(admin.post("/operators", {"name": name, "role": "reviewer"}), 409, "AlreadyRegistered")
    assert_error(admin.post("/operators", {"name": "bad name", "role": "reviewer"}), 400, "ValidationError")
    assert_error(admin.post("/operators", {"name": fresh(), "role": "owner"}), 400, "ValidationError")
    listed = assert_ok(admin.get("/operators"))
    assert set(listed) == {"data", "nextKey"}
    row = [o for o in listed["data"] if o["name"] == name][0]
    assert row["role"] == "reviewer" and row["status"] == "ACTIVE" and "password" not in row
    newbie = AdminClient(admin_server)
    assert newbie.login(name, created["password"]).status == 200
    assert assert_ok(admin.post(f"/operators/{name}/disable"))["status"] == "DISABLED"
    assert_error(newbie.get("/reviews"), 401, "Unauthorized")


# --- audit ---------------------------------------------------------------------------------------

def test_audit_of_admin_and_cli_changes(admin_server, account):
    _, approval, _ = evidence(account)
    name = fresh("aud")
    c = signed_in(admin_server, name)
    assert_ok(c.post(f"/reviews/{approval}/claim"))
    assert_ok(c.post(f"/reviews/{approval}/reject", {"reasonCode": "DOCUMENT_MISMATCH", "reason": "명의 불일치"}))
    mine = audit(c, operator=name)
    assert [e["action"] for e in mine] == ["review.reject", "review.claim", "session.login"]
    for e in mine:
        assert set(e) == {"auditId", "operator", "action", "target", "reason", "sourceAddress", "dateCreated"}
        assert e["sourceAddress"] == "127.0.0.1" and e["auditId"].startswith("AUD")
    assert mine[0]["target"] == approval and mine[0]["reason"] == "명의 불일치"
    # CLI changes: operator = --operator, source "cli".
    out = admin_server.cli("accounts", "create", "--name", "CLI 계정", "--operator", "shell.kim")
    by_cli = audit(c, target=out["accountId"])
    assert [(e["action"], e["operator"], e["sourceAddress"]) for e in by_cli] == [
        ("account.create", "shell.kim", "cli")]
    admin_server.cli("keys", "revoke", out["apiKey"], "--operator", "shell.kim")
    assert [e["action"] for e in audit(c, target=out["apiKey"])] == ["key.revoke", "key.create"]
    # A CLI decision ignores claims and is audited too.
    _, second, _ = evidence(account)
    assert_ok(c.post(f"/reviews/{second}/claim"))
    admin_server.cli("reviews", "approve", second, "--operator", "shell.lee")
    assert [(e["action"], e["operator"]) for e in audit(c, target=second)] == [
        ("review.approve", "shell.lee"), ("review.claim", name)]
    # Pages, newest first, startKey inclusive.
    page = assert_ok(c.get(f"/audit?operator={name}&limit=2"))
    assert len(page["data"]) == 2 and page["nextKey"]
    rest = assert_ok(c.get(f"/audit?operator={name}&startKey={page['nextKey']}"))
    assert rest["data"][0]["auditId"] == page["nextKey"]


def test_operator_cli_outputs(server_factory):
    s = server_factory()
    created = s.cli("operators", "create", "--name", "gen", "--role", "admin")
    assert set(created) == {"name", "role", "password"} and created["role"] == "admin"
    assert len(created["password"]) >= 12
    typed = make_operator(s, "typed")
    assert typed == {"name": "typed", "role": "reviewer"}, "a typed password is not printed back"
    p = s.run_cli("operators", "create", "--name", "short", "--role", "reviewer", "--password-stdin")
    assert p.returncode != 0
    listed = s.cli("operators", "list")
    assert [o["name"] for o in listed["data"]] == ["gen", "typed"]
    assert s.cli("operators", "disable", "gen")["status"] == "DISABLED"
    assert s.cli("operators", "enable", "gen")["status"] == "ACTIVE"
    assert s.run_cli("operators", "disable", "nobody").returncode != 0


# --- the listener itself --------------------------------------------------------------------------

def test_admin_paths_are_absent_from_the_customer_listener(admin_server):
    for path in ("/admin/", "/admin/v1/session", "/admin/v1/reviews", "/admin/assets/app.js", "/metrics"):
        assert_error(admin_server.request("GET", path), 404, "ResourceNotFound")
    assert_error(admin_server.request("POST", "/admin/v1/session", '{"name":"x","password":"y"}'), 404,
                 "ResourceNotFound")


def test_host_origin_and_fetch_site_checks(admin_server):
    c = signed_in(admin_server, fresh("host"))
    for host in ("evil.example", "localhost:" + str(admin_server.admin_port), "127.0.0.1"):
        assert_error(c.get("/session", headers={"Host": host}), 421, "MisdirectedRequest")
    assert_error(admin_raw(admin_server, "GET", "/admin/", headers={"Host": "rebind.example"}), 421,
                 "MisdirectedRequest")
    assert c.get("/session", headers={"Origin": f"http://{admin_server.admin_host}"}).status == 200
    for origin in ("http://evil.example", f"https://{admin_server.admin_host}.evil", "null"):
        assert_error(c.post("/reviews/APD1/claim", headers={"Origin": origin}), 403, "Forbidden")
    assert_error(c.get("/session", headers={"Sec-Fetch-Site": "cross-site"}), 403, "Forbidden")
    assert c.get("/session", headers={"Sec-Fetch-Site": "same-origin"}).status == 200
    assert_error(AdminClient(admin_server).post("/session", {"name": "x", "password": "y"},
                                                headers={"Origin": "http://evil.example"}), 403, "Forbidden")


def test_admin_host_option(server_factory):
    s = start_admin_server(server_factory, ["--admin-host", "admin.example.com"])
    make_operator(s, "proxied")
    c = AdminClient(s)
    assert c.login("proxied").status == 200
    assert c.get("/session", headers={"Host": "admin.example.com",
                                      "Origin": "https://admin.example.com"}).status == 200
    assert_error(c.get("/session", headers={"Host": "other.example.com"}), 421, "MisdirectedRequest")


def test_console_is_served_with_its_security_headers(admin_server):
    page = admin_raw(admin_server, "GET", "/admin/")
    assert page.status == 200 and page.header("Content-Type").startswith("text/html")
    assert b"<script" in page.body and b"<script>" not in page.body, "no inline script"
    assert_console_headers(page)
    csp = page.header("Content-Security-Policy")
    for directive in ("img-src 'self'", "frame-src 'self'", "object-src 'self'"):
        assert directive in csp, csp
    for asset, ctype in (("app.js", "text/javascript"), ("app.css", "text/css")):
        r = admin_raw(admin_server, "GET", f"/admin/assets/{asset}")
        assert r.status == 200 and r.header("Content-Type").startswith(ctype)
        assert_console_headers(r)
    assert_error(admin_raw(admin_server, "GET", "/admin/assets/nope.js"), 404, "ResourceNotFound")
    redirect = admin_raw(admin_server, "GET", "/admin")
    assert redirect.status == 308 and redirect.header("Location") == "/admin/"
    err = admin_raw(admin_server, "GET", "/admin/v1/nothing")
    assert_error(err, 404, "ResourceNotFound")
    assert_console_headers(err)
    assert_error(admin_raw(admin_server, "PUT", "/admin/v1/session"), 405, "MethodNotAllowed")
