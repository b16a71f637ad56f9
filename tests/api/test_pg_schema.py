"""Start-up on a PostgreSQL store (SPEC §11): `senderid migrate` and what it prints, migrations
started together applying once, and the refusals — another master key, a schema newer than the
binary — each one clear line on stderr and a non-zero exit, from `serve`, `migrate` and the CLI
alike. Every test has a schema of its own. Skipped without PostgreSQL."""

import json
import secrets
import subprocess

import pytest

from ars_support import concurrently
from conftest import BINARY, new_master_key_file, pg_url_for_schema, psql, run_cli

pytestmark = pytest.mark.pg_only

# serve must refuse before it would start listening; if it does not, it is still running at this
# point and the test fails on the timeout.
REFUSE_TIMEOUT = 30


@pytest.fixture
def store(scratch):
    """(db url, master key file, data dir, schema) of a fresh, empty schema."""
    schema = "s_" + secrets.token_hex(8)
    psql(f"CREATE SCHEMA {schema}")
    key = new_master_key_file(scratch / "master.key")
    data = scratch / "data"
    data.mkdir(mode=0o700)
    return pg_url_for_schema(schema), key, str(data), schema


def migrate(url, key):
    return run_cli("migrate", "--db", url, "--master-key-file", key)


def serve(url, key, data):
    """`senderid serve` that is expected to refuse: its CompletedProcess."""
    return subprocess.run([BINARY, "serve", "--listen", "127.0.0.1:0", "--data", data, "--db", url,
                           "--master-key-file", key], capture_output=True, text=True,
                          timeout=REFUSE_TIMEOUT, stdin=subprocess.DEVNULL)


def create_account(url, key, data):
    return run_cli("--data", data, "--db", url, "--master-key-file", key, "accounts", "create",
                   "--name", "schema test")


def assert_refused(p, *words):
    """Exit non-zero, nothing on stdout, exactly one line on stderr that holds `words`."""
    assert p.returncode != 0, f"exited 0: {p.stdout!r} {p.stderr!r}"
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, f"not one line: {p.stderr!r}"
    assert lines[0].startswith("senderid: "), lines
    for w in words:
        assert w in lines[0], lines[0]
    assert p.stdout == "", p.stdout


def latest_version(url, key):
    p = migrate(url, key)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["schemaVersion"]


def test_migrate_prints_the_version_and_what_it_applied(store):
    url, key, data, schema = store
    p = migrate(url, key)
    assert p.returncode == 0, p.stderr
    first = json.loads(p.stdout)
    assert first["store"] == "postgresql"
    assert isinstance(first["schemaVersion"], int) and first["schemaVersion"] >= 1
    assert first["applied"] == first["schemaVersion"], "a fresh schema gets every migration"
    rows = psql(f"SELECT version FROM {schema}.schema_migrations ORDER BY version").split()
    assert rows == [str(v) for v in range(1, first["schemaVersion"] + 1)]
    p = migrate(url, key)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == {**first, "applied": 0}, "a second migrate has nothing to do"
    # The schema is usable by the CLI.
    assert create_account(url, key, data).returncode == 0


def test_migrations_started_together_apply_once(store):
    url, key, _, schema = store
    results = concurrently(lambda i: migrate(url, key), 4)
    for p in results:
        assert p.returncode == 0, p.stderr
    outputs = [json.loads(p.stdout) for p in results]
    latest = outputs[0]["schemaVersion"]
    assert {o["schemaVersion"] for o in outputs} == {latest}
    assert sum(o["applied"] for o in outputs) == latest, outputs
    assert psql(f"SELECT count(*) FROM {schema}.schema_migrations").strip() == str(latest)


def test_another_master_key_refuses_in_one_line(store, scratch):
    url, key, data, _ = store
    assert migrate(url, key).returncode == 0  # an empty registry: refused all the same
    wrong = new_master_key_file(scratch / "wrong.key")
    for p in (serve(url, wrong, data), migrate(url, wrong), create_account(url, wrong, data)):
        assert_refused(p, "master key does not match")
    # The right key still works, and the refused calls changed nothing.
    p = create_account(url, key, data)
    assert p.returncode == 0, p.stderr
    assert create_account(url, wrong, data).returncode != 0


def test_a_schema_newer_than_the_binary_refuses_in_one_line(store):
    url, key, data, schema = store
    latest = latest_version(url, key)
    newer = latest + 1
    psql(f"INSERT INTO {schema}.schema_migrations (version, date_applied) VALUES ({newer}, 0)")
    for p in (serve(url, key, data), migrate(url, key), create_account(url, key, data)):
        assert_refused(p, f"version {newer}", "newer", "upgrade senderid")
    assert psql(f"SELECT max(version) FROM {schema}.schema_migrations").strip() == str(newer), \
        "a refusing binary must not touch the schema"
    psql(f"DELETE FROM {schema}.schema_migrations WHERE version = {newer}")
    p = create_account(url, key, data)
    assert p.returncode == 0, p.stderr


def test_the_cli_creates_an_empty_schema_itself(store):
    """SPEC §11: commands other than serve/migrate create an empty schema (and refuse an older
    one)."""
    url, key, data, schema = store
    p = create_account(url, key, data)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["accountId"]
    assert psql(f"SELECT count(*) FROM {schema}.accounts").strip() == "1"
