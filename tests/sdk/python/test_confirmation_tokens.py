"""ConfirmationTokens: created with the publishable key as Stripe.js does (raw POST) or with
the test helper, read back through stripe-python, and used to confirm intents."""

import pytest
import stripe

from flows import RETURN_URL, answer_3ds, create_ctoken
from helpers import assert_recent

SHIPPING = {
    "shipping[name]": "Jenny Rosen",
    "shipping[address][line1]": "1234 Main Street",
    "shipping[address][city]": "San Francisco",
    "shipping[address][state]": "CA",
    "shipping[address][country]": "US",
    "shipping[address][postal_code]": "94111",
}


def _guide_call(client, token, **extra):
    params = {
        "amount": 1099,
        "currency": "usd",
        "confirm": True,
        "automatic_payment_methods": {"enabled": True},
        "confirmation_token": token,
    }
    params.update(extra)
    return client.v1.payment_intents.create(params=params)


def test_create_with_publishable_key_and_retrieve(client, base_url, publishable_key):
    made = create_ctoken(
        base_url, publishable_key, "4242424242424242", return_url=RETURN_URL, **SHIPPING
    )
    assert made["object"] == "confirmation_token"
    assert made["use_stripe_sdk"] is True
    assert made["payment_intent"] is None

    token = client.v1.confirmation_tokens.retrieve(made["id"])
    assert isinstance(token, stripe.ConfirmationToken)
    assert token.id == made["id"]
    assert token.object == "confirmation_token"
    assert token.livemode is False
    assert_recent(token.created)
    assert token.expires_at - token.created == 12 * 60 * 60
    assert token.use_stripe_sdk is True
    assert token.payment_intent is None
    assert token.setup_intent is None
    assert token.setup_future_usage is None
    assert token.return_url == RETURN_URL
    assert token.shipping.name == "Jenny Rosen"
    assert token.shipping.address.line1 == "1234 Main Street"
    assert token.shipping.address.postal_code == "94111"
    preview = token.payment_method_preview
    assert preview.type == "card"
    assert preview.card.brand == "visa"
    assert preview.card.last4 == "4242"
    assert preview.card.exp_month == 12
    assert preview.card.exp_year == 2034
    assert preview.card.funding == "credit"
    assert preview.card.country == "US"
    assert "id" not in preview.to_dict()
    # The card number never comes back.
    assert "4242424242424242" not in str(token.to_dict())


def test_test_helper_creates_a_token(client):
    token = client.v1.test_helpers.confirmation_tokens.create(
        params={
            "payment_method": "pm_card_mastercard",
            "return_url": RETURN_URL,
            "setup_future_usage": "off_session",
            "shipping": {"name": "Jenny Rosen", "address": {"line1": "1 Main", "country": "US"}},
        }
    )
    assert isinstance(token, stripe.ConfirmationToken)
    assert token.id.startswith("ctoken_")
    assert token.use_stripe_sdk is True
    assert token.return_url == RETURN_URL
    assert token.setup_future_usage == "off_session"
    assert token.shipping.name == "Jenny Rosen"
    assert token.payment_method_preview.type == "card"
    assert token.payment_method_preview.card.brand == "mastercard"
    assert token.payment_method_preview.card.last4 == "4444"
    assert token.expires_at - token.created == 12 * 60 * 60


def test_unknown_token_is_resource_missing(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.confirmation_tokens.retrieve("ctoken_doesnotexist0000000000")
    err = exc.value
    assert err.http_status == 404
    assert err.code == "resource_missing"
    assert err.param == "confirmation_token"


def test_confirming_fills_in_the_intent_and_the_token(client, base_url, publishable_key):
    made = create_ctoken(
        base_url, publishable_key, "4242424242424242", return_url=RETURN_URL, **SHIPPING
    )
    pi = _guide_call(client, made["id"])
    assert pi.status == "succeeded"
    # A new PaymentMethod, minted from the token's preview.
    pm = client.v1.payment_methods.retrieve(pi.payment_method)
    assert pm.card.last4 == "4242"
    # Values on the token are written onto the intent.
    assert pi.shipping.name == "Jenny Rosen"
    assert pi.shipping.address.line1 == "1234 Main Street"
    used = client.v1.confirmation_tokens.retrieve(made["id"])
    assert used.payment_intent == pi.id
    assert used.setup_intent is None


def test_off_session_token_saves_the_card_to_the_customer(
    client, base_url, publishable_key, customer
):
    made = create_ctoken(
        base_url, publishable_key, "4242424242424242", setup_future_usage="off_session"
    )
    pi = _guide_call(
        client, made["id"], customer=customer.id, setup_future_usage="off_session"
    )
    assert pi.status == "succeeded"
    assert pi.setup_future_usage == "off_session"
    assert pi.customer == customer.id
    pm = client.v1.payment_methods.retrieve(pi.payment_method)
    assert pm.customer == customer.id
    saved = client.v1.customers.payment_methods.list(customer.id)
    assert [p.id for p in saved.data] == [pi.payment_method]


def test_token_for_an_authenticating_card_gets_the_stripe_sdk_next_action(
    client, base_url, publishable_key
):
    made = create_ctoken(base_url, publishable_key, "4000002500003155")
    pi = _guide_call(client, made["id"])
    assert pi.status == "requires_action"
    # Tokens default use_stripe_sdk: true, so the next action is for Stripe.js.
    assert pi.next_action.type == "use_stripe_sdk"
    assert pi.next_action.use_stripe_sdk["type"] == "three_d_secure_redirect"
    url = pi.next_action.use_stripe_sdk["stripe_js"]
    status, _, _ = answer_3ds(url, "complete")
    assert status == 200
    done = client.v1.payment_intents.retrieve(pi.id)
    assert done.status == "succeeded"
    assert done.amount_received == 1099


def test_token_cannot_confirm_a_second_intent_of_another_kind(
    client, base_url, publishable_key
):
    made = create_ctoken(base_url, publishable_key, "4242424242424242")
    _guide_call(client, made["id"])
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.setup_intents.create(
            params={"confirm": True, "confirmation_token": made["id"]}
        )
    assert exc.value.http_status == 400
    assert exc.value.code == "payment_intent_confirmation_token_invalid"


def test_unknown_token_passed_to_confirm_is_a_400_on_the_parameter(client):
    # 404 is for the URL's own object (the retrieve above); an unknown id passed as a parameter
    # is a 400 naming it, as on Stripe.
    with pytest.raises(stripe.InvalidRequestError) as exc:
        _guide_call(client, "ctoken_doesnotexist0000000000")
    err = exc.value
    assert err.http_status == 400
    assert err.code == "resource_missing"
    assert err.param == "confirmation_token"
    assert err.user_message == "No such confirmation_token: 'ctoken_doesnotexist0000000000'"


def test_unknown_customer_on_a_payment_intent_is_a_400(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.create(
            params={"amount": 1000, "currency": "usd", "customer": "cus_nope"}
        )
    assert exc.value.http_status == 400
    assert exc.value.code == "resource_missing"
    assert exc.value.param == "customer"
