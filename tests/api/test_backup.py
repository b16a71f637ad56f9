"""`senderid backup --to DIR` and `senderid restore --from DIR --data DIR` (SPEC §14): an online,
consistent copy of the SQLite store — both database files, the documents, a manifest of sha256 —
taken while the server runs and writes, and its restore, which refuses a non-empty target and a
damaged backup before writing anything."""

import hashlib
import http.client
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import (BINARY, NUMBERS, Account, assert_error, assert_ok, find_sender, free_port,
                      new_master_key_file, run_cli, wait_until)
from documents_support import DOCS, b64, download, sample

pytestmark = pytest.mark.sqlite_only("backup and restore copy the SQLite store's files")


def backup(data, to):
    return run_cli("backup", "--to", to, "--data", data)


def restore(backup_dir, data):
    return run_cli("restore", "--from", backup_dir, "--data", data)


def manifest_of(backup_dir):
    return json.loads((backup_dir / "manifest.json").read_text())


class Load:
    """Creates numbers and uploads documents from two threads until stopped; keeps the order in
    which answers of 200 arrived, so that a test can tell which writes were acknowledged before a
    moment."""

    def __init__(self, acct):
        self.acct = acct
        self.lock = threading.Lock()
        self.numbers = []        # acknowledged creates, in order
        self.documents = {}      # documentId -> bytes, acknowledged uploads
        self.failures = []       # answers other than 200
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._create, daemon=True),
                        threading.Thread(target=self._upload, daemon=True)]

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def join(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)
            assert not t.is_alive(), "a load thread hung"

    def acknowledged(self):
        with self.lock:
            return list(self.numbers), dict(self.documents)

    def _create(self):
        i = 0
        while not self.stop.is_set():
            number = f"0103{i:07d}"
            i += 1
            try:
                r = self.acct.post(NUMBERS, {"phoneNumber": number}, timeout=10)
            except (OSError, http.client.HTTPException) as e:
                self.failures.append((number, repr(e)))
                continue
            with self.lock:
                if r.status == 200 and find_sender(r.json, number) is not None:
                    self.numbers.append(number)
                else:
                    self.failures.append((number, r.status, r.body[:200]))

    def _upload(self):
        i = 0
        while not self.stop.is_set():
            data, _, _ = sample("png", seed=f"backup-{i}")
            i += 1
            try:
                r = self.acct.post(DOCS, {"file": b64(data), "category": "SENDERID_APPROVAL"},
                                   timeout=10)
            except (OSError, http.client.HTTPException) as e:
                self.failures.append(("upload", repr(e)))
                continue
            with self.lock:
                if r.status == 200:
                    self.documents[r.json["documentId"]] = data
                else:
                    self.failures.append(("upload", r.status, r.body[:200]))


def test_backup_under_write_load_restores_every_acknowledged_write(server_factory, scratch):
    srv = server_factory()
    acct = srv.new_account(limit=100_000)
    spent = acct.auth()
    assert_ok(acct.get(NUMBERS, auth=spent))
    load = Load(acct).start()
    try:
        wait_until(lambda: len(load.acknowledged()[0]) >= 30 and len(load.acknowledged()[1]) >= 3,
                   30, "writes acknowledged before the backup")
        numbers_before, documents_before = load.acknowledged()
        p = backup(srv.data_dir, scratch / "backup")
        numbers_during, _ = load.acknowledged()
    finally:
        load.join()
    assert p.returncode == 0, p.stderr
    assert not load.failures, f"writes failed while the backup ran: {load.failures[:5]}"
    assert len(numbers_during) > len(numbers_before), "the load did not go on during the backup"
    summary = json.loads(p.stdout)
    assert summary["backup"] == str(scratch / "backup")

    # The manifest: both database files and the documents, each with its sha256; no master key.
    manifest = manifest_of(scratch / "backup")
    assert manifest["format"] == "senderid-backup" and manifest["schemaVersion"] > 0
    paths = {f["path"]: f for f in manifest["files"]}
    assert {"senderid.db", "senderid-signatures.db"} <= set(paths)
    assert any(p.startswith("senderid-signatures.journal/") for p in paths), \
        "serve's spent signatures are in the backup"
    for f in manifest["files"]:
        data = (scratch / "backup" / f["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["size"], f
    assert not any("master" in name for name in paths), "the master key is never in a backup"
    assert not (scratch / "backup" / "master.key").exists()

    # The server went on serving, and still holds its single-instance lock.
    assert_ok(acct.get(NUMBERS))
    second = subprocess.run([BINARY, "serve", "--listen", f"127.0.0.1:{free_port()}", "--data",
                             srv.data_dir], capture_output=True, text=True, timeout=30,
                            stdin=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})
    assert second.returncode != 0 and "another senderid serve" in second.stderr, second.stderr

    p = restore(scratch / "backup", scratch / "restored")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["files"] == len(manifest["files"])
    # The master key is not in the backup: the operator puts the store's own key back.
    shutil.copy(srv.data_dir + "/master.key", scratch / "restored" / "master.key")
    restored = server_factory(data_dir=scratch / "restored")
    again = Account(restored, acct.account_id, acct.key, acct.secret, acct.limit)
    # A signature spent before the backup is still spent in the restored store.
    assert_error(again.get(NUMBERS, auth=spent), 403, "DuplicatedSignature")
    present = {s["phoneNumber"] for s in again.doc()["senderIds"]}
    missing = sorted(set(numbers_before) - present)
    assert not missing, f"{len(missing)} creates acknowledged before the backup are missing: {missing[:5]}"
    assert present <= set(numbers_during) | set(load.numbers), "entries nobody created"
    for document_id, data in documents_before.items():
        assert download(again, document_id).body == data, f"document {document_id} differs"
    # Every document the restored store lists has its bytes, whenever it was uploaded.
    listed = assert_ok(again.get(DOCS + "?limit=1000"))["data"]
    assert {d["documentId"] for d in listed} >= set(documents_before)
    for d in listed:
        assert download(again, d["documentId"]).body == load.documents[d["documentId"]]


def stopped_store_with_a_document(server_factory, seed):
    """A stopped server whose store holds one account and one uploaded document."""
    srv = server_factory()
    acct = srv.new_account()
    data, _, _ = sample("png", seed=seed)
    assert_ok(acct.post(DOCS, {"file": b64(data), "category": "SENDERID_APPROVAL"}))
    srv.stop()
    return srv


@pytest.fixture
def small_backup(server_factory, scratch):
    """A backup of a stopped server's store with one account and one document."""
    srv = stopped_store_with_a_document(server_factory, "small")
    p = backup(srv.data_dir, scratch / "backup")
    assert p.returncode == 0, p.stderr
    shutil.copy(srv.data_dir + "/master.key", scratch / "srv-data-key")
    return scratch / "backup"


def assert_nothing_written(parent, target):
    assert not target.exists(), f"{target} was created"
    leftovers = [p.name for p in parent.iterdir() if ".restore-" in p.name]
    assert not leftovers, f"staging left behind: {leftovers}"


def test_restore_checks_a_named_master_key_against_the_backup(small_backup, scratch):
    # The manifest carries the key's fingerprint (never the key): a wrong key is refused before
    # anything is written, the store's own key is accepted.
    manifest = manifest_of(small_backup)
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["masterKeyFingerprint"]), manifest
    source_key = small_backup.parent / "srv-data-key"
    wrong = new_master_key_file(scratch / "wrong.key")
    target = scratch / "restored"
    p = run_cli("restore", "--from", small_backup, "--data", target, "--master-key-file", wrong)
    assert p.returncode != 0 and "not the master key" in p.stderr, p.stderr
    assert_nothing_written(scratch, target)
    p = run_cli("restore", "--from", small_backup, "--data", target, "--master-key-file",
                source_key)
    assert p.returncode == 0, p.stderr


def test_restore_refuses_a_non_empty_target(small_backup, scratch):
    target = scratch / "occupied"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    p = restore(small_backup, target)
    assert p.returncode != 0
    assert "not empty" in p.stderr, p.stderr
    assert sorted(x.name for x in target.iterdir()) == ["notes.txt"]
    assert (target / "notes.txt").read_text() == "mine"


def test_restore_into_an_empty_directory(small_backup, scratch):
    target = scratch / "empty"
    target.mkdir()
    p = restore(small_backup, target)
    assert p.returncode == 0, p.stderr
    names = sorted(x.name for x in target.iterdir())
    assert names == ["documents", "senderid-signatures.db", "senderid-signatures.journal",
                     "senderid.db"], names
    assert len(list((target / "documents").iterdir())) == 1


@pytest.mark.parametrize("damaged", ["senderid.db", "senderid-signatures.db", "document"])
def test_restore_refuses_a_damaged_backup_before_writing(small_backup, scratch, damaged):
    path = small_backup / damaged
    if damaged == "document":
        (path,) = list((small_backup / "documents").iterdir())
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01          # one flipped bit
    path.write_bytes(bytes(data))
    target = scratch / "restored"
    p = restore(small_backup, target)
    assert p.returncode != 0
    assert "checksum mismatch" in p.stderr and path.name in p.stderr, p.stderr
    assert_nothing_written(scratch, target)


def test_restore_refuses_a_backup_without_manifest(small_backup, scratch):
    (small_backup / "manifest.json").unlink()
    p = restore(small_backup, scratch / "restored")
    assert p.returncode != 0 and "manifest.json" in p.stderr, p.stderr
    assert_nothing_written(scratch, scratch / "restored")


def test_restore_refuses_a_manifest_naming_a_path_outside(small_backup, scratch):
    manifest = manifest_of(small_backup)
    manifest["files"].append({"path": "../escape", "size": 0, "sha256": "0" * 64})
    (small_backup / "manifest.json").write_text(json.dumps(manifest))
    p = restore(small_backup, scratch / "restored")
    assert p.returncode != 0 and "unexpected file" in p.stderr, p.stderr
    assert_nothing_written(scratch, scratch / "restored")


def test_backup_refuses_a_non_empty_directory(small_backup, scratch):
    before = manifest_of(small_backup)
    p = backup(scratch / "nowhere", small_backup)
    assert p.returncode != 0 and "not empty" in p.stderr, p.stderr
    assert manifest_of(small_backup) == before


def test_backup_refuses_a_store_whose_document_file_is_gone(server_factory, scratch):
    # A row without its file: the backup tries again (a delete may have raced it), then gives up
    # with the file named and leaves nothing that looks like a backup.
    srv = stopped_store_with_a_document(server_factory, "gone")
    (doc_file,) = list((Path(srv.data_dir) / "documents").iterdir())
    doc_file.unlink()
    p = backup(srv.data_dir, scratch / "backup")
    assert p.returncode != 0 and doc_file.name in p.stderr and "missing" in p.stderr, p.stderr
    assert not (scratch / "backup").exists()


def test_backup_of_a_missing_store_is_refused(scratch):
    p = backup(scratch / "no-store", scratch / "backup")
    assert p.returncode != 0 and "no SQLite store" in p.stderr, p.stderr
    assert not (scratch / "backup").exists()


def test_backup_and_restore_refuse_postgresql_with_the_pg_dump_pointer(scratch):
    url = "postgresql:///senderid?host=/nonexistent"
    for args in (["backup", "--to", scratch / "b"], ["restore", "--from", scratch, "--data",
                                                       scratch / "r"]):
        p = run_cli(*args, "--db", url)
        assert p.returncode != 0
        assert "pg_dump" in p.stderr and "README" in p.stderr, p.stderr
    assert not (scratch / "b").exists() and not (scratch / "r").exists()
