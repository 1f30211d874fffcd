"""Subscriptions and invoices through stripe-python: the guide's "Create a subscription" path
(default_incomplete, then the first invoice's PaymentIntent confirmed with a ConfirmationToken
from Elements in subscription mode), fulfilment by a verified `invoice.paid` webhook, declines,
3D Secure, error_if_incomplete, trials, cancellation, quantity changes and error shapes.
(The 23-hour expiry moves the server's clock; it is tested in the Rust API suite, not here,
where every test shares one server.)"""

import uuid

import pytest
import stripe

from flows import WebhookReceiver, answer_3ds, create_ctoken, next_action_url, wait_for

GUIDE_EXPAND = ["latest_invoice.confirmation_secret", "latest_invoice.payments"]


@pytest.fixture
def plan(client):
    return client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 1500,
            "recurring": {"interval": "month"},
            "product_data": {"name": f"Plan {uuid.uuid4().hex[:6]}"},
        }
    )


@pytest.fixture
def subscription_token(base_url, publishable_key):
    """Factory: a ConfirmationToken as Stripe.js makes it for `mode: 'subscription'`."""

    def make(number="4242424242424242"):
        return create_ctoken(
            base_url,
            publishable_key,
            number,
            **{
                "setup_future_usage": "off_session",
                "client_context[mode]": "subscription",
                "client_context[currency]": "usd",
                "client_context[setup_future_usage]": "off_session",
                "return_url": "https://shop.example/done",
            },
        )["id"]

    return make


def guide_create(client, customer, plan):
    return client.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": plan.id}],
            "payment_behavior": "default_incomplete",
            "payment_settings": {"save_default_payment_method": "on_subscription"},
            "expand": GUIDE_EXPAND,
        }
    )


def first_intent(subscription):
    return subscription.latest_invoice.payments.data[0].payment.payment_intent


def test_the_guides_path_fulfils_on_a_verified_invoice_paid(
    client, customer, plan, subscription_token
):
    with WebhookReceiver() as receiver:
        endpoint = client.v1.webhook_endpoints.create(
            params={"url": receiver.url, "enabled_events": ["invoice.paid"]}
        )
        try:
            sub = guide_create(client, customer, plan)
            assert isinstance(sub, stripe.Subscription)
            assert sub.status == "incomplete"
            invoice = sub.latest_invoice
            assert isinstance(invoice, stripe.Invoice)
            assert invoice.status == "open"
            assert invoice.amount_due == 1500
            assert invoice.billing_reason == "subscription_create"
            intent_id = first_intent(sub)
            assert invoice.confirmation_secret.type == "payment_intent"
            assert invoice.confirmation_secret.client_secret.startswith(intent_id + "_secret_")
            assert sub["items"].data[0].current_period_end > sub["items"].data[0].current_period_start

            intent = client.v1.payment_intents.confirm(
                intent_id, params={"confirmation_token": subscription_token()}
            )
            assert intent.status == "succeeded"

            active = client.v1.subscriptions.retrieve(sub.id, params={"expand": ["latest_invoice"]})
            assert active.status == "active"
            assert active.default_payment_method == intent.payment_method
            assert active.latest_invoice.status == "paid"
            assert active.latest_invoice.amount_paid == 1500

            got = wait_for(lambda: receiver.events_for(invoice.id), timeout=20)
            assert got, "invoice.paid was not delivered"
            headers, body, _ = got[0]
            event = stripe.Webhook.construct_event(
                body.decode(), headers["stripe-signature"], endpoint.secret
            )
            assert event.type == "invoice.paid"
            assert event.data.object.id == invoice.id
            assert event.data.object.status == "paid"
        finally:
            client.v1.webhook_endpoints.delete(endpoint.id)


def test_a_decline_keeps_the_subscription_incomplete(client, customer, plan, subscription_token):
    sub = guide_create(client, customer, plan)
    with pytest.raises(stripe.CardError) as exc:
        client.v1.payment_intents.confirm(
            first_intent(sub), params={"confirmation_token": subscription_token("4000000000000002")}
        )
    assert exc.value.http_status == 402
    assert exc.value.code == "card_declined"
    after = client.v1.subscriptions.retrieve(sub.id, params={"expand": ["latest_invoice"]})
    assert after.status == "incomplete"
    assert after.latest_invoice.status == "open"
    assert after.latest_invoice.attempted is True
    failed = client.v1.events.list(params={"type": "invoice.payment_failed", "limit": 1}).data
    assert failed[0].data.object.id == sub.latest_invoice.id


def test_three_d_secure_activates_after_the_hosted_page(
    client, customer, plan, subscription_token
):
    sub = guide_create(client, customer, plan)
    intent = client.v1.payment_intents.confirm(
        first_intent(sub), params={"confirmation_token": subscription_token("4000002500003155")}
    )
    assert intent.status == "requires_action"
    assert client.v1.subscriptions.retrieve(sub.id).status == "incomplete"
    status, _, _ = answer_3ds(next_action_url(intent), "complete")
    assert status in (200, 303)
    assert client.v1.subscriptions.retrieve(sub.id).status == "active"


def saved_default_card(client, customer, card):
    pm = client.v1.payment_methods.attach(card, params={"customer": customer.id})
    client.v1.customers.update(
        customer.id, params={"invoice_settings": {"default_payment_method": pm.id}}
    )
    return pm


def test_error_if_incomplete_pays_at_once_or_refuses(client, customer, plan, unique_email):
    saved_default_card(client, customer, "pm_card_visa")
    paid = client.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": plan.id}],
            "payment_behavior": "error_if_incomplete",
        }
    )
    assert paid.status == "active"

    declining = client.v1.customers.create(params={"email": unique_email})
    saved_default_card(client, declining, "pm_card_chargeCustomerFail")
    with pytest.raises(stripe.CardError) as exc:
        client.v1.subscriptions.create(
            params={
                "customer": declining.id,
                "items": [{"price": plan.id}],
                "payment_behavior": "error_if_incomplete",
            }
        )
    assert exc.value.http_status == 402
    listed = client.v1.subscriptions.list(params={"customer": declining.id, "status": "all"})
    assert listed.data == []


def test_a_trial_starts_trialing_without_a_payment(client, customer, plan):
    sub = client.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": plan.id}],
            "trial_period_days": 7,
            "expand": ["latest_invoice"],
        }
    )
    assert sub.status == "trialing"
    assert sub.trial_end - sub.trial_start == 7 * 86400
    assert sub.latest_invoice.status == "paid"
    assert sub.latest_invoice.amount_due == 0


def test_cancel_at_period_end_then_now_and_quantities(client, customer, plan):
    saved_default_card(client, customer, "pm_card_visa")
    sub = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": plan.id, "quantity": 2}]}
    )
    assert sub.status == "active"
    item = sub["items"].data[0]
    assert item.quantity == 2
    changed = client.v1.subscriptions.update(
        sub.id, params={"items": [{"id": item.id, "quantity": 5}], "proration_behavior": "none"}
    )
    assert changed["items"].data[0].quantity == 5
    assert client.v1.subscription_items.retrieve(item.id).quantity == 5

    later = client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    assert later.cancel_at_period_end is True
    assert later.cancel_at == item.current_period_end
    assert later.status == "active"

    canceled = client.v1.subscriptions.cancel(sub.id)
    assert canceled.status == "canceled"
    assert canceled.ended_at is not None
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.subscriptions.update(sub.id, params={"description": "again"})
    assert exc.value.param == "description"


def test_invoices_list_lines_and_payments(client, customer, plan, subscription_token):
    sub = guide_create(client, customer, plan)
    invoice_id = sub.latest_invoice.id
    client.v1.payment_intents.confirm(
        first_intent(sub), params={"confirmation_token": subscription_token()}
    )
    invoices = client.v1.invoices.list(params={"subscription": sub.id})
    assert [i.id for i in invoices.data] == [invoice_id]
    lines = client.v1.invoices.line_items.list(invoice_id)
    assert lines.data[0].amount == 1500
    payments = client.v1.invoice_payments.list(params={"invoice": invoice_id})
    assert payments.data[0].status == "paid"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.invoices.pay(invoice_id)
    assert "already paid" in exc.value.user_message


def test_error_shapes(client, customer):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.subscriptions.create(
            params={"customer": customer.id, "items": [{"price": "price_nope"}]}
        )
    assert exc.value.http_status == 400
    assert exc.value.code == "resource_missing"
    assert exc.value.param == "items[0][price]"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.subscriptions.create(params={"items": [{"price": "price_nope"}]})
    assert exc.value.code == "parameter_missing"
    assert exc.value.param == "customer"


def test_an_upgrade_and_items_added_and_removed(client, customer, plan):
    saved_default_card(client, customer, "pm_card_visa")
    sub = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": plan.id}]}
    )
    item = sub["items"].data[0]
    premium = client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 4500,
            "recurring": {"interval": "month"},
            "product_data": {"name": f"Premium {uuid.uuid4().hex[:6]}"},
        }
    )
    # The upgrade: same item, new price, prorations invoiced and paid at once.
    upgraded = client.v1.subscriptions.update(
        sub.id,
        params={
            "items": [{"id": item.id, "price": premium.id}],
            "proration_behavior": "always_invoice",
            "expand": ["latest_invoice"],
        },
    )
    assert [i.id for i in upgraded["items"].data] == [item.id]
    assert upgraded["items"].data[0].price.id == premium.id
    invoice = upgraded.latest_invoice
    assert invoice.billing_reason == "subscription_update"
    assert invoice.status == "paid"
    # Almost the whole period is left: a credit of about 1500, a charge of about 4500.
    amounts = sorted(line.amount for line in invoice.lines.data)
    assert len(amounts) == 2 and -1500 <= amounts[0] < -1400 and 4400 < amounts[1] <= 4500

    # An item added and removed through /v1/subscription_items.
    added = client.v1.subscription_items.create(
        params={"subscription": sub.id, "price": plan.id, "quantity": 2, "proration_behavior": "none"}
    )
    assert added.object == "subscription_item"
    assert added.quantity == 2
    assert added.subscription == sub.id
    modified = client.v1.subscription_items.update(added.id, params={"quantity": 3})
    assert modified.quantity == 3
    deleted = client.v1.subscription_items.delete(item.id, params={"proration_behavior": "none"})
    assert deleted.deleted is True
    after = client.v1.subscriptions.retrieve(sub.id)
    assert [(i.id, i.quantity) for i in after["items"].data] == [(added.id, 3)]

    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.subscription_items.create(params={"subscription": sub.id, "price": plan.id})
    assert exc.value.param == "price"
    assert "Cannot add multiple subscription items with the same plan" in exc.value.user_message


def test_a_trial_collects_the_card_through_the_pending_setup_intent(client, customer, plan):
    sub = client.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": plan.id}],
            "trial_period_days": 14,
            "payment_behavior": "default_incomplete",
            "payment_settings": {"save_default_payment_method": "on_subscription"},
            "expand": ["pending_setup_intent"],
        }
    )
    assert sub.status == "trialing"
    setup = sub.pending_setup_intent
    assert setup.object == "setup_intent"
    assert setup.usage == "off_session"
    confirmed = client.v1.setup_intents.confirm(setup.id, params={"payment_method": "pm_card_visa"})
    assert confirmed.status == "succeeded"
    after = client.v1.subscriptions.retrieve(sub.id)
    assert after.pending_setup_intent is None
    assert after.default_payment_method == confirmed.payment_method
