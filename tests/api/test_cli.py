"""Operator CLI (SPEC §10 and the lead's contract): JSON on stdout, one-line errors, effects visible
to the running server at once."""

import datetime as dt
import hashlib
import hmac
import os
import re
import stat
import subprocess

import pytest

from conftest import (ACTIVE, KEY_RE, REPO, MSG_INVALID_PHONE, NUMBERS, SECRET_RE, Account, assert_error,
                      assert_ok, check_doc, cli, find_sender, run_cli, utcnow)

SIGN_RE = re.compile(r"^Authorization: (HMAC-SHA256|HMAC-MD5) apiKey=(\S+), date=(\S+), "
                     r"salt=(\S+), signature=([0-9a-f]+)$")


def _assert_cli_error(p):
    assert p.returncode != 0, f"expected failure, got exit 0 with stdout {p.stdout!r}"
    err = p.stderr.strip()
    assert err, "no error text on stderr"
    assert "\n" not in err, f"error is not one line: {p.stderr!r}"


# ---------------------------------------------------------------------------------------------------
# accounts

def test_accounts_create_output(server):
    out = server.cli("accounts", "create", "--name", "Acme")
    assert set(out) == {"accountId", "apiKey", "apiSecret", "limit"}
    assert isinstance(out["accountId"], str) and out["accountId"].isdigit()
    assert KEY_RE.match(out["apiKey"]), out["apiKey"]
    assert SECRET_RE.match(out["apiSecret"])
    assert out["limit"] == 5


def test_accounts_create_with_limit(server):
    out = server.cli("accounts", "create", "--name", "Big", "--limit", "42")
    assert out["limit"] == 42
    acct = Account(server, out["accountId"], out["apiKey"], out["apiSecret"], 42)
    assert acct.doc()["limit"] == 42


def test_accounts_are_distinct(server):
    a = server.cli("accounts", "create", "--name", "A")
    b = server.cli("accounts", "create", "--name", "B")
    assert a["accountId"] != b["accountId"]
    assert a["apiKey"] != b["apiKey"]
    assert a["apiSecret"] != b["apiSecret"]


def test_account_created_while_serving_works_at_once(server):
    out = server.cli("accounts", "create", "--name", "Live")
    acct = Account(server, out["accountId"], out["apiKey"], out["apiSecret"], out["limit"])
    doc = check_doc(assert_ok(acct.get(NUMBERS)), acct)
    assert doc["senderIds"] == []


def test_accounts_create_without_name_fails(server):
    _assert_cli_error(server.run_cli("accounts", "create"))


@pytest.mark.parametrize("limit", ["-1", "abc"])
def test_accounts_create_bad_limit_fails(server, limit):
    _assert_cli_error(server.run_cli("accounts", "create", "--name", "X", "--limit", limit))


def test_deactivate_and_activate(server, account):
    out = server.cli("accounts", "deactivate", account.account_id)
    assert isinstance(out, (dict, list))
    assert_error(account.get(NUMBERS), 403, "Forbidden")
    out = server.cli("accounts", "activate", account.account_id)
    assert isinstance(out, (dict, list))
    assert_ok(account.get(NUMBERS))


@pytest.mark.parametrize("verb", ["deactivate", "activate"])
def test_unknown_account_fails(server, verb):
    _assert_cli_error(server.run_cli("accounts", verb, "999999999999"))


# ---------------------------------------------------------------------------------------------------
# keys

def test_keys_create_default_scopes(server, account):
    out = server.cli("keys", "create", "--account", account.account_id)
    assert set(out) >= {"apiKey", "apiSecret", "scopes"}
    assert KEY_RE.match(out["apiKey"]) and SECRET_RE.match(out["apiSecret"])
    assert sorted(out["scopes"]) == ["senderid:read", "senderid:write"]
    k = Account(server, account.account_id, out["apiKey"], out["apiSecret"], account.limit)
    assert_ok(k.get(NUMBERS))
    assert_ok(k.post(NUMBERS, {"phoneNumber": "01012345678"}))


def test_keys_create_both_scopes_explicit(server, account):
    out = server.cli("keys", "create", "--account", account.account_id,
                     "--scope", "senderid:read", "--scope", "senderid:write")
    assert sorted(out["scopes"]) == ["senderid:read", "senderid:write"]


def test_keys_create_read_scope(server, account):
    out = server.cli("keys", "create", "--account", account.account_id, "--scope", "senderid:read")
    assert out["scopes"] == ["senderid:read"]
    k = Account(server, account.account_id, out["apiKey"], out["apiSecret"], account.limit)
    assert_ok(k.get(ACTIVE))
    assert_error(k.post(NUMBERS, {"phoneNumber": "01012345678"}), 403, "Forbidden")


def test_keys_create_unknown_scope_fails(server, account):
    _assert_cli_error(server.run_cli("keys", "create", "--account", account.account_id,
                                     "--scope", "senderid:admin"))


def test_keys_create_unknown_account_fails(server):
    _assert_cli_error(server.run_cli("keys", "create", "--account", "999999999999"))


def test_keys_revoke(server, account):
    k = server.new_key(account)
    out = server.cli("keys", "revoke", k.key)
    assert isinstance(out, (dict, list))
    assert_error(k.get(NUMBERS), 403, "InvalidAPIKey")
    assert_ok(account.get(NUMBERS))


def test_keys_revoke_unknown_fails(server):
    _assert_cli_error(server.run_cli("keys", "revoke", "NCSZZZZZZZZZZZZZ"))


# ---------------------------------------------------------------------------------------------------
# numbers allow-special

def test_allow_special_is_per_account(server):
    a = server.new_account()
    b = server.new_account()
    assert_error(a.post(NUMBERS, {"phoneNumber": "1301"}), 400, "InvalidPhoneNumber",
                 MSG_INVALID_PHONE)
    out = server.cli("numbers", "allow-special", "--account", a.account_id, "1301")
    assert isinstance(out, (dict, list))
    doc = check_doc(assert_ok(a.post(NUMBERS, {"phoneNumber": "1301"})), a)
    entry = find_sender(doc, "1301")
    assert entry is not None and entry["status"] == "PENDING"
    assert_error(b.post(NUMBERS, {"phoneNumber": "1301"}), 400, "InvalidPhoneNumber",
                 MSG_INVALID_PHONE)


def test_allow_special_unknown_account_fails(server):
    _assert_cli_error(server.run_cli("numbers", "allow-special", "--account", "999999999999", "114"))


# ---------------------------------------------------------------------------------------------------
# sign

def _parse_sign(stdout):
    lines = stdout.strip("\n").split("\n")
    assert len(lines) == 1, f"sign printed {len(lines)} lines: {stdout!r}"
    m = SIGN_RE.match(lines[0])
    assert m, f"unexpected sign output {lines[0]!r}"
    return m.groups()


@pytest.mark.parametrize("method", [None, "HMAC-SHA256", "HMAC-MD5"])
def test_sign_output(server, account, method):
    args = ["sign", "--key", account.key, "--secret", account.secret]
    if method:
        args += ["--method", method]
    p = run_cli(*args)
    assert p.returncode == 0, p.stderr
    meth, key, date, salt, sig = _parse_sign(p.stdout)
    assert meth == (method or "HMAC-SHA256")
    assert key == account.key
    when = dt.datetime.fromisoformat(date.replace("Z", "+00:00"))
    assert when.tzinfo is not None, "date must carry an offset"
    assert abs((when - utcnow()).total_seconds()) < 60
    assert 10 <= len(salt) <= 64 and not re.search(r"[\s,=]", salt)
    digest = hashlib.md5 if meth == "HMAC-MD5" else hashlib.sha256
    assert sig == hmac.new(account.secret.encode(), (date + salt).encode(), digest).hexdigest()
    header = p.stdout.strip().split(": ", 1)[1]
    assert_ok(account.get(NUMBERS, auth=header))
    assert_error(account.get(NUMBERS, auth=header), 403, "DuplicatedSignature")


def test_sign_salts_differ(account):
    outs = [_parse_sign(run_cli("sign", "--key", account.key, "--secret", account.secret).stdout)
            for _ in range(2)]
    assert outs[0][3] != outs[1][3]


def test_sign_unknown_method_fails(account):
    _assert_cli_error(run_cli("sign", "--key", account.key, "--secret", account.secret,
                              "--method", "HMAC-SHA1"))


# ---------------------------------------------------------------------------------------------------
# data dir, environment

@pytest.mark.sqlite_only("the SQLite data directory's layout")
def test_data_dir_layout(server):
    d = server.data_dir
    assert os.path.isfile(os.path.join(d, "senderid.db"))
    key = os.path.join(d, "master.key")
    assert os.path.isfile(key)
    mode = stat.S_IMODE(os.stat(key).st_mode)
    assert mode == 0o600, f"master.key mode {oct(mode)}"


@pytest.mark.sqlite_only("DATA/master.key is the SQLite store's default key")
def test_missing_master_key_beside_a_store_is_refused(scratch):
    """A new store gets a new key; an existing store whose key file is gone gets no new one (it
    would open none of the sealed secrets) — neither from the CLI nor from serve."""
    d = scratch / "data"
    d.mkdir(mode=0o700)
    cli("accounts", "create", "--name", "first", "--data", d)
    key = d / "master.key"
    original = key.read_bytes()
    key.unlink()
    for args in (("accounts", "create", "--name", "second", "--data", d),
                 ("serve", "--data", d, "--listen", "127.0.0.1:0")):
        p = run_cli(*args)
        _assert_cli_error(p)
        assert "master key file" in p.stderr and "missing" in p.stderr, p.stderr
        assert not key.exists(), f"{args[0]} generated a new master key"
    key.write_bytes(original)
    key.chmod(0o600)
    assert cli("accounts", "create", "--name", "second", "--data", d)["accountId"]


def test_api_secret_not_stored_in_clear(server):
    """DESIGN §2/§4: secrets are sealed with the master key, never stored as plain text."""
    out = server.cli("accounts", "create", "--name", "Sealed")
    k = server.cli("keys", "create", "--account", out["accountId"])
    for name in os.listdir(server.data_dir):
        if name.startswith("senderid.db"):
            data = open(os.path.join(server.data_dir, name), "rb").read()
            for secret in (out["apiSecret"], k["apiSecret"]):
                assert secret.encode() not in data, f"API secret in clear in {name}"


def test_data_from_environment(server):
    out = cli("accounts", "create", "--name", "FromEnv", env={"SENDERID_DATA": server.data_dir})
    acct = Account(server, out["accountId"], out["apiKey"], out["apiSecret"], out["limit"])
    assert_ok(acct.get(NUMBERS))


def test_flag_wins_over_environment(server, scratch):
    out = cli("accounts", "create", "--data", server.data_dir, "--name", "FlagWins",
              env={"SENDERID_DATA": str(scratch / "elsewhere")})
    acct = Account(server, out["accountId"], out["apiKey"], out["apiSecret"], out["limit"])
    assert_ok(acct.get(NUMBERS))
    assert not os.path.exists(scratch / "elsewhere" / "senderid.db")


def test_unknown_subcommand_fails():
    _assert_cli_error(run_cli("frobnicate"))


# ---------------------------------------------------------------------------------------------------
# --version (SPEC §14)

def _cmake_project_version():
    text = (REPO / "CMakeLists.txt").read_text()
    m = re.search(r"project\(senderid VERSION (\d+\.\d+\.\d+)", text)
    assert m, "CMakeLists.txt names no project(VERSION)"
    return m.group(1)


def test_version_is_cmakes_project_version_and_the_commit(scratch):
    p = run_cli("--version")
    assert p.returncode == 0, p.stderr
    line = p.stdout.strip()
    m = re.fullmatch(r"senderid (\d+\.\d+\.\d+)(?: \(([0-9a-f]{7,40})\))?", line)
    assert m, f"unexpected --version output: {p.stdout!r}"
    assert m.group(1) == _cmake_project_version()
    if (REPO / ".git").exists():
        assert m.group(2), "built from a git checkout: the commit is named"
        known = subprocess.run(["git", "-C", str(REPO), "cat-file", "-t", m.group(2)],
                               capture_output=True, text=True)
        assert known.stdout.strip() == "commit", f"{m.group(2)} is not a commit of this repository"
    assert not os.listdir(scratch), "--version touches nothing"
    # It needs no subcommand and works after one's options too.
    assert run_cli("--version", "serve").stdout.strip() == line
