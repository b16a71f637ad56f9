"""Request authentication (SPEC §2): SDK variants, refusals, replay, scopes, inactive accounts."""

import datetime as dt

import pytest

from conftest import (ACTIVE, NUMBERS, STYLES, assert_error, assert_ok, check_doc, fmt_offset,
                      fmt_z, make_salt, sign, signature, utcnow)


def _get(acct, header, path=NUMBERS):
    return acct.get(path, auth=header)


# ---------------------------------------------------------------------------------------------------
# Accepted variants

@pytest.mark.parametrize("style", STYLES)
def test_sdk_date_styles_accepted(account, style):
    header = account.auth(style=style)
    doc = check_doc(assert_ok(_get(account, header)), account)
    assert doc["accountId"] == account.account_id


def test_python_style_header_text(account):
    """Python SDK: capitalised ApiKey=/Date=, microseconds and +09:00."""
    header = account.auth(style="python")
    assert header.startswith("HMAC-SHA256 ApiKey=NCS") and ", Date=" in header
    assert_ok(_get(account, header))


def test_php_style_header_text(account):
    """PHP SDK: Korea wall-clock time + literal Z, 5 fraction digits, 13-char hex salt."""
    header = account.auth(style="php")
    date = header.split("date=")[1].split(",")[0]
    salt = header.split("salt=")[1].split(",")[0]
    assert date.endswith("Z") and len(date.split(".")[1]) == 6 and len(salt) == 13
    assert_ok(_get(account, header))


@pytest.mark.parametrize("style", ["default", "php", "python"])
def test_hmac_md5_accepted(account, style):
    header = account.auth(method="HMAC-MD5", style=style)
    assert len(header.rsplit("signature=", 1)[1]) == 32
    assert_ok(_get(account, header))


def test_php_style_write_without_content_type(account):
    r = account.post(NUMBERS, {"phoneNumber": "01012345678"}, content_type=None, style="php")
    doc = check_doc(assert_ok(r), account)
    assert [s["phoneNumber"] for s in doc["senderIds"]] == ["01012345678"]


@pytest.mark.parametrize("style", ["ruby", "java", "node", "utc_z"])
def test_write_with_other_styles(account, style):
    r = account.post(NUMBERS, {"phoneNumber": "021234567"}, style=style)
    assert check_doc(assert_ok(r), account)["senderIds"][0]["phoneNumber"] == "021234567"


def test_uppercase_hex_signature_accepted(account):
    date, salt = fmt_z(utcnow()), make_salt()
    sig = signature(account.secret, date, salt).upper()
    assert_ok(_get(account, sign(account.key, account.secret, date=date, salt=salt, sig=sig)))


def test_scheme_matched_case_insensitively(account):
    header = account.auth()
    assert_ok(_get(account, "hmac-sha256" + header[len("HMAC-SHA256"):]))
    header = account.auth(method="HMAC-MD5")
    assert_ok(_get(account, "Hmac-Md5" + header[len("HMAC-MD5"):]))


def test_key_names_case_insensitive_and_spacing_lenient(account):
    date, salt = fmt_z(utcnow()), make_salt()
    sig = signature(account.secret, date, salt)
    header = f"HMAC-SHA256 APIKEY={account.key},DATE={date} ,  SALT={salt},Signature={sig}"
    assert_ok(_get(account, header))


def test_parts_in_any_order_unknown_parts_ignored(account):
    date, salt = fmt_z(utcnow()), make_salt()
    sig = signature(account.secret, date, salt)
    header = (f"HMAC-SHA256 signature={sig}, version=2, salt={salt}, date={date}, "
              f"apiKey={account.key}")
    assert_ok(_get(account, header))


@pytest.mark.parametrize("frac", [0, 1, 3, 6, 9])
def test_fraction_digits_0_to_9(account, frac):
    date = fmt_offset(utcnow(), frac, dt.timedelta(0))
    assert_ok(_get(account, account.auth(date=date)))


@pytest.mark.parametrize("length", [10, 64])
def test_salt_length_bounds_accepted(account, length):
    salt = ("a1B2" * 20)[:length]
    assert_ok(_get(account, account.auth(salt=salt)))


# ---------------------------------------------------------------------------------------------------
# Refusals

def test_missing_authorization(account):
    assert_error(account.get(NUMBERS, auth=False), 403, "InvalidAPIKey")


@pytest.mark.parametrize("make", [
    lambda a: "",
    lambda a: "Bearer abcdef",
    lambda a: "HMAC-SHA256",
    lambda a: a.auth().replace("HMAC-SHA256", "HMAC-SHA1"),                   # unknown method
    lambda a: a.auth().rsplit(", signature=", 1)[0],                          # no signature
    lambda a: a.auth().replace(", salt=", ", pepper="),                       # no salt
    lambda a: a.auth().replace("apiKey=", "clientId="),                       # no key
    lambda a: a.auth().replace(", date=", ", when="),                         # no date
    lambda a: a.auth(date="yesterday"),                                       # unparsable date
    lambda a: a.auth(date=utcnow().strftime("%Y-%m-%dT%H:%M:%S")),            # no offset
    lambda a: a.auth(salt="a1b2c3d4e"),                                       # salt 9 chars
    lambda a: a.auth(salt="x" * 65),                                          # salt 65 chars
    lambda a: sign("NCSAAAAAAAAAAAAA", a.secret),                             # unknown key
    lambda a: sign("not-a-key", a.secret),                                    # malformed key
    lambda a: sign(a.key.lower(), a.secret),                                  # key is case-exact
], ids=["empty", "bearer", "scheme-only", "hmac-sha1", "no-signature", "no-salt", "no-key",
        "no-date", "bad-date", "date-no-offset", "salt-9", "salt-65", "unknown-key",
        "malformed-key", "lowercase-key"])
def test_invalid_api_key(account, make):
    r = _get(account, make(account))
    assert_error(r, 403, "InvalidAPIKey")


def test_wrong_secret(account):
    r = _get(account, sign(account.key, "A" * 32))
    assert_error(r, 403, "SignatureDoesNotMatch")


def test_signature_of_other_salt(account):
    date = fmt_z(utcnow())
    sig = signature(account.secret, date, make_salt())
    r = _get(account, sign(account.key, account.secret, date=date, salt=make_salt(), sig=sig))
    assert_error(r, 403, "SignatureDoesNotMatch")


def test_md5_signature_under_sha256_scheme(account):
    date, salt = fmt_z(utcnow()), make_salt()
    sig = signature(account.secret, date, salt, "HMAC-MD5")
    r = _get(account, sign(account.key, account.secret, date=date, salt=salt, sig=sig))
    assert_error(r, 403, "SignatureDoesNotMatch")


def test_signature_over_reformatted_date_refused(account):
    """The signature covers the date text exactly as sent, never a re-formatted one."""
    moment = utcnow()
    sent = fmt_offset(moment, 3, dt.timedelta(hours=9))
    normalised = fmt_z(moment, 3)
    salt = make_salt()
    sig = signature(account.secret, normalised, salt)
    r = _get(account, sign(account.key, account.secret, date=sent, salt=salt, sig=sig))
    assert_error(r, 403, "SignatureDoesNotMatch")


def test_other_accounts_secret(server, account):
    other = server.new_account()
    r = _get(account, sign(account.key, other.secret))
    assert_error(r, 403, "SignatureDoesNotMatch")


@pytest.mark.parametrize("style", ["default", "node", "ruby", "php"])
@pytest.mark.parametrize("minutes", [-16, 16])
def test_skew_16_minutes_refused(account, style, minutes):
    r = _get(account, account.auth(style=style, skew=minutes * 60))
    assert_error(r, 403, "RequestTimeTooSkewed")


@pytest.mark.parametrize("style", ["default", "node", "php"])
@pytest.mark.parametrize("minutes", [-14, 14])
def test_skew_14_minutes_accepted(account, style, minutes):
    assert_ok(_get(account, account.auth(style=style, skew=minutes * 60)))


def test_z_date_hours_off_refused(account):
    """A Z date is accepted read as UTC or as Korea time — 5 hours ahead is neither."""
    r = _get(account, account.auth(skew=5 * 3600))
    assert_error(r, 403, "RequestTimeTooSkewed")
    r = _get(account, account.auth(skew=-9 * 3600))
    assert_error(r, 403, "RequestTimeTooSkewed")


def test_offset_date_read_as_korea_only_with_z(account):
    """The Korea-time reading is only for `Z`: Korea wall time with +00:00 is 9 h ahead."""
    wall = (utcnow() + dt.timedelta(hours=9)).replace(tzinfo=None)
    date = wall.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+00:00"
    assert_error(_get(account, account.auth(date=date)), 403, "RequestTimeTooSkewed")


# Order of checks: header shape → key → date window → signature → replay → active/scope.

def test_order_unknown_key_before_date(account):
    r = _get(account, sign("NCSAAAAAAAAAAAAA", account.secret, skew=3600))
    assert_error(r, 403, "InvalidAPIKey")


def test_order_date_before_signature(account):
    r = _get(account, sign(account.key, "B" * 32, skew=-3600))
    assert_error(r, 403, "RequestTimeTooSkewed")


# ---------------------------------------------------------------------------------------------------
# Replay

def test_replay_refused(account):
    header = account.auth()
    assert_ok(_get(account, header))
    assert_error(_get(account, header), 403, "DuplicatedSignature")
    assert_error(_get(account, header, ACTIVE), 403, "DuplicatedSignature")


@pytest.mark.parametrize("style", ["php", "python", "java", "ruby", "node"])
def test_replay_refused_for_each_style(account, style):
    header = account.auth(style=style)
    assert_ok(_get(account, header))
    assert_error(_get(account, header), 403, "DuplicatedSignature")


def test_replay_with_changed_spacing_and_case(account):
    date, salt = fmt_z(utcnow()), make_salt()
    sig = signature(account.secret, date, salt)
    original = f"HMAC-SHA256 apiKey={account.key}, date={date}, salt={salt}, signature={sig}"
    assert_ok(_get(account, original))
    variants = [
        f"HMAC-SHA256 ApiKey={account.key},Date={date},Salt={salt},Signature={sig}",
        f"hmac-sha256 apiKey={account.key} , date={date} , salt={salt} , signature={sig}",
        f"HMAC-SHA256 apiKey={account.key}, date={date}, salt={salt}, signature={sig.upper()}",
        f"HMAC-SHA256 signature={sig}, salt={salt}, date={date}, apiKey={account.key}",
    ]
    for v in variants:
        assert_error(_get(account, v), 403, "DuplicatedSignature")


def test_replay_of_write_refused_and_not_applied(account):
    header = account.auth()
    assert_ok(account.post(NUMBERS, {"phoneNumber": "01012345678"}, auth=header))
    r = account.post(NUMBERS, {"phoneNumber": "01012345679"}, auth=header)
    assert_error(r, 403, "DuplicatedSignature")
    assert [s["phoneNumber"] for s in account.doc()["senderIds"]] == ["01012345678"]


def test_forged_request_does_not_burn_signature(server, account):
    """A signature that failed verification is not recorded (SPEC §2)."""
    other = server.new_account()
    date, salt = fmt_z(utcnow()), make_salt()
    genuine = sign(account.key, account.secret, date=date, salt=salt)
    sig = genuine.rsplit("signature=", 1)[1]
    # The same signature value presented with another key does not verify ...
    forged = sign(other.key, other.secret, date=date, salt=salt, sig=sig)
    assert_error(_get(other, forged), 403, "SignatureDoesNotMatch")
    # ... and must not spend it for its real owner.
    assert_ok(_get(account, genuine))


def test_wrong_signature_twice_is_not_duplicated(account):
    header = sign(account.key, "C" * 32)
    assert_error(_get(account, header), 403, "SignatureDoesNotMatch")
    assert_error(_get(account, header), 403, "SignatureDoesNotMatch")


def test_skewed_request_twice_is_not_duplicated(account):
    header = account.auth(skew=-20 * 60)
    assert_error(_get(account, header), 403, "RequestTimeTooSkewed")
    assert_error(_get(account, header), 403, "RequestTimeTooSkewed")


# ---------------------------------------------------------------------------------------------------
# Scopes, keys, inactive accounts

def test_read_only_key(server, account):
    ro = server.new_key(account, ["senderid:read"])
    assert ro.raw["scopes"] == ["senderid:read"]
    assert check_doc(assert_ok(ro.get(NUMBERS)), account)["accountId"] == account.account_id
    assert assert_ok(ro.get(ACTIVE)) == []
    account.create("01012345678")
    before = account.doc()
    assert_error(ro.post(NUMBERS, {"phoneNumber": "021234567"}), 403, "Forbidden")
    assert_error(ro.put(f"{NUMBERS}/01012345678", {"status": "INACTIVE"}), 403, "Forbidden")
    assert_error(ro.delete(f"{NUMBERS}/01012345678"), 403, "Forbidden")
    assert account.doc() == before


def test_forbidden_request_spends_signature(server, account):
    ro = server.new_key(account, ["senderid:read"])
    header = ro.auth()
    assert_error(ro.post(NUMBERS, {"phoneNumber": "021234567"}, auth=header), 403, "Forbidden")
    assert_error(ro.get(NUMBERS, auth=header), 403, "DuplicatedSignature")


def test_write_only_key(server, account):
    wo = server.new_key(account, ["senderid:write"])
    assert wo.raw["scopes"] == ["senderid:write"]
    assert_error(wo.get(NUMBERS), 403, "Forbidden")
    assert_error(wo.get(ACTIVE), 403, "Forbidden")
    doc = check_doc(assert_ok(wo.post(NUMBERS, {"phoneNumber": "021234567"})), account)
    assert [s["phoneNumber"] for s in doc["senderIds"]] == ["021234567"]
    assert_ok(wo.delete(f"{NUMBERS}/021234567"))


def test_extra_key_has_both_scopes_and_same_account(server, account):
    k = server.new_key(account)
    assert sorted(k.raw["scopes"]) == ["senderid:read", "senderid:write"]
    assert k.key != account.key
    check_doc(assert_ok(k.post(NUMBERS, {"phoneNumber": "021234567"})), account)
    assert [s["phoneNumber"] for s in account.doc()["senderIds"]] == ["021234567"]


def test_revoked_key(server, account):
    k = server.new_key(account)
    assert_ok(k.get(NUMBERS))
    server.cli("keys", "revoke", k.key)
    assert_error(k.get(NUMBERS), 403, "InvalidAPIKey")
    assert_error(k.post(NUMBERS, {"phoneNumber": "021234567"}), 403, "InvalidAPIKey")
    assert_ok(account.get(NUMBERS))   # the account's other key is unaffected
    assert account.doc()["senderIds"] == []


def test_inactive_account(server, account):
    k = server.new_key(account)
    account.create("01012345678")
    server.cli("accounts", "deactivate", account.account_id)
    try:
        for who in (account, k):
            assert_error(who.get(NUMBERS), 403, "Forbidden")
            assert_error(who.get(ACTIVE), 403, "Forbidden")
            assert_error(who.post(NUMBERS, {"phoneNumber": "021234567"}), 403, "Forbidden")
            assert_error(who.delete(f"{NUMBERS}/01012345678"), 403, "Forbidden")
        # A verified-but-forbidden signature is spent.
        header = account.auth()
        assert_error(account.get(NUMBERS, auth=header), 403, "Forbidden")
        assert_error(account.get(NUMBERS, auth=header), 403, "DuplicatedSignature")
    finally:
        server.cli("accounts", "activate", account.account_id)
    doc = account.doc()
    assert [s["phoneNumber"] for s in doc["senderIds"]] == ["01012345678"]
    assert_ok(k.get(NUMBERS))


def test_inactive_account_other_accounts_unaffected(server, account):
    other = server.new_account()
    server.cli("accounts", "deactivate", other.account_id)
    assert_error(other.get(NUMBERS), 403, "Forbidden")
    assert_ok(account.get(NUMBERS))


# ---------------------------------------------------------------------------------------------------
# Routing comes first (404/405 do not authenticate and do not spend the signature)

@pytest.mark.parametrize("method,path,code,status", [
    ("GET", "/senderid/v1/nothing-here", "ResourceNotFound", 404),
    ("GET", "/senderid/v2/numbers", "ResourceNotFound", 404),
    ("PUT", ACTIVE, "MethodNotAllowed", 405),
    ("DELETE", ACTIVE, "MethodNotAllowed", 405),
    ("PATCH", NUMBERS, "MethodNotAllowed", 405),
])
def test_unrouted_request_does_not_spend_signature(account, method, path, code, status):
    header = account.auth()
    r = account.request(method, path, {}, auth=header)
    assert_error(r, status, code)
    assert_ok(_get(account, header))
    assert_error(_get(account, header), 403, "DuplicatedSignature")


def test_unrouted_request_with_bad_auth_still_404(account):
    r = account.get("/senderid/v1/nothing-here", auth="garbage")
    assert_error(r, 404, "ResourceNotFound")
    r = account.request("PUT", ACTIVE, {}, auth=sign(account.key, "D" * 32))
    assert_error(r, 405, "MethodNotAllowed")


# ---------------------------------------------------------------------------------------------------
# Replay memory survives restarts (own server)

@pytest.mark.parametrize("hard", [False, True], ids=["sigterm", "kill-9"])
def test_replay_refused_after_restart(server_factory, hard):
    srv = server_factory()
    acct = srv.new_account()
    headers = [acct.auth(), acct.auth(style="php"), acct.auth(style="python")]
    for h in headers:
        assert_ok(acct.get(NUMBERS, auth=h))
    write = acct.auth()
    assert_ok(acct.post(NUMBERS, {"phoneNumber": "01012345678"}, auth=write))
    code = srv.restart(hard=hard)
    if not hard:
        assert code == 0, f"SIGTERM exit code {code}"
    for h in headers + [write]:
        assert_error(acct.get(NUMBERS, auth=h), 403, "DuplicatedSignature")
    assert_error(acct.post(NUMBERS, {"phoneNumber": "021234567"}, auth=write), 403,
                 "DuplicatedSignature")
    assert [s["phoneNumber"] for s in acct.doc()["senderIds"]] == ["01012345678"]


# ---------------------------------------------------------------------------------------------------
# More order-of-checks: activity and scope come after signature and replay

def test_inactive_account_wrong_signature_is_signature_error(server, account):
    server.cli("accounts", "deactivate", account.account_id)
    try:
        assert_error(_get(account, sign(account.key, "E" * 32)), 403, "SignatureDoesNotMatch")
        assert_error(_get(account, account.auth(skew=-3600)), 403, "RequestTimeTooSkewed")
    finally:
        server.cli("accounts", "activate", account.account_id)


def test_read_only_key_wrong_signature_is_signature_error(server, account):
    ro = server.new_key(account, ["senderid:read"])
    r = ro.post(NUMBERS, {"phoneNumber": "021234567"}, auth=sign(ro.key, "F" * 32))
    assert_error(r, 403, "SignatureDoesNotMatch")


def test_non_hex_signature(account):
    date, salt = fmt_z(utcnow()), make_salt()
    r = _get(account, sign(account.key, account.secret, date=date, salt=salt, sig="zz" * 32))
    assert_error(r, 403, "SignatureDoesNotMatch")


@pytest.mark.parametrize("date", ["2026-13-45T10:00:00.000Z", "2026-02-30T10:00:00Z",
                                  "2026-01-01T25:00:00Z", "2026-01-01T10:00:00+25:00"])
def test_impossible_dates(account, date):
    assert_error(_get(account, account.auth(date=date)), 403, "InvalidAPIKey")


# ---------------------------------------------------------------------------------------------------
# Replay is atomic: of concurrent uses of one signature exactly one is accepted

def test_concurrent_replay_exactly_one_accepted(server, account):
    import threading
    header = account.auth()
    barrier = threading.Barrier(12)
    results = []
    lock = threading.Lock()

    def go():
        barrier.wait(timeout=20)
        r = _get(account, header)
        with lock:
            results.append(r)

    threads = [threading.Thread(target=go, daemon=True) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
        assert not t.is_alive()
    ok = [r for r in results if r.status == 200]
    assert len(ok) == 1, f"{len(ok)} of 12 concurrent replays accepted"
    for r in results:
        if r.status != 200:
            assert_error(r, 403, "DuplicatedSignature")


# ---------------------------------------------------------------------------------------------------
# Several instances sharing one store (SPEC §2: replay "across several server instances sharing one
# database"; §10: the CLI's changes are visible to running servers at once)

def test_replay_memory_outlives_the_instance(server_factory):
    """One serve per SQLite store (SPEC §11): the next instance on the same data directory refuses
    what the previous one accepted; within an instance, of concurrent uses of one signature exactly
    one wins. (Several instances at once share one PostgreSQL store: see the multi-instance tests.)"""
    import threading
    from conftest import Account
    s1 = server_factory()
    a1 = s1.new_account()
    a1.create("01012345678")
    spent = a1.auth()
    assert_ok(_get(a1, spent))
    for _ in range(3):
        header = a1.auth()
        results = []
        barrier = threading.Barrier(8)

        def go():
            barrier.wait(timeout=20)
            results.append(_get(a1, header))

        threads = [threading.Thread(target=go, daemon=True) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert len(results) == 8
        assert sum(r.status == 200 for r in results) == 1, [r.status for r in results]
        for r in results:
            if r.status != 200:
                assert_error(r, 403, "DuplicatedSignature")
    s1.stop()
    s2 = server_factory(data_dir=s1.data_dir)
    a2 = Account(s2, a1.account_id, a1.key, a1.secret, a1.limit)
    assert [s["phoneNumber"] for s in a2.doc()["senderIds"]] == ["01012345678"]
    assert_error(_get(a2, spent), 403, "DuplicatedSignature")


@pytest.mark.parametrize("minutes", [-14, 14])
def test_replay_of_skewed_but_accepted_date(account, minutes):
    header = account.auth(skew=minutes * 60)
    assert_ok(_get(account, header))
    assert_error(_get(account, header), 403, "DuplicatedSignature")


def test_non_ascii_authorization(server, account):
    from conftest import raw_exchange, raw_request_bytes
    date = fmt_z(utcnow())
    header = (f"HMAC-SHA256 apiKey={account.key}, date={date}, salt=솔트솔트솔트솔트솔트, "
              f"signature={signature(account.secret, date, '솔트솔트솔트솔트솔트')}")
    r = raw_exchange(server.port, raw_request_bytes("GET", NUMBERS, headers={"Authorization": header}))
    assert r is not None and r.status < 500, r
    assert r.status in (200, 403), r
    if r.status == 403:
        assert_error(r, 403, "InvalidAPIKey")


def test_very_long_authorization(account):
    header = account.auth(salt="s" * 10) + ", padding=" + "p" * 10000
    r = _get(account, header)
    assert r.status in (200, 403), r
    if r.status == 403:
        assert_error(r, 403, "InvalidAPIKey")
    r = _get(account, "HMAC-SHA256 " + "apiKey=" + "K" * 12000)
    assert_error(r, 403, "InvalidAPIKey")


@pytest.mark.parametrize("make", [
    lambda a: a.auth(salt="abcde=fghij"),                                    # '=' in salt
    lambda a: a.auth(salt="abcde fghij"),                                    # space in salt
    lambda a: a.auth(salt="abcde\tfghij"),                                   # tab in salt
    lambda a: a.auth(date=fmt_z(utcnow(), 0)[:-1] + ".1234567890Z"),         # 10 fraction digits
    lambda a: a.auth(date=fmt_offset(utcnow(), 3, dt.timedelta(hours=9))[:-3]),  # +09 only
    lambda a: a.auth(date=utcnow().strftime("%Y-%m-%d")),                    # date only
    lambda a: a.auth(date=fmt_z(utcnow())[:-1] + "+9:00"),                   # bad offset
], ids=["salt-equals", "salt-space", "salt-tab", "frac-10", "offset-hh", "date-only",
        "offset-h"])
def test_invalid_header_shape(account, make):
    assert_error(_get(account, make(account)), 403, "InvalidAPIKey")


def test_truncated_signature(account):
    header = account.auth()
    assert_error(_get(account, header[:-1]), 403, "SignatureDoesNotMatch")
    assert_ok(_get(account, header))    # the failed attempt did not spend the genuine one
