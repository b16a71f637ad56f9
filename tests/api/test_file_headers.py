"""Issue 11, "also": the customer route GET /senderid/v1/documents/{id}/file serves the bytes with
`Content-Security-Policy` (SPEC §13: at least `default-src 'none'`; `frame-ancestors 'self'`), besides
`X-Content-Type-Options: nosniff` and `Content-Disposition: inline` — so that a PDF or image shown
inline can never run script in the origin."""

import pytest

from documents_support import EXTENSIONS, download, upload_kind


def csp_directives(value):
    out = {}
    for part in value.split(";"):
        words = part.strip().split()
        if words:
            out[words[0].lower()] = [w.lower() for w in words[1:]]
    return out


@pytest.mark.parametrize("kind", ["pdf", "png", "jpeg", "gif"])
def test_file_route_headers(account, kind):
    d, data = upload_kind(account, kind)
    r = download(account, d["documentId"])
    assert r.body == data
    ext = d["name"].rsplit(".", 1)[1]
    assert (r.header("Content-Type") or "").split(";")[0].strip() == EXTENSIONS[ext]
    assert (r.header("X-Content-Type-Options") or "").lower() == "nosniff"
    disposition = r.header("Content-Disposition") or ""
    assert disposition.split(";")[0].strip().lower() == "inline", f"Content-Disposition {disposition!r}"
    csps = [v for k, v in r.headers if k.lower() == "content-security-policy"]
    assert len(csps) == 1, f"expected one Content-Security-Policy header, got {csps!r}"
    directives = csp_directives(csps[0])
    assert directives.get("default-src") == ["'none'"], f"CSP {csps[0]!r} lacks default-src 'none'"
    assert "script-src" not in directives or directives["script-src"] == ["'none'"], csps[0]
    assert directives.get("frame-ancestors") in (["'self'"], ["'none'"]), \
        f"CSP {csps[0]!r} lacks frame-ancestors 'self'"
