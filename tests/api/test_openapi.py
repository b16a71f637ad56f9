"""The OpenAPI documents (SPEC §14): served byte for byte, self-consistent, covering every route, and
the conformance check of openapi_check.py really refuses what the document does not describe."""

import json
import re

import pytest

import openapi_check
from admin_support import admin_raw, admin_server  # noqa: F401  (admin_server is a fixture)
from conftest import REPO, assert_ok, http_request

DOCS = REPO / "docs" / "openapi"
OPENAPI = "/senderid/v1/openapi.json"


def test_customer_document_served_byte_for_byte_without_authentication(server):
    r = http_request(server.port, "GET", OPENAPI)
    assert_ok(r)
    assert r.body == (DOCS / "customer.json").read_bytes(), "served bytes differ from docs/openapi/customer.json"
    cache = r.header("Cache-Control") or ""
    assert "max-age=" in cache, f"Cache-Control {cache!r}"
    assert r.json["openapi"].startswith("3.1.")


def test_admin_document_served_byte_for_byte_on_the_admin_listener_only(admin_server, server):
    r = admin_raw(admin_server, "GET", "/admin/v1/openapi.json")
    assert r.status == 200, r
    assert r.body == (DOCS / "admin.json").read_bytes(), "served bytes differ from docs/openapi/admin.json"
    assert "max-age=" in (r.header("Cache-Control") or "")
    assert r.header("Content-Security-Policy"), "admin answers carry the console's headers"
    customer = http_request(server.port, "GET", "/admin/v1/openapi.json")
    assert customer.status == 404, customer


def test_customer_document_is_not_under_another_method(server):
    r = http_request(server.port, "POST", OPENAPI, body=b"{}")
    assert r.status == 405, r
    assert r.json["errorCode"] == "MethodNotAllowed"


def _examples(doc):
    """(where, schema, example value) of every example of a media type or parameter in `doc`."""
    found = []

    def visit(node, where):
        if isinstance(node, dict):
            if "schema" in node and ("example" in node or "examples" in node):
                if "example" in node:
                    found.append((where, node["schema"], node["example"]))
                for name, ex in (node.get("examples") or {}).items():
                    found.append((f"{where}/examples/{name}", node["schema"], ex))
            for k, v in node.items():
                visit(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                visit(v, f"{where}/{i}")

    visit(doc["paths"], "#/paths")
    visit(doc["components"].get("responses", {}), "#/components/responses")
    return found


@pytest.mark.parametrize("name", ["customer.json", "admin.json"])
def test_every_example_matches_its_schema(name):
    doc = openapi_check.Document(DOCS / name)
    examples = _examples(doc.doc)
    assert len(examples) > 10, "too few examples found: the walk is broken"
    for where, schema, example in examples:
        example = doc.deref(example)
        value = example["value"] if isinstance(example, dict) and set(example) <= {"summary", "description", "value"} \
            and "value" in example else example
        doc.validate(where, schema, value, f"example {where}")


@pytest.mark.parametrize("name", ["customer.json", "admin.json"])
def test_every_reference_resolves_and_operation_ids_are_unique(name):
    doc = openapi_check.Document(DOCS / name)
    refs = re.findall(r'"\$ref": "([^"]+)"', (DOCS / name).read_text())
    for ref in set(refs):
        doc.resolver.resolve(ref)
    ids = [op["operationId"] for item in doc.doc["paths"].values()
           for m, op in item.items() if m in openapi_check.METHODS]
    assert len(ids) == len(set(ids)), f"duplicate operationIds: {sorted(ids)}"


def test_every_customer_route_of_the_server_is_documented():
    """src/http/routes.cc is the server's route table: each (method, path) must be in customer.json."""
    routes = re.findall(r'\{"([A-Z]+)", "(/[^"]*)"', (REPO / "src" / "http" / "routes.cc").read_text())
    assert len(routes) >= 15, f"route table not understood: {routes}"
    paths = json.loads((DOCS / "customer.json").read_bytes())["paths"]
    missing = [f"{m} {p}" for m, p in routes if p.startswith("/") and m.lower() not in paths.get(p, {})
               and not p.startswith("/admin/")]
    assert not missing, f"routes the document lacks: {missing}"


def test_every_error_code_of_the_spec_is_documented():
    """Every errorCode of SPEC §9 that the customer API can answer appears in customer.json."""
    text = (DOCS / "customer.json").read_text()
    customer_codes = [
        "ValidationError", "InvalidPhoneNumber", "InvalidSenderId", "InvalidDocumentId", "LimitExceeded",
        "InvalidFileType", "InvalidWebhookId", "InvalidMFAData", "InvalidAPIKey", "SignatureDoesNotMatch",
        "RequestTimeTooSkewed", "DuplicatedSignature", "Forbidden", "MFARequired", "InvalidMFAToken",
        "MFATransactionExpired", "ResourceNotFound", "MethodNotAllowed", "AlreadyRegistered", "AlreadyApproved",
        "AlreadyRequested", "DuplicatedSenderId", "FailedToUpdate", "FailedToDelete", "DocumentInUse",
        "FileSizeTooLarge", "PayloadTooLarge", "MFAAttemptsExceeded", "TooManyVerificationCalls",
        "TooManyRequests", "InternalError", "VoiceCallFailed", "ServiceUnavailable"]
    admin_codes = ["Unauthorized", "InvalidCredentials", "ReviewClaimed", "AlreadyDecided", "UnsupportedMediaType",
                   "MisdirectedRequest", "TooManyLoginAttempts"]
    assert [c for c in customer_codes if f'"{c}"' not in text] == []
    admin = (DOCS / "admin.json").read_text()
    assert [c for c in admin_codes if f'"{c}"' not in admin] == []


# The checker itself: each case is an answer the document does not describe, so it must be refused.
DOC_OK = {"accountId": "1", "limit": 5, "senderIds": [], "limitationDocuments": [],
          "dateCreated": "2018-11-20T05:25:27.757Z", "dateUpdated": "2018-11-20T05:25:27.757Z"}
JSON = [("Content-Type", "application/json; charset=utf-8")]


def _body(value):
    return json.dumps(value).encode()


@pytest.mark.parametrize("method, target, status, value, why", [
    ("GET", "/senderid/v1/numbers", 200, {k: v for k, v in DOC_OK.items() if k != "limit"}, "a field missing"),
    ("GET", "/senderid/v1/numbers", 200, dict(DOC_OK, extra=1), "an undocumented field"),
    ("GET", "/senderid/v1/numbers", 200, dict(DOC_OK, dateCreated="2018-11-20T05:25:27Z"), "a date without ms"),
    ("POST", "/senderid/v1/numbers", 418, {"errorCode": "X", "errorMessage": "x"}, "an undocumented status"),
    ("POST", "/senderid/v1/numbers", 409, {"errorCode": "FailedToDelete", "errorMessage": "x"}, "a code not of this endpoint"),
    ("GET", "/senderid/v1/nowhere", 200, {}, "a path the document lacks"),
    ("PATCH", "/senderid/v1/numbers", 200, DOC_OK, "a method the document lacks"),
    ("PUT", "/senderid/v1/numbers/active", 200, DOC_OK, "`active` is no {phoneNumber}"),
    ("GET", "/senderid/v1/numbers/active", 200, ["1"], "not a phone number"),
    ("PUT", "/senderid/v1/numbers/active/authenticate", 200, DOC_OK, "`active` is reserved"),
    ("PUT", "/senderid/v1/numbers/%zz", 200, DOC_OK, "a malformed escape is no parameter"),
])
def test_checker_refuses_what_the_document_does_not_describe(method, target, status, value, why):
    with pytest.raises(openapi_check.Mismatch):
        openapi_check.verify(openapi_check.customer(), method, target, status, JSON, _body(value))


def test_checker_accepts_what_the_document_describes():
    doc = openapi_check.customer()
    openapi_check.verify(doc, "GET", "/senderid/v1/numbers?limit=5", 200, JSON, _body(dict(DOC_OK, nextKey=None)))
    openapi_check.verify(doc, "GET", "/senderid/v1/nowhere", 404, JSON,
                         _body({"errorCode": "ResourceNotFound", "errorMessage": "x"}))
    openapi_check.verify(doc, "DELETE", "/senderid/v1/numbers/active", 405, JSON,
                         _body({"errorCode": "MethodNotAllowed", "errorMessage": "x"}))
    openapi_check.verify(doc, "PUT", "/senderid/v1/numbers/01000000000", 409, JSON,
                         _body({"errorCode": "FailedToUpdate", "errorMessage": "x"}))


def test_checker_takes_admin_paths_to_the_admin_document():
    assert openapi_check.document_for("/admin/v1/reviews?limit=5") is openapi_check.admin()
    assert openapi_check.document_for("/metrics") is openapi_check.admin()
    assert openapi_check.document_for("/senderid/v1/numbers") is openapi_check.customer()
    with pytest.raises(openapi_check.Mismatch):
        openapi_check.verify(openapi_check.admin(), "GET", "/admin/v1/reviews", 200, JSON,
                             _body({"data": [], "nextKey": None, "extra": True}))
    openapi_check.verify(openapi_check.admin(), "GET", "/admin/v1/reviews", 401, JSON,
                         _body({"errorCode": "Unauthorized", "errorMessage": "x"}))


def test_every_admin_route_of_the_server_is_documented():
    """src/http/admin/admin_routes.cc is the admin listener's route table (API, console, /metrics,
    health): each (method, path) must be in admin.json, as admin_raw's answers are checked against it."""
    routes = re.findall(r'\{"([A-Z]+)", "(/[^"]*)"', (REPO / "src" / "http" / "admin" / "admin_routes.cc").read_text())
    assert len(routes) >= 25, f"route table not understood: {routes}"
    paths = json.loads((DOCS / "admin.json").read_bytes())["paths"]
    missing = [f"{m} {p}" for m, p in routes if m.lower() not in paths.get(p, {})]
    assert not missing, f"admin routes the document lacks: {missing}"


# The checker on the admin document: each case is an answer of the admin listener that admin.json
# does not describe, so it must be refused.
REVIEWS_PAGE = {"data": [], "nextKey": None}
OPERATOR = {"name": "kim", "role": "reviewer", "status": "ACTIVE"}
HTML = [("Content-Type", "text/html; charset=utf-8")]


@pytest.mark.parametrize("method, target, status, headers, value, why", [
    ("GET", "/admin/v1/reviews", 200, JSON, dict(REVIEWS_PAGE, extra=True), "an undocumented field"),
    ("GET", "/admin/v1/reviews", 200, JSON, {"data": []}, "nextKey missing"),
    ("GET", "/admin/v1/session", 200, JSON, {"operator": {"name": "kim", "role": "reviewer"}}, "no csrfToken"),
    ("GET", "/admin/v1/operators", 200, JSON, {"data": [dict(OPERATOR, status="ENABLED")], "nextKey": None},
     "a status operators do not have"),
    ("POST", "/admin/v1/keys/NCSAYU7YDBXYORXC/revoke", 200, JSON, {"apiKey": "NCSAYU7YDBXYORXC"}, "no status"),
    ("POST", "/admin/v1/operators", 418, JSON, {"errorCode": "X", "errorMessage": "x"}, "an undocumented status"),
    ("POST", "/admin/v1/operators", 409, JSON, {"errorCode": "ReviewClaimed", "errorMessage": "x"},
     "a code not of this endpoint"),
    ("POST", "/admin/v1/reviews/R1/claim", 409, JSON, {"errorCode": "ReviewClaimed"}, "no errorMessage"),
    ("GET", "/admin/v1/nowhere", 200, JSON, {}, "a path the document lacks"),
    ("GET", "/senderid/v1/numbers", 200, JSON, DOC_OK, "a customer path on the admin listener"),
    ("GET", "/admin/v1/nowhere", 421, JSON, {"errorCode": "Forbidden", "errorMessage": "x"}, "421 of another code"),
    ("HEAD", "/admin/v1/reviews", 200, JSON, None, "a method the document lacks"),
    ("GET", "/admin/", 200, JSON, {}, "the console's page as JSON"),
    ("GET", "/admin/assets/app.js", 200, HTML, "x", "a script as HTML"),
    ("GET", "/metrics", 200, JSON, {}, "metrics as JSON"),
])
def test_checker_refuses_admin_answers_the_document_does_not_describe(method, target, status, headers, value, why):
    body = b"" if value is None else value.encode() if isinstance(value, str) else _body(value)
    with pytest.raises(openapi_check.Mismatch):
        openapi_check.verify(openapi_check.admin(), method, target, status, headers, body)


def test_checker_accepts_admin_answers_the_document_describes():
    doc = openapi_check.admin()
    openapi_check.verify(doc, "GET", "/admin/v1/operators", 200, JSON, _body({"data": [OPERATOR], "nextKey": None}))
    openapi_check.verify(doc, "POST", "/admin/v1/operators", 409, JSON,
                         _body({"errorCode": "AlreadyRegistered", "errorMessage": "x"}))
    openapi_check.verify(doc, "POST", "/admin/v1/keys/NCSAYU7YDBXYORXC/revoke", 200, JSON,
                         _body({"apiKey": "NCSAYU7YDBXYORXC", "status": "INACTIVE"}))
    openapi_check.verify(doc, "HEAD", "/admin/v1/reviews", 405, JSON,
                         _body({"errorCode": "MethodNotAllowed", "errorMessage": "x"}))
    openapi_check.verify(doc, "HEAD", "/admin/", 405, JSON, b"")
    openapi_check.verify(doc, "GET", "/nowhere", 421, JSON,
                         _body({"errorCode": "MisdirectedRequest", "errorMessage": "x"}))
    openapi_check.verify(doc, "GET", "/admin/", 200, HTML, b"<!doctype html>")
    openapi_check.verify(doc, "GET", "/metrics", 200, [("Content-Type", "text/plain; version=0.0.4")], b"up 1\n")


def test_admin_listener_answers_reach_the_checker(admin_server, monkeypatch, tmp_path):
    """admin_raw hands its answers to the checker: against a copy of admin.json whose /healthz answer
    needs a field the server does not send, a real GET /healthz is recorded as a mismatch."""
    doc = json.loads((DOCS / "admin.json").read_bytes())
    health = doc["components"]["schemas"]["Health"]
    health.setdefault("properties", {})["uptime"] = {"type": "integer"}
    health["required"] = [*health.get("required", []), "uptime"]
    (tmp_path / "admin.json").write_text(json.dumps(doc))
    broken = openapi_check.Document(tmp_path / "admin.json")
    monkeypatch.setattr(openapi_check, "admin", lambda: broken)
    monkeypatch.setattr(openapi_check, "ENABLED", True)  # also where SENDERID_OPENAPI_CHECK=0
    openapi_check.take_mismatches()
    r = admin_raw(admin_server, "GET", "/healthz")
    assert r.status == 200, r
    taken = openapi_check.take_mismatches()
    assert len(taken) == 1 and "uptime" in taken[0] and "/healthz" in taken[0], taken


def test_admin_pipeline_answers_before_any_handler_are_documented(admin_server):
    """What the admin pipeline answers on any route before its handler runs — a cross-site request, a
    body that is not JSON, one over the limit, a foreign Host, HEAD — is in admin.json for public
    routes too (the autouse check fails the test otherwise)."""
    assert admin_raw(admin_server, "GET", "/metrics", headers={"Sec-Fetch-Site": "cross-site"}).status == 403
    assert admin_raw(admin_server, "GET", "/healthz", "hi", {"Content-Type": "text/plain"}).status == 415
    big = admin_raw(admin_server, "POST", "/admin/v1/session", "x" * 70_000, {"Content-Type": "application/json"})
    assert big.status == 413, big
    assert admin_raw(admin_server, "GET", "/nowhere", headers={"Host": "evil.example"}).status == 421
    assert admin_raw(admin_server, "HEAD", "/admin/").status == 405
    assert admin_raw(admin_server, "GET", "/admin/assets/index.html").status == 404
    assert admin_raw(admin_server, "GET", "/senderid/v1/numbers").status == 404
