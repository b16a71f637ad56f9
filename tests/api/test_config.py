"""`--config FILE` (SPEC §14): a TOML file of top-level keys spelled like the flags; a flag beats the
environment, which beats the file, which beats the default; unknown keys and bad values are refused
at start with the file, the line and the key named. Also: every option's environment variable
follows the flag's name, and the example file packaging/senderid.toml is accepted as shipped."""

import re
import subprocess

import pytest

from conftest import (BINARY, NUMBERS, REPO, assert_error, assert_ok, cli, free_port, run_cli)

EXAMPLE = REPO / "packaging" / "senderid.toml"


def write_config(folder, text, name="senderid.toml"):
    path = folder / name
    path.write_text(text)
    return path


def new_limit(data, *args, env=None):
    """The limit of an account created with `args` (the limit shows the default in force)."""
    return cli("accounts", "create", "--name", "cfg", "--data", data, *args, env=env)["limit"]


# -- precedence ------------------------------------------------------------------------------------

def test_file_sets_an_option(scratch):
    config = write_config(scratch, "# accounts start small\ndefault-limit = 3\n")
    assert new_limit(scratch / "d", "--config", config) == 3
    assert new_limit(scratch / "d") != 3, "without the file the default applies"


def test_environment_beats_the_file(scratch):
    config = write_config(scratch, "default-limit = 3\n")
    assert new_limit(scratch / "d", "--config", config, env={"SENDERID_DEFAULT_LIMIT": "4"}) == 4


def test_flag_beats_the_environment_and_the_file(scratch):
    config = write_config(scratch, "default-limit = 3\n")
    assert new_limit(scratch / "d", "--config", config, "--default-limit", "5",
                     env={"SENDERID_DEFAULT_LIMIT": "4"}) == 5


def test_senderid_config_names_the_file(scratch):
    config = write_config(scratch, "default-limit = 6\n")
    assert new_limit(scratch / "d", env={"SENDERID_CONFIG": str(config)}) == 6


def test_config_flag_beats_senderid_config(scratch):
    env_file = write_config(scratch, "default-limit = 6\n", name="env.toml")
    flag_file = write_config(scratch, "default-limit = 7\n", name="flag.toml")
    assert new_limit(scratch / "d", "--config", flag_file,
                     env={"SENDERID_CONFIG": str(env_file)}) == 7


def test_file_sets_a_flag_and_a_list(scratch):
    # A boolean (sync-full = false is --sync-normal) and an array (admin-host) are accepted.
    config = write_config(scratch, 'sync-full = false\nadmin-host = ["a.example", "b.example"]\n'
                                   'default-limit = 2\n')
    assert new_limit(scratch / "d", "--config", config) == 2
    empty = write_config(scratch, "admin-host = []\ndefault-limit = 1\n", name="empty.toml")
    assert new_limit(scratch / "d", "--config", empty) == 1


def test_serve_option_from_the_file_and_the_environment_over_it(server_factory, scratch):
    # accept-kst-z (SPEC §2's auth.accept_kst_z): off in the file, a PHP-style Z date is 9 h off.
    config = write_config(scratch, "accept-kst-z = false\n")
    srv = server_factory(args=["--config", str(config)])
    acct = srv.new_account()
    assert_error(acct.get(NUMBERS, style="php"), 403, "RequestTimeTooSkewed")
    assert_ok(acct.get(NUMBERS))
    srv.stop()
    srv.env = {"SENDERID_ACCEPT_KST_Z": "true"}
    srv.start()
    assert_ok(acct.get(NUMBERS, style="php"))


# -- refusals --------------------------------------------------------------------------------------

def assert_refused(scratch, config, line, key, *words):
    """`accounts create` with `config` exits non-zero before doing anything, naming file:line: key."""
    data = scratch / "d"
    p = run_cli("accounts", "create", "--name", "x", "--data", data, "--config", config)
    assert p.returncode != 0, f"accepted: {p.stdout!r}"
    where = f"{config}:{line}:" + (f" {key}: " if key else "")
    assert where in p.stderr, f"{where!r} not in {p.stderr!r}"
    for w in words:
        assert w in p.stderr, f"{w!r} not in {p.stderr!r}"
    assert len(p.stderr.strip().splitlines()) == 1, f"not one line: {p.stderr!r}"
    assert p.stdout == ""
    assert not data.exists(), "the command went on after a bad config file"


def test_unknown_key_is_refused(scratch):
    config = write_config(scratch, "# comment\ndefault-limit = 3\nlistn = \"127.0.0.1:1\"\n")
    assert_refused(scratch, config, 3, "listn", "unknown key")


def test_the_first_bad_line_is_reported(scratch):
    # Keys in reverse alphabetical order: the report follows the file, not the key order.
    config = write_config(scratch, "zzz = 1\naaa = 2\n")
    assert_refused(scratch, config, 1, "zzz", "unknown key")


@pytest.mark.parametrize("text,line,key,words", [
    ('db-pool = "eight"', 2, "db-pool", ["integer expected"]),
    ("db-pool = 0", 2, "db-pool", ["not in range"]),
    ('pending-lifetime = "5x"', 2, "pending-lifetime", ["duration"]),
    ("pending-lifetime = 5", 2, "pending-lifetime", ["string expected"]),
    ('mfa-lifetime = "0s"', 2, "mfa-lifetime", ["duration"]),
    ('webhook-retry-schedule = "5s, 5m"', 2, "webhook-retry-schedule", ["comma list"]),
    ('sync-full = "yes"', 2, "sync-full", ["true or false"]),
    ('voice = "carrier-pigeon"', 2, "voice", ["carrier-pigeon"]),
    ('listen = ["127.0.0.1:1", "127.0.0.1:2"]', 2, "listen", ["one value"]),
    ('[serve]\nlisten = "127.0.0.1:1"', 2, "serve", ["top-level"]),
    ('auth.accept_kst_z = false', 2, "auth", ["top-level"]),
    ("config = \"other.toml\"", 2, "config", ["unknown key"]),
])
def test_bad_value_is_refused(scratch, text, line, key, words):
    config = write_config(scratch, "default-limit = 3\n" + text + "\n")
    assert_refused(scratch, config, line, key, *words)


def test_invalid_toml_is_refused(scratch):
    config = write_config(scratch, "default-limit = 3\ndb-pool =\n")
    assert_refused(scratch, config, 2, None, "not valid TOML")


def test_missing_file_is_refused(scratch):
    missing = scratch / "nowhere.toml"
    for args, env in ((["--config", missing], None), ([], {"SENDERID_CONFIG": str(missing)})):
        p = run_cli("accounts", "create", "--name", "x", "--data", scratch / "d", *args, env=env)
        assert p.returncode != 0
        assert str(missing) in p.stderr, p.stderr
        assert not (scratch / "d").exists()


def test_serve_refuses_a_bad_file_before_listening(binary, scratch):
    config = write_config(scratch, "workers = 0\n")
    port = free_port()
    p = subprocess.run([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data",
                        str(scratch / "d"), "--config", str(config)],
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
                       env={"PATH": "/usr/bin:/bin"})
    assert p.returncode != 0
    assert f"{config}:1: workers: " in p.stderr, p.stderr
    assert not (scratch / "d").exists()


# -- names and the example file ---------------------------------------------------------------------

def help_options(*command):
    """{flag: env or None} of every long option `senderid COMMAND --help` lists."""
    p = subprocess.run([BINARY, *command, "--help"], capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    options = {}
    current = None
    for line in p.stdout.splitlines():
        m = re.match(r"\s+(?:-\w,\s*)?(--[a-z0-9-]+)", line)
        if m:
            current = m.group(1)
            options[current] = None
        env = re.search(r"\(Env:(\w+)\)", line)
        if env and current:
            options[current] = env.group(1)
    return options


def configurable_options():
    opts = {**help_options(), **help_options("serve")}
    for flag in ("--help", "--config", "--version"):
        opts.pop(flag, None)
    return opts


def test_every_option_has_the_environment_name_of_its_flag():
    opts = configurable_options()
    assert "--db-pool" in opts and "--listen" in opts, opts
    for flag, env in opts.items():
        if flag.startswith("--no-") or flag == "--sync-normal":
            continue  # the "off" spelling of a boolean flag named before it
        want = "SENDERID_" + flag[2:].upper().replace("-", "_")
        assert env == want, f"{flag}: environment variable {env!r}, expected {want}"
    assert opts.get("--accept-kst-z") == "SENDERID_ACCEPT_KST_Z"


def test_example_file_names_every_option():
    text = EXAMPLE.read_text()
    keys = set(re.findall(r"^#?\s*([a-z][a-z0-9-]*)\s*=", text, re.M))
    for flag in configurable_options():
        if flag.startswith("--no-") or flag == "--sync-normal":
            continue
        assert flag[2:] in keys, f"{EXAMPLE} does not mention {flag[2:]}"


def test_example_file_is_accepted(server_factory):
    # As shipped (data in /var/lib/senderid, listening on 127.0.0.1:8080), with the data directory
    # and the address overridden by flags, as the Server helper gives them.
    srv = server_factory(args=["--config", str(EXAMPLE)])
    acct = srv.new_account()
    assert_ok(acct.get(NUMBERS))
    assert "/var/lib/senderid" not in srv.log_text()
