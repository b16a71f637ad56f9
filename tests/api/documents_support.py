"""Helpers for the evidence-document, papers and operator-review tests (SPEC §3.3–3.6, §4 #7–#13,
§10 `reviews`): minimal real files of every accepted type, upload/download shortcuts, Document and
review-item shape checks, a self-contained ARS verification, and the `reviews` CLI.

Standard library + pytest only; builds on conftest.py (imported as the module `conftest`).
"""

import base64
import hashlib
import json
import os
import pwd
import re
import secrets
import struct
import time
import zlib
from pathlib import Path

from conftest import (NUMBERS, add_months, assert_error, assert_id, assert_iso,  # noqa: F401 — re-exported
                      assert_ok, entry_of, find_sender, parse_iso, unique_number, utcnow, wait_until)
from conftest import PG_MODE, pg_store_args, psql

DOCS = "/senderid/v1/documents"
PAPERS = "/senderid/v1/papers"

MAX_DOCUMENT_SIZE = 716_800

# SPEC texts (§3.2, §4, §9)
MSG_INVALID_DOCUMENT = "등록된 문서 정보를 찾을 수 없습니다."
MSG_FILE_TOO_LARGE = "파일 크기는 700KB를 넘을 수 없습니다."
MSG_INVALID_FILE_TYPE = "'png', 'gif', 'jpg', 'jpeg', 'pdf', 'tif', 'tiff'형식의 파일만 지원가능 합니다."
MSG_ALREADY_APPROVED = "이미 승인된 상태입니다."
MSG_DOCS_SUBMITTED = "발신번호 증빙자료 요청을 하였습니다."
MSG_EVIDENCE_APPROVED = "관리자가 증빙자료 요청을 승인하였습니다."
MSG_EVIDENCE_REJECTED = "관리자가 증빙자료 요청을 반려하였습니다. 사유: {}"
MSG_UNLOCK_REQUESTED = "중복해제 요청을 하였습니다. 담당자명: {}, 사유: {}"
MSG_UNLOCK_APPROVED = "관리자가 중복해제 요청을 승인하였습니다."
MSG_UNLOCK_REJECTED = "관리자가 중복해제 요청을 반려하였습니다. 사유: {}"
MSG_VERIFIED = "인증수단 '{}'로 발신번호 인증이 완료되었습니다."
MSG_TURNED_DUPLICATED = "다른 계정에서 인증이 완료되어 중복 상태로 변경되었습니다."

DOCUMENT_KEYS = {"documentId", "accountId", "name", "originalName", "url", "category", "use",
                 "dateCreated"}
# SPEC §12 adds "reasonCode" (null unless rejected) to the three request shapes of §3.
REASON_CODES = {"DOCUMENT_UNREADABLE", "DOCUMENT_MISMATCH", "DOCUMENT_OUTDATED", "WRONG_DOCUMENT_TYPE",
                "INSUFFICIENT_REASON", "OTHER"}
APPROVAL_KEYS = {"approvalId", "documents", "status", "reason", "reasonCode", "dateCreated",
                 "dateUpdated"}
LIMITATION_KEYS = {"limitationId", "documents", "status", "reason", "reasonCode", "limitRequested",
                   "limitBeforeRequest", "dateCreated", "dateUpdated"}
UNLOCK_KEYS = {"duplicateId", "reason", "reasonCode", "reasonForRequested", "name", "status",
               "dateCreated", "dateUpdated"}
REVIEW_BASE_KEYS = {"id", "kind", "status", "accountId", "accountName", "documents", "reason",
                    "reasonCode", "decidedBy", "dateDecided", "dateCreated", "dateUpdated"}


def check_reason_code(r):
    """reasonCode: a known code on a rejected request, null on every other."""
    if r["status"] == "REJECTED":
        assert r["reasonCode"] in REASON_CODES, r
    else:
        assert r["reasonCode"] is None, r
REVIEW_DOC_KEYS = {"documentId", "originalName", "category", "contentType", "size", "path"}
REQUEST_STATUSES = {"PENDING", "APPROVED", "REJECTED", "CANCELLED"}

CATEGORIES = ("SENDERID_APPROVAL", "SENDERID_LIMITATION", "SENDERID_IDENTIFICATION",
              "SENDERID_CONSIGNMENT")
EXTENSIONS = {"png": "image/png", "gif": "image/gif", "jpg": "image/jpeg", "pdf": "application/pdf",
              "tif": "image/tiff"}
NAME_RE = re.compile(r"^[A-Za-z0-9]{15}\.(png|gif|jpg|pdf|tif)$")


# ---------------------------------------------------------------------------------------------------
# Minimal real files

def png_bytes(width=1, height=1, seed=b""):
    """A valid PNG (8-bit RGB). `seed` goes into a tEXt chunk so that files differ."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    if seed:
        out += chunk(b"tEXt", b"Comment\x00" + seed)
    out += chunk(b"IDAT", zlib.compress(raw))
    out += chunk(b"IEND", b"")
    return out


def gif_bytes(version=b"89a"):
    """A 1x1 GIF."""
    return (b"GIF" + version + struct.pack("<HH", 1, 1) + b"\x80\x00\x00"
            + b"\x00\x00\x00\xff\xff\xff"                     # 2-colour table
            + b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00"
            + b"\x02\x02\x44\x01\x00" + b"\x3b")


def jpeg_bytes(extra=b""):
    """SOI, an APP0/JFIF segment, optional COM segment, EOI."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    out = b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0
    if extra:
        out += b"\xff\xfe" + struct.pack(">H", len(extra) + 2) + extra
    return out + b"\xff\xd9"


def pdf_bytes(size=None, seed=None):
    """A tiny PDF; with `size`, padded with random bytes before `%%EOF` to exactly `size` bytes."""
    seed = seed if seed is not None else secrets.token_hex(8)
    head = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%" + seed.encode() + b"\n")
    tail = b"%%EOF\n"
    if size is None:
        return head + tail
    pad = size - len(head) - len(tail)
    assert pad >= 0, f"a PDF cannot be as small as {size} bytes"
    out = head + os.urandom(pad) + tail
    assert len(out) == size
    return out


def tiff_bytes(big_endian=False):
    """A little- (II*\\0) or big-endian (MM\\0*) TIFF header with an empty IFD."""
    if big_endian:
        return b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", 0) + b"\x00" * 4
    return b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 0) + b"\x00" * 4


def sample(kind, seed=None):
    """(bytes, extension, mime) of one accepted type; `seed` makes the content unique."""
    seed = seed or secrets.token_hex(6)
    if kind == "png":
        return png_bytes(seed=seed.encode()), "png", "image/png"
    if kind == "gif":
        return gif_bytes() + seed.encode(), "gif", "image/gif"
    if kind == "gif87":
        return gif_bytes(b"87a") + seed.encode(), "gif", "image/gif"
    if kind == "jpeg":
        return jpeg_bytes(seed.encode()), "jpg", "image/jpeg"
    if kind == "pdf":
        return pdf_bytes(seed=seed), "pdf", "application/pdf"
    if kind == "tiff":
        return tiff_bytes() + seed.encode(), "tif", "image/tiff"
    if kind == "tiff_be":
        return tiff_bytes(big_endian=True) + seed.encode(), "tif", "image/tiff"
    raise ValueError(kind)


def b64(data):
    return base64.b64encode(data).decode("ascii")


def data_uri(data, mime="application/octet-stream"):
    return f"data:{mime};base64,{b64(data)}"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------------
# Documents over the API

def doc_path(document_id):
    return f"{DOCS}/{document_id}"


def file_path(document_id):
    return f"{DOCS}/{document_id}/file"


def check_document(d, account=None, category=None, use=None, url_prefix="", near=None):
    """A Document (SPEC §3.6); returns it."""
    assert isinstance(d, dict) and set(d) == DOCUMENT_KEYS, f"Document keys {sorted(d) if isinstance(d, dict) else d!r}"
    assert_id(d["documentId"], "DOC", tolerance=10 ** 9)
    assert isinstance(d["accountId"], str) and d["accountId"].isdigit(), d
    if account is not None:
        assert d["accountId"] == account.account_id, d
    assert isinstance(d["name"], str) and NAME_RE.match(d["name"]), f"generated name {d['name']!r}"
    assert isinstance(d["originalName"], str) and d["originalName"], d
    assert d["url"] == f"{url_prefix}/senderid/v1/documents/{d['documentId']}/file", d["url"]
    assert d["category"] in CATEGORIES, d
    if category is not None:
        assert d["category"] == category, d
    assert isinstance(d["use"], bool), d
    if use is not None:
        assert d["use"] is use, f"use is {d['use']!r}, expected {use}: {d!r}"
    assert_iso(d["dateCreated"], near=near)
    return d


def upload_raw(acct, file_field, category="SENDERID_APPROVAL", name=None, extra=None):
    body = {"file": file_field, "category": category}
    if name is not None:
        body["name"] = name
    body.update(extra or {})
    return acct.post(DOCS, body)


def upload(acct, data, category="SENDERID_APPROVAL", name=None, as_data_uri=False, mime=None):
    """Uploads `data` (bytes), which must succeed; returns the checked Document."""
    field = data_uri(data, mime or "application/octet-stream") if as_data_uri else b64(data)
    before = utcnow()
    d = check_document(assert_ok(upload_raw(acct, field, category, name)), acct, use=False,
                       category=category.replace("-", "_"), near=before)
    assert_id(d["documentId"], "DOC")
    return d


def upload_kind(acct, kind="png", **kw):
    """Uploads a fresh sample of `kind`; returns (Document, bytes)."""
    data, _, _ = sample(kind)
    return upload(acct, data, **kw), data


def get_document(acct, document_id):
    return check_document(assert_ok(acct.get(doc_path(document_id))), acct)


def download(acct, document_id):
    """The file's bytes (must succeed)."""
    r = acct.get(file_path(document_id))
    assert r.status == 200, f"download of {document_id}: {r!r}"
    return r


def list_documents(acct, query=""):
    """GET /documents?query → (data, nextKey), each Document checked."""
    path = DOCS + (f"?{query}" if query else "")
    body = assert_ok(acct.get(path))
    assert isinstance(body, dict) and set(body) == {"data", "nextKey"}, f"list keys: {body!r}"
    assert isinstance(body["data"], list), body
    for d in body["data"]:
        check_document(d, acct)
    nk = body["nextKey"]
    assert nk is None or (isinstance(nk, str) and nk.startswith("DOC") and len(nk) == 32), nk
    return body["data"], nk


def list_all_documents(acct, page=1000, query=""):
    """Every document of `acct` by following nextKey; returns the list."""
    out = []
    key = None
    for _ in range(10_000):
        q = f"limit={page}" + (f"&startKey={key}" if key else "") + (f"&{query}" if query else "")
        data, key = list_documents(acct, q)
        out.extend(data)
        if key is None:
            return out
    raise AssertionError("paging does not end")


def documents_dir(server):
    return Path(server.data_dir) / "documents"


def stored_blobs(server):
    """The documents' bytes the server's store holds, {generated name: bytes}: the files under
    <data>/documents (SQLite), or the rows of document_blobs (PostgreSQL, SPEC §11)."""
    if PG_MODE:
        url = pg_store_args(server.data_dir)[1]
        out = {}
        for line in psql("SELECT name || ' ' || encode(bytes, 'hex') FROM document_blobs",
                         url).splitlines():
            if line.strip():
                name, hex_bytes = line.split(" ", 1)
                out[name] = bytes.fromhex(hex_bytes)
        return out
    where = documents_dir(server)
    if not where.exists():
        return {}
    return {p.name: p.read_bytes() for p in where.iterdir()}


# The stray-file sweep at serve start keeps files younger than this (issue 11: another process's
# upload may be between its rename and its commit), so a restart right after a crash may leave them.
STRAY_GRACE_SECONDS = 3600


def assert_no_stray_files(folder, names):
    """`folder` (DATA/documents) holds a file for every name in `names`, and nothing else but young
    strays (`.tmp-*` files, files of no document) that the start-up sweep may keep for the grace
    period — never older ones."""
    files = set(os.listdir(folder))
    missing = sorted(set(names) - files)
    assert not missing, f"documents without a file: {missing[:5]}"
    strays = sorted(files - set(names))
    now = time.time()
    old = [f for f in strays
           if now - os.stat(os.path.join(folder, f)).st_mtime > STRAY_GRACE_SECONDS - 60]
    temps = [f for f in old if f.startswith(".tmp-")]
    assert not temps, f"temporary files older than the grace period left in {folder}: {temps[:5]}"
    orphans = [f for f in old if not f.startswith(".tmp-")]
    assert not orphans, f"files without a document (older than the grace period) in {folder}: " \
                        f"{orphans[:5]}"


def assert_invalid_document(resp):
    return assert_error(resp, 400, "InvalidDocumentId", MSG_INVALID_DOCUMENT)


def assert_invalid_file_type(resp):
    return assert_error(resp, 400, "InvalidFileType", MSG_INVALID_FILE_TYPE)


def set_of_ids(docs):
    return {d["documentId"] for d in docs}


# ---------------------------------------------------------------------------------------------------
# Numbers and papers

def messages(entry):
    return [l["message"] for l in entry["log"]]


def submit_evidence(acct, number, document_ids):
    return acct.post(f"{PAPERS}/approval/{number}", {"documents": list(document_ids)})


def request_limit(acct, document_ids, limit):
    return acct.post(f"{PAPERS}/limitation", {"documents": list(document_ids), "limit": limit})


def request_unlock(acct, number, reason, name=None):
    body = {"reason": reason}
    if name is not None:
        body["name"] = name
    return acct.post(f"{PAPERS}/duplicate/{number}", body)


def check_approval(a, documents=None, status=None):
    assert isinstance(a, dict) and set(a) == APPROVAL_KEYS, f"Approval keys: {a!r}"
    assert_id(a["approvalId"], "APD", tolerance=10 ** 9)
    assert isinstance(a["documents"], list) and all(isinstance(x, str) for x in a["documents"]), a
    if documents is not None:
        assert sorted(a["documents"]) == sorted(documents), a
    assert a["status"] in REQUEST_STATUSES, a
    if status is not None:
        assert a["status"] == status, a
    assert a["reason"] is None or isinstance(a["reason"], str), a
    check_reason_code(a)
    assert parse_iso(a["dateUpdated"]) >= parse_iso(a["dateCreated"]), a
    return a


def check_limitation(l, documents=None, status=None):
    assert isinstance(l, dict) and set(l) == LIMITATION_KEYS, f"Limitation keys: {l!r}"
    assert_id(l["limitationId"], "LID", tolerance=10 ** 9)
    assert isinstance(l["documents"], list), l
    if documents is not None:
        assert sorted(l["documents"]) == sorted(documents), l
    assert l["status"] in REQUEST_STATUSES, l
    if status is not None:
        assert l["status"] == status, l
    for k in ("limitRequested", "limitBeforeRequest"):
        assert isinstance(l[k], int) and not isinstance(l[k], bool), l
    check_reason_code(l)
    assert parse_iso(l["dateUpdated"]) >= parse_iso(l["dateCreated"]), l
    return l


def check_unlock(u, status=None):
    assert isinstance(u, dict) and set(u) == UNLOCK_KEYS, f"unlockDuplicate keys: {u!r}"
    assert_id(u["duplicateId"], "DUP", tolerance=10 ** 9)
    assert isinstance(u["reasonForRequested"], str) and u["reasonForRequested"], u
    assert isinstance(u["name"], str) and u["name"], u
    assert u["status"] in REQUEST_STATUSES, u
    if status is not None:
        assert u["status"] == status, u
    check_reason_code(u)
    assert parse_iso(u["dateUpdated"]) >= parse_iso(u["dateCreated"]), u
    return u


def assert_near(text, expected, tolerance=120.0):
    when = parse_iso(text)
    delta = abs((when - expected).total_seconds())
    assert delta <= tolerance, f"{text} is {delta:.0f}s away from {expected.isoformat()}"


# ---------------------------------------------------------------------------------------------------
# ARS verification through the outbox voice provider (SPEC §5, §5.1)

def _outbox_lines(server):
    path = Path(server.data_dir) / "voice-outbox.jsonl"
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def ars_verify(acct, number):
    """Step 1 (code read from the outbox) and step 2; returns the step-2 Resp (not checked)."""
    path = f"{NUMBERS}/{number}/authenticate"
    hdr = {"authType": "ARS", "extras": {"phoneNumber": number}}
    r1 = acct.put(path, headers={"x-mfa-data": json.dumps(hdr, separators=(",", ":"))})
    assert r1.status == 403 and r1.json.get("errorCode") == "MFARequired", f"step 1: {r1!r}"
    txn = r1.json["mfa"]["transactionId"]
    hits = [c for c in _outbox_lines(acct.server) if c.get("transactionId") == txn]
    assert len(hits) == 1, f"{len(hits)} outbox lines for {txn}"
    hdr.update({"transactionId": txn, "token": hits[0]["token"]})
    return acct.put(path, headers={"x-mfa-data": json.dumps(hdr, separators=(",", ":"))})


def make_active(acct, number):
    """The whole ARS flow, which must succeed; returns the Doc."""
    r = ars_verify(acct, number)
    doc = assert_ok(r)
    e = find_sender(doc, number)
    assert e["status"] == "ACTIVE" and e["method"] == "ARS", e
    return doc


# ---------------------------------------------------------------------------------------------------
# The `reviews` operator commands (SPEC §10)

def login_name():
    """Who `senderid reviews approve` names when no --operator is given."""
    if os.environ.get("SUDO_USER"):
        return os.environ["SUDO_USER"]
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return os.environ.get("USER") or "operator"


def assert_cli_failure(p):
    """Non-zero exit, one non-empty line on stderr, nothing JSON-like claimed on stdout."""
    assert p.returncode != 0, f"expected failure, got exit 0 with stdout {p.stdout!r}"
    err = p.stderr.strip()
    assert err, "no error text on stderr"
    assert "\n" not in err, f"error is not one line: {p.stderr!r}"
    return err


def reviews(server, *args):
    """`senderid reviews list ARGS --data DIR` → the parsed JSON array (checked)."""
    out = server.cli("reviews", "list", *args)
    assert isinstance(out, list), f"reviews list printed {out!r}"
    for item in out:
        check_review(item)
    stamps = [parse_iso(i["dateCreated"]) for i in out]
    assert stamps == sorted(stamps), "reviews list is not oldest first"
    return out


def review(server, request_id, status="ALL"):
    """The one review item with `id` == request_id (from `reviews list --status ALL`)."""
    hits = [i for i in reviews(server, "--status", status) if i["id"] == request_id]
    assert len(hits) == 1, f"{len(hits)} review items with id {request_id}"
    return hits[0]


def approve(server, request_id, *args):
    item = server.cli("reviews", "approve", request_id, *args)
    return check_review(item)


def reject(server, request_id, reason, *args):
    item = server.cli("reviews", "reject", request_id, "--reason", reason, *args)
    return check_review(item)


def check_review(item, kind=None, status=None):
    """One `reviews` item (the lead's contract for §10)."""
    assert isinstance(item, dict), item
    keys = set(item)
    assert REVIEW_BASE_KEYS <= keys, f"review item lacks {sorted(REVIEW_BASE_KEYS - keys)}: {item!r}"
    optional = {"phoneNumber", "handleKey", "limitRequested", "limitBeforeRequest", "name",
                "reasonForRequested"}
    assert keys <= REVIEW_BASE_KEYS | optional, f"unexpected keys {sorted(keys - REVIEW_BASE_KEYS - optional)}"
    assert item["kind"] in ("approval", "limitation", "duplicate"), item
    prefix = {"approval": "APD", "limitation": "LID", "duplicate": "DUP"}[item["kind"]]
    assert_id(item["id"], prefix, tolerance=10 ** 9)
    if kind is not None:
        assert item["kind"] == kind, item
    assert item["status"] in REQUEST_STATUSES, item
    if status is not None:
        assert item["status"] == status, item
    assert isinstance(item["accountId"], str) and item["accountId"].isdigit(), item
    assert isinstance(item["accountName"], str), item
    if item["kind"] in ("approval", "duplicate"):
        assert isinstance(item.get("phoneNumber"), str) and item["phoneNumber"].isdigit(), item
        assert_id(item.get("handleKey"), "SED", tolerance=10 ** 9)
    if item["kind"] == "limitation":
        assert isinstance(item.get("limitRequested"), int), item
        assert isinstance(item.get("limitBeforeRequest"), int), item
    if item["kind"] == "duplicate":
        assert isinstance(item.get("reasonForRequested"), str), item
        assert isinstance(item.get("name"), str), item
    assert isinstance(item["documents"], list), item
    for d in item["documents"]:
        assert isinstance(d, dict) and "documentId" in d, d
    assert item["reason"] is None or isinstance(item["reason"], str), item
    if item["status"] in ("APPROVED", "REJECTED"):
        assert isinstance(item["decidedBy"], str) and item["decidedBy"], item
        parse_iso(item["dateDecided"])
    elif item["status"] == "PENDING":
        assert item["decidedBy"] is None and item["dateDecided"] is None, item
    parse_iso(item["dateCreated"])
    parse_iso(item["dateUpdated"])
    return item


def check_review_document(d, uploaded_bytes, document):
    """A document of a review item: names the file on disk that holds exactly the uploaded bytes."""
    assert set(d) == REVIEW_DOC_KEYS, f"review document keys {sorted(d)}: {d!r}"
    assert d["documentId"] == document["documentId"], d
    assert d["originalName"] == document["originalName"], d
    assert d["category"] == document["category"], d
    ext = document["name"].rsplit(".", 1)[1]
    assert d["contentType"] == EXTENSIONS[ext], d
    assert d["size"] == len(uploaded_bytes), d
    p = Path(d["path"])
    assert p.is_file(), f"review document path {d['path']!r} does not exist"
    assert p.read_bytes() == uploaded_bytes, f"{d['path']} does not hold the uploaded bytes"
    assert p.name == document["name"], d
    return d

