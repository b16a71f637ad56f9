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
