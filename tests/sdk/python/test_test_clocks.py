"""Test clocks through stripe-python (issue #24): renewals month by month, a failing card
retried then canceled, a renewal that needs authentication, a trial ending, the 23-hour expiry of an unpaid subscription and
cancel_at_period_end, each driven by advancing the subscription's own clock, never by
sleeping; and the clock's own API (limits, errors, deletion)."""

import time
import uuid

import pytest
import stripe

from flows import answer_3ds, next_action_url

DAY = 86_400
HOUR = 3_600
# 1 Jan 2027 00:00 UTC: periods of known lengths (January has 31 days, February 28).
JAN_1 = 1_798_761_600
FEB_1 = JAN_1 + 31 * DAY
MAR_1 = FEB_1 + 28 * DAY
APR_1 = MAR_1 + 31 * DAY


@pytest.fixture
def plan(client):
    return client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 1500,
            "recurring": {"interval": "month"},
            "product_data": {"name": f"Clock plan {uuid.uuid4().hex[:6]}"},
        }
    )


@pytest.fixture
def clock(client):
    created = client.v1.test_helpers.test_clocks.create(
        params={"frozen_time": JAN_1, "name": "sdk"}
    )
    yield created
    try:
        client.v1.test_helpers.test_clocks.delete(created.id)
    except stripe.InvalidRequestError:
        pass  # the test deleted it


def customer_on(client, clock, card="pm_card_visa"):
    customer = client.v1.customers.create(params={"test_clock": clock.id})
    pm = client.v1.payment_methods.attach(card, params={"customer": customer.id})
    client.v1.customers.update(
        customer.id, params={"invoice_settings": {"default_payment_method": pm.id}}
    )
    return customer


def advance(client, clock, to):
    started = client.v1.test_helpers.test_clocks.advance(
        clock.id, params={"frozen_time": to}
    )
    assert started.status == "advancing"
    assert started.status_details.advancing.target_frozen_time == to
    for _ in range(400):
        now = client.v1.test_helpers.test_clocks.retrieve(clock.id)
        if now.status == "ready":
            assert now.frozen_time == to
            return now
        time.sleep(0.05)
    raise AssertionError("the clock never became ready")


def invoices_of(client, subscription):
    return client.v1.invoices.list(
        params={"subscription": subscription.id, "limit": 20}
    ).data


def events_about(client, object_id, event_type):
    events = client.v1.events.list(params={"type": event_type, "limit": 100}).data
    return [e for e in events if e.data.object.id == object_id]


def test_a_monthly_subscription_advanced_three_months_has_four_paid_invoices(
    client, clock, plan
):
    customer = customer_on(client, clock)
    sub = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": plan.id}]}
    )
    assert sub.status == "active"
    assert sub.test_clock == clock.id
    assert sub.start_date == JAN_1
    for month_end in (FEB_1, MAR_1, APR_1):
        advance(client, clock, month_end + 2 * HOUR)
    invoices = invoices_of(client, sub)
    assert [i.status for i in invoices] == ["paid"] * 4
    assert [i.billing_reason for i in invoices] == ["subscription_cycle"] * 3 + [
        "subscription_create"
    ]
    assert [i.created for i in invoices[:3]] == [APR_1, MAR_1, FEB_1]
    assert all(i.amount_paid == 1500 for i in invoices)
    renewed = client.v1.subscriptions.retrieve(sub.id)
    assert renewed.status == "active"
    assert renewed["items"].data[0].current_period_start == APR_1
    # Hidden from the plain list, found by its clock.
    listed = client.v1.subscriptions.list(params={"test_clock": clock.id}).data
    assert [s.id for s in listed] == [sub.id]


def test_a_failing_card_makes_it_past_due_then_retries_then_cancels(client, clock, plan):
    customer = customer_on(client, clock)
    sub = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": plan.id}]}
    )
    failing = client.v1.payment_methods.attach(
        "pm_card_chargeCustomerFail", params={"customer": customer.id}
    )
    client.v1.subscriptions.update(sub.id, params={"default_payment_method": failing.id})
    advance(client, clock, FEB_1 + 2 * HOUR)
    past_due = client.v1.subscriptions.retrieve(sub.id, params={"expand": ["latest_invoice"]})
    assert past_due.status == "past_due"
    invoice = past_due.latest_invoice
    assert invoice.status == "open"
    assert invoice.attempt_count == 1
    assert invoice.next_payment_attempt == FEB_1 + HOUR + DAY
    assert len(events_about(client, invoice.id, "invoice.payment_failed")) == 1
    # The seven retries within two weeks all fail: canceled, as Stripe's default.
    advance(client, clock, FEB_1 + 16 * DAY)
    ended = client.v1.subscriptions.retrieve(sub.id)
    assert ended.status == "canceled"
    assert ended.cancellation_details.reason == "payment_failed"
    exhausted = client.v1.invoices.retrieve(invoice.id)
    assert exhausted.attempt_count == 8
    assert exhausted.next_payment_attempt is None
    assert len(events_about(client, invoice.id, "invoice.payment_failed")) == 8
    assert len(events_about(client, sub.id, "customer.subscription.deleted")) == 1


def test_a_renewal_that_needs_authentication_asks_the_customer(client, clock, plan):
    customer = customer_on(client, clock)
    sub = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": plan.id}]}
    )
    card = client.v1.payment_methods.attach(
        "pm_card_authenticationRequired", params={"customer": customer.id}
    )
    client.v1.subscriptions.update(sub.id, params={"default_payment_method": card.id})
    advance(client, clock, FEB_1 + 2 * HOUR)
    waiting = client.v1.subscriptions.retrieve(
        sub.id, params={"expand": ["latest_invoice.payment_intent"]}
    )
    assert waiting.status == "past_due"
    invoice = waiting.latest_invoice
    assert invoice.status == "open"
    assert invoice.payment_intent.status == "requires_action"
    assert len(events_about(client, invoice.id, "invoice.payment_action_required")) == 1
    assert events_about(client, invoice.id, "invoice.payment_failed") == []
    # The customer authenticates on the hosted page: paid, and active again.
    answer_3ds(next_action_url(invoice.payment_intent), "complete")
    assert client.v1.invoices.retrieve(invoice.id).status == "paid"
    assert client.v1.subscriptions.retrieve(sub.id).status == "active"


def test_a_trial_is_reminded_then_ends_with_a_paid_invoice(client, clock, plan):
    customer = customer_on(client, clock)
    sub = client.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": plan.id}],
            "trial_period_days": 7,
        }
    )
    assert sub.status == "trialing"
    assert sub.trial_end == JAN_1 + 7 * DAY
    advance(client, clock, JAN_1 + 5 * DAY)
    assert len(events_about(client, sub.id, "customer.subscription.trial_will_end")) == 1
    advance(client, clock, JAN_1 + 7 * DAY + 2 * HOUR)
    after = client.v1.subscriptions.retrieve(sub.id, params={"expand": ["latest_invoice"]})
    assert after.status == "active"
    assert after.latest_invoice.status == "paid"
    assert after.latest_invoice.amount_paid == 1500
    assert after.current_period_start == JAN_1 + 7 * DAY


def test_an_unpaid_default_incomplete_subscription_expires_after_23_hours(
    client, clock, plan
):
    customer = client.v1.customers.create(params={"test_clock": clock.id})
    sub = client.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": plan.id}],
            "payment_behavior": "default_incomplete",
        }
    )
    assert sub.status == "incomplete"
    advance(client, clock, JAN_1 + 22 * HOUR)
    assert client.v1.subscriptions.retrieve(sub.id).status == "incomplete"
    advance(client, clock, JAN_1 + 24 * HOUR)
    expired = client.v1.subscriptions.retrieve(sub.id, params={"expand": ["latest_invoice"]})
    assert expired.status == "incomplete_expired"
    assert expired.latest_invoice.status == "void"


def test_cancel_at_period_end_takes_effect_at_the_period_end(client, clock, plan):
    customer = customer_on(client, clock)
    sub = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": plan.id}]}
    )
    client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    advance(client, clock, FEB_1 - HOUR)
    assert client.v1.subscriptions.retrieve(sub.id).status == "active"
    advance(client, clock, FEB_1 + HOUR)
    ended = client.v1.subscriptions.retrieve(sub.id)
    assert ended.status == "canceled"
    assert ended.ended_at == FEB_1
    assert len(invoices_of(client, sub)) == 1
    assert len(events_about(client, sub.id, "customer.subscription.deleted")) == 1


def test_the_clocks_limits_and_errors(client, clock, plan):
    with pytest.raises(stripe.InvalidRequestError) as back:
        client.v1.test_helpers.test_clocks.advance(clock.id, params={"frozen_time": JAN_1})
    assert back.value.param == "frozen_time"
    customer = customer_on(client, clock)
    client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": plan.id}]}
    )
    with pytest.raises(stripe.InvalidRequestError) as far:
        client.v1.test_helpers.test_clocks.advance(
            clock.id, params={"frozen_time": APR_1}
        )
    assert far.value.param == "frozen_time"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.test_helpers.test_clocks.retrieve("clock_doesnotexist")
    assert missing.value.http_status == 404
    assert missing.value.code == "resource_missing"
    for _ in range(2):
        client.v1.customers.create(params={"test_clock": clock.id})
    with pytest.raises(stripe.InvalidRequestError) as fourth:
        client.v1.customers.create(params={"test_clock": clock.id})
    assert fourth.value.param == "test_clock"
    assert clock.id in [c.id for c in client.v1.test_helpers.test_clocks.list().data]


def test_deleting_a_clock_deletes_its_customers(client, plan):
    clock = client.v1.test_helpers.test_clocks.create(params={"frozen_time": JAN_1})
    customer = customer_on(client, clock)
    sub = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": plan.id}]}
    )
    deleted = client.v1.test_helpers.test_clocks.delete(clock.id)
    assert deleted.deleted is True
    assert client.v1.subscriptions.retrieve(sub.id).status == "canceled"
    assert client.v1.customers.retrieve(customer.id).deleted is True
    assert len(events_about(client, clock.id, "test_helpers.test_clock.deleted")) == 1
