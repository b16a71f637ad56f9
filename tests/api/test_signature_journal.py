"""serve keeps spent signatures in a journal beside the SQLite store (issue 16): replays refused
across kill -9, and what an older senderid spent in `senderid-signatures.db` moved over once."""

import hashlib
import hmac
import re
import sqlite3
import time
from pathlib import Path

import pytest

from conftest import NUMBERS, assert_error, assert_ok

pytestmark = pytest.mark.sqlite_only("the journal is the SQLite store's ledger")


def spent_digest(data_dir, header):
    """What the ledger keeps of a header's signature: HMAC-SHA256 under the master key's
    "spent-signature" subkey, of the signature's lowercase hex (crypto/default_crypto.cc)."""
    master = bytes.fromhex(Path(data_dir, "master.key").read_text().strip())
    subkey = hmac.new(master, b"senderid:spent-signature", hashlib.sha256).digest()
    sig = re.search(r"signature=([0-9A-Fa-f]+)", header).group(1).lower()
    return hmac.new(subkey, sig.encode(), hashlib.sha256).digest()


def test_a_replay_is_refused_after_kill_9_and_restart(server_factory):
    srv = server_factory()
    acct = srv.new_account()
    header = acct.auth()
    assert_ok(acct.get(NUMBERS, auth=header))
    srv.kill()
    srv.start()
    assert_error(acct.get(NUMBERS, auth=header), 403, "DuplicatedSignature")
    journal = Path(srv.data_dir, "senderid-signatures.journal")
    assert [p.suffix for p in journal.iterdir()] == [".spent"]
    # 32 bytes a signature, none of them the signature or the header.
    content = b"".join(p.read_bytes() for p in journal.iterdir())
    assert len(content) % 32 == 0 and len(content) >= 32
    sig = re.search(r"signature=([0-9A-Fa-f]+)", header).group(1)
    assert sig.encode() not in content and bytes.fromhex(sig) not in content


def test_signatures_an_older_version_spent_in_sqlite_are_moved_into_the_journal(server_factory):
    srv = server_factory()
    acct = srv.new_account()
    srv.stop()
    header = acct.auth()  # never sent to this server: spent "by the older version" below
    db = sqlite3.connect(Path(srv.data_dir, "senderid-signatures.db"))
    keep_until = int(time.time() * 1000) + 20 * 60 * 1000
    with db:
        db.execute("INSERT INTO spent_signatures (keep_until, digest) VALUES (?, ?)",
                   (keep_until, spent_digest(srv.data_dir, header)))
    db.close()
    srv.start()
    assert_error(acct.get(NUMBERS, auth=header), 403, "DuplicatedSignature")
    db = sqlite3.connect(Path(srv.data_dir, "senderid-signatures.db"))
    assert db.execute("SELECT count(*) FROM spent_signatures").fetchone() == (0,), \
        "moved, not copied: the journal is the one ledger now"
    db.close()
    # And it stays spent once the SQLite row is gone.
    srv.kill()
    srv.start()
    assert_error(acct.get(NUMBERS, auth=header), 403, "DuplicatedSignature")
    assert_ok(acct.get(NUMBERS))
