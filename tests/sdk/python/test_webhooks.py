"""Webhook endpoints through stripe-python, and deliveries checked by the official
verifier (`stripe.Webhook.construct_event`) on a local HTTP receiver."""

import os
import time

import pytest
import stripe

from flows import WebhookReceiver, wait_for
from helpers import assert_recent

CARD_ONLY = {"payment_method_types": ["card"]}
DELIVERY_TIMEOUT = 20  # seconds; the default dispatcher polls every second


def _pay(client, amount=2000):
    pi = client.v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": "usd",
            "confirm": True,
            "payment_method": "pm_card_visa",
            **CARD_ONLY,
        }
    )
    assert pi.status == "succeeded"
    return pi


@pytest.fixture
def endpoint_for(client):
    """Factory: a webhook endpoint for `url` and `events`, deleted after the test."""
    made = []

    def make(url, events):
        endpoint = client.v1.webhook_endpoints.create(
            params={"url": url, "enabled_events": list(events)}
        )
        made.append(endpoint.id)
        return endpoint

    yield make
    for endpoint_id in made:
        try:
            client.v1.webhook_endpoints.delete(endpoint_id)
        except stripe.InvalidRequestError:
            pass


def test_endpoint_crud_secret_only_on_create(client):
    created = client.v1.webhook_endpoints.create(
        params={
            "url": "https://shop.example/stripe/webhook",
            "enabled_events": ["payment_intent.succeeded", "charge.refunded"],
            "description": "Orders",
            "metadata": {"env": "test"},
        }
    )
    try:
        assert isinstance(created, stripe.WebhookEndpoint)
        assert created.id.startswith("we_")
        assert created.object == "webhook_endpoint"
        assert created.url == "https://shop.example/stripe/webhook"
        assert created.enabled_events == ["payment_intent.succeeded", "charge.refunded"]
        assert created.description == "Orders"
        assert created.metadata.to_dict() == {"env": "test"}
        assert created.status == "enabled"
        assert created.livemode is False
        assert_recent(created.created)
        assert created.secret.startswith("whsec_")

        fetched = client.v1.webhook_endpoints.retrieve(created.id)
        assert fetched.id == created.id
        assert fetched.url == created.url
        assert "secret" not in fetched.to_dict()
        listed = list(client.v1.webhook_endpoints.list(params={"limit": 100}).auto_paging_iter())
        mine = [e for e in listed if e.id == created.id]
        assert len(mine) == 1
        assert all("secret" not in e.to_dict() for e in listed)

        updated = client.v1.webhook_endpoints.update(
            created.id,
            params={
                "url": "https://shop.example/stripe/webhook2",
                "enabled_events": ["*"],
                "disabled": True,
            },
        )
        assert updated.url == "https://shop.example/stripe/webhook2"
        assert updated.enabled_events == ["*"]
        assert updated.status == "disabled"
        assert "secret" not in updated.to_dict()
        enabled = client.v1.webhook_endpoints.update(created.id, params={"disabled": False})
        assert enabled.status == "enabled"
    finally:
        deleted = client.v1.webhook_endpoints.delete(created.id)
    assert deleted.id == created.id
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.webhook_endpoints.retrieve(created.id)
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"


def test_endpoint_needs_a_valid_url(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.webhook_endpoints.create(
            params={"url": "not a url", "enabled_events": ["*"]}
        )
    assert exc.value.http_status == 400
    assert exc.value.param == "url"


def test_delivery_verified_by_construct_event(client, endpoint_for):
    with WebhookReceiver() as receiver:
        endpoint = endpoint_for(receiver.url, ["payment_intent.succeeded"])
        pi = _pay(client)
        got = wait_for(lambda: receiver.events_for(pi.id), timeout=DELIVERY_TIMEOUT)
        assert got, "payment_intent.succeeded was not delivered"
        headers, body, _ = got[0]

        assert headers["content-type"].startswith("application/json")
        signature = headers["stripe-signature"]
        parts = dict(p.split("=", 1) for p in signature.split(",") if p.startswith("t="))
        assert abs(int(parts["t"]) - int(time.time())) <= 60
        assert "v1=" in signature

        event = stripe.Webhook.construct_event(body, signature, endpoint.secret)
        assert isinstance(event, stripe.Event)
        assert event.type == "payment_intent.succeeded"
        assert event.data.object.id == pi.id
        assert event.data.object.status == "succeeded"
        # The client's own verifier agrees.
        again = client.construct_event(body, signature, endpoint.secret)
        assert again.id == event.id

        with pytest.raises(stripe.SignatureVerificationError):
            stripe.Webhook.construct_event(body, signature, "whsec_not_the_secret")
        with pytest.raises(stripe.SignatureVerificationError):
            stripe.Webhook.construct_event(body + b" ", signature, endpoint.secret)

        # Only the subscribed type is delivered.
        time.sleep(1.5)
        assert [e["type"] for _, _, e in receiver.events_for(pi.id)] == [
            "payment_intent.succeeded"
        ]
        # The event is the one the API lists, and it no longer waits for this endpoint.
        stored = wait_for(
            lambda: (lambda e: e if e.pending_webhooks == 0 else None)(
                client.v1.events.retrieve(event.id)
            ),
            timeout=DELIVERY_TIMEOUT,
        )
        assert stored, "pending_webhooks did not drop to 0 after a 200"
        assert stored.type == "payment_intent.succeeded"


def test_disabled_endpoint_receives_nothing(client, endpoint_for):
    with WebhookReceiver() as receiver:
        endpoint = endpoint_for(receiver.url, ["payment_intent.succeeded"])
        client.v1.webhook_endpoints.update(endpoint.id, params={"disabled": True})
        pi = _pay(client)
        time.sleep(3)
        assert receiver.events_for(pi.id) == []


@pytest.mark.skipif(
    os.environ.get("TENDER_WEBHOOK_RETRIES") != "fast",
    reason="needs a server started with --webhook-retries fast (TENDER_WEBHOOK_RETRIES=fast); "
    "scripts/test uses the default `stripe` schedule, whose first retry is after ~1 minute",
)
def test_failed_delivery_is_retried(client, endpoint_for):
    with WebhookReceiver(statuses=[500]) as receiver:
        endpoint = endpoint_for(receiver.url, ["payment_intent.succeeded"])
        pi = _pay(client)
        got = wait_for(
            lambda: (lambda g: g if len(g) >= 2 else None)(receiver.events_for(pi.id)),
            timeout=30,
        )
        assert got, f"expected two deliveries, got {len(receiver.events_for(pi.id))}"
        (_, body1, first), (headers2, body2, second) = got[:2]
        assert first["id"] == second["id"]
        event = stripe.Webhook.construct_event(body2, headers2["stripe-signature"], endpoint.secret)
        assert event.data.object.id == pi.id
        time.sleep(2)
        assert len(receiver.events_for(pi.id)) == 2
