"""Payments that settle later through stripe-python (issue #24): SEPA Direct Debit and ACH
debits go through `processing` and then succeed or fail; the asynchronous-refund test cards'
refunds end later. The server runs with `--settle fast` (scripts/test), so each test polls
for a few seconds at most."""

import time

import pytest
import stripe

MANDATE = {
    "customer_acceptance": {
        "type": "online",
        "online": {"ip_address": "127.0.0.1", "user_agent": "stripe-python suite"},
    }
}
BILLING = {"name": "Jenny Rosen", "email": "jenny@example.com"}


def wait_for(fetch, done, seconds=15):
    """Polls `fetch()` until `done(value)`, for `seconds` at most; returns the last value."""
    deadline = time.monotonic() + seconds
    value = fetch()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(0.25)
        value = fetch()
    return value


def sepa_payment(client, iban):
    return client.v1.payment_intents.create(
        params={
            "amount": 1500,
            "currency": "eur",
            "payment_method_types": ["sepa_debit"],
            "payment_method_data": {
                "type": "sepa_debit",
                "sepa_debit": {"iban": iban},
                "billing_details": BILLING,
            },
            "mandate_data": MANDATE,
            "confirm": True,
        }
    )


def settled(client, pi):
    return wait_for(
        lambda: client.v1.payment_intents.retrieve(pi.id),
        lambda p: p.status != "processing",
    )


def test_sepa_debit_succeeds_through_processing(client):
    pi = sepa_payment(client, "DE89370400440532013000")
    assert pi.status == "processing"
    assert pi.amount_received == 0
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.status == "pending"
    assert charge.paid is False
    details = charge.payment_method_details
    assert details.type == "sepa_debit"
    assert details.sepa_debit.last4 == "3000"
    assert details.sepa_debit.mandate.startswith("mandate_")
    pm = client.v1.payment_methods.retrieve(pi.payment_method)
    assert pm.type == "sepa_debit"
    assert pm.sepa_debit.country == "DE"

    done = settled(client, pi)
    assert done.status == "succeeded"
    assert done.amount_received == 1500
    assert client.v1.charges.retrieve(pi.latest_charge).status == "succeeded"
    types = [
        e.type
        for e in client.v1.events.list(params={"limit": 50}).data
        if getattr(e.data.object, "id", None) in (pi.id, pi.latest_charge)
    ]
    assert types[:4] == [
        "payment_intent.succeeded",
        "charge.succeeded",
        "payment_intent.processing",
        "charge.pending",
    ]


def test_sepa_debit_failure_returns_to_requires_payment_method(client):
    pi = sepa_payment(client, "DE62370400440532013001")
    assert pi.status == "processing"
    done = settled(client, pi)
    assert done.status == "requires_payment_method"
    assert done.last_payment_error.code == "insufficient_funds"
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.status == "failed"
    assert charge.failure_code == "insufficient_funds"


def test_sepa_delayed_outcome(client):
    pi = sepa_payment(client, "DE08370400440532013003")
    assert pi.status == "processing"
    assert settled(client, pi).status == "succeeded"


def ach_payment(client, account):
    pm = client.v1.payment_methods.create(
        params={
            "type": "us_bank_account",
            "us_bank_account": {
                "account_number": account,
                "routing_number": "110000000",
                "account_holder_type": "individual",
            },
            "billing_details": BILLING,
        }
    )
    assert pm.us_bank_account.last4 == account[-4:]
    assert pm.us_bank_account.routing_number == "110000000"
    return client.v1.payment_intents.create(
        params={
            "amount": 2500,
            "currency": "usd",
            "payment_method_types": ["us_bank_account"],
            "payment_method": pm.id,
            "mandate_data": MANDATE,
            "confirm": True,
        }
    )


def test_ach_success_and_failure(client):
    ok = ach_payment(client, "000123456789")
    closed = ach_payment(client, "000111111113")
    assert ok.status == "processing" and closed.status == "processing"
    assert settled(client, ok).status == "succeeded"
    failed = settled(client, closed)
    assert failed.status == "requires_payment_method"
    assert failed.last_payment_error.code == "account_closed"


def refunded_card_payment(client, pm):
    pi = client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "usd",
            "payment_method": pm,
            "payment_method_types": ["card"],
            "confirm": True,
        }
    )
    assert pi.status == "succeeded"
    return client.v1.refunds.create(params={"payment_intent": pi.id})


def test_the_mandate_of_a_sepa_payment(client):
    pi = sepa_payment(client, "DE89370400440532013000")
    charge = client.v1.charges.retrieve(pi.latest_charge)
    mandate = client.v1.mandates.retrieve(charge.payment_method_details.sepa_debit.mandate)
    assert isinstance(mandate, stripe.Mandate)
    assert mandate.id == charge.payment_method_details.sepa_debit.mandate
    assert mandate.status == "active"
    assert mandate.type == "multi_use"
    assert mandate.payment_method == pi.payment_method
    acceptance = mandate.customer_acceptance
    assert acceptance.type == "online"
    assert acceptance.online.ip_address == "127.0.0.1"
    assert acceptance.online.user_agent == "stripe-python suite"
    assert mandate.payment_method_details.type == "sepa_debit"
    assert len(mandate.payment_method_details.sepa_debit.reference) == 16
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.mandates.retrieve("mandate_missing")
    assert missing.value.http_status == 404
    assert missing.value.code == "resource_missing"
    assert missing.value.param == "mandate"


def test_pending_refund_succeeds_later(client):
    refund = refunded_card_payment(client, "pm_card_pendingRefund")
    assert refund.status == "pending"
    done = wait_for(
        lambda: client.v1.refunds.retrieve(refund.id), lambda r: r.status != "pending"
    )
    assert done.status == "succeeded"


def test_refund_fails_later(client):
    refund = refunded_card_payment(client, "pm_card_refundFail")
    assert refund.status == "succeeded"
    done = wait_for(
        lambda: client.v1.refunds.retrieve(refund.id), lambda r: r.status != "succeeded"
    )
    assert done.status == "failed"
    assert done.failure_reason == "expired_or_canceled_card"
    charge = client.v1.charges.retrieve(refund.charge)
    assert charge.amount_refunded == 0
    assert charge.refunded is False
