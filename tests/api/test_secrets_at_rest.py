"""Issue 11, items 6 and 8: secrets at rest.

Item 6:
- every database file the server creates (the .db, its -wal/-shm, the -signatures.db and its
  -wal/-shm) is mode 0600 — also with `--db sqlite:///elsewhere.db` in a directory of mode 0755, and
  whatever the umask (the tests run the server under umask 022);
- a fresh --data directory created by serve is 0700 (holds today); an existing one of mode 0755 is
  left as it is (no chmod, by serve nor by the CLI), and serve logs a warning about its permissions;
- `senderid sign --key K` reads the secret from SENDERID_API_SECRET when --secret is not given (holds
  today), and `--secret-stdin` reads it from stdin (one line); the printed header is accepted.

Item 8: spent signatures are stored as keyed hashes: no database file holds a spent signature's hex
text (lower or upper case), its raw bytes, or an unkeyed SHA-256 of either.
"""

import contextlib
import hashlib
import http.client
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from abuse_support import DbServer
from conftest import (BINARY, NUMBERS, PG_MODE, assert_ok, free_port, http_request, pg_store_dump,
                      run_cli, wait_until)

SQLITE_SUFFIXES = ("", "-wal", "-shm")


@contextlib.contextmanager
def umask(mask):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def db_family(path):
    """The files SQLite keeps for database `path` that exist now."""
    return [Path(str(path) + s) for s in SQLITE_SUFFIXES if Path(str(path) + s).exists()]


def signatures_db(db_path):
    p = str(db_path)
    return Path(p[:-3] + "-signatures.db") if p.endswith(".db") else Path(p + "-signatures")


def assert_modes(paths, want, what):
    wrong = {str(p): oct(mode_of(p)) for p in paths if mode_of(p) != want}
    assert not wrong, f"{what} not mode {oct(want)}: {wrong}"


def exercise(srv, n=3):
    """A few signed requests (reads and a write), so that the database and its WAL are written."""
    acct = srv.new_account()
    for _ in range(n):
        assert_ok(acct.get(NUMBERS))
    acct.create("01012345678")
    return acct


# ---------------------------------------------------------------------------------------------------
# File modes

def test_database_files_elsewhere_are_0600(scratch):
    where = scratch / "dbdir"
    where.mkdir()
    os.chmod(where, 0o755)
    db = where / "elsewhere.db"
    with umask(0o022):
        srv = DbServer(scratch / "data", db)
        srv.start()
    try:
        exercise(srv)
        files = db_family(db) + db_family(signatures_db(db))
        assert db in files and signatures_db(db) in files, \
            f"database files not where expected: {sorted(os.listdir(where))}"
        assert_modes(files, 0o600, "database files (server running)")
        assert srv.stop() == 0
        assert_modes(db_family(db) + db_family(signatures_db(db)), 0o600,
                     "database files (server stopped)")
        assert mode_of(where) == 0o755, "the directory of --db was chmod'ed"
    finally:
        srv.stop(timeout=5)
        srv.kill()


def test_files_in_a_fresh_data_dir_are_0600(server_factory):
    with umask(0o022):
        srv = server_factory()
    exercise(srv)
    data = Path(srv.data_dir)
    files = [p for p in data.rglob("*") if p.is_file()]
    # (PostgreSQL: the data directory holds only the voice outbox, SPEC §11.)
    assert PG_MODE or any(p.name == "senderid.db" for p in files), sorted(map(str, files))
    assert_modes(files, 0o600, "files in the data directory")


def test_fresh_data_dir_is_created_0700(scratch):
    """Holds today. (Not through conftest's Server, which creates the directory itself.)"""
    data = scratch / "fresh" / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENDERID_")}
    with umask(0o022), open(scratch / "fresh.log", "wb") as log:
        proc = subprocess.Popen([BINARY, "serve", "--listen", f"127.0.0.1:{port}", "--data",
                                 str(data)], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                env=env)
    try:
        def ready():
            assert proc.poll() is None, (scratch / "fresh.log").read_text()
            try:
                return http_request(port, "GET", "/healthz", timeout=1).status == 200
            except (OSError, http.client.HTTPException):
                return False

        wait_until(ready, 10, "serve on a fresh data directory ready")
        assert mode_of(data) == 0o700, f"fresh data directory is {oct(mode_of(data))}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_existing_open_data_dir_is_left_alone_and_warned_about(server_factory, scratch):
    data = scratch / "open-data"
    data.mkdir()
    os.chmod(data, 0o755)
    srv = server_factory(data_dir=data)
    assert mode_of(data) == 0o755, \
        f"serve changed the mode of an existing data directory to {oct(mode_of(data))}"
    warnings = [l for l in srv.log_text().splitlines()
                if not l.startswith("=====")          # conftest's command line header
                and re.search(r"\bwarn", l, re.I)
                and (str(data) in l or re.search(r"permission|mode", l, re.I))]
    assert len(warnings) == 1, \
        f"expected one warning about the data directory's permissions, got {warnings!r}"


def test_cli_leaves_existing_data_dir_mode(scratch):
    data = scratch / "cli-data"
    data.mkdir()
    os.chmod(data, 0o750)
    p = run_cli("accounts", "create", "--name", "x", "--data", str(data))
    assert p.returncode == 0, p.stderr
    assert mode_of(data) == 0o750, f"the CLI changed the data directory's mode to {oct(mode_of(data))}"


# ---------------------------------------------------------------------------------------------------
# sign without the secret in argv

def sign_header(args, env=None, stdin=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SENDERID_")}
    full_env.update(env or {})
    p = subprocess.run([BINARY, "sign", *args], input=stdin, capture_output=True, text=True,
                       timeout=30, env=full_env)
    assert p.returncode == 0, f"senderid sign {' '.join(args)}: exit {p.returncode}, {p.stderr!r}"
    out = p.stdout.strip()
    assert "\n" not in out, f"sign printed more than one line: {p.stdout!r}"
    name, sep, value = out.partition(":")
    assert sep and name.strip().lower() == "authorization", f"not a header line: {out!r}"
    return value.strip()


@pytest.mark.parametrize("how", ["env", "stdin"])
def test_sign_reads_secret_without_argv(server_factory, how):
    srv = server_factory()
    acct = srv.new_account()
    if how == "env":        # holds today
        value = sign_header(["--key", acct.key], env={"SENDERID_API_SECRET": acct.secret})
    else:
        value = sign_header(["--key", acct.key, "--secret-stdin"], stdin=acct.secret + "\n")
    assert acct.secret not in value
    r = http_request(srv.port, "GET", NUMBERS, headers={"Authorization": value})
    assert r.status == 200, f"the header printed by sign was refused: {r!r}"


def test_sign_secret_stdin_wrong_secret_is_refused(server_factory):
    """Control: the stdin secret is really used (a wrong one gives a refused signature)."""
    srv = server_factory()
    acct = srv.new_account()
    value = sign_header(["--key", acct.key, "--secret-stdin"], stdin="X" * 32 + "\n")
    r = http_request(srv.port, "GET", NUMBERS, headers={"Authorization": value})
    assert r.status == 403, r


# ---------------------------------------------------------------------------------------------------
# Item 8: spent signatures as keyed hashes

def signature_forms(sig_hex):
    raw = bytes.fromhex(sig_hex)
    return {
        "hex": sig_hex.encode(),
        "HEX": sig_hex.upper().encode(),
        "raw bytes": raw,
        "sha256(hex)": hashlib.sha256(sig_hex.encode()).digest(),
        "sha256(hex) as hex": hashlib.sha256(sig_hex.encode()).hexdigest().encode(),
        "sha256(raw)": hashlib.sha256(raw).digest(),
        "sha256(raw) as hex": hashlib.sha256(raw).hexdigest().encode(),
    }


def test_spent_signatures_stored_as_keyed_hashes(server_factory):
    srv = server_factory()
    acct = srv.new_account()
    spent = []
    for i in range(4):
        header = acct.auth()
        sig = re.search(r"signature=([0-9a-f]+)", header).group(1)
        r = acct.get(NUMBERS, auth=header)
        assert r.status == 200, r
        spent.append(sig)
    # The replay guard works (so the signatures are remembered somewhere).
    r = acct.get(NUMBERS, auth=header)
    assert r.status == 403 and r.json["errorCode"] == "DuplicatedSignature", r
    data = Path(srv.data_dir)

    def leaks():
        found = []
        stores = {p.name: p.read_bytes() for p in sorted(data.glob("senderid*.db*"))}
        stores.update(pg_store_dump(data))
        for name, blob in stores.items():
            for sig in spent:
                for form, needle in signature_forms(sig).items():
                    if needle in blob:
                        found.append(f"{name} holds signature {sig[:12]}… as {form}")
        return found

    assert PG_MODE or any(p.name.startswith("senderid-signatures.db") for p in data.iterdir())
    running = leaks()
    assert srv.stop() == 0
    stopped = leaks()
    assert not running and not stopped, "\n".join(running + stopped)
