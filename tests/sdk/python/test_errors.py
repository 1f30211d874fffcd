"""Error classes, codes and params as stripe-python maps them; authentication; request ids."""

import pytest
import stripe

from helpers import REQUEST_ID, header, make_client


def test_unknown_parameter(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customers.create(params={"frobnicate": "yes"})
    err = exc.value
    assert err.http_status == 400
    assert err.code == "parameter_unknown"
    assert err.param == "frobnicate"
    assert err.user_message == "Received unknown parameter: frobnicate"
    assert err.error.type == "invalid_request_error"


def test_unknown_nested_parameter(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customers.create(params={"address": {"line1": "x", "planet": "Mars"}})
    err = exc.value
    assert err.http_status == 400
    assert err.code == "parameter_unknown"
    assert err.param == "address[planet]"


def test_missing_required_parameter(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_methods.create(params={"billing_details": {"name": "No Type"}})
    err = exc.value
    assert err.http_status == 400
    assert err.code == "parameter_missing"
    assert err.param == "type"
    assert err.user_message == "Missing required param: type."


def test_missing_required_nested_parameter(client, unique_email):
    # shipping[name] is required whenever a shipping hash is given.
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customers.create(
            params={"email": unique_email, "shipping": {"address": {"line1": "1 Road"}}}
        )
    err = exc.value
    assert err.http_status == 400
    assert err.code == "parameter_missing"
    assert err.param == "shipping[name]"
    assert client.v1.customers.list(params={"email": unique_email}).data == []


def test_unknown_parameter_creates_nothing(client, unique_email):
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.create(params={"email": unique_email, "bogus": "1"})
    assert client.v1.customers.list(params={"email": unique_email}).data == []


def test_not_found_has_resource_missing(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customers.retrieve("cus_nope")
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"
    assert exc.value.param == "id"


def test_bad_secret_key_is_authentication_error(base_url):
    bad = make_client("sk_test_thisisnotarealkey1234", base_url)
    with pytest.raises(stripe.AuthenticationError) as exc:
        bad.v1.customers.list()
    err = exc.value
    assert err.http_status == 401
    assert err.error.type == "invalid_request_error"
    # Stripe shows only the key's last four characters.
    assert "1234" in err.user_message
    assert "thisisnotarealkey" not in err.user_message


def test_publishable_key_cannot_list_customers(pk_client):
    with pytest.raises(stripe.AuthenticationError) as exc:
        pk_client.v1.customers.list()
    err = exc.value
    assert err.http_status == 401
    assert "publishable API key" in err.user_message


def test_publishable_key_cannot_create_customers(pk_client, client, unique_email):
    with pytest.raises(stripe.AuthenticationError):
        pk_client.v1.customers.create(params={"email": unique_email})
    assert client.v1.customers.list(params={"email": unique_email}).data == []


def test_request_id_on_success_and_error(client, customer):
    got = client.v1.customers.retrieve(customer.id)
    rid = got.last_response.request_id
    assert rid and REQUEST_ID.match(rid), rid
    assert rid != customer.last_response.request_id
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customers.retrieve("cus_nope")
    assert exc.value.request_id and REQUEST_ID.match(exc.value.request_id)


def test_stripe_version_header_echoed(client, customer):
    got = client.v1.customers.retrieve(customer.id)
    # stripe-python always sends its pinned version; the response names the version used.
    assert header(got, "Stripe-Version") == stripe.api_version


@pytest.mark.parametrize(
    "call",
    [
        lambda pk, pm, cus: pk.v1.payment_methods.attach(pm, params={"customer": cus}),
        lambda pk, pm, cus: pk.v1.payment_methods.list(params={"customer": cus, "type": "card"}),
        lambda pk, pm, cus: pk.v1.customers.retrieve(cus),
        lambda pk, pm, cus: pk.v1.customers.delete(cus),
    ],
    ids=["attach", "list-payment-methods", "retrieve-customer", "delete-customer"],
)
def test_publishable_key_refused_on_secret_endpoints(pk_client, client, customer, visa_pm, call):
    with pytest.raises(stripe.AuthenticationError) as exc:
        call(pk_client, visa_pm.id, customer.id)
    assert exc.value.http_status == 401
    assert "publishable API key" in exc.value.user_message
    # Nothing happened.
    assert client.v1.payment_methods.retrieve(visa_pm.id).customer is None
    assert not client.v1.customers.retrieve(customer.id).to_dict().get("deleted")
