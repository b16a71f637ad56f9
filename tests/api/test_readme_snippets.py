"""The README's webhook-verification snippets (Python, Node, PHP; section "Receiving webhooks") run as
written against a real delivery of the server: each accepts the request it got, and refuses it with
one byte of the body changed, with another secret, and with a timestamp ten minutes old."""

import base64
import json
import os
import re
import shutil
import subprocess
import time

import pytest

from conftest import NUMBERS, assert_ok, unique_number
from events_support import WebhookReceiver, create_webhook, sign_standard

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def snippets():
    """The fenced code blocks of the README's "Receiving webhooks" section, by language."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    section = text.split("### Receiving webhooks", 1)[1].split("\n### ", 1)[0]
    blocks = dict(re.findall(r"```(\w+)\n(.*?)```", section, re.S))
    assert set(blocks) >= {"python", "js", "php"}, f"code blocks found: {sorted(blocks)}"
    return blocks


def run_python(code, secret, headers, body):
    scope = {}
    exec(code, scope)  # the README's own text
    return scope["verify"](secret, headers, body)


def run_node(code, secret, headers, body):
    script = code + """
const [secret, headers, body] = process.argv.slice(1);
process.stdout.write(String(verify(secret, JSON.parse(headers), Buffer.from(body, "base64"))));
"""
    return _run(["node", "-e", script], secret, headers, body)


def run_php(code, secret, headers, body):
    script = code + """
echo verify($argv[1], json_decode($argv[2], true), base64_decode($argv[3])) ? "true" : "false";
"""
    return _run(["php", "-r", script, "--"], secret, headers, body)


def _run(command, secret, headers, body):
    out = subprocess.run(command + [secret, json.dumps(headers), base64.b64encode(body).decode()],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout in ("true", "false"), f"{command[0]} printed {out.stdout!r} {out.stderr!r}"
    return out.stdout == "true"


RUNNERS = {"python": run_python, "js": run_node, "php": run_php}
TOOLS = {"python": None, "js": "node", "php": "php"}


@pytest.fixture
def delivery(server_factory):
    """One real delivery: the webhook's secret, the request's headers and raw body."""
    receiver = WebhookReceiver().start()
    try:
        srv = server_factory(["--webhook-allow-private"])
        acct = srv.new_account()
        secret = create_webhook(acct, receiver.url())["secret"]
        assert_ok(acct.post(NUMBERS, {"phoneNumber": unique_number()}))
        call = receiver.wait_count(1)[0]
        return secret, call["headers"], call["body"]
    finally:
        receiver.stop()


@pytest.mark.parametrize("language", sorted(RUNNERS))
def test_readme_snippet_verifies_a_real_delivery(delivery, language):
    tool = TOOLS[language]
    if tool and shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed (scripts/deps.sh installs it)")
    code = snippets()[language]
    verify = RUNNERS[language]
    secret, headers, body = delivery
    assert verify(code, secret, headers, body), "the real delivery must verify"
    tampered = body[:-2] + bytes([body[-2] ^ 1]) + body[-1:]
    assert not verify(code, secret, headers, tampered), "a changed body must not verify"
    other = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    assert not verify(code, other, headers, body), "another secret must not verify"
    # Signed correctly, but ten minutes old: only the replay window refuses it.
    old = str(int(time.time()) - 600)
    stale = dict(headers, **{"webhook-timestamp": old,
                             "webhook-signature": "v1," + sign_standard(secret, headers["webhook-id"], old, body)})
    assert not verify(code, secret, stale, body), "a ten-minute-old timestamp must be refused"
