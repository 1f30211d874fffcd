"""CustomerSessions through stripe-python: the object and the errors."""

import re

import pytest
import stripe

from helpers import assert_recent


def _customer(client, unique_email):
    return client.v1.customers.create(params={"email": unique_email})


def test_create_with_the_payment_element(client, unique_email):
    cus = _customer(client, unique_email)
    session = client.v1.customer_sessions.create(
        params={
            "customer": cus.id,
            "components": {
                "payment_element": {
                    "enabled": True,
                    "features": {
                        "payment_method_redisplay": "enabled",
                        "payment_method_save": "enabled",
                        "payment_method_remove": "disabled",
                        "payment_method_allow_redisplay_filters": ["always", "unspecified"],
                    },
                },
                "buy_button": {"enabled": True},
            },
        }
    )
    assert isinstance(session, stripe.CustomerSession)
    assert session.object == "customer_session"
    assert re.match(r"^cuss_secret_[A-Za-z0-9]{40}$", session.client_secret)
    assert session.customer == cus.id
    assert session.livemode is False
    assert_recent(session.created)
    assert session.expires_at == session.created + 1800
    element = session.components.payment_element
    assert element.enabled is True
    assert element.features.payment_method_redisplay == "enabled"
    assert element.features.payment_method_save == "enabled"
    assert element.features.payment_method_remove == "disabled"
    assert element.features.payment_method_redisplay_limit == 3
    assert element.features.payment_method_save_usage is None
    assert element.features.payment_method_allow_redisplay_filters == ["always", "unspecified"]
    assert session.components.buy_button.enabled is True
    assert session.components.pricing_table.enabled is False


def test_errors(client, unique_email):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customer_sessions.create(
            params={"customer": "cus_nope", "components": {"payment_element": {"enabled": True}}}
        )
    assert exc.value.http_status == 400
    assert exc.value.code == "resource_missing"
    assert exc.value.param == "customer"
    cus = _customer(client, unique_email)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customer_sessions.create(
            params={"customer": cus.id, "components": {"pricing_table": {"enabled": False}}}
        )
    assert exc.value.http_status == 400
    assert exc.value.param == "components"
