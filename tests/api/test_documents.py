"""Evidence documents (SPEC §3.6, §4 #10–#13): upload with content sniffing, download of the exact
bytes, listing with paging and filters, all-or-nothing delete, the public URL, and isolation between
accounts. Black-box against the real binary."""

import base64
import datetime as dt
import json
import os
import struct
import zlib
import urllib.parse

import pytest

from conftest import NUMBERS, assert_error, assert_ok, check_doc, fmt_z, parse_iso
from documents_support import (DOCS, MAX_DOCUMENT_SIZE, MSG_FILE_TOO_LARGE, NAME_RE,
                               assert_invalid_document, assert_invalid_file_type, b64,
                               check_document, data_uri, doc_path, documents_dir, download, stored_blobs,
                               file_path, get_document, list_all_documents, list_documents,
                               pdf_bytes, png_bytes, request_limit, sample, sha256,
                               submit_evidence, unique_number, upload, upload_kind, upload_raw)

KINDS = ("png", "gif", "gif87", "jpeg", "pdf", "tiff", "tiff_be")
UNKNOWN_ID = "DOC20240101000000ABCDEFGHIJ12345"


def delete_documents(acct, ids):
    return acct.delete(DOCS, {"documents": list(ids)})


def q(value):
    return urllib.parse.quote(value, safe="")


# ---------------------------------------------------------------------------------------------------
# Upload: accepted types

@pytest.mark.parametrize("kind", KINDS)
def test_upload_each_type_roundtrips(server, account, kind):
    data, ext, mime = sample(kind)
    d = upload(account, data)
    assert d["name"].endswith("." + ext), d
    assert d["originalName"] == d["name"], "without a client name, originalName is the generated name"
    assert d["category"] == "SENDERID_APPROVAL"
    assert d["use"] is False
    r = download(account, d["documentId"])
    assert r.body == data, "download does not return the exact uploaded bytes"
    ct = (r.header("Content-Type") or "").split(";")[0].strip().lower()
    assert ct == mime, f"Content-Type {r.header('Content-Type')!r} for {kind}"
    assert get_document(account, d["documentId"]) == d


def test_upload_data_uri(account):
    data = png_bytes(seed=b"data-uri")
    d = upload(account, data, as_data_uri=True, mime="image/png")
    assert d["name"].endswith(".png")
    assert download(account, d["documentId"]).body == data


def test_content_decides_type_not_data_uri_mime(account):
    """The magic bytes decide: a PNG sent as data:application/pdf is a PNG."""
    data = png_bytes(seed=b"mime-lies")
    d = upload(account, data, as_data_uri=True, mime="application/pdf")
    assert d["name"].endswith(".png"), d
    r = download(account, d["documentId"])
    assert r.body == data
    assert (r.header("Content-Type") or "").split(";")[0].strip() == "image/png"


def test_upload_real_png_is_valid_png():
    """Guard on the test's own file builder: a 1x1 PNG that zlib and the CRCs agree with."""
    data = png_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pos, chunks = 8, []
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        chunks.append(kind)
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and b"IDAT" in chunks


def test_upload_mime_wrapped_base64(account):
    """Line-wrapped base64 (Python's base64.encodebytes) is still base64."""
    data = pdf_bytes(size=300)
    field = base64.encodebytes(data).decode()
    assert "\n" in field
    d = check_document(assert_ok(upload_raw(account, field)), account)
    assert download(account, d["documentId"]).body == data


@pytest.mark.parametrize("category,stored", [
    ("SENDERID_APPROVAL", "SENDERID_APPROVAL"), ("SENDERID-APPROVAL", "SENDERID_APPROVAL"),
    ("SENDERID_LIMITATION", "SENDERID_LIMITATION"), ("SENDERID-LIMITATION", "SENDERID_LIMITATION"),
    ("SENDERID_IDENTIFICATION", "SENDERID_IDENTIFICATION"),
    ("SENDERID-IDENTIFICATION", "SENDERID_IDENTIFICATION"),
    ("SENDERID_CONSIGNMENT", "SENDERID_CONSIGNMENT"), ("SENDERID-CONSIGNMENT", "SENDERID_CONSIGNMENT"),
])
def test_categories_stored_with_underscore(account, category, stored):
    data, _, _ = sample("pdf")
    r = upload_raw(account, b64(data), category=category)
    d = check_document(assert_ok(r), account, category=stored)
    assert get_document(account, d["documentId"])["category"] == stored


@pytest.mark.parametrize("category", ["", "APPROVAL", "SENDERID_OTHER",
                                      "SENDERID APPROVAL", "SENDERID__APPROVAL"])
def test_unknown_category(account, category):
    data, _, _ = sample("png")
    assert_error(upload_raw(account, b64(data), category=category), 400, "ValidationError")


def test_generated_names_are_unique(account):
    names = set()
    for _ in range(8):
        d, _ = upload_kind(account, "png")
        assert NAME_RE.match(d["name"])
        names.add(d["name"])
    assert len(names) == 8, "generated names repeat"


def test_blob_stored_under_data_documents(server, account):
    d, data = upload_kind(account, "jpeg")
    assert stored_blobs(server).get(d["name"]) == data, f"{d['name']} missing after upload"


# ---------------------------------------------------------------------------------------------------
# Upload: client names

@pytest.mark.parametrize("kind,name", [
    ("jpeg", "PHOTO.JPG"), ("jpeg", "a.jpeg"), ("jpeg", "A.JPEG"), ("jpeg", "photo.jpg"),
    ("tiff", "scan.tif"), ("tiff", "scan.TIFF"), ("pdf", "report.v2"), ("pdf", "noext"),
    ("png", "사업자등록증.png"), ("pdf", "통신서비스 이용증명원 (2024).PDF"), ("png", "x.png.txt"),
    ("gif", "anim.GIF"), ("png", "archive.pdf.png"),
])
def test_client_name_kept_as_original_name(account, kind, name):
    data, ext, _ = sample(kind)
    d = upload(account, data, name=name)
    assert d["originalName"] == name
    assert d["name"].endswith("." + ext) and d["name"] != name, d
    assert get_document(account, d["documentId"])["originalName"] == name


@pytest.mark.parametrize("kind,name", [
    ("png", "x.pdf"), ("png", "x.PDF"), ("png", "x.jpg"), ("png", "x.jpeg"), ("png", "x.gif"),
    ("png", "x.tif"), ("png", "x.tiff"), ("png", "a.png.pdf"), ("jpeg", "photo.png"),
    ("pdf", "contract.jpg"), ("tiff", "scan.pdf"), ("gif", "a.Png"),
])
def test_name_contradicting_content(account, kind, name):
    data, _, _ = sample(kind)
    before = list_all_documents(account)
    assert_invalid_file_type(upload_raw(account, b64(data), name=name))
    assert list_all_documents(account) == before, "a refused upload left a document behind"


# ---------------------------------------------------------------------------------------------------
# Upload: refused content

REFUSED = {
    "text": b"hello, this is plain text\n",
    "html": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
    "elf": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56,
    "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40,
    "bmp": b"BM" + b"\x00" * 60,
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20,
    "svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "png_truncated_magic": b"\x89PNG\r\n\x1a",
    "gif88": b"GIF88a" + b"\x00" * 20,
    "tiff_bad": b"II*\x01" + b"\x00" * 8,
    "pdf_lower": b"%pdf-1.4\n",
    "leading_space_pdf": b" %PDF-1.4\n",
}


@pytest.mark.parametrize("what", sorted(REFUSED))
def test_unsupported_content(server, account, what):
    files_before = set(stored_blobs(server))
    assert_invalid_file_type(upload_raw(account, b64(REFUSED[what])))
    assert_invalid_file_type(upload_raw(account, b64(REFUSED[what]), name="evidence.png"))
    assert list_all_documents(account) == []
    files_after = set(stored_blobs(server))
    assert files_after <= files_before, f"refused upload left files: {files_after - files_before}"


def test_empty_content(account):
    assert_error(upload_raw(account, ""), 400, "InvalidFileType")
    assert_error(upload_raw(account, "data:image/png;base64,"), 400, "InvalidFileType")
    assert list_all_documents(account) == []


@pytest.mark.parametrize("field", ["@@@@", "iVBOR*w0KGgo=", "====", "a===", "not base64 at all!",
                                   "iVBORw0KGgo=AAAA==", "\u00e9\u00e9\u00e9\u00e9", "\u00e9",
                                   "\uac00\uac00\uac00\uac00"])
def test_bad_base64(account, field):
    assert_error(upload_raw(account, field), 400, "ValidationError")
    assert list_all_documents(account) == []


@pytest.mark.parametrize("junk", ["\u00e9\u00e9", "\u0080\u0080", "\uac00", "\u00e9"])
def test_non_ascii_in_base64_is_not_base64(account, junk):
    """Characters outside the base64 alphabet make the field bad base64 wherever they stand; they
    must not be decoded into bytes (a valid PNG plus junk must not be stored as a longer file)."""
    data = png_bytes(seed=b"junk")
    for field in (b64(data) + junk, junk + b64(data), b64(data)[:8] + junk + b64(data)[8:]):
        assert_error(upload_raw(account, field), 400, "ValidationError")
    assert list_all_documents(account) == []


@pytest.mark.parametrize("field", [
    "data:image/png," + "iVBORw0KGgo",
    "data:image/png;charset=utf-8," + "%89PNG",
    "data:image/png;base64",                      # no comma
    "data:image/png;base64,@@@@",
])
def test_bad_data_uri(account, field):
    assert_error(upload_raw(account, field), 400, "ValidationError")


@pytest.mark.parametrize("body", [
    {"category": "SENDERID_APPROVAL"},
    {"file": None, "category": "SENDERID_APPROVAL"},
    {"file": 12345, "category": "SENDERID_APPROVAL"},
    {"file": ["iVBORw0KGgo="], "category": "SENDERID_APPROVAL"},
    {"file": "FILE"},
    {"file": "FILE", "category": 1},
    {"file": "FILE", "category": "SENDERID_APPROVAL", "name": 7},
    {"file": "FILE", "category": "SENDERID_APPROVAL", "fileName": "x.png"},
    {"file": "FILE", "category": "SENDERID_APPROVAL", "accountId": "1"},
])
def test_upload_body_validation(account, body):
    data, _, _ = sample("png")
    body = {k: (b64(data) if v == "FILE" else v) for k, v in body.items()}
    assert_error(account.post(DOCS, body), 400, "ValidationError")
    assert list_all_documents(account) == []


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"\"x\"", b"{\"file\": }"])
def test_upload_malformed_json(account, raw):
    assert_error(account.post(DOCS, raw=raw), 400, "ValidationError")


# ---------------------------------------------------------------------------------------------------
# Upload: size

def test_size_limit_exactly_accepted(account):
    data = pdf_bytes(size=MAX_DOCUMENT_SIZE)
    d = upload(account, data, name="big.pdf")
    got = download(account, d["documentId"]).body
    assert len(got) == MAX_DOCUMENT_SIZE and sha256(got) == sha256(data)


@pytest.mark.parametrize("as_uri", [False, True])
def test_size_limit_one_byte_over(account, as_uri):
    data = pdf_bytes(size=MAX_DOCUMENT_SIZE + 1)
    field = data_uri(data, "application/pdf") if as_uri else b64(data)
    assert_error(upload_raw(account, field), 413, "FileSizeTooLarge", MSG_FILE_TOO_LARGE)
    assert list_all_documents(account) == []


def test_size_limit_checked_before_type(account):
    """Over the limit is FileSizeTooLarge whatever the content."""
    data = b"\x00" * (MAX_DOCUMENT_SIZE + 1000)
    assert_error(upload_raw(account, b64(data)), 413, "FileSizeTooLarge", MSG_FILE_TOO_LARGE)


def test_configured_max_document_size(server_factory):
    s = server_factory(args=["--max-document-size", "2000"])
    acct = s.new_account()
    ok = pdf_bytes(size=2000)
    d = upload(acct, ok)
    assert download(acct, d["documentId"]).body == ok
    assert_error(upload_raw(acct, b64(pdf_bytes(size=2001))), 413, "FileSizeTooLarge")


# ---------------------------------------------------------------------------------------------------
# Public URL

@pytest.mark.parametrize("public", ["http://example.test/base/", "http://example.test/base"])
def test_public_url_prefix(server_factory, public):
    s = server_factory(args=["--public-url", public])
    acct = s.new_account()
    prefix = "http://example.test/base"
    data, _, _ = sample("gif")
    d = check_document(assert_ok(upload_raw(acct, b64(data))), acct, url_prefix=prefix)
    assert d["url"] == f"http://example.test/base/senderid/v1/documents/{d['documentId']}/file"
    assert "//senderid" not in d["url"]
    got = check_document(assert_ok(acct.get(doc_path(d["documentId"]))), acct, url_prefix=prefix)
    assert got["url"] == d["url"]
    listed = assert_ok(acct.get(DOCS))["data"]
    assert [x["url"] for x in listed] == [d["url"]]
    # The path part of the url serves the bytes.
    path = urllib.parse.urlsplit(d["url"]).path
    assert path.startswith("/base/")
    r = acct.get(path[len("/base"):])
    assert r.status == 200 and r.body == data
    deleted = assert_ok(acct.delete(DOCS, {"documents": [d["documentId"]]}))
    assert [x["url"] for x in deleted] == [d["url"]]


# ---------------------------------------------------------------------------------------------------
# Get / download

@pytest.mark.parametrize("bad", [UNKNOWN_ID, "nope", "DOC", "SED20240101000000ABCDEFGHIJ12345",
                                 "doc20240101000000abcdefghij12345"])
def test_get_and_download_unknown(account, bad):
    upload_kind(account, "png")
    assert_invalid_document(account.get(doc_path(bad)))
    assert_invalid_document(account.get(file_path(bad)))


def test_download_headers(account):
    d, data = upload_kind(account, "pdf")
    r = download(account, d["documentId"])
    assert r.header("Content-Length") == str(len(data))
    assert r.header("X-Request-Id")


# ---------------------------------------------------------------------------------------------------
# Scopes (§2: upload is write, reads are read)

def test_read_only_key_cannot_upload_or_delete(server, account):
    d, data = upload_kind(account, "png")
    ro = server.new_key(account, ["senderid:read"])
    assert_error(upload_raw(ro, b64(data)), 403, "Forbidden")
    assert_error(delete_documents(ro, [d["documentId"]]), 403, "Forbidden")
    assert get_document(ro, d["documentId"]) == d
    assert download(ro, d["documentId"]).body == data
    assert [x["documentId"] for x in list_documents(ro)[0]] == [d["documentId"]]


def test_write_only_key_cannot_read(server, account):
    wo = server.new_key(account, ["senderid:write"])
    data, _, _ = sample("png")
    d = check_document(assert_ok(upload_raw(wo, b64(data))), account)
    assert_error(wo.get(DOCS), 403, "Forbidden")
    assert_error(wo.get(doc_path(d["documentId"])), 403, "Forbidden")
    assert_error(wo.get(file_path(d["documentId"])), 403, "Forbidden")


# ---------------------------------------------------------------------------------------------------
# Listing

def test_list_empty(account):
    assert assert_ok(account.get(DOCS)) == {"data": [], "nextKey": None}


@pytest.fixture(scope="module")
def many(server):
    """One account with 45 documents; returns (account, ids newest first)."""
    acct = server.new_account()
    ids = []
    for i in range(45):
        data, _, _ = sample(("png", "pdf", "jpeg")[i % 3])
        ids.append(upload(acct, data)["documentId"])
    return acct, sorted(ids, reverse=True)


def test_list_default_page_is_20(many):
    acct, ids = many
    data, nk = list_documents(acct)
    assert [d["documentId"] for d in data] == ids[:20]
    assert nk == ids[20]


def test_list_paging_visits_each_once(many):
    acct, ids = many
    seen, pages, key = [], 0, None
    while True:
        query = "limit=20" + (f"&startKey={key}" if key else "")
        data, key = list_documents(acct, query)
        pages += 1
        assert len(data) == (20 if pages < 3 else 5)
        seen.extend(d["documentId"] for d in data)
        if key is None:
            break
        assert key == ids[len(seen)], "nextKey is not the first item of the next page"
        assert pages < 10
    assert pages == 3
    assert seen == ids, "paging must visit every document once, newest first"


def test_list_order_is_descending_document_id(many):
    acct, ids = many
    data, nk = list_documents(acct, "limit=1000")
    got = [d["documentId"] for d in data]
    assert got == ids and nk is None
    assert got == sorted(got, reverse=True)
    stamps = [parse_iso(d["dateCreated"]) for d in data]
    # documents created in an earlier second never come before later ones
    for a, b in zip(stamps, stamps[1:]):
        assert b <= a + dt.timedelta(seconds=1)


def test_list_start_key_inclusive(many):
    acct, ids = many
    data, nk = list_documents(acct, f"startKey={ids[7]}&limit=3")
    assert [d["documentId"] for d in data] == ids[7:10]
    assert nk == ids[10]
    data, nk = list_documents(acct, f"startKey[eq]={ids[40]}")
    assert [d["documentId"] for d in data] == ids[40:]
    assert nk is None


@pytest.mark.parametrize("limit,expect_next", [(1, 1), (44, 44), (45, None), (1000, None)])
def test_list_limit_bounds(many, limit, expect_next):
    acct, ids = many
    data, nk = list_documents(acct, f"limit={limit}")
    assert [d["documentId"] for d in data] == ids[:limit]
    assert nk == (None if expect_next is None else ids[expect_next])


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "abc", "1.5", "", "20x", "99999999999999999999"])
def test_list_limit_invalid(account, limit):
    assert_error(account.get(f"{DOCS}?limit={q(limit)}"), 400, "ValidationError")


@pytest.fixture
def mixed(server):
    """An account with documents of several categories, one of them used."""
    acct = server.new_account()
    docs = {}
    for key, cat in [("a1", "SENDERID_APPROVAL"), ("a2", "SENDERID_APPROVAL"),
                     ("l1", "SENDERID_LIMITATION"), ("i1", "SENDERID_IDENTIFICATION"),
                     ("c1", "SENDERID_CONSIGNMENT")]:
        data, _, _ = sample("pdf")
        docs[key] = upload(acct, data, category=cat)
    number = unique_number()
    acct.create(number)
    assert_ok(submit_evidence(acct, number, [docs["a1"]["documentId"]]))
    return acct, docs


def ids_of(acct, query):
    data, nk = list_documents(acct, query)
    assert nk is None
    return [d["documentId"] for d in data]


@pytest.mark.parametrize("param", ["category", "category[eq]"])
@pytest.mark.parametrize("sep", ["_", "-"])
def test_filter_category(mixed, param, sep):
    acct, docs = mixed
    got = ids_of(acct, f"{param}=SENDERID{sep}APPROVAL")
    assert sorted(got) == sorted([docs["a1"]["documentId"], docs["a2"]["documentId"]])
    assert ids_of(acct, f"{param}=SENDERID{sep}CONSIGNMENT") == [docs["c1"]["documentId"]]


def test_filter_category_unknown(mixed):
    acct, _ = mixed
    assert_error(acct.get(f"{DOCS}?category=SENDERID_OTHER"), 400, "ValidationError")


@pytest.mark.parametrize("param", ["use", "use[eq]"])
def test_filter_use(mixed, param):
    acct, docs = mixed
    used = ids_of(acct, f"{param}=true")
    assert used == [docs["a1"]["documentId"]]
    unused = ids_of(acct, f"{param}=false")
    assert sorted(unused) == sorted(d["documentId"] for k, d in docs.items() if k != "a1")
    data, _ = list_documents(acct, f"{param}=true")
    assert data[0]["use"] is True
    assert all(d["use"] is False for d in list_documents(acct, f"{param}=false")[0])


@pytest.mark.parametrize("value", ["yes", "1", "TRUE", "", "null"])
def test_filter_use_invalid(account, value):
    assert_error(account.get(f"{DOCS}?use={value}"), 400, "ValidationError")


@pytest.mark.parametrize("param", ["documentId", "documentId[eq]"])
def test_filter_document_id(mixed, param):
    acct, docs = mixed
    target = docs["l1"]
    data, nk = list_documents(acct, f"{param}={target['documentId']}")
    assert data == [get_document(acct, target["documentId"])] and nk is None
    assert ids_of(acct, f"{param}={UNKNOWN_ID}") == []


def test_filters_combine(mixed):
    acct, docs = mixed
    a1, a2 = docs["a1"]["documentId"], docs["a2"]["documentId"]
    assert ids_of(acct, "category=SENDERID-APPROVAL&use=false") == [a2]
    assert ids_of(acct, "category=SENDERID_APPROVAL&use=true") == [a1]
    assert ids_of(acct, "category=SENDERID_LIMITATION&use=true") == []
    assert ids_of(acct, f"documentId={a1}&use=false") == []
    assert ids_of(acct, f"documentId[eq]={a2}&category[eq]=SENDERID_APPROVAL&use[eq]=false") == [a2]
    data, nk = list_documents(acct, "use=false&limit=2")
    unused = sorted((d["documentId"] for k, d in docs.items() if k != "a1"), reverse=True)
    assert [d["documentId"] for d in data] == unused[:2] and nk == unused[2]


def test_filter_dates_inclusive(account):
    d, _ = upload_kind(account, "png")
    created = parse_iso(d["dateCreated"])
    did = d["documentId"]
    one_ms = dt.timedelta(milliseconds=1)
    exact = fmt_z(created)
    assert ids_of(account, f"startDate={q(exact)}") == [did]
    assert ids_of(account, f"endDate={q(exact)}") == [did]
    assert ids_of(account, f"startDate={q(exact)}&endDate={q(exact)}") == [did]
    assert ids_of(account, f"startDate={q(fmt_z(created + one_ms))}") == []
    assert ids_of(account, f"endDate={q(fmt_z(created - one_ms))}") == []
    # the same instant with a +09:00 offset
    kst = created.astimezone(dt.timezone(dt.timedelta(hours=9)))
    kst_text = kst.strftime("%Y-%m-%dT%H:%M:%S.") + f"{kst.microsecond // 1000:03d}+09:00"
    assert ids_of(account, f"startDate={q(kst_text)}&endDate={q(kst_text)}") == [did]
    assert ids_of(account, f"startDate[eq]={q(fmt_z(created - one_ms))}"
                           f"&endDate[eq]={q(fmt_z(created + one_ms))}") == [did]


def test_filter_date_only(account):
    d, _ = upload_kind(account, "png")
    day = parse_iso(d["dateCreated"]).date()
    before, after = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    assert ids_of(account, f"startDate={before}&endDate={after}") == [d["documentId"]]
    assert ids_of(account, f"startDate={day + dt.timedelta(days=2)}") == []
    assert ids_of(account, f"endDate={day - dt.timedelta(days=2)}") == []


def test_filter_dates_select_window(account):
    first, _ = upload_kind(account, "png")
    second, _ = upload_kind(account, "gif")
    t1, t2 = parse_iso(first["dateCreated"]), parse_iso(second["dateCreated"])
    if t1 == t2:
        pytest.skip("both uploads in the same millisecond")
    assert ids_of(account, f"startDate={q(fmt_z(t2))}") == [second["documentId"]]
    assert ids_of(account, f"endDate={q(fmt_z(t1))}") == [first["documentId"]]


@pytest.mark.parametrize("param", ["startDate", "endDate"])
@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "2024-01-01T25:00:00Z", "20240101",
                                   "2024-01-01T00:00:00+25:00", "1"])
def test_filter_date_invalid(account, param, value):
    assert_error(account.get(f"{DOCS}?{param}={q(value)}"), 400, "ValidationError")


# ---------------------------------------------------------------------------------------------------
# Delete

def test_delete_documents(server, account):
    d1, b1 = upload_kind(account, "png")
    d2, b2 = upload_kind(account, "pdf")
    keep, keep_bytes = upload_kind(account, "gif")
    r = delete_documents(account, [d1["documentId"], d2["documentId"]])
    out = assert_ok(r)
    assert isinstance(out, list) and len(out) == 2, out
    for x in out:
        check_document(x, account)
    assert {x["documentId"]: x for x in out} == {d1["documentId"]: d1, d2["documentId"]: d2}
    for d in (d1, d2):
        assert_invalid_document(account.get(doc_path(d["documentId"])))
        assert_invalid_document(account.get(file_path(d["documentId"])))
        assert d["name"] not in stored_blobs(server), "blob left after delete"
    assert [x["documentId"] for x in list_all_documents(account)] == [keep["documentId"]]
    assert download(account, keep["documentId"]).body == keep_bytes
    assert stored_blobs(server)[keep["name"]] == keep_bytes
    # deleting again: it is gone
    assert_invalid_document(delete_documents(account, [d1["documentId"]]))


def test_delete_with_unknown_id_deletes_nothing(server, account):
    d, data = upload_kind(account, "png")
    for bad in (UNKNOWN_ID, "nope"):
        assert_invalid_document(delete_documents(account, [d["documentId"], bad]))
        assert_invalid_document(delete_documents(account, [bad, d["documentId"]]))
    assert get_document(account, d["documentId"]) == d
    assert download(account, d["documentId"]).body == data
    assert d["name"] in stored_blobs(server)


def test_delete_used_document_refused_all_or_nothing(server, account):
    used, _ = upload_kind(account, "png")
    free, free_bytes = upload_kind(account, "pdf")
    number = unique_number()
    account.create(number)
    assert_ok(submit_evidence(account, number, [used["documentId"]]))
    assert get_document(account, used["documentId"])["use"] is True
    assert_error(delete_documents(account, [free["documentId"], used["documentId"]]), 409,
                 "DocumentInUse")
    assert_error(delete_documents(account, [used["documentId"]]), 409, "DocumentInUse")
    assert get_document(account, free["documentId"]) == free
    assert download(account, free["documentId"]).body == free_bytes
    assert get_document(account, used["documentId"])["use"] is True
    assert used["name"] in stored_blobs(server)
    assert free["name"] in stored_blobs(server)


def test_delete_limitation_document_in_use(account):
    d, _ = upload_kind(account, "pdf", category="SENDERID_LIMITATION")
    assert_ok(request_limit(account, [d["documentId"]], 50))
    assert get_document(account, d["documentId"])["use"] is True
    assert_error(delete_documents(account, [d["documentId"]]), 409, "DocumentInUse")


@pytest.mark.parametrize("body", [{}, {"documents": None}, {"documents": "MINE"},
                                  {"documents": [1]}, {"documents": [None]}, {"documents": {}},
                                  {"documents": ["MINE"], "force": True}])
def test_delete_body_validation(account, body):
    d, _ = upload_kind(account, "png")
    fill = lambda v: d["documentId"] if v == "MINE" else v  # noqa: E731
    body = {k: ([fill(x) for x in v] if isinstance(v, list) else fill(v)) for k, v in body.items()}
    assert_error(account.delete(DOCS, body), 400, "ValidationError")
    assert get_document(account, d["documentId"]) == d


# ---------------------------------------------------------------------------------------------------
# Isolation between accounts

def test_other_account_sees_nothing(server):
    a = server.new_account()
    b = server.new_account()
    d, data = upload_kind(a, "png")
    mine, _ = upload_kind(b, "gif")
    did = d["documentId"]
    unknown_get = b.get(doc_path(UNKNOWN_ID))
    foreign_get = b.get(doc_path(did))
    assert_invalid_document(foreign_get)
    assert foreign_get.json == unknown_get.json
    assert_invalid_document(b.get(file_path(did)))
    assert data not in b.get(file_path(did)).body
    assert_invalid_document(delete_documents(b, [did]))
    assert_invalid_document(delete_documents(b, [mine["documentId"], did]))
    assert get_document(b, mine["documentId"]) == mine, "B's own document was deleted"
    for query in ("", "limit=1000", f"documentId={did}", f"startKey={did}", "use=false",
                  "category=SENDERID_APPROVAL"):
        data_b, _ = list_documents(b, query)
        assert did not in {x["documentId"] for x in data_b}, query
        assert all(x["accountId"] == b.account_id for x in data_b)
    assert ids_of(b, f"documentId={did}") == []
    # A still has everything
    assert get_document(a, did) == d
    assert download(a, did).body == data


def test_other_account_cannot_attach_documents(server):
    a = server.new_account()
    b = server.new_account()
    d, _ = upload_kind(a, "png")
    did = d["documentId"]
    number = unique_number()
    b.create(number)
    assert_invalid_document(submit_evidence(b, number, [did]))
    assert_invalid_document(request_limit(b, [did], 20))
    other = unique_number()
    assert_invalid_document(b.post(NUMBERS, {"phoneNumber": other, "documents": [did]}))
    doc_b = check_doc(assert_ok(b.get(NUMBERS)), b)
    assert [s["phoneNumber"] for s in doc_b["senderIds"]] == [number]
    assert doc_b["senderIds"][0]["approvalDocuments"] == []
    assert doc_b["limitationDocuments"] == []
    assert get_document(a, did)["use"] is False


# ---------------------------------------------------------------------------------------------------
# Wire leniency and hostile names

@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_upload_json_whatever_content_type(account, content_type):
    """SPEC §1: a JSON body is accepted whatever its Content-Type (the PHP SDK sends none)."""
    data, _, _ = sample("png")
    raw = json.dumps({"file": b64(data), "category": "SENDERID_APPROVAL"})
    r = account.post(DOCS, raw=raw, content_type=content_type)
    d = check_document(assert_ok(r), account)
    assert download(account, d["documentId"]).body == data


@pytest.mark.parametrize("name", ["../../../etc/passwd.png", "/tmp/evil.png", "a/b\\c.png",
                                  ".hidden.png", "x" * 200 + ".png"])
def test_hostile_names_stay_metadata(server, account, name):
    """The client's name is only metadata: the file on disk is the generated name, inside
    <data>/documents."""
    data, _, _ = sample("png")
    before = set(stored_blobs(server))
    r = upload_raw(account, b64(data), name=name)
    if r.status != 200:
        assert_error(r, 400, "ValidationError")
        return
    d = check_document(r.json, account)
    assert d["originalName"] == name
    after = set(stored_blobs(server))
    assert after - before == {d["name"]}, f"unexpected files: {after - before}"
    assert stored_blobs(server)[d["name"]] == data
    assert not os.path.exists("/tmp/evil.png") or open("/tmp/evil.png", "rb").read() != data
