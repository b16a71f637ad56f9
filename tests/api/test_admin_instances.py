"""The operators' API on two instances over one PostgreSQL database (SPEC §11, §13): sessions live
in the store, so a session made on one instance works on the other (and a sign-out on one ends it
on both); a claim taken on one is refused on the other; the lockout is counted in the database.
Skipped without PostgreSQL."""

import pytest

from admin_support import AdminClient, make_operator
from conftest import assert_error, assert_ok, find_sender, free_port, unique_number
from documents_support import submit_evidence, upload_kind

pytestmark = pytest.mark.pg_only


def admin_instance(server_factory, data_dir=None):
    port = free_port()
    kw = {"data_dir": data_dir} if data_dir else {}
    s = server_factory(args=["--admin-listen", f"127.0.0.1:{port}"], **kw)
    s.admin_port = port
    s.admin_host = f"127.0.0.1:{port}"
    return s


@pytest.fixture
def pair(server_factory):
    first = admin_instance(server_factory)
    second = admin_instance(server_factory, data_dir=first.data_dir)
    return first, second


def same_session(client, server):
    """The browser of `client` talking to `server` instead."""
    other = AdminClient(server)
    other.cookie, other.csrf = client.cookie, client.csrf
    return other


def pending_review(server):
    acct = server.new_account()
    number = unique_number()
    acct.create(number)
    doc_id = upload_kind(acct, "png")[0]["documentId"]
    doc = assert_ok(submit_evidence(acct, number, [doc_id]))
    return find_sender(doc, number)["approvalDocuments"][-1]["approvalId"]


def test_a_session_made_on_one_works_on_the_other_and_ends_on_both(pair):
    a, b = pair
    make_operator(a, "kim.two", "admin")
    on_a = AdminClient(a)
    assert_ok(on_a.login("kim.two"))
    on_b = same_session(on_a, b)
    assert_ok(on_b.get("/reviews"))
    assert_ok(on_b.get("/operators"))
    assert on_b.delete("/session").status in (200, 204)
    assert_error(on_a.get("/reviews"), 401, "Unauthorized")
    assert_error(on_b.get("/reviews"), 401, "Unauthorized")


def test_a_claim_taken_on_one_is_refused_on_the_other(pair):
    a, b = pair
    approval = pending_review(a)
    make_operator(a, "lee.two")
    make_operator(a, "park.two")
    lee = AdminClient(a)
    assert_ok(lee.login("lee.two"))
    park = AdminClient(b)
    assert_ok(park.login("park.two"))
    claimed = assert_ok(lee.post(f"/reviews/{approval}/claim"))
    assert claimed["claimedBy"] == "lee.two"
    assert_error(park.post(f"/reviews/{approval}/claim"), 409, "ReviewClaimed")
    assert_error(park.post(f"/reviews/{approval}/approve", {}), 409, "ReviewClaimed")
    seen = assert_ok(park.get(f"/reviews/{approval}"))
    assert seen["claimedBy"] == "lee.two" and seen["status"] == "PENDING"
    decided = assert_ok(same_session(lee, b).post(f"/reviews/{approval}/approve", {}))
    assert decided["status"] == "APPROVED" and decided["decidedBy"] == "lee.two"


def test_the_lockout_is_counted_across_instances(pair):
    a, b = pair
    make_operator(a, "moon.two")
    # Five failures (the limit), alternating between the instances: one count in the database, so
    # the right password is then refused on either (per-instance counts would allow it).
    for i in range(5):
        assert_error(AdminClient(pair[i % 2]).login("moon.two", "not the password"), 401,
                     "InvalidCredentials")
    for s in pair:
        assert_error(AdminClient(s).login("moon.two"), 429, "TooManyLoginAttempts")
