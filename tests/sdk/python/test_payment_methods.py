"""PaymentMethods through stripe-python: card create, card validation, attach/detach, lists, test ids."""

import pytest
import stripe

from helpers import CARD_MASTERCARD, CARD_VISA, PAYMENT_METHOD_ID, assert_recent

BILLING = {
    "name": "Jenny Rosen",
    "email": "jenny@example.com",
    "phone": "+14155550100",
    "address": {
        "line1": "1 Main Street",
        "line2": None,
        "city": "San Francisco",
        "state": "CA",
        "postal_code": "94105",
        "country": "US",
    },
}


def test_create_card_with_publishable_key(pk_client):
    pm = pk_client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": dict(CARD_VISA),
            "billing_details": {k: v for k, v in BILLING.items()},
        }
    )
    assert isinstance(pm, stripe.PaymentMethod)
    assert PAYMENT_METHOD_ID.match(pm.id), pm.id
    assert pm.object == "payment_method"
    assert pm.type == "card"
    assert pm.livemode is False
    assert pm.customer is None
    assert_recent(pm.created)
    assert pm.card.brand == "visa"
    assert pm.card.last4 == "4242"
    assert pm.card.funding == "credit"
    assert pm.card.country == "US"
    assert pm.card.exp_month == 12
    assert pm.card.exp_year == 2034
    assert pm.billing_details.name == "Jenny Rosen"
    assert pm.billing_details.email == "jenny@example.com"
    assert pm.billing_details.phone == "+14155550100"
    assert pm.billing_details.address.line1 == "1 Main Street"
    assert pm.billing_details.address.line2 is None
    assert pm.billing_details.address.postal_code == "94105"
    assert pm.billing_details.address.country == "US"
    raw = pm.to_dict()
    # The card number and CVC never come back.
    assert "4242424242424242" not in str(raw)
    assert "number" not in raw["card"]
    assert "cvc" not in raw["card"]


def test_create_mastercard(pk_client):
    pm = pk_client.v1.payment_methods.create(
        params={"type": "card", "card": dict(CARD_MASTERCARD)}
    )
    assert pm.card.brand == "mastercard"
    assert pm.card.last4 == "4444"
    assert pm.card.funding == "credit"
    assert pm.card.country == "US"
    assert pm.card.exp_month == 8
    assert pm.card.exp_year == 2035
    # Billing details default to empty values, present as nulls.
    assert pm.billing_details.name is None
    assert pm.billing_details.email is None


def test_same_card_same_fingerprint(client, pk_client):
    def make(card):
        pm = pk_client.v1.payment_methods.create(params={"type": "card", "card": dict(card)})
        # Read back with the secret key: publishable-key responses may omit the fingerprint.
        return client.v1.payment_methods.retrieve(pm.id)

    a, b, c = make(CARD_VISA), make(CARD_VISA), make(CARD_MASTERCARD)
    assert a.id != b.id
    assert a.card.fingerprint and a.card.fingerprint == b.card.fingerprint
    assert a.card.fingerprint != c.card.fingerprint


@pytest.mark.parametrize(
    "card_override, code",
    [
        ({"number": "4242424242424241"}, "incorrect_number"),
        ({"exp_month": 13}, "invalid_expiry_month"),
        ({"exp_year": 2020}, "invalid_expiry_year"),
        ({"cvc": "12"}, "invalid_cvc"),
    ],
    ids=["luhn", "month-13", "past-year", "2-digit-cvc"],
)
def test_invalid_card_data_is_card_error(pk_client, card_override, code):
    card = dict(CARD_VISA, **card_override)
    with pytest.raises(stripe.CardError) as exc:
        pk_client.v1.payment_methods.create(params={"type": "card", "card": card})
    err = exc.value
    assert err.http_status == 402
    assert err.code == code
    assert err.error.type == "card_error"
    assert err.user_message
    if code == "incorrect_number":
        assert err.user_message == "Your card number is incorrect."


def test_retrieve(client, visa_pm):
    got = client.v1.payment_methods.retrieve(visa_pm.id)
    assert got.id == visa_pm.id
    assert got.card.last4 == "4242"
    assert got.customer is None


def test_retrieve_missing(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_methods.retrieve("pm_doesnotexist000")
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"


def test_attach_update_detach_is_permanent(client, customer, visa_pm):
    attached = client.v1.payment_methods.attach(
        visa_pm.id, params={"customer": customer.id}
    )
    assert attached.id == visa_pm.id
    assert attached.customer == customer.id

    updated = client.v1.payment_methods.update(
        visa_pm.id,
        params={
            "billing_details": {"name": "Updated Name"},
            "metadata": {"purpose": "test"},
            "card": {"exp_month": 11, "exp_year": 2036},
        },
    )
    assert updated.billing_details.name == "Updated Name"
    assert updated.metadata.to_dict() == {"purpose": "test"}
    assert updated.card.exp_month == 11
    assert updated.card.exp_year == 2036
    assert updated.card.last4 == "4242"

    under = client.v1.customers.payment_methods.retrieve(customer.id, visa_pm.id)
    assert under.id == visa_pm.id

    detached = client.v1.payment_methods.detach(visa_pm.id)
    assert detached.id == visa_pm.id
    assert detached.customer is None
    assert client.v1.payment_methods.retrieve(visa_pm.id).customer is None

    # Detaching is permanent: no re-attach, no second detach.
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_methods.attach(visa_pm.id, params={"customer": customer.id})
    assert exc.value.http_status == 400
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_methods.detach(visa_pm.id)
    assert exc.value.http_status == 400
    # And it is no longer readable under the customer.
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customers.payment_methods.retrieve(customer.id, visa_pm.id)
    assert exc.value.http_status == 404


def test_update_requires_attached(client, visa_pm):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_methods.update(visa_pm.id, params={"metadata": {"a": "b"}})
    assert exc.value.http_status == 400


def test_attach_to_missing_customer(client, visa_pm):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_methods.attach(visa_pm.id, params={"customer": "cus_doesnotexist000"})
    # A missing object named by a parameter (not the path) is a 400 on Stripe; 404 is for the
    # object in the URL.
    assert exc.value.http_status == 400
    assert exc.value.code == "resource_missing"
    assert exc.value.param == "customer"


def test_list_by_customer_and_type(client, pk_client, customer):
    pms = []
    for card in (CARD_VISA, CARD_MASTERCARD):
        pm = pk_client.v1.payment_methods.create(params={"type": "card", "card": dict(card)})
        client.v1.payment_methods.attach(pm.id, params={"customer": customer.id})
        pms.append(pm.id)
    unattached = pk_client.v1.payment_methods.create(
        params={"type": "card", "card": dict(CARD_VISA)}
    )

    page = client.v1.payment_methods.list(params={"customer": customer.id, "type": "card"})
    assert page.object == "list"
    assert page.url == "/v1/payment_methods"
    assert page.has_more is False
    assert [p.id for p in page.data] == [pms[1], pms[0]]
    assert unattached.id not in [p.id for p in page.data]
    assert [p.card.brand for p in page.data] == ["mastercard", "visa"]
    assert all(p.customer == customer.id for p in page.data)

    nested = client.v1.customers.payment_methods.list(customer.id, params={"type": "card"})
    assert nested.object == "list"
    assert nested.url == f"/v1/customers/{customer.id}/payment_methods"
    assert [p.id for p in nested.data] == [pms[1], pms[0]]

    # No `type` filter on the nested list returns the same cards.
    everything = client.v1.customers.payment_methods.list(customer.id)
    assert [p.id for p in everything.data] == [pms[1], pms[0]]


def test_list_for_customer_without_methods_is_empty(client, customer):
    page = client.v1.payment_methods.list(params={"customer": customer.id, "type": "card"})
    assert page.data == []
    assert page.has_more is False


@pytest.mark.parametrize(
    "test_id, brand, last4",
    [("pm_card_visa", "visa", "4242"), ("pm_card_mastercard", "mastercard", "4444")],
)
def test_attach_test_id_mints_new_payment_method(client, customer, test_id, brand, last4):
    first = client.v1.payment_methods.attach(test_id, params={"customer": customer.id})
    second = client.v1.payment_methods.attach(test_id, params={"customer": customer.id})
    for pm in (first, second):
        assert PAYMENT_METHOD_ID.match(pm.id), pm.id
        assert pm.id != test_id
        assert pm.customer == customer.id
        assert pm.type == "card"
        assert pm.card.brand == brand
        assert pm.card.last4 == last4
    assert first.id != second.id
    listed = client.v1.customers.payment_methods.list(customer.id, params={"type": "card"})
    assert [p.id for p in listed.data] == [second.id, first.id]


def test_expand_customer_on_retrieve(client, customer, visa_pm):
    client.v1.payment_methods.attach(visa_pm.id, params={"customer": customer.id})
    plain = client.v1.payment_methods.retrieve(visa_pm.id)
    assert plain.customer == customer.id
    expanded = client.v1.payment_methods.retrieve(visa_pm.id, params={"expand": ["customer"]})
    assert isinstance(expanded.customer, stripe.Customer)
    assert expanded.customer.id == customer.id
    assert expanded.customer.object == "customer"
    assert expanded.customer.email == customer.email


def test_expand_customer_on_list(client, customer, visa_pm):
    client.v1.payment_methods.attach(visa_pm.id, params={"customer": customer.id})
    page = client.v1.payment_methods.list(
        params={"customer": customer.id, "type": "card", "expand": ["data.customer"]}
    )
    assert len(page.data) == 1
    assert isinstance(page.data[0].customer, stripe.Customer)
    assert page.data[0].customer.id == customer.id


def test_expand_on_attach_response(client, customer, visa_pm):
    pm = client.v1.payment_methods.attach(
        visa_pm.id, params={"customer": customer.id, "expand": ["customer"]}
    )
    assert isinstance(pm.customer, stripe.Customer)
    assert pm.customer.id == customer.id
