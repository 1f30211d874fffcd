"""Wire-format spellings the SDKs, curl and Stripe.js use, sent raw (no SDK)."""

import json
import urllib.parse

import pytest


@pytest.fixture
def attached_pm(client, customer, visa_pm):
    client.v1.payment_methods.attach(visa_pm.id, params={"customer": customer.id})
    return visa_pm.id, customer


def ok_json(status, headers, body):
    assert status == 200, (status, body[:500])
    assert headers.get("content-type", "").startswith("application/json"), headers
    return json.loads(body)


@pytest.mark.parametrize(
    "query",
    ["expand[]=customer", "expand[0]=customer", "expand%5B0%5D=customer", "expand%5B%5D=customer"],
    ids=["empty-brackets", "indexed", "encoded-indexed", "encoded-empty-brackets"],
)
def test_expand_array_spellings(raw, attached_pm, query):
    pm_id, customer = attached_pm
    doc = ok_json(*raw.send("GET", f"/v1/payment_methods/{pm_id}?{query}"))
    assert isinstance(doc["customer"], dict), doc["customer"]
    assert doc["customer"]["id"] == customer.id
    assert doc["customer"]["object"] == "customer"


@pytest.mark.parametrize("space", [b"+", b"%20"])
def test_spaces_in_form_values(raw, client, unique_email, space):
    body = b"email=" + urllib.parse.quote(unique_email).encode() + b"&name=Jenny" + space + b"Rosen"
    doc = ok_json(*raw.send("POST", "/v1/customers", body))
    assert doc["name"] == "Jenny Rosen"


def test_percent_encoded_brackets_in_body(raw, unique_email):
    body = (
        b"email=" + urllib.parse.quote(unique_email).encode()
        + b"&metadata%5Border_id%5D=6735&address%5Bline1%5D=1%20Main%20St"
    )
    doc = ok_json(*raw.send("POST", "/v1/customers", body))
    assert doc["metadata"] == {"order_id": "6735"}
    assert doc["address"]["line1"] == "1 Main St"


def test_empty_bracket_array_in_body(raw, unique_email):
    body = (
        b"email=" + urllib.parse.quote(unique_email).encode()
        + b"&preferred_locales[]=en&preferred_locales[]=fr-FR"
    )
    doc = ok_json(*raw.send("POST", "/v1/customers", body))
    assert doc["preferred_locales"] == ["en", "fr-FR"]


def test_utf8_values_round_trip(raw, client, unique_email):
    name = "Zoë Ångström 東京 🚀"
    body = urllib.parse.urlencode({"email": unique_email, "name": name}).encode()
    doc = ok_json(*raw.send("POST", "/v1/customers", body))
    assert doc["name"] == name
    assert client.v1.customers.retrieve(doc["id"]).name == name


def test_publishable_key_as_form_parameter(raw, publishable_key):
    """Stripe.js sends the publishable key as `key=pk_…` in the body, without Authorization."""
    body = urllib.parse.urlencode(
        {
            "type": "card",
            "card[number]": "4242424242424242",
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
            "key": publishable_key,
        }
    ).encode()
    doc = ok_json(*raw.send("POST", "/v1/payment_methods", body, auth=False))
    assert doc["object"] == "payment_method"
    assert doc["card"]["last4"] == "4242"


def test_get_with_query_and_bearer(raw, client, unique_email):
    made = client.v1.customers.create(params={"email": unique_email})
    doc = ok_json(
        *raw.send("GET", "/v1/customers?" + urllib.parse.urlencode({"email": unique_email}))
    )
    assert doc["object"] == "list"
    assert [c["id"] for c in doc["data"]] == [made.id]
