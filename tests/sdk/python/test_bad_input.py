"""Hostile and malformed HTTP, sent raw (no SDK): every answer is a prompt 4xx with Stripe's
error JSON, never a 5xx, a hang or a dropped connection, and nothing gets created."""

import base64
import json
import urllib.parse
import uuid

import pytest

from helpers import REQUEST_ID

def count_customers(client):
    return sum(1 for _ in client.v1.customers.list(params={"limit": 100}).auto_paging_iter())


@pytest.fixture(scope="module", autouse=True)
def baseline_count(client):
    return count_customers(client)


def assert_stripe_error(status, headers, body, expected=None):
    """A 4xx (or exactly `expected`) with {"error": {"type": str, "message": str}}."""
    assert 400 <= status < 500, (status, body[:500])
    if expected is not None:
        assert status == expected, (status, body[:500])
    assert headers.get("content-type", "").startswith("application/json"), headers
    doc = json.loads(body)
    err = doc["error"]
    assert isinstance(err["type"], str) and err["type"], err
    assert isinstance(err["message"], str) and err["message"], err
    assert REQUEST_ID.match(headers.get("request-id", "")), headers.get("request-id")
    return err


def fresh_email():
    return f"bad-{uuid.uuid4().hex[:16]}@example.com"


def assert_no_customer(client, email):
    assert client.v1.customers.list(params={"email": email}).data == []


# -- form bodies that must be refused ------------------------------------------------------


def post_customer(raw, client, tail, expected=400):
    """POST /v1/customers with a valid unique email plus `tail`; must fail and create nothing."""
    email = fresh_email()
    body = b"email=" + urllib.parse.quote(email).encode() + b"&" + tail
    status, headers, data = raw.send("POST", "/v1/customers", body)
    err = assert_stripe_error(status, headers, data, expected)
    assert_no_customer(client, email)
    return err


def test_malformed_percent_encoding_in_body(raw, client):
    err = post_customer(raw, client, b"name=%zz%")
    assert err["type"] == "invalid_request_error"


def test_truncated_percent_escape_in_body(raw, client):
    post_customer(raw, client, b"name=abc%4")


def test_invalid_utf8_percent_encoded(raw, client):
    post_customer(raw, client, b"name=%FF%FE%FD")


def test_invalid_utf8_raw_bytes(raw, client):
    post_customer(raw, client, b"name=\xff\xfe\xc3\x28")


def test_invalid_utf8_in_key(raw, client):
    post_customer(raw, client, b"metadata[%C3%28]=x")


def test_brackets_nested_50_deep(raw, client):
    post_customer(raw, client, b"metadata" + b"[a]" * 50 + b"=x")


@pytest.mark.parametrize("tail", [b"metadata[a=x", b"metadata]a[=x", b"[]=x", b"=x", b"&&&"])
def test_odd_keys_are_never_a_server_error(raw, client, tail):
    """Stripe's parser behaviour for these is not documented: a 4xx, or a 2xx that created a
    customer (deleted again here) are both fine; a 5xx, hang or dropped connection is not."""
    email = fresh_email()
    body = b"email=" + urllib.parse.quote(email).encode() + b"&" + tail
    status, headers, data = raw.send("POST", "/v1/customers", body)
    if 200 <= status < 300:
        client.v1.customers.delete(json.loads(data)["id"])
    else:
        assert_stripe_error(status, headers, data)
        assert_no_customer(client, email)


def test_ten_thousand_parameters(raw, client):
    tail = b"&".join(b"p%d=v" % i for i in range(10_000))
    err = post_customer(raw, client, tail)
    assert err["type"] == "invalid_request_error"


def test_ten_thousand_metadata_keys(raw, client):
    tail = b"&".join(b"metadata[k%d]=v" % i for i in range(10_000))
    post_customer(raw, client, tail)


def test_body_over_one_mebibyte(raw, client):
    tail = b"description=" + b"a" * (1024 * 1024 + 1024)
    post_customer(raw, client, tail, expected=None)


def test_string_where_hash_expected(raw, client):
    err = post_customer(raw, client, b"metadata=foo")
    assert err["type"] == "invalid_request_error"
    assert err.get("param") == "metadata"


def test_hash_where_string_expected(raw, client):
    email = fresh_email()
    status, headers, data = raw.send(
        "POST", "/v1/customers", b"email[a]=b&description=" + email.encode()
    )
    err = assert_stripe_error(status, headers, data, 400)
    assert err.get("param") == "email"


def test_array_where_string_expected(raw, client):
    err = post_customer(raw, client, b"name[0]=a&name[1]=b")
    assert err.get("param") == "name"


def test_integer_overflow_in_body(raw, client):
    err = post_customer(raw, client, b"balance=99999999999999999999")
    assert err.get("param") == "balance"


def test_non_integer_in_body(raw, client):
    err = post_customer(raw, client, b"balance=12abc")
    assert err.get("param") == "balance"
    assert err.get("code") == "parameter_invalid_integer"


def test_metadata_too_many_keys(raw, client):
    post_customer(raw, client, b"&".join(b"metadata[k%d]=v" % i for i in range(51)))


def test_metadata_key_too_long(raw, client):
    post_customer(raw, client, b"metadata[" + b"k" * 41 + b"]=v")


def test_metadata_value_too_long(raw, client):
    post_customer(raw, client, b"metadata[k]=" + b"v" * 501)


def test_idempotency_key_too_long(raw, client):
    email = fresh_email()
    status, headers, data = raw.send(
        "POST",
        "/v1/customers",
        b"email=" + urllib.parse.quote(email).encode(),
        headers={"Idempotency-Key": "k" * 300},
    )
    assert_stripe_error(status, headers, data, 400)
    assert_no_customer(client, email)


def test_nul_byte_is_not_a_server_error(raw, client):
    """Stripe does not document NUL handling; refusing (4xx) or storing it faithfully are both
    acceptable, a 5xx (e.g. PostgreSQL refusing NUL in text) is not."""
    email = fresh_email()
    status, headers, data = raw.send(
        "POST", "/v1/customers", b"email=" + urllib.parse.quote(email).encode() + b"&name=a%00b"
    )
    if 200 <= status < 300:
        cus = json.loads(data)
        assert cus["name"] == "a\u0000b"
        got = client.v1.customers.retrieve(cus["id"])
        assert got.name == "a\u0000b"
        client.v1.customers.delete(cus["id"])
    else:
        assert_stripe_error(status, headers, data)
        assert_no_customer(client, email)


# -- query strings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["limit=-5", "limit=0", "limit=101", "limit=99999999999999999999", "limit=ten"],
)
def test_bad_limit(raw, query):
    status, headers, data = raw.send("GET", "/v1/customers?" + query)
    err = assert_stripe_error(status, headers, data, 400)
    assert err.get("param") == "limit"


def test_malformed_percent_encoding_in_query(raw):
    status, headers, data = raw.send("GET", "/v1/customers?email=%zz")
    assert_stripe_error(status, headers, data, 400)


def test_invalid_utf8_in_query(raw):
    status, headers, data = raw.send("GET", "/v1/customers?email=%FF%FE")
    assert_stripe_error(status, headers, data, 400)


def test_unknown_query_parameter(raw):
    status, headers, data = raw.send("GET", "/v1/customers?colour=blue")
    err = assert_stripe_error(status, headers, data, 400)
    assert err.get("code") == "parameter_unknown"
    assert err.get("param") == "colour"


def test_starting_after_and_ending_before_together(raw, client):
    cus = client.v1.customers.create()
    try:
        status, headers, data = raw.send(
            "GET", f"/v1/customers?starting_after={cus.id}&ending_before={cus.id}"
        )
        assert_stripe_error(status, headers, data, 400)
    finally:
        client.v1.customers.delete(cus.id)  # deleted customers are not counted


# -- routing and authentication ------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/v1/nope"), ("POST", "/v1/nope"), ("GET", "/v1/customers/cus_x/nope")],
)
def test_unknown_route(raw, method, path):
    body = b"" if method == "POST" else None
    status, headers, data = raw.send(method, path, body)
    err = assert_stripe_error(status, headers, data, 404)
    assert err["type"] == "invalid_request_error"
    assert err["message"].startswith("Unrecognized request URL"), err["message"]


@pytest.mark.parametrize(
    "method, path",
    [("PUT", "/v1/customers"), ("DELETE", "/v1/customers"), ("PATCH", "/v1/customers/cus_x")],
)
def test_wrong_method(raw, method, path):
    status, headers, data = raw.send(method, path)
    assert status in (404, 405), (status, data[:300])
    err = assert_stripe_error(status, headers, data)
    assert err["type"] == "invalid_request_error"


def test_missing_api_key(raw):
    status, headers, data = raw.send("GET", "/v1/customers", auth=False)
    err = assert_stripe_error(status, headers, data, 401)
    assert err["type"] == "invalid_request_error"
    assert "API key" in err["message"]


def test_basic_auth_is_accepted(raw, secret_key):
    token = base64.b64encode(f"{secret_key}:".encode()).decode()
    status, _headers, data = raw.send(
        "GET", "/v1/customers?limit=1", headers={"Authorization": f"Basic {token}"}, auth=False
    )
    assert status == 200, data[:300]
    assert json.loads(data)["object"] == "list"


@pytest.mark.parametrize("value", ["Bearer", "Bearer ", "Token abc", "Basic !!notbase64!!"])
def test_garbage_authorization_header(raw, value):
    status, headers, data = raw.send(
        "GET", "/v1/customers", headers={"Authorization": value}, auth=False
    )
    assert_stripe_error(status, headers, data, 401)


def test_customer_count_unchanged(client, baseline_count):
    """Runs last in this module: nothing above created a customer."""
    assert count_customers(client) == baseline_count
