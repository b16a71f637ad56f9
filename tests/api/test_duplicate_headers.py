"""Issue 11, item 7 (SPEC §2, §5): one request, one credential.

- more than one `Authorization` header → 403 InvalidAPIKey, whichever comes first (a proxy may read
  the last); the refused request spends no signature (the header shape is checked before anything is
  recorded), so the genuine header alone still works afterwards;
- the seed page's name `Authentication` is accepted as another name of the same header; both on one
  request (or two `Authentication`) → 403 InvalidAPIKey;
- two `x-mfa-data` headers on PUT …/authenticate → 400 InvalidMFAData, and no call is placed.

Duplicate headers are sent over a raw socket (conftest.RawConn).
"""

import secrets

import pytest

from ars_support import Outbox, auth_path, mfa_json
from conftest import NUMBERS, assert_error, assert_ok, raw_exchange, unique_number


def raw_with_pairs(method, path, pairs, body=b""):
    """An HTTP/1.1 request with the header (name, value) pairs exactly as given (duplicates kept)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in pairs]
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def send(server, method, path, pairs, body=b""):
    r = raw_exchange(server.port, raw_with_pairs(method, path, pairs, body))
    assert r is not None, "no answer"
    return r


def forged(acct):
    """A well-formed header of the same key with a signature that does not match."""
    return acct.auth(sig=secrets.token_hex(32))


# ---------------------------------------------------------------------------------------------------
# Two Authorization headers

CASES = {
    "good_then_forged": lambda a, good: [("Authorization", good), ("Authorization", forged(a))],
    "forged_then_good": lambda a, good: [("Authorization", forged(a)), ("Authorization", good)],
    "good_then_other_good": lambda a, good: [("Authorization", good), ("Authorization", a.auth())],
    "same_twice": lambda a, good: [("Authorization", good), ("Authorization", good)],
    "name_case_differs": lambda a, good: [("Authorization", good), ("authorization", forged(a))],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_two_authorization_headers_refused(account, case):
    good = account.auth()
    r = send(account.server, "GET", NUMBERS, CASES[case](account, good))
    assert_error(r, 403, "InvalidAPIKey")
    # Nothing was verified, so nothing was spent: the genuine header alone still works.
    assert_ok(send(account.server, "GET", NUMBERS, [("Authorization", good)]))


# ---------------------------------------------------------------------------------------------------
# Authentication: another name of the same header

@pytest.mark.parametrize("name", ["Authentication", "authentication", "AUTHENTICATION"])
def test_authentication_header_accepted(account, name):
    good = account.auth()
    body = assert_ok(send(account.server, "GET", NUMBERS, [(name, good)]))
    assert body["accountId"] == account.account_id
    # Same rules: the signature is now spent.
    assert_error(send(account.server, "GET", NUMBERS, [(name, good)]), 403, "DuplicatedSignature")


def test_authentication_header_for_a_write(account):
    number = unique_number()
    r = send(account.server, "POST", NUMBERS, [("Authentication", account.auth()),
                                               ("Content-Type", "application/json")],
             body=('{"phoneNumber":"%s"}' % number).encode())
    doc = assert_ok(r)
    assert any(s["phoneNumber"] == number for s in doc["senderIds"])


BOTH = {
    "authorization_then_authentication":
        lambda a: [("Authorization", a.auth()), ("Authentication", a.auth())],
    "authentication_then_authorization":
        lambda a: [("Authentication", a.auth()), ("Authorization", a.auth())],
    "good_authorization_forged_authentication":
        lambda a: [("Authorization", a.auth()), ("Authentication", forged(a))],
    "two_authentication": lambda a: [("Authentication", a.auth()), ("Authentication", a.auth())],
}


@pytest.mark.parametrize("case", sorted(BOTH))
def test_authorization_and_authentication_together_refused(account, case):
    r = send(account.server, "GET", NUMBERS, BOTH[case](account))
    assert_error(r, 403, "InvalidAPIKey")


# ---------------------------------------------------------------------------------------------------
# Two x-mfa-data headers

@pytest.mark.parametrize("second", ["same", "python_spacing", "malformed"])
def test_two_mfa_headers_refused(server, account, second):
    number = unique_number()
    account.create(number)
    outbox = Outbox(server)
    n0 = outbox.count()
    first = mfa_json(number)
    other = {"same": first, "python_spacing": mfa_json(number, python_spacing=True),
             "malformed": '{"authType":"ARS"'}[second]
    r = send(server, "PUT", auth_path(number), [("Authorization", account.auth()),
                                                ("x-mfa-data", first), ("X-MFA-Data", other)])
    assert_error(r, 400, "InvalidMFAData")
    assert outbox.count() == n0, "a request with two x-mfa-data headers placed a call"
