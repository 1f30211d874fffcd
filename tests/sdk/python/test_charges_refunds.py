"""Charges and Refunds through stripe-python, on charges made by real PaymentIntent
confirmations: the charge object, lists by payment_intent, full/partial/over refunds."""

import pytest
import stripe

from helpers import assert_recent

CARD_ONLY = {"payment_method_types": ["card"]}


def _paid(client, amount=1000, **extra):
    pi = client.v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": "usd",
            "confirm": True,
            "payment_method": "pm_card_visa",
            **CARD_ONLY,
            **extra,
        }
    )
    assert pi.status in ("succeeded", "requires_capture")
    return pi


def test_charge_of_a_payment(client, customer):
    pi = _paid(client, 1234, customer=customer.id, description="Order 7")
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert isinstance(charge, stripe.Charge)
    assert charge.id.startswith("ch_")
    assert charge.object == "charge"
    assert charge.amount == 1234
    assert charge.amount_captured == 1234
    assert charge.amount_refunded == 0
    assert charge.currency == "usd"
    assert charge.captured is True
    assert charge.paid is True
    assert charge.refunded is False
    assert charge.disputed is False
    assert charge.status == "succeeded"
    assert charge.livemode is False
    assert charge.customer == customer.id
    assert charge.description == "Order 7"
    assert charge.payment_intent == pi.id
    assert charge.payment_method == pi.payment_method
    assert charge.failure_code is None
    assert charge.failure_message is None
    assert_recent(charge.created)
    assert charge.outcome.type == "authorized"
    assert charge.outcome.network_status == "approved_by_network"
    assert charge.outcome.seller_message == "Payment complete."
    details = charge.payment_method_details
    assert details.type == "card"
    assert details.card.brand == "visa"
    assert details.card.last4 == "4242"
    assert details.card.funding == "credit"
    assert details.card.country == "US"


def test_charges_listed_by_payment_intent(client):
    with pytest.raises(stripe.CardError) as exc:
        client.v1.payment_intents.create(
            params={
                "amount": 1500,
                "currency": "usd",
                "confirm": True,
                "payment_method": "pm_card_visa_chargeDeclined",
                **CARD_ONLY,
            }
        )
    pi_id = exc.value.error.payment_intent.id
    failed_id = exc.value.error.charge
    paid = client.v1.payment_intents.confirm(pi_id, params={"payment_method": "pm_card_visa"})
    assert paid.status == "succeeded"

    listed = client.v1.charges.list(params={"payment_intent": pi_id})
    assert listed.object == "list"
    assert listed.url == "/v1/charges"
    assert listed.has_more is False
    assert [c.id for c in listed.data] == [paid.latest_charge, failed_id]
    ok, failed = listed.data
    assert ok.status == "succeeded"
    assert ok.paid is True
    assert failed.status == "failed"
    assert failed.paid is False
    assert failed.amount_captured == 0
    assert failed.failure_code == "card_declined"
    assert failed.failure_message == "Your card was declined."
    assert failed.outcome.type == "issuer_declined"
    assert failed.outcome.network_status == "declined_by_network"
    assert failed.outcome.reason == "generic_decline"
    assert all(c.payment_intent == pi_id for c in listed.data)
    paged = list(
        client.v1.charges.list(params={"payment_intent": pi_id, "limit": 1}).auto_paging_iter()
    )
    assert [c.id for c in paged] == [paid.latest_charge, failed_id]


def test_charges_listed_by_customer(client, customer):
    a = _paid(client, 1000, customer=customer.id)
    b = _paid(client, 2000, customer=customer.id)
    _paid(client, 3000)
    listed = client.v1.charges.list(params={"customer": customer.id})
    assert [c.id for c in listed.data] == [b.latest_charge, a.latest_charge]


def test_charge_update(client):
    pi = _paid(client)
    updated = client.v1.charges.update(
        pi.latest_charge, params={"description": "Gift", "metadata": {"tier": "gold"}}
    )
    assert updated.description == "Gift"
    assert updated.metadata.to_dict() == {"tier": "gold"}
    assert client.v1.charges.retrieve(pi.latest_charge).metadata.to_dict() == {"tier": "gold"}


def test_full_refund_then_charge_already_refunded(client):
    pi = _paid(client, 2500)
    refund = client.v1.refunds.create(
        params={"payment_intent": pi.id, "reason": "requested_by_customer"}
    )
    assert isinstance(refund, stripe.Refund)
    assert refund.id.startswith("re_")
    assert refund.object == "refund"
    assert refund.amount == 2500
    assert refund.currency == "usd"
    assert refund.status == "succeeded"
    assert refund.charge == pi.latest_charge
    assert refund.payment_intent == pi.id
    assert refund.reason == "requested_by_customer"
    assert_recent(refund.created)
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.refunded is True
    assert charge.amount_refunded == 2500
    # The PaymentIntent's received amount does not change.
    assert client.v1.payment_intents.retrieve(pi.id).amount_received == 2500

    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"charge": pi.latest_charge})
    err = exc.value
    assert err.http_status == 400
    assert err.code == "charge_already_refunded"
    assert err.user_message == f"Charge {pi.latest_charge} has already been refunded."


def test_partial_refunds_and_over_refund(client):
    pi = _paid(client, 1000)
    charge_id = pi.latest_charge
    first = client.v1.refunds.create(
        params={"charge": charge_id, "amount": 300, "metadata": {"ticket": "42"}}
    )
    assert first.amount == 300
    assert first.metadata.to_dict() == {"ticket": "42"}
    charge = client.v1.charges.retrieve(charge_id)
    assert charge.amount_refunded == 300
    assert charge.refunded is False

    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"charge": charge_id, "amount": 800})
    err = exc.value
    assert err.http_status == 400
    assert err.param == "amount"
    assert err.code is None
    assert client.v1.charges.retrieve(charge_id).amount_refunded == 300

    rest = client.v1.refunds.create(params={"payment_intent": pi.id})
    assert rest.amount == 700
    charge = client.v1.charges.retrieve(charge_id)
    assert charge.amount_refunded == 1000
    assert charge.refunded is True

    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"charge": charge_id, "amount": 1})
    assert exc.value.http_status == 400

    listed = client.v1.refunds.list(params={"charge": charge_id})
    assert [r.id for r in listed.data] == [rest.id, first.id]
    by_intent = client.v1.refunds.list(params={"payment_intent": pi.id})
    assert [r.id for r in by_intent.data] == [rest.id, first.id]
    got = client.v1.refunds.retrieve(first.id)
    assert got.amount == 300
    assert got.charge == charge_id
    relabeled = client.v1.refunds.update(first.id, params={"metadata": {"ticket": "43"}})
    assert relabeled.metadata.to_dict() == {"ticket": "43"}


def test_refund_of_an_uncaptured_authorization_is_refused(client):
    pi = _paid(client, 1000, capture_method="manual")
    assert pi.status == "requires_capture"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"payment_intent": pi.id})
    err = exc.value
    assert err.http_status == 400
    assert err.code is None
    assert err.param is None
    assert client.v1.charges.retrieve(pi.latest_charge).amount_refunded == 0


def test_refund_after_partial_capture_is_limited_to_the_captured_amount(client):
    pi = _paid(client, 5000, capture_method="manual")
    client.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 2000})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 2500})
    assert exc.value.param == "amount"
    refund = client.v1.refunds.create(params={"payment_intent": pi.id})
    assert refund.amount == 2000
