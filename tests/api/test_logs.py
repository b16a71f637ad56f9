"""What the server writes to its log (stdout + stderr, access log on — the default) never contains an
API secret, a signature, an Authorization header, an ARS code or x-mfa-data text, a document's bytes
(raw, base64 or hex), the master key or the webhook secret — after a representative session that
includes refused requests of every kind. The dev outbox is the one place allowed to hold codes; the
database holds neither plaintext API secrets nor plaintext codes.

Two runs: the outbox voice provider (8-digit codes for distinctiveness), and the webhook provider
against a local gateway (including failing and timing-out calls).
"""

import base64
import json
import re
import secrets
import socket
import tempfile
from pathlib import Path

import pytest

from abuse_support import file_bytes, find_leaks, forms_of_bytes, mfa_header, outbox_code
from ars_support import Receiver, assert_ars_error
from conftest import (NUMBERS, Server, assert_error, assert_ok, check_doc, find_sender, sign,
                      signature, utcnow, fmt_z, make_salt, master_key_path, PG_MODE,
                      pg_store_dump)
from documents_support import (DOCS, b64, data_uri, file_path, pdf_bytes, png_bytes, upload_raw)

CODE_LENGTH = 8


class Session:
    """Everything sent to and received from one server that must stay out of its log."""

    def __init__(self, server):
        self.server = server
        self.secrets = []           # API secrets, webhook secret
        self.auths = []             # Authorization header values
        self.sigs = []              # signature hex values
        self.codes = set()          # ARS codes, right and wrong
        self.mfa_texts = []         # x-mfa-data header texts carrying a token
        self.documents = []         # document bytes
        self.request_ids = []       # X-Request-Id of answers (to prove the log was captured)
        self.extra = []             # other needles

    def auth(self, acct, **kw):
        h = acct.auth(**kw)
        return self.track(h)

    def track(self, header):
        self.auths.append(header)
        sig = header.rsplit("ignature=", 1)[1].split(",")[0].strip()
        self.sigs.append(sig)
        return header

    def seen(self, r):
        rid = r.header("X-Request-Id")
        if rid:
            self.request_ids.append(rid)
        return r

    def needles(self):
        out = list(self.secrets) + list(self.auths) + list(self.mfa_texts) + list(self.extra)
        for s in self.sigs:
            out += [s, s.lower(), s.upper()]
        out += sorted(self.codes)
        for d in self.documents:
            out += sorted(forms_of_bytes(d))
        return [n for n in out if n]


def _signed_traffic(sess, a, b, ro):
    """Accepted and refused signed requests of every kind."""
    s = sess
    for acct in (a, b, ro):
        assert_ok(s.seen(acct.get(NUMBERS, auth=s.auth(acct))))
    assert_ok(s.seen(a.get(NUMBERS, auth=s.auth(a, method="HMAC-MD5"))))
    assert_ok(s.seen(a.get(NUMBERS, auth=s.auth(a, style="python"))))
    assert_ok(s.seen(a.get(NUMBERS, auth=s.auth(a, style="php"))))
    # a wrong HMAC, a wrong secret, a replay, a skewed date, a scope refusal
    assert_error(s.seen(a.get(NUMBERS, auth=s.track(sign(a.key, a.secret, sig=secrets.token_hex(32))))),
                 403, "SignatureDoesNotMatch")
    assert_error(s.seen(a.get(NUMBERS, auth=s.track(sign(a.key, "Q" * 32)))), 403,
                 "SignatureDoesNotMatch")
    h = s.auth(a)
    assert_ok(s.seen(a.get(NUMBERS, auth=h)))
    assert_error(s.seen(a.get(NUMBERS, auth=h)), 403, "DuplicatedSignature")
    assert_error(s.seen(a.get(NUMBERS, auth=s.auth(a, skew=-3600))), 403, "RequestTimeTooSkewed")
    assert_error(s.seen(ro.post(NUMBERS, {"phoneNumber": "01012345678"}, auth=s.auth(ro))), 403,
                 "Forbidden")
    # a client that puts its secret into the header by mistake (unknown keys are ignored)
    date, salt = fmt_z(utcnow()), make_salt()
    leaky = (f"HMAC-SHA256 apiKey={a.key}, date={date}, salt={salt}, apiSecret={a.secret}, "
             f"signature={signature(a.secret, date, salt)}")
    r = s.seen(a.get(NUMBERS, auth=s.track(leaky)))
    assert r.status in (200, 403), r
    # a malformed header and an unknown key carrying a signature
    assert_error(s.seen(a.get(NUMBERS, auth=s.track(s.auths[0].replace("apiKey=", "apiKey=NCSX")))),
                 403, "InvalidAPIKey")


def _ars_traffic(sess, a, codes_from):
    """One number verified after two wrong codes; one transaction killed by wrong codes then sent
    the right one; one step 1 with malformed x-mfa-data. `codes_from(txn)` returns the real code."""
    s = sess
    n1, n2 = "01077771111", "01077772222"
    for n in (n1, n2):
        check_doc(assert_ok(s.seen(a.post(NUMBERS, {"phoneNumber": n}, auth=s.auth(a)))), a)
    for n, verify in ((n1, True), (n2, False)):
        path = f"{NUMBERS}/{n}/authenticate"
        r = s.seen(a.put(path, headers={"x-mfa-data": mfa_header(n)}, auth=s.auth(a)))
        assert_ars_error(r, 403, "MFARequired", need_mfa=True)
        txn = r.json["mfa"]["transactionId"]
        code = codes_from(txn)
        assert re.fullmatch(r"\d{%d}" % CODE_LENGTH, code), code
        s.codes.add(code)
        for k in range(2 if verify else 5):
            wrong = f"{(int(code) + 1 + k * 7919) % 10 ** CODE_LENGTH:0{CODE_LENGTH}d}"
            s.codes.add(wrong)
            text = mfa_header(n, txn, wrong)
            s.mfa_texts.append(text)
            r = s.seen(a.put(path, headers={"x-mfa-data": text}, auth=s.auth(a)))
            assert_ars_error(r, 403, "InvalidMFAToken", need_mfa=True)
        text = mfa_header(n, txn, code)
        s.mfa_texts.append(text)
        r = s.seen(a.put(path, headers={"x-mfa-data": text}, auth=s.auth(a)))
        if verify:
            assert find_sender(assert_ok(r), n)["status"] == "ACTIVE"
        else:
            assert_ars_error(r, 429, "MFAAttemptsExceeded")
    bad = '{"authType":"ARS","token":"%s","extras":' % sorted(s.codes)[0]
    s.mfa_texts.append(bad)
    r = s.seen(a.put(f"{NUMBERS}/{n2}/authenticate", headers={"x-mfa-data": bad}, auth=s.auth(a)))
    assert_ars_error(r, 400, "InvalidMFAData")


def _document_traffic(sess, a):
    s = sess
    marker = b"DOCUMENT-BYTES-NEVER-LOGGED-" + secrets.token_hex(16).encode()
    pdf = pdf_bytes(size=12_000).replace(b"%%EOF", marker + b"\n%%EOF")
    png = png_bytes(seed=marker + secrets.token_bytes(200))
    junk = b"NOT-A-DOCUMENT-" + secrets.token_bytes(3000)
    s.documents += [pdf, png, junk]
    s.extra.append(marker)
    d1 = assert_ok(s.seen(upload_raw(a, b64(pdf), name="secret-contract.pdf")))
    d2 = assert_ok(s.seen(upload_raw(a, data_uri(png, "image/png"))))
    assert_error(s.seen(upload_raw(a, b64(junk))), 400, "InvalidFileType")
    assert_error(s.seen(a.post(DOCS, raw=b'{"file":"' + b64(junk).encode() + b'",')), 400,
                 "ValidationError")
    assert_error(s.seen(upload_raw(a, b64(pdf) + "!!")), 400, "ValidationError")
    for d, data in ((d1, pdf), (d2, png)):
        r = s.seen(a.get(file_path(d["documentId"]), auth=s.auth(a)))
        assert r.status == 200 and r.body == data


def _check_log(sess, log, allowed_code_file=None):
    assert log, "the server wrote no log at all"
    missing = [rid for rid in sess.request_ids if rid.encode() not in log]
    assert not missing, f"access-log lines missing for {len(missing)} requests: log not captured?"
    leaks = find_leaks(log, sess.needles())
    shown = [l[:40] if isinstance(l, str) else l[:40] for l in leaks[:5]]
    assert not leaks, f"the server log contains {len(leaks)} secret(s)/sensitive value(s): {shown}"
    assert b"signature=" not in log, "the server log quotes an Authorization header"
    if allowed_code_file is not None:
        outbox = file_bytes(allowed_code_file)
        real = [c for c in sess.codes if c.encode() in outbox]
        assert real, "positive control: the outbox should hold the codes it dictated"


def _master_key_needles(data_dir):
    text = file_bytes(master_key_path(data_dir)).strip()
    assert len(text) >= 32, f"unexpected master.key content length {len(text)}"
    out = [text, text.upper()]
    try:
        raw = bytes.fromhex(text.decode())
        out += [raw, base64.b64encode(raw)]
    except ValueError:
        raw = text
    out += [text[i:i + 16] for i in range(0, len(text) - 15, 8)]
    return out


def _outbox_session(scratch_base, prefix, env=None):
    """A server with the outbox provider through the representative session, then stopped.
    Returns (server, session, the main account)."""
    data = Path(tempfile.mkdtemp(prefix=prefix, dir=scratch_base)) / "data"
    srv = Server(data, args=["--code-length", str(CODE_LENGTH), "--call-spacing", "1ms"], env=env)
    srv.start()
    try:
        sess = Session(srv)
        a = srv.new_account(limit=100, name="log-test-account")
        b = srv.new_account()
        ro = srv.new_key(a, ["senderid:read"])
        sess.secrets += [a.secret, b.secret, ro.secret]
        _signed_traffic(sess, a, b, ro)
        _ars_traffic(sess, a, lambda txn: outbox_code(srv.data_dir, txn))
        _document_traffic(sess, a)
        unknown = sess.seen(srv.request("GET", "/no/such/path?x=1"))
        assert unknown.status == 404
        sess.unknown_id = unknown.header("X-Request-Id")
        sess.extra += _master_key_needles(srv.data_dir)
    finally:
        code = srv.stop()
    assert code == 0
    return srv, sess, a


@pytest.fixture(scope="module")
def outbox_run(binary, scratch_base):
    srv, sess, _ = _outbox_session(scratch_base, "logs-")
    return srv, sess


def test_log_holds_no_secrets_outbox_provider(outbox_run):
    srv, sess = outbox_run
    _check_log(sess, srv.log_path.read_bytes(),
               allowed_code_file=Path(srv.data_dir) / "voice-outbox.jsonl")


def test_store_holds_no_plaintext_secrets_or_codes(outbox_run):
    """The database (and its WAL) never holds an API secret or an ARS code in plain text (secrets
    are sealed, codes are kept as a keyed hash), nor a document's bytes."""
    srv, sess = outbox_run
    if PG_MODE:
        store = b"".join(pg_store_dump(srv.data_dir).values())
    else:
        store = b"".join(file_bytes(Path(srv.data_dir) / f) for f in
                         ("senderid.db", "senderid.db-wal"))
    assert store, "no database found"
    # (Signatures are not checked here: the replay store must remember them — SPEC §2.)
    leaks = find_leaks(store, list(sess.secrets) + sorted(sess.codes))
    assert not leaks, f"the database holds {len(leaks)} plaintext secret(s)/code(s)"
    if not PG_MODE:  # with PostgreSQL the documents' bytes are in the database (SPEC §11)
        leaks = find_leaks(store, [n for d in sess.documents for n in forms_of_bytes(d, 32, 64)])
        assert not leaks, "the database holds document bytes (they belong in <data>/documents)"


def test_log_holds_no_secrets_webhook_provider(binary, scratch_base):
    base = Path(tempfile.mkdtemp(prefix="logs-wh-", dir=scratch_base))
    webhook_secret = "whsec-" + secrets.token_hex(20)
    (base / "voice.secret").write_text(webhook_secret + "\n")
    receiver = Receiver().start()
    srv = Server(base / "data", args=["--code-length", str(CODE_LENGTH), "--call-spacing", "1ms",
                                      "--voice", "webhook", "--voice-url", receiver.url,
                                      "--voice-secret-file", str(base / "voice.secret"),
                                      "--voice-timeout", "1s"])
    srv.start()
    try:
        sess = Session(srv)
        sess.secrets.append(webhook_secret)
        a = srv.new_account(limit=100)
        ro = srv.new_key(a, ["senderid:read"])
        sess.secrets += [a.secret, ro.secret]

        def code_from_gateway(txn):
            for call in receiver.snapshot():
                body = json.loads(call["body"])
                if body["transactionId"] == txn:
                    sess.extra.append(call["headers"].get("X-Senderid-Signature", ""))
                    sess.extra.append(call["body"])
                    return body["token"]
            raise AssertionError(f"the gateway never saw transaction {txn}")

        _ars_traffic(sess, a, code_from_gateway)
        _signed_traffic(sess, a, a, ro)
        # failing and hanging gateway calls are logged as failures — without what was sent
        n = "01077773333"
        assert_ok(sess.seen(a.post(NUMBERS, {"phoneNumber": n}, auth=sess.auth(a))))
        for status, delay in ((500, 0.0), (200, 3.0)):
            receiver.configure(status=status, delay=delay)
            before = receiver.count()
            r = sess.seen(a.put(f"{NUMBERS}/{n}/authenticate", headers={"x-mfa-data": mfa_header(n)},
                                auth=sess.auth(a), timeout=15))
            assert_error(r, 502, "VoiceCallFailed")
            call = receiver.wait_count(before + 1)[-1]
            body = json.loads(call["body"])
            sess.codes.add(body["token"])
            sess.extra += [call["body"], call["headers"].get("X-Senderid-Signature", "")]
        receiver.configure(status=200, delay=0.0)
        sess.extra += _master_key_needles(srv.data_dir)
    finally:
        code = srv.stop()
        receiver.stop()
    assert code == 0
    log = srv.log_path.read_bytes()
    assert b"voice webhook failed" in log or b"VoiceCallFailed" in log, \
        "positive control: the failed gateway calls should be logged"
    _check_log(sess, log)


# ---------------------------------------------------------------------------------------------------
# --log-format json (SPEC §14): one JSON object per line, the same secrecy

ACCESS_FIELDS = {"time", "level", "requestId", "method", "route", "path", "status", "ms",
                 "accountId", "errorCode"}
OTHER_FIELDS = {"time", "level", "msg"}
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


@pytest.fixture(scope="module")
def json_run(binary, scratch_base):
    # The environment form of --log-format.
    srv, sess, a = _outbox_session(scratch_base, "logs-json-", env={"SENDERID_LOG_FORMAT": "json"})
    sess.account = a
    return srv, sess


def _json_lines(srv):
    """Every line the server wrote, parsed (the test harness's own "=====" header lines aside)."""
    out = []
    for line in srv.log_path.read_bytes().decode("utf-8").splitlines():
        if not line.strip() or line.startswith("===== "):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            pytest.fail(f"a log line is not JSON: {line[:300]!r}")
        assert isinstance(obj, dict), line
        out.append(obj)
    return out


def test_json_log_is_one_object_per_line_with_the_fields(json_run):
    srv, sess = json_run
    lines = _json_lines(srv)
    access = {o["requestId"]: o for o in lines if "requestId" in o}
    others = [o for o in lines if "requestId" not in o]
    assert others and any("listening" in o["msg"] for o in others), "start-up lines are JSON too"
    for o in others:
        assert set(o) == OTHER_FIELDS, o
        assert TIME_RE.match(o["time"]) and o["level"] in {"info", "warning", "error"}, o
    for o in access.values():
        assert set(o) == ACCESS_FIELDS, o
        assert TIME_RE.match(o["time"]) and o["level"] == "info", o
        assert isinstance(o["status"], int) and isinstance(o["ms"], (int, float)) and o["ms"] >= 0
    missing = [rid for rid in sess.request_ids if rid not in access]
    assert not missing, f"no access line for {len(missing)} answered requests"
    a = sess.account
    signed = [o for o in access.values()
              if o["route"] == NUMBERS and o["method"] == "GET" and o["status"] == 200]
    assert any(o["accountId"] == a.account_id for o in signed), "the signing account is named"
    templated = [o for o in access.values() if o["route"].endswith("/{phoneNumber}/authenticate")]
    assert templated, "route is the template, not the path"
    assert all("{" not in o["path"] for o in templated)
    refused = [o for o in access.values() if o["errorCode"] == "SignatureDoesNotMatch"]
    assert refused and all(o["status"] == 403 for o in refused)
    unknown = access[sess.unknown_id]
    assert unknown["route"] == "" and unknown["path"] == "/no/such/path" and unknown["status"] == 404


def test_json_log_holds_no_secrets(json_run):
    srv, sess = json_run
    _check_log(sess, srv.log_path.read_bytes(),
               allowed_code_file=Path(srv.data_dir) / "voice-outbox.jsonl")


def test_json_log_holds_a_refusal_to_start_too(binary, scratch):
    """A serve that cannot run says why in the log format it was given (the admin port is taken)."""
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        srv = Server(scratch / "data", args=["--log-format", "json", "--admin-listen",
                                             f"127.0.0.1:{taken.getsockname()[1]}"])
        srv.start(wait=False)
        assert srv.proc.wait(timeout=30) == 1
        srv.stop()
    finally:
        taken.close()
    errors = [o for o in _json_lines(srv) if o["level"] == "error"]
    assert len(errors) == 1 and set(errors[0]) == OTHER_FIELDS, errors
    assert "--admin-listen" in errors[0]["msg"] and "in use" in errors[0]["msg"], errors
