"""Issue 11, item 1: acknowledged uploads must never be lost, and a second `serve` on a SQLite store
that a running `serve` holds refuses to start without touching the store or its files (SPEC §11).

- the probe of the issue: 4 threads upload 160 documents (all 200) while a second `serve` on the same
  --data is started and stopped twice; each second serve is refused (non-zero exit, quickly, one line
  on stderr starting with "senderid: "), and every acknowledged document's /file is byte-identical;
- a refused start changes nothing: the documents/ listing (young strays of in-flight uploads
  included) and the sizes and mtimes of the database files stay as they were, and the first server
  keeps serving — also when only the database (`--db sqlite://…`) is shared;
- the stray-file sweep at start is safe: files younger than the 1 h grace period (a blob-named file
  without a row, a `.tmp-*` file) are kept, older ones are removed;
- the CLI is not refused by the lock: operator commands work while serve runs.
"""

import http.client
import os
import secrets
import signal
import string
import subprocess
import threading
import time
from pathlib import Path

import pytest

from abuse_support import DbServer, healthy
from conftest import BINARY, free_port, http_request, wait_until
from documents_support import (b64, check_document, documents_dir, download, png_bytes, reviews,
                               upload, upload_raw)

THREADS = 4
UPLOADS = 160
SECOND_START_TIMEOUT = 5.0     # a refused serve must exit within this
GRACE_AGE = 2 * 3600           # older than the 1 h grace period of the stray-file sweep

DB_FILES = ("senderid.db", "senderid.db-wal", "senderid-signatures.db", "senderid-signatures.db-wal")


# ---------------------------------------------------------------------------------------------------
# A second `serve` on a store that a running serve holds

class SecondServe:
    """`senderid serve` started by the test on the store of a running server; its output goes to a
    file. `outcome()` says whether it was refused (exited) or started (answered /healthz)."""

    def __init__(self, scratch, args):
        self.port = free_port()
        self.err_path = Path(scratch) / f"second-serve-{secrets.token_hex(4)}.err"
        self.cmd = [BINARY, "serve", "--listen", f"127.0.0.1:{self.port}", *map(str, args)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SENDERID_")}
        self._err = open(self.err_path, "wb")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=self._err,
                                     stderr=self._err, env=env)

    def _ready(self):
        try:
            return http_request(self.port, "GET", "/healthz", timeout=0.5).status == 200
        except (OSError, http.client.HTTPException):
            return False

    def outcome(self, timeout=SECOND_START_TIMEOUT):
        """("exited", code, seconds) or ("serving", None, seconds) or ("running", None, seconds)."""
        deadline = self.t0 + timeout
        while time.monotonic() < deadline:
            code = self.proc.poll()
            if code is not None:
                return "exited", code, time.monotonic() - self.t0
            if self._ready():
                return "serving", None, time.monotonic() - self.t0
            time.sleep(0.02)
        code = self.proc.poll()
        if code is not None:
            return "exited", code, time.monotonic() - self.t0
        return "running", None, time.monotonic() - self.t0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._err.close()

    def stderr(self):
        return self.err_path.read_bytes().decode("utf-8", "replace")


def refusal_problems(second, label):
    """What is wrong with how `second` (already stopped) ended; [] when it was properly refused."""
    kind, code, seconds = second.result
    err = second.stderr()
    if kind != "exited":
        return [f"{label}: the second serve was not refused ({kind} after {seconds:.1f}s on port "
                f"{second.port}); its output: {err.strip()[-400:]!r}"]
    problems = []
    if code == 0:
        problems.append(f"{label}: the refused serve exited 0")
    if code < 0:
        problems.append(f"{label}: the second serve died of signal {-code}")
    lines = [l for l in err.splitlines() if l.strip()]
    if len(lines) != 1 or not lines[0].startswith("senderid: "):
        problems.append(f"{label}: expected one stderr line starting 'senderid: ', got {err!r}")
    return problems


def run_second(scratch, args):
    second = SecondServe(scratch, args)
    try:
        second.result = second.outcome()
    finally:
        second.stop()
    return second


def db_stats(folder):
    """{name: (size, mtime_ns)} of the database files present in `folder`."""
    out = {}
    for name in DB_FILES:
        p = Path(folder) / name
        if p.exists():
            st = p.stat()
            out[name] = (st.st_size, st.st_mtime_ns)
    return out


def blob_name(ext="png"):
    stem = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(15))
    return f"{stem}.{ext}"


def put_strays(folder, age=0.0):
    """A blob-named file without a row and a `.tmp-*` file in `folder`, `age` seconds old.
    Returns their names."""
    names = [blob_name(), ".tmp-" + blob_name()]
    for n in names:
        p = Path(folder) / n
        p.write_bytes(png_bytes(seed=n.encode()))
        if age:
            then = time.time() - age
            os.utime(p, (then, then))
    return names


# ---------------------------------------------------------------------------------------------------
# The probe of the issue

@pytest.mark.sqlite_only("one serve per SQLite store and its document files")
def test_second_serve_during_uploads_is_refused_and_loses_nothing(server_factory, scratch):
    srv = server_factory()
    accounts = [srv.new_account() for _ in range(THREADS)]
    lock = threading.Lock()
    acked = []          # (account, documentId, bytes)
    failures = []
    per_thread = UPLOADS // THREADS

    def uploader(i):
        acct = accounts[i]
        for k in range(per_thread):
            data = png_bytes(seed=f"t{i}-{k}-{secrets.token_hex(8)}".encode())
            try:
                r = upload_raw(acct, b64(data), name=f"probe-{i}-{k}.png")
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    failures.append(f"upload {i}/{k}: no answer ({e!r})")
                continue
            with lock:
                if r.status == 200:
                    acked.append((acct, r.json["documentId"], data))
                else:
                    failures.append(f"upload {i}/{k}: {r!r}")

    threads = [threading.Thread(target=uploader, args=(i,), daemon=True) for i in range(THREADS)]
    for t in threads:
        t.start()
    seconds = []
    try:
        for round_no, after in enumerate((UPLOADS // 5, UPLOADS // 2)):
            # start the second serve while uploads are in flight
            wait_until(lambda: len(acked) + len(failures) >= after or
                       not any(t.is_alive() for t in threads), 30.0,
                       f"{after} uploads answered before second serve #{round_no + 1}")
            seconds.append(run_second(scratch, ["--data", srv.data_dir]))
    finally:
        for t in threads:
            t.join(60)
    assert not any(t.is_alive() for t in threads), "uploaders did not finish"

    problems = []
    if failures or len(acked) != UPLOADS:
        problems.append(f"{len(acked)} of {UPLOADS} uploads answered 200; others: {failures[:3]}")
    lost = []
    for acct, doc_id, data in acked:
        r = acct.get(f"/senderid/v1/documents/{doc_id}/file")
        if r.status != 200 or r.body != data:
            lost.append((doc_id, r.status, r.body[:120]))
    if lost:
        problems.append(f"{len(lost)} of {len(acked)} acknowledged documents lost their bytes: "
                        f"{lost[:3]}")
    for i, second in enumerate(seconds):
        problems += refusal_problems(second, f"second serve #{i + 1}")
    assert srv.proc.poll() is None, "the first server died"
    healthy(srv)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------------
# A refused start touches nothing

@pytest.mark.sqlite_only("one serve per SQLite store and its document files")
@pytest.mark.parametrize("shared", ["data_dir", "db_only"])
def test_refused_second_serve_touches_nothing(server_factory, scratch, shared):
    if shared == "data_dir":
        srv = server_factory(args=["--sweep-interval", "1h"])
        db_dir = Path(srv.data_dir)
        second_args = ["--data", srv.data_dir]
    else:
        db_dir = scratch / "db"
        db_dir.mkdir()
        srv = DbServer(scratch / "data", db_dir / "senderid.db", args=["--sweep-interval", "1h"])
        srv.start()
        second_args = ["--data", str(scratch / "other-data"), "--db", srv.db_url]
    try:
        acct = srv.new_account()
        docs = [upload(acct, png_bytes(seed=f"keep{i}".encode()), name=f"keep{i}.png")
                for i in range(3)]
        folder = documents_dir(srv)
        # What an in-flight upload of the first server may leave for a moment: young strays.
        strays = put_strays(folder)
        listing = sorted(os.listdir(folder))
        stats = db_stats(db_dir)
        assert "senderid.db" in stats and "senderid-signatures.db" in stats, \
            f"database files not where expected: {sorted(os.listdir(db_dir))}"

        second = run_second(scratch, second_args)

        problems = refusal_problems(second, "second serve")
        after = sorted(os.listdir(folder))
        if after != listing:
            problems.append(f"documents/ changed: removed {sorted(set(listing) - set(after))}, "
                            f"added {sorted(set(after) - set(listing))} (young strays: {strays})")
        now_stats = db_stats(db_dir)
        if now_stats != stats:
            problems.append(f"database files changed: before {stats}, after {now_stats}")
        assert srv.proc.poll() is None, "the first server died"
        for d in docs:
            r = acct.get(f"/senderid/v1/documents/{d['documentId']}/file")
            if r.status != 200:
                problems.append(f"first server: /file of {d['documentId']} -> {r!r}")
        assert not problems, "\n".join(problems)
        # and the first server keeps taking writes
        upload(acct, png_bytes(seed=b"after"), name="after.png")
    finally:
        if shared == "db_only":
            srv.stop(timeout=5)
            srv.kill()


# ---------------------------------------------------------------------------------------------------
# The stray-file sweep at start keeps young files

@pytest.mark.sqlite_only("one serve per SQLite store and its document files")
def test_start_sweep_keeps_young_strays_removes_old(server_factory):
    srv = server_factory()
    acct = srv.new_account()
    data = png_bytes(seed=b"real")
    real = upload(acct, data, name="real.png")
    assert srv.stop() == 0
    folder = documents_dir(srv)
    young = put_strays(folder)
    old = put_strays(folder, age=GRACE_AGE)
    srv.start()

    wait_until(lambda: not any((folder / n).exists() for n in old), 10.0,
               f"strays older than the grace period removed ({old})")
    kept = sorted(os.listdir(folder))
    missing = [n for n in young if n not in kept]
    assert not missing, (f"the sweep at start removed files younger than the 1 h grace period: "
                         f"{missing} (directory now {kept})")
    assert real["name"] in kept
    assert download(acct, real["documentId"]).body == data


# ---------------------------------------------------------------------------------------------------
# The CLI is not locked out

def test_cli_works_while_serve_runs(server_factory):
    srv = server_factory()
    acct = srv.new_account()                      # accounts create while serve runs
    key = srv.new_key(acct, ["senderid:read"])    # keys create
    assert reviews(srv) == [], "a fresh registry has nothing to review"   # reviews list
    p = srv.run_cli("reviews", "list", "--status", "ALL")
    assert p.returncode == 0, f"reviews list while serve runs: exit {p.returncode}, {p.stderr!r}"
    # What the CLI wrote is visible to the running server at once.
    assert key.get().status == 200
    d = check_document(upload(acct, png_bytes(seed=b"cli")), acct)
    assert acct.get(f"/senderid/v1/documents/{d['documentId']}").status == 200
    assert srv.proc.poll() is None
