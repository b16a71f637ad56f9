"""Checks real answers against the OpenAPI documents (SPEC §14): the documents cannot drift from the server.

conftest.http_request hands every answer of a customer listener to `check()`, which finds the
operation of (route template, method) in docs/openapi/customer.json, the response of the answer's
status, and validates the body against that response's schema (JSON Schema 2020-12, Debian's
python3-jsonschema); admin_support.admin_raw hands every answer of an admin listener (SPEC §13) —
its API, console, /metrics, /healthz, /readyz — to `check_admin()`, which does the same with
docs/openapi/admin.json. What fails:
  - a status the operation does not document, a Content-Type it does not list, a body its schema refuses;
  - an answer to a path the document lacks, unless it is 404 ResourceNotFound;
  - an answer to a documented path with a method the document lacks, unless it is 405 MethodNotAllowed;
    (on either, a 421 MisdirectedRequest passes where the document has that response: admin.json,
    as the admin listener checks `Host` before routing).

Mismatches are recorded, not raised where the request was made — so that neither a request made on
another thread (concurrency tests) nor a caller that catches AssertionError (polling loops) can hide
one: conftest's autouse fixture calls `take_mismatches()` after every test and fails it.
SENDERID_OPENAPI_CHECK=0 turns the check off (for debugging).
"""

import json
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, RefResolver

REPO = Path(__file__).resolve().parents[2]
CUSTOMER_DOC = REPO / "docs" / "openapi" / "customer.json"
ADMIN_DOC = REPO / "docs" / "openapi" / "admin.json"

ENABLED = os.environ.get("SENDERID_OPENAPI_CHECK", "1") not in ("0", "false", "no")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class Mismatch(AssertionError):
    pass


class Document:
    """One OpenAPI document: its paths as templates, and a cache of compiled response validators."""

    def __init__(self, path):
        self.path = Path(path)
        self.doc = json.loads(self.path.read_bytes())
        self.resolver = RefResolver(base_uri="", referrer=self.doc)
        # (template, its segments) — a segment is None where the template has a {parameter}.
        self.templates = []
        for template in self.doc["paths"]:
            segments = [None if re.fullmatch(r"\{[^/{}]+\}", s) else s for s in template.split("/")]
            self.templates.append((template, segments))
        self._validators = {}
        self._lock = threading.Lock()

    def deref(self, node):
        while isinstance(node, dict) and "$ref" in node and len(node) == 1:
            _, node = self.resolver.resolve(node["$ref"])
        return node

    def route(self, path):
        """The template `path` matches, or None. As the server's router: a literal segment beats a
        parameter (`/numbers/active` is not `/numbers/{phoneNumber}`), and a parameter never takes
        a value that another template has as a literal after the same leading segments
        (`/numbers/active/authenticate` is no route); a parameter is not empty and its
        percent-escapes are well-formed (`/numbers/%zz` is no route)."""
        parts = path.split("/")
        best = None
        for template, segments in self.templates:
            if len(segments) != len(parts):
                continue
            if not all(s == p if s is not None else _parameter(p) for s, p in zip(segments, parts)):
                continue
            if any(s is None and self._reserved(segments[:i], p) for i, (s, p) in enumerate(zip(segments, parts))):
                continue
            key = [s is None for s in segments]
            if best is None or key < best[0]:
                best = (key, template)
        return None if best is None else best[1]

    def _reserved(self, prefix, value):
        n = len(prefix)
        return any(len(o) > n and o[:n] == prefix and o[n] == value for _, o in self.templates)

    def validator(self, schema_pointer, schema):
        with self._lock:
            v = self._validators.get(schema_pointer)
            if v is None:
                v = Draft202012Validator(schema, resolver=self.resolver)
                self._validators[schema_pointer] = v
            return v

    def validate(self, pointer, schema, value, where):
        errors = sorted(self.validator(pointer, schema).iter_errors(value), key=lambda e: list(e.path))
        if errors:
            lines = [f"{where}: the answer does not match {self.path.name} {pointer}:"]
            for e in errors[:5]:
                at = "/".join(str(p) for p in e.absolute_path) or "(root)"
                lines.append(f"  at {at}: {e.message[:300]}")
            raise Mismatch("\n".join(lines))


def _parameter(segment):
    return segment != "" and not _BAD_ESCAPE.search(segment)


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_documents = {}
_lock = threading.Lock()
_mismatches = []


def _document(path):
    with _lock:
        if path not in _documents:
            _documents[path] = Document(path)
        return _documents[path]


def customer():
    return _document(CUSTOMER_DOC)


def admin():
    return _document(ADMIN_DOC)


def document_for(target):
    """The document that describes `target`: admin.json for the admin listener's own paths."""
    path = urlsplit(target).path
    return admin() if path.startswith("/admin/") or path == "/metrics" else customer()


def _header(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return None


# The answers a server gives before (or instead of) finding an operation, by component response:
# 404 for a path no route has, 405 for a method the path lacks, and — on the admin listener, whose
# Host check comes first (SPEC §13) — 421 on any path. A document without the component allows none.
_ROUTING = {"ResourceNotFound": 404, "MethodNotAllowed": 405, "MisdirectedRequest": 421}


def _routing_error(doc, names, method, status, headers, body, where):
    """True when the answer is one of the document's component responses `names` (routing errors);
    an answer to HEAD has no body, so there its status decides."""
    names = [n for n in names if n in doc.doc.get("components", {}).get("responses", {})]
    if method.upper() == "HEAD" and not body:
        return any(status == _ROUTING[n] for n in names)
    try:
        value = json.loads(body.decode("utf-8"))
    except ValueError:
        return False
    for name in names:
        if status != _ROUTING[name] or not isinstance(value, dict) or value.get("errorCode") != name:
            continue
        pointer = f"#/components/responses/{name}"
        schema = doc.deref({"$ref": pointer})["content"]["application/json"]["schema"]
        doc.validate(pointer, schema, value, where)
        return True
    return False


def verify(doc, method, target, status, headers, body):
    """Raises Mismatch when the answer (status, headers list, body bytes) to `method target` is not
    what `doc` describes."""
    path = urlsplit(target).path
    where = f"{method} {target[:120]} → {status}"
    template = doc.route(path)
    if template is None:
        if _routing_error(doc, ("ResourceNotFound", "MisdirectedRequest"), method, status, headers, body, where):
            return
        raise Mismatch(f"{where}: the server answers a path that {doc.path.name} lacks")
    item = doc.doc["paths"][template]
    operation = item.get(method.lower())
    if operation is None:
        if _routing_error(doc, ("MethodNotAllowed", "MisdirectedRequest"), method, status, headers, body, where):
            return
        raise Mismatch(f"{where}: {doc.path.name} has no {method} on {template}")
    responses = operation["responses"]
    key = str(status) if str(status) in responses else f"{status // 100}XX"
    if key not in responses:
        key = "default" if "default" in responses else None
    if key is None:
        raise Mismatch(f"{where}: status {status} is not documented for {method} {template} "
                       f"(documented: {', '.join(responses)})")
    response = doc.deref(responses[key])
    content = response.get("content")
    if method.upper() == "HEAD" or not content:
        if content and method.upper() != "HEAD" and body:
            raise Mismatch(f"{where}: a body where {doc.path.name} documents none")
        return
    ctype = (_header(headers, "Content-Type") or "").split(";")[0].strip().lower()
    media = next((m for m in content if m.split(";")[0].strip().lower() == ctype), None)
    if media is None:
        raise Mismatch(f"{where}: Content-Type {ctype!r} is not documented (documented: {', '.join(content)})")
    if not (ctype == "application/json" or ctype.endswith("+json")):
        return
    schema = content[media].get("schema")
    if schema is None:
        return
    try:
        value = json.loads(body.decode("utf-8"))
    except ValueError:
        raise Mismatch(f"{where}: the body is not JSON: {body[:200]!r}") from None
    pointer = f"#/paths/{template}/{method.lower()}/responses/{key}"
    doc.validate(pointer, schema, value, where)


def _record(doc, method, target, status, headers, body):
    if not ENABLED:
        return
    try:
        verify(doc, method, target, status, headers, body)
    except Mismatch as e:
        with _lock:
            _mismatches.append(str(e))


def check(method, target, status, headers, body):
    """The hook conftest.http_request calls with every answer from a senderid server's customer
    listener: there an /admin path is a path the customer document lacks, answered 404."""
    _record(customer(), method, target, status, headers, body)


def check_admin(method, target, status, headers, body):
    """The hook admin_support.admin_raw calls with every answer from a server's admin listener
    (SPEC §13): every path it answers — the API, the console, /metrics, /healthz — is in admin.json;
    any other (a customer path) is a path admin.json lacks, answered 404."""
    _record(admin(), method, target, status, headers, body)


def take_mismatches():
    """The mismatches recorded since the last call (on any thread), and forgets them."""
    with _lock:
        taken = list(_mismatches)
        del _mismatches[:]
    return taken
