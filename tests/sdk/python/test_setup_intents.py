"""SetupIntents through stripe-python: saving cards, 3D Secure on setup through the hosted
page, declines, cancel rules, ConfirmationTokens, and what a setup changes for later
off-session payments with the regulatory test cards."""

import urllib.parse

import pytest
import stripe

from flows import RETURN_URL, answer_3ds, create_ctoken, next_action_url
from helpers import assert_recent

CARD_ONLY = {"payment_method_types": ["card"]}


def _off_session_payment(client, customer_id, pm_id, amount=2000):
    return client.v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": "usd",
            "customer": customer_id,
            "payment_method": pm_id,
            "off_session": True,
            "confirm": True,
            **CARD_ONLY,
        }
    )


def _set_up_with_authentication(client, customer_id, test_pm):
    """Saves `test_pm` for off-session use, completing 3D Secure on the hosted page."""
    si = client.v1.setup_intents.create(
        params={
            "customer": customer_id,
            "payment_method": test_pm,
            "confirm": True,
            "return_url": RETURN_URL,
        }
    )
    assert si.status == "requires_action"
    status, _, _ = answer_3ds(next_action_url(si), "complete")
    assert status in (200, 302, 303)
    done = client.v1.setup_intents.retrieve(si.id)
    assert done.status == "succeeded"
    assert done.usage == "off_session"
    return done.payment_method


def test_create_and_confirm_saves_the_card(client, customer):
    si = client.v1.setup_intents.create(
        params={
            "customer": customer.id,
            "payment_method": "pm_card_visa",
            "confirm": True,
            **CARD_ONLY,
        }
    )
    assert isinstance(si, stripe.SetupIntent)
    assert si.id.startswith("seti_")
    assert si.object == "setup_intent"
    assert si.client_secret.startswith(f"{si.id}_secret_")
    assert si.status == "succeeded"
    assert si.usage == "off_session"
    assert si.customer == customer.id
    assert si.next_action is None
    assert si.last_setup_error is None
    assert si.livemode is False
    assert_recent(si.created)
    assert si.payment_method.startswith("pm_") and si.payment_method != "pm_card_visa"
    pm = client.v1.payment_methods.retrieve(si.payment_method)
    assert pm.customer == customer.id
    assert pm.card.last4 == "4242"
    expanded = client.v1.setup_intents.retrieve(si.id, params={"expand": ["payment_method"]})
    assert isinstance(expanded.payment_method, stripe.PaymentMethod)
    assert expanded.payment_method.id == si.payment_method


def test_create_then_confirm(client, customer):
    si = client.v1.setup_intents.create(
        params={"customer": customer.id, "usage": "on_session", **CARD_ONLY}
    )
    assert si.status == "requires_payment_method"
    assert si.usage == "on_session"
    assert si.payment_method is None
    confirmed = client.v1.setup_intents.confirm(
        si.id, params={"payment_method": "pm_card_mastercard"}
    )
    assert confirmed.id == si.id
    assert confirmed.status == "succeeded"
    pm = client.v1.payment_methods.retrieve(confirmed.payment_method)
    assert pm.card.brand == "mastercard"
    assert pm.customer == customer.id


def test_three_d_secure_on_setup_completed(client, customer):
    si = client.v1.setup_intents.create(
        params={
            "customer": customer.id,
            "payment_method": "pm_card_authenticationRequiredOnSetup",
            "confirm": True,
            "return_url": RETURN_URL,
        }
    )
    assert si.status == "requires_action"
    assert si.next_action.type == "redirect_to_url"
    assert si.next_action.redirect_to_url.return_url == RETURN_URL
    status, headers, _ = answer_3ds(si.next_action.redirect_to_url.url, "complete")
    assert status in (302, 303)
    location = headers["location"]
    assert location.startswith(RETURN_URL + "?"), location
    assert dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query)) == {
        "setup_intent": si.id,
        "setup_intent_client_secret": si.client_secret,
        "redirect_status": "succeeded",
    }
    done = client.v1.setup_intents.retrieve(si.id)
    assert done.status == "succeeded"
    assert done.next_action is None
    pm = client.v1.payment_methods.retrieve(done.payment_method)
    assert pm.customer == customer.id


def test_three_d_secure_on_setup_failed(client, customer):
    si = client.v1.setup_intents.create(
        params={
            "customer": customer.id,
            "payment_method": "pm_card_authenticationRequiredOnSetup",
            "confirm": True,
            "return_url": RETURN_URL,
        }
    )
    status, headers, _ = answer_3ds(next_action_url(si), "fail")
    assert status in (302, 303)
    assert headers["location"].endswith("redirect_status=failed")
    after = client.v1.setup_intents.retrieve(si.id)
    assert after.status == "requires_payment_method"
    assert after.last_setup_error.code == "setup_intent_authentication_failure"
    assert client.v1.customers.payment_methods.list(customer.id).data == []


@pytest.mark.parametrize(
    "pm_id, decline_code",
    [
        ("pm_card_visa_chargeDeclined", "generic_decline"),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "insufficient_funds"),
    ],
)
def test_decline_is_card_error_and_keeps_the_intent_open(client, customer, pm_id, decline_code):
    with pytest.raises(stripe.CardError) as exc:
        client.v1.setup_intents.create(
            params={
                "customer": customer.id,
                "payment_method": pm_id,
                "confirm": True,
                **CARD_ONLY,
            }
        )
    err = exc.value
    assert err.http_status == 402
    assert err.error.type == "card_error"
    assert err.code == "card_declined"
    assert err.error.decline_code == decline_code
    si = err.error.setup_intent
    assert si is not None, "the declined SetupIntent is embedded in the error"
    assert si.id.startswith("seti_")
    assert si.status == "requires_payment_method"
    assert si.last_setup_error.code == "card_declined"
    assert si.last_setup_error.decline_code == decline_code
    stored = client.v1.setup_intents.retrieve(si.id)
    assert stored.status == "requires_payment_method"
    assert client.v1.customers.payment_methods.list(customer.id).data == []
    # The same intent accepts another card.
    retried = client.v1.setup_intents.confirm(si.id, params={"payment_method": "pm_card_visa"})
    assert retried.status == "succeeded"
    assert retried.last_setup_error is None


def test_cancel_rules(client):
    open_si = client.v1.setup_intents.create(params=dict(CARD_ONLY))
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.setup_intents.cancel(open_si.id, params={"cancellation_reason": "fraudulent"})
    assert exc.value.param == "cancellation_reason"
    canceled = client.v1.setup_intents.cancel(
        open_si.id, params={"cancellation_reason": "requested_by_customer"}
    )
    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "requested_by_customer"
    for call in (
        lambda: client.v1.setup_intents.cancel(open_si.id),
        lambda: client.v1.setup_intents.confirm(
            open_si.id, params={"payment_method": "pm_card_visa"}
        ),
    ):
        with pytest.raises(stripe.InvalidRequestError) as exc:
            call()
        assert exc.value.http_status == 400
        assert exc.value.code == "setup_intent_unexpected_state"

    done = client.v1.setup_intents.create(
        params={"payment_method": "pm_card_visa", "confirm": True, **CARD_ONLY}
    )
    assert done.status == "succeeded"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.setup_intents.cancel(done.id)
    assert exc.value.http_status == 400
    assert exc.value.code == "setup_intent_unexpected_state"

    # requires_action may be canceled.
    waiting = client.v1.setup_intents.create(
        params={
            "payment_method": "pm_card_threeDSecure2Required",
            "confirm": True,
            "return_url": RETURN_URL,
        }
    )
    assert waiting.status == "requires_action"
    dropped = client.v1.setup_intents.cancel(waiting.id, params={"cancellation_reason": "abandoned"})
    assert dropped.status == "canceled"
    assert dropped.cancellation_reason == "abandoned"
    assert dropped.next_action is None


def test_confirmation_token_confirms_a_setup_once(client, base_url, publishable_key, customer):
    made = create_ctoken(
        base_url, publishable_key, "4242424242424242", setup_future_usage="off_session"
    )
    params = {"customer": customer.id, "confirm": True, "confirmation_token": made["id"]}
    si = client.v1.setup_intents.create(params=params)
    assert si.status == "succeeded"
    pm = client.v1.payment_methods.retrieve(si.payment_method)
    assert pm.customer == customer.id
    used = client.v1.confirmation_tokens.retrieve(made["id"])
    assert used.setup_intent == si.id
    assert used.payment_intent is None
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.setup_intents.create(params=params)
    assert exc.value.http_status == 400
    assert exc.value.code == "payment_intent_confirmation_token_invalid"


def test_list_by_customer(client, customer):
    a = client.v1.setup_intents.create(params={"customer": customer.id})
    b = client.v1.setup_intents.create(params={"customer": customer.id})
    client.v1.setup_intents.create(params={})
    listed = client.v1.setup_intents.list(params={"customer": customer.id})
    assert sorted(si.id for si in listed.data) == sorted([a.id, b.id])
    every = list(
        client.v1.setup_intents.list(params={"customer": customer.id, "limit": 1}).auto_paging_iter()
    )
    assert sorted(si.id for si in every) == sorted([a.id, b.id])


def test_publishable_key_reads_with_client_secret(client, pk_client):
    si = client.v1.setup_intents.create(params={"description": "Card on file"})
    seen = pk_client.v1.setup_intents.retrieve(si.id, params={"client_secret": si.client_secret})
    assert seen.id == si.id
    assert seen.status == "requires_payment_method"
    assert seen.client_secret == si.client_secret


# --- later off-session payments (regulatory cards, §8.5) ------------------------------


def test_authenticate_unless_set_up_pays_off_session_after_setup(client, customer):
    pm = _set_up_with_authentication(client, customer.id, "pm_card_authenticationRequiredOnSetup")
    pi = _off_session_payment(client, customer.id, pm)
    assert pi.status == "succeeded"
    assert pi.amount_received == 2000
    assert pi.next_action is None


def test_authenticate_unless_set_up_without_setup_needs_authentication(client, customer):
    with pytest.raises(stripe.CardError) as exc:
        _off_session_payment(client, customer.id, "pm_card_authenticationRequiredOnSetup")
    err = exc.value
    assert err.http_status == 402
    assert err.code == "authentication_required"
    assert err.error.decline_code == "authentication_required"
    assert err.error.payment_intent.status == "requires_payment_method"


def test_always_authenticate_fails_off_session_even_after_setup(client, customer):
    pm = _set_up_with_authentication(client, customer.id, "pm_card_authenticationRequired")
    with pytest.raises(stripe.CardError) as exc:
        _off_session_payment(client, customer.id, pm)
    err = exc.value
    assert err.http_status == 402
    assert err.error.type == "card_error"
    assert err.code == "authentication_required"
    assert err.error.decline_code == "authentication_required"
    assert err.error.payment_intent.status == "requires_payment_method"
    # On session it asks for authentication again.
    pi = client.v1.payment_intents.create(
        params={
            "amount": 2000,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": pm,
            "confirm": True,
            "return_url": RETURN_URL,
        }
    )
    assert pi.status == "requires_action"
    assert pi.next_action.type == "redirect_to_url"


def test_already_set_up_card_pays_off_session(client, customer):
    pi = _off_session_payment(
        client, customer.id, "pm_card_authenticationRequiredSetupForOffSession"
    )
    assert pi.status == "succeeded"
    assert pi.amount_received == 2000
