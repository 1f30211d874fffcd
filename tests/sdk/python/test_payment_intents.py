"""PaymentIntents through stripe-python: the finalize-on-the-server call with a
ConfirmationToken, every §8.2 decline, 3D Secure through the hosted page,
error_on_requires_action, off-session authentication, manual capture, cancel, state
errors, update, lists and expand."""

import urllib.parse

import pytest
import stripe

from flows import (
    DECLINE_IDS,
    DECLINES,
    RETURN_URL,
    VELOCITY,
    answer_3ds,
    create_ctoken,
    get,
)
from helpers import assert_recent

CARD_ONLY = {"payment_method_types": ["card"]}


@pytest.fixture
def ctoken(base_url, publishable_key):
    """Factory: a ConfirmationToken made with the publishable key, for a card number."""

    def make(number="4242424242424242", **extra):
        return create_ctoken(base_url, publishable_key, number, **extra)["id"]

    return make


def guide_call(client, token, **extra):
    """The server call of docs.stripe.com/payments/finalize-payments-on-the-server."""
    params = {
        "amount": 1099,
        "currency": "usd",
        "confirm": True,
        "automatic_payment_methods": {"enabled": True},
        "confirmation_token": token,
    }
    params.update(extra)
    return client.v1.payment_intents.create(params=params)


def pay_with_card(client, pm="pm_card_visa", amount=2000, **extra):
    params = {"amount": amount, "currency": "usd", "confirm": True, "payment_method": pm}
    params.update(CARD_ONLY)
    params.update(extra)
    return client.v1.payment_intents.create(params=params)


# --- the guide's call ----------------------------------------------------------------


def test_guide_call_with_publishable_key_token_succeeds(client, ctoken):
    token = ctoken()
    pi = guide_call(client, token)
    assert isinstance(pi, stripe.PaymentIntent)
    assert pi.id.startswith("pi_")
    assert pi.object == "payment_intent"
    assert pi.status == "succeeded"
    assert pi.amount == 1099
    assert pi.amount_received == 1099
    assert pi.amount_capturable == 0
    assert pi.currency == "usd"
    assert pi.capture_method == "automatic_async"
    assert pi.confirmation_method == "automatic"
    assert pi.automatic_payment_methods.enabled is True
    assert "card" in pi.payment_method_types
    assert pi.client_secret.startswith(f"{pi.id}_secret_")
    assert pi.next_action is None
    assert pi.last_payment_error is None
    assert pi.livemode is False
    assert pi.canceled_at is None
    assert pi.payment_method.startswith("pm_")
    assert pi.latest_charge.startswith("ch_")
    assert_recent(pi.created)


def test_guide_call_with_test_helper_token_succeeds(client):
    token = client.v1.test_helpers.confirmation_tokens.create(
        params={"payment_method": "pm_card_visa"}
    )
    assert token.id.startswith("ctoken_")
    pi = guide_call(client, token.id, return_url=RETURN_URL)
    assert pi.status == "succeeded"
    assert pi.amount_received == 1099
    # Confirming with a token mints a new PaymentMethod from its preview.
    assert pi.payment_method.startswith("pm_") and pi.payment_method != "pm_card_visa"
    pm = client.v1.payment_methods.retrieve(pi.payment_method)
    assert pm.card.last4 == "4242"
    assert pm.card.brand == "visa"


def test_create_then_confirm(client):
    pi = client.v1.payment_intents.create(
        params={"amount": 1500, "currency": "usd", "payment_method": "pm_card_visa", **CARD_ONLY}
    )
    assert pi.status == "requires_confirmation"
    assert pi.latest_charge is None
    confirmed = client.v1.payment_intents.confirm(pi.id)
    assert confirmed.id == pi.id
    assert confirmed.status == "succeeded"
    assert confirmed.amount_received == 1500


def test_publishable_key_reads_intent_with_client_secret(client, pk_client, ctoken):
    pi = guide_call(client, ctoken())
    seen = pk_client.v1.payment_intents.retrieve(
        pi.id, params={"client_secret": pi.client_secret}
    )
    assert seen.id == pi.id
    assert seen.status == "succeeded"
    assert seen.amount == 1099
    assert seen.client_secret == pi.client_secret


# --- declines ------------------------------------------------------------------------


def _check_decline(client, err, code, decline_code, param, advice_code, message):
    assert err.http_status == 402
    assert err.error.type == "card_error"
    assert err.code == code
    assert err.error.decline_code == decline_code
    assert err.param == param
    assert err.error.param == param
    assert err.error.advice_code == advice_code
    if message is not None:
        assert err.user_message == message
    assert err.error.charge.startswith("ch_")
    intent = err.error.payment_intent
    assert intent is not None, "the declined intent is embedded in the error"
    assert intent.id.startswith("pi_")
    assert intent.status == "requires_payment_method"
    assert intent.amount_received == 0
    assert intent.last_payment_error.code == code
    assert intent.last_payment_error.decline_code == decline_code
    assert intent.last_payment_error.type == "card_error"
    assert intent.latest_charge == err.error.charge
    # The intent exists and stays open.
    stored = client.v1.payment_intents.retrieve(intent.id)
    assert stored.status == "requires_payment_method"
    assert stored.last_payment_error.decline_code == decline_code
    charge = client.v1.charges.retrieve(err.error.charge)
    assert charge.status == "failed"
    assert charge.paid is False
    assert charge.captured is False
    assert charge.failure_code == code
    assert charge.payment_intent == intent.id
    return intent


@pytest.mark.parametrize(
    "name, number, pm_id, code, decline_code, param, advice_code, message",
    DECLINES,
    ids=DECLINE_IDS,
)
def test_decline_through_confirmation_token(
    client, ctoken, name, number, pm_id, code, decline_code, param, advice_code, message
):
    token = ctoken(number)
    with pytest.raises(stripe.CardError) as exc:
        guide_call(client, token)
    _check_decline(client, exc.value, code, decline_code, param, advice_code, message)


@pytest.mark.parametrize(
    "name, number, pm_id, code, decline_code, param, advice_code, message",
    DECLINES,
    ids=DECLINE_IDS,
)
def test_decline_through_test_payment_method(
    client, name, number, pm_id, code, decline_code, param, advice_code, message
):
    with pytest.raises(stripe.CardError) as exc:
        pay_with_card(client, pm_id)
    _check_decline(client, exc.value, code, decline_code, param, advice_code, message)


def test_velocity_limit_decline(client, ctoken):
    number, pm_id = VELOCITY
    for attempt in (lambda: guide_call(client, ctoken(number)), lambda: pay_with_card(client, pm_id)):
        with pytest.raises(stripe.CardError) as exc:
            attempt()
        err = exc.value
        assert err.http_status == 402
        assert err.code == "card_declined"
        assert err.error.decline_code == "card_velocity_exceeded"
        assert err.error.payment_intent.status == "requires_payment_method"


def test_decline_then_retry_on_the_same_intent_succeeds(client, ctoken):
    with pytest.raises(stripe.CardError) as exc:
        guide_call(client, ctoken("4000000000000002"))
    pi_id = exc.value.error.payment_intent.id
    retried = client.v1.payment_intents.confirm(
        pi_id, params={"confirmation_token": ctoken()}
    )
    assert retried.id == pi_id
    assert retried.status == "succeeded"
    assert retried.last_payment_error is None
    assert retried.amount_received == 1099


# --- 3D Secure -----------------------------------------------------------------------


def _redirect_intent(client, **extra):
    pi = pay_with_card(
        client, "pm_card_threeDSecure2Required", return_url=RETURN_URL, **extra
    )
    assert pi.status == "requires_action"
    assert pi.next_action.type == "redirect_to_url"
    assert pi.next_action.redirect_to_url.return_url == RETURN_URL
    assert pi.next_action.redirect_to_url.url.startswith("http")
    assert pi.amount_received == 0
    assert pi.last_payment_error is None
    return pi


def _location_query(headers, expected_prefix):
    location = headers["location"]
    assert location.startswith(expected_prefix + "?"), location
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def test_three_d_secure_redirect_completed_on_the_hosted_page(client):
    pi = _redirect_intent(client)
    url = pi.next_action.redirect_to_url.url
    status, page = get(url)
    assert status == 200
    assert "Complete authentication" in page

    status, headers, _ = answer_3ds(url, "complete")
    assert status in (302, 303)
    assert _location_query(headers, RETURN_URL) == {
        "payment_intent": pi.id,
        "payment_intent_client_secret": pi.client_secret,
        "redirect_status": "succeeded",
    }
    done = client.v1.payment_intents.retrieve(pi.id, params={"expand": ["latest_charge"]})
    assert done.status == "succeeded"
    assert done.amount_received == 2000
    assert done.next_action is None
    charge = done.latest_charge
    assert charge.status == "succeeded"
    secure = charge.payment_method_details.card.three_d_secure
    assert secure.authentication_flow == "challenge"
    assert secure.result == "authenticated"


def test_three_d_secure_failed_on_the_hosted_page(client):
    pi = _redirect_intent(client)
    status, headers, _ = answer_3ds(pi.next_action.redirect_to_url.url, "fail")
    assert status in (302, 303)
    assert _location_query(headers, RETURN_URL)["redirect_status"] == "failed"
    after = client.v1.payment_intents.retrieve(pi.id)
    assert after.status == "requires_payment_method"
    assert after.next_action is None
    assert after.amount_received == 0
    assert after.last_payment_error.code == "payment_intent_authentication_failure"


def test_error_on_requires_action(client):
    with pytest.raises(stripe.CardError) as exc:
        pay_with_card(
            client,
            "pm_card_threeDSecure2Required",
            error_on_requires_action=True,
            return_url=RETURN_URL,
        )
    err = exc.value
    assert err.http_status == 402
    assert err.error.type == "card_error"
    assert err.code == "authentication_required"
    assert err.error.decline_code == "authentication_not_handled"
    assert err.error.payment_intent.status == "requires_payment_method"
    assert err.error.payment_intent.next_action is None


def test_off_session_with_always_authenticate_card(client, customer):
    with pytest.raises(stripe.CardError) as exc:
        pay_with_card(
            client,
            "pm_card_authenticationRequired",
            customer=customer.id,
            off_session=True,
        )
    err = exc.value
    assert err.http_status == 402
    assert err.code == "authentication_required"
    assert err.error.decline_code == "authentication_required"
    intent = err.error.payment_intent
    assert intent.status == "requires_payment_method"
    assert intent.customer == customer.id
    assert intent.last_payment_error.code == "authentication_required"


def test_capture_while_requires_action_is_unexpected_state(client):
    pi = _redirect_intent(client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.capture(pi.id)
    assert exc.value.http_status == 400
    assert exc.value.code == "payment_intent_unexpected_state"
    # A requires_action intent may be canceled.
    canceled = client.v1.payment_intents.cancel(pi.id)
    assert canceled.status == "canceled"
    assert canceled.next_action is None


# --- manual capture, cancel, state errors --------------------------------------------


def test_manual_capture_partial(client):
    pi = pay_with_card(client, amount=5000, capture_method="manual")
    assert pi.status == "requires_capture"
    assert pi.capture_method == "manual"
    assert pi.amount_capturable == 5000
    assert pi.amount_received == 0
    auth = client.v1.charges.retrieve(pi.latest_charge)
    assert auth.status == "succeeded"
    assert auth.paid is True
    assert auth.captured is False
    assert auth.amount == 5000
    assert auth.amount_captured == 0

    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 6000})
    assert exc.value.http_status == 400
    assert exc.value.param == "amount_to_capture"

    captured = client.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 3000})
    assert captured.status == "succeeded"
    assert captured.amount == 5000
    assert captured.amount_received == 3000
    assert captured.amount_capturable == 0
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.captured is True
    assert charge.amount_captured == 3000
    # The uncaptured remainder is released as a refund.
    assert charge.amount_refunded == 2000

    # Once succeeded, it can be neither captured again nor canceled.
    for call in (
        lambda: client.v1.payment_intents.capture(pi.id),
        lambda: client.v1.payment_intents.cancel(pi.id),
    ):
        with pytest.raises(stripe.InvalidRequestError) as exc:
            call()
        assert exc.value.code == "payment_intent_unexpected_state"


def test_cancel_with_reason(client):
    pi = client.v1.payment_intents.create(params={"amount": 1000, "currency": "usd"})
    assert pi.status == "requires_payment_method"
    canceled = client.v1.payment_intents.cancel(
        pi.id, params={"cancellation_reason": "requested_by_customer"}
    )
    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "requested_by_customer"
    assert_recent(canceled.canceled_at)
    again = client.v1.payment_intents.retrieve(pi.id)
    assert again.status == "canceled"
    assert again.cancellation_reason == "requested_by_customer"


def test_cancel_reason_must_be_a_user_reason(client):
    pi = client.v1.payment_intents.create(params={"amount": 1000, "currency": "usd"})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.cancel(pi.id, params={"cancellation_reason": "expired"})
    assert exc.value.http_status == 400
    assert exc.value.param == "cancellation_reason"
    assert client.v1.payment_intents.retrieve(pi.id).status == "requires_payment_method"


def test_cancel_an_authorization_releases_it(client):
    pi = pay_with_card(client, amount=4000, capture_method="manual")
    canceled = client.v1.payment_intents.cancel(
        pi.id, params={"cancellation_reason": "abandoned"}
    )
    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "abandoned"
    assert canceled.amount_received == 0
    assert canceled.amount_capturable == 0
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.captured is False
    assert charge.refunded is True


def test_succeeded_intent_refuses_state_changes(client):
    pi = pay_with_card(client)
    assert pi.status == "succeeded"
    for call in (
        lambda: client.v1.payment_intents.confirm(pi.id),
        lambda: client.v1.payment_intents.cancel(pi.id),
        lambda: client.v1.payment_intents.capture(pi.id),
    ):
        with pytest.raises(stripe.InvalidRequestError) as exc:
            call()
        err = exc.value
        assert err.http_status == 400
        assert err.error.type == "invalid_request_error"
        assert err.code == "payment_intent_unexpected_state"
        assert err.error.payment_intent.id == pi.id
        assert err.error.payment_intent.status == "succeeded"


def test_canceled_intent_refuses_state_changes(client):
    pi = client.v1.payment_intents.create(
        params={"amount": 1000, "currency": "usd", "payment_method": "pm_card_visa", **CARD_ONLY}
    )
    client.v1.payment_intents.cancel(pi.id)
    for call in (
        lambda: client.v1.payment_intents.confirm(pi.id),
        lambda: client.v1.payment_intents.cancel(pi.id),
        lambda: client.v1.payment_intents.capture(pi.id),
    ):
        with pytest.raises(stripe.InvalidRequestError) as exc:
            call()
        assert exc.value.http_status == 400
        assert exc.value.code == "payment_intent_unexpected_state"


def test_capture_without_authorization_is_unexpected_state(client):
    pi = client.v1.payment_intents.create(params={"amount": 1000, "currency": "usd"})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.capture(pi.id)
    assert exc.value.code == "payment_intent_unexpected_state"


def test_missing_intent_is_resource_missing(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.retrieve("pi_doesnotexist000000000000")
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"
    assert exc.value.param == "intent"


# --- update, list, expand ------------------------------------------------------------


def test_update(client):
    pi = client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "usd",
            "description": "Order 1",
            "metadata": {"order": "1", "channel": "web"},
        }
    )
    updated = client.v1.payment_intents.update(
        pi.id,
        params={
            "amount": 1500,
            "currency": "eur",
            "description": "",
            "metadata": {"order": "", "note": "gift"},
            "receipt_email": "jenny@example.com",
        },
    )
    assert updated.id == pi.id
    assert updated.amount == 1500
    assert updated.currency == "eur"
    assert updated.description is None
    assert updated.metadata.to_dict() == {"channel": "web", "note": "gift"}
    assert updated.receipt_email == "jenny@example.com"
    assert updated.status == "requires_payment_method"
    with_pm = client.v1.payment_intents.update(
        pi.id, params={"payment_method": "pm_card_visa", "currency": "usd"}
    )
    assert with_pm.status == "requires_confirmation"
    assert with_pm.payment_method.startswith("pm_")
    paid = client.v1.payment_intents.confirm(pi.id, params={"return_url": RETURN_URL})
    assert paid.status == "succeeded"
    assert paid.amount_received == 1500
    # After payment the amount is fixed.
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.update(pi.id, params={"amount": 3000})
    assert exc.value.http_status == 400
    assert exc.value.param == "amount"


def test_list_by_customer_with_auto_pagination(client, customer):
    created = [
        client.v1.payment_intents.create(
            params={"amount": 1000 + i, "currency": "usd", "customer": customer.id}
        )
        for i in range(5)
    ]
    client.v1.payment_intents.create(params={"amount": 999, "currency": "usd"})
    page = client.v1.payment_intents.list(params={"customer": customer.id, "limit": 2})
    assert page.object == "list"
    assert page.url == "/v1/payment_intents"
    assert len(page.data) == 2
    assert page.has_more is True
    assert all(pi.customer == customer.id for pi in page.data)
    every = list(
        client.v1.payment_intents.list(
            params={"customer": customer.id, "limit": 2}
        ).auto_paging_iter()
    )
    ids = [pi.id for pi in every]
    assert len(ids) == 5
    assert sorted(ids) == sorted(pi.id for pi in created)
    # Newest first, exactly as the single-page listing orders them.
    whole = client.v1.payment_intents.list(params={"customer": customer.id, "limit": 100})
    assert [pi.id for pi in whole.data] == ids
    assert whole.has_more is False
    assert [pi.created for pi in every] == sorted((pi.created for pi in every), reverse=True)


def test_retrieve_with_expand(client):
    pi = pay_with_card(client, amount=2600)
    got = client.v1.payment_intents.retrieve(
        pi.id, params={"expand": ["latest_charge", "payment_method"]}
    )
    assert isinstance(got.latest_charge, stripe.Charge)
    assert got.latest_charge.id == pi.latest_charge
    assert got.latest_charge.object == "charge"
    assert got.latest_charge.amount == 2600
    assert got.latest_charge.payment_intent == pi.id
    assert got.latest_charge.status == "succeeded"
    assert isinstance(got.payment_method, stripe.PaymentMethod)
    assert got.payment_method.id == pi.payment_method
    assert got.payment_method.card.last4 == "4242"
    assert got.payment_method.card.brand == "visa"


# --- ConfirmationToken rules on the intent -------------------------------------------


def test_token_is_single_use(client, ctoken):
    token = ctoken()
    first = guide_call(client, token)
    assert first.status == "succeeded"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        guide_call(client, token)
    err = exc.value
    assert err.http_status == 400
    assert err.error.type == "invalid_request_error"
    assert err.code == "payment_intent_confirmation_token_invalid"


def test_setup_future_usage_must_match_the_token(client, ctoken, customer):
    token = ctoken(setup_future_usage="off_session")
    with pytest.raises(stripe.InvalidRequestError) as exc:
        guide_call(client, token, customer=customer.id, setup_future_usage="on_session")
    err = exc.value
    assert err.http_status == 400
    assert err.param == "setup_future_usage"
    assert err.code is None
