"""Events through stripe-python: what a payment records, list filters (`type` with a
wildcard, `types[]`), retrieve, and `request` naming the API call (id, idempotency key)."""

import time
import uuid

import pytest
import stripe

from flows import RETURN_URL, answer_3ds

CARD_ONLY = {"payment_method_types": ["card"]}


def _events(client, since, **params):
    """Every event created at or after `since` matching `params`, newest first."""
    query = {"created": {"gte": since}, "limit": 100, **params}
    return list(client.v1.events.list(params=query).auto_paging_iter())


def _about(events, object_id):
    """Events whose object is `object_id`, or a charge/refund of that payment intent."""
    out = []
    for event in events:
        obj = event.data.object.to_dict()
        if obj.get("id") == object_id or obj.get("payment_intent") == object_id:
            out.append(event)
    return out


def _pay(client, **options):
    return client.v1.payment_intents.create(
        params={
            "amount": 2000,
            "currency": "usd",
            "confirm": True,
            "payment_method": "pm_card_visa",
            **CARD_ONLY,
        },
        options=options,
    )


def test_payment_intent_succeeded_event(client):
    since = int(time.time()) - 1
    key = f"py-events-{uuid.uuid4()}"
    pi = _pay(client, idempotency_key=key)
    assert pi.status == "succeeded"
    found = _about(_events(client, since, type="payment_intent.succeeded"), pi.id)
    assert len(found) == 1
    event = found[0]
    assert isinstance(event, stripe.Event)
    assert event.id.startswith("evt_")
    assert event.object == "event"
    assert event.type == "payment_intent.succeeded"
    assert event.livemode is False
    assert isinstance(event.api_version, str) and event.api_version
    assert isinstance(event.pending_webhooks, int)
    assert since <= event.created <= int(time.time()) + 1
    assert event.data.object.object == "payment_intent"
    assert event.data.object.id == pi.id
    assert event.data.object.status == "succeeded"
    assert event.data.object.amount_received == 2000
    assert event.request.id == pi.last_response.request_id
    assert event.request.idempotency_key == key

    fetched = client.v1.events.retrieve(event.id)
    assert fetched.id == event.id
    assert fetched.type == "payment_intent.succeeded"
    assert fetched.data.object.id == pi.id
    assert fetched.request.idempotency_key == key


def test_request_idempotency_key_is_the_one_the_sdk_sent(client):
    since = int(time.time()) - 1
    pi = _pay(client)  # stripe-python adds its own Idempotency-Key to every POST
    sent = pi.last_response.idempotency_key
    assert sent
    events = _about(_events(client, since, type="payment_intent.*"), pi.id)
    assert {e.type for e in events} == {"payment_intent.created", "payment_intent.succeeded"}
    for event in events:
        assert event.request.id == pi.last_response.request_id
        assert event.request.idempotency_key == sent


def test_a_payment_records_created_charge_and_succeeded(client):
    since = int(time.time()) - 1
    pi = _pay(client)
    events = _about(_events(client, since), pi.id)
    types = sorted(e.type for e in events)
    assert types == ["charge.succeeded", "payment_intent.created", "payment_intent.succeeded"]
    charge_event = next(e for e in events if e.type == "charge.succeeded")
    assert charge_event.data.object.object == "charge"
    assert charge_event.data.object.id == pi.latest_charge
    assert charge_event.data.object.payment_intent == pi.id


def test_type_wildcard_filter(client):
    since = int(time.time()) - 1
    pi = _pay(client)
    events = _events(client, since, type="payment_intent.*")
    assert events, "no payment_intent.* events"
    assert all(e.type.startswith("payment_intent.") for e in events)
    assert {e.type for e in _about(events, pi.id)} == {
        "payment_intent.created",
        "payment_intent.succeeded",
    }


def test_types_filter(client):
    since = int(time.time()) - 1
    pi = _pay(client)
    events = _events(client, since, types=["payment_intent.created", "charge.succeeded"])
    assert all(e.type in ("payment_intent.created", "charge.succeeded") for e in events)
    assert sorted(e.type for e in _about(events, pi.id)) == [
        "charge.succeeded",
        "payment_intent.created",
    ]


def test_decline_records_payment_failed(client):
    since = int(time.time()) - 1
    with pytest.raises(stripe.CardError) as exc:
        client.v1.payment_intents.create(
            params={
                "amount": 2000,
                "currency": "usd",
                "confirm": True,
                "payment_method": "pm_card_visa_chargeDeclinedInsufficientFunds",
                **CARD_ONLY,
            }
        )
    pi_id = exc.value.error.payment_intent.id
    events = _about(_events(client, since), pi_id)
    assert sorted(e.type for e in events) == [
        "charge.failed",
        "payment_intent.created",
        "payment_intent.payment_failed",
    ]
    failed = next(e for e in events if e.type == "payment_intent.payment_failed")
    assert failed.data.object.status == "requires_payment_method"
    assert failed.data.object.last_payment_error.decline_code == "insufficient_funds"


def test_three_d_secure_records_requires_action_then_succeeded(client):
    since = int(time.time()) - 1
    pi = client.v1.payment_intents.create(
        params={
            "amount": 2000,
            "currency": "usd",
            "confirm": True,
            "payment_method": "pm_card_threeDSecure2Required",
            "return_url": RETURN_URL,
        }
    )
    assert pi.status == "requires_action"
    answer_3ds(pi.next_action.redirect_to_url.url, "complete")
    events = _about(_events(client, since, type="payment_intent.*"), pi.id)
    assert sorted(e.type for e in events) == [
        "payment_intent.created",
        "payment_intent.requires_action",
        "payment_intent.succeeded",
    ]
    waiting = next(e for e in events if e.type == "payment_intent.requires_action")
    assert waiting.data.object.status == "requires_action"
    assert waiting.data.object.next_action.type == "redirect_to_url"


def test_manual_capture_and_refund_events(client):
    since = int(time.time()) - 1
    pi = client.v1.payment_intents.create(
        params={
            "amount": 3000,
            "currency": "usd",
            "confirm": True,
            "capture_method": "manual",
            "payment_method": "pm_card_visa",
            **CARD_ONLY,
        }
    )
    client.v1.payment_intents.capture(pi.id)
    refund = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1000})
    events = _about(_events(client, since), pi.id)
    types = [e.type for e in events]
    for expected in (
        "payment_intent.created",
        "payment_intent.amount_capturable_updated",
        "charge.succeeded",
        "charge.captured",
        "payment_intent.succeeded",
        "charge.refunded",
        "refund.created",
    ):
        assert types.count(expected) == 1, (expected, types)
    capturable = next(e for e in events if e.type == "payment_intent.amount_capturable_updated")
    assert capturable.data.object.amount_capturable == 3000
    created = next(e for e in events if e.type == "refund.created")
    assert created.data.object.id == refund.id
    assert created.data.object.amount == 1000


def test_cancel_records_canceled(client):
    since = int(time.time()) - 1
    pi = client.v1.payment_intents.create(params={"amount": 1000, "currency": "usd"})
    client.v1.payment_intents.cancel(pi.id, params={"cancellation_reason": "duplicate"})
    events = _about(_events(client, since, type="payment_intent.canceled"), pi.id)
    assert len(events) == 1
    assert events[0].data.object.status == "canceled"
    assert events[0].data.object.cancellation_reason == "duplicate"


def test_list_pages_and_missing_event(client):
    _pay(client)
    page = client.v1.events.list(params={"limit": 1})
    assert page.object == "list"
    assert page.url == "/v1/events"
    assert len(page.data) == 1
    assert page.has_more is True
    nxt = client.v1.events.list(params={"limit": 1, "starting_after": page.data[0].id})
    assert nxt.data[0].id != page.data[0].id
    assert nxt.data[0].created <= page.data[0].created
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.events.retrieve("evt_doesnotexist0000000000")
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"
