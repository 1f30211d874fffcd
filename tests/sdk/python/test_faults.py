"""Fault injection (Tender only) through stripe-python's own retries: a confirm whose answer
is lost after its charge was made is retried by the SDK (`max_network_retries`) with the same
idempotency key, gets the saved answer, and only one charge exists."""

import json
import urllib.parse

import pytest
import stripe


def _arm(raw, **params):
    body = urllib.parse.urlencode(params)
    status, _, data = raw.send("POST", "/v1/test_helpers/faults", body=body)
    assert status == 200, data
    return json.loads(data)


@pytest.mark.parametrize("kind", ["connection_reset", "api_error"])
def test_sdk_retry_after_a_committed_confirm_gets_the_saved_answer(raw, secret_key, base_url, kind):
    client = stripe.StripeClient(
        secret_key, base_addresses={"api": base_url}, max_network_retries=2
    )
    pi = client.v1.payment_intents.create(
        params={
            "amount": 1500,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
        }
    )
    fault = _arm(
        raw,
        **{
            "match[method]": "POST",
            "match[path]": f"/v1/payment_intents/{pi.id}/confirm",
            "kind": kind,
            "phase": "after",
        },
    )
    try:
        confirmed = client.v1.payment_intents.confirm(pi.id)
        assert confirmed.status == "succeeded"
        # The SDK's retry was a replay of the saved answer: one request, one charge.
        assert confirmed.last_response.headers.get("Idempotent-Replayed") == "true"
        charges = client.v1.charges.list(params={"payment_intent": pi.id})
        assert [c.id for c in charges.data] == [confirmed.latest_charge]
        status, _, data = raw.send("GET", f"/v1/test_helpers/faults/{fault['id']}")
        assert status == 200
        assert json.loads(data)["triggered"] == 1
    finally:
        raw.send("DELETE", f"/v1/test_helpers/faults/{fault['id']}")
