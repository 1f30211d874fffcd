"""Shared fixtures for the stripe-python conformance suite.

The suite talks to a running Tender server through the unmodified official SDK;
only the base address changes. Configuration comes from the environment:

  TENDER_BASE_URL          e.g. http://127.0.0.1:12111 (required)
  TENDER_SECRET_KEY        secret key of the default account (required)
  TENDER_PUBLISHABLE_KEY   publishable key of the same account (required)
  TENDER_SECRET_KEY_2      secret key of a second account (isolation tests;
                           those tests are skipped when it is not set)
"""

import os
import uuid

import pytest

from helpers import CARD_VISA, Raw, make_client


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.exit(
            f"{name} is not set; run through scripts/test or export it "
            "(see tests/sdk/python/conftest.py)",
            returncode=2,
        )
    return value


@pytest.fixture(scope="session")
def base_url():
    return _env("TENDER_BASE_URL").rstrip("/")


@pytest.fixture(scope="session")
def secret_key():
    return _env("TENDER_SECRET_KEY")


@pytest.fixture(scope="session")
def publishable_key():
    return _env("TENDER_PUBLISHABLE_KEY")


@pytest.fixture(scope="session")
def client(secret_key, base_url):
    """StripeClient authenticated with the default account's secret key."""
    return make_client(secret_key, base_url)


@pytest.fixture(scope="session")
def pk_client(publishable_key, base_url):
    """StripeClient authenticated with the default account's publishable key."""
    return make_client(publishable_key, base_url)


@pytest.fixture(scope="session")
def client2(base_url):
    """StripeClient for a second, unrelated account."""
    key = os.environ.get("TENDER_SECRET_KEY_2")
    if not key:
        pytest.skip("TENDER_SECRET_KEY_2 not set (second account for isolation tests)")
    return make_client(key, base_url)


@pytest.fixture
def unique_email():
    """A fresh, lower-case e-mail address, so list filters see only this test's rows."""
    return f"py-{uuid.uuid4().hex[:16]}@example.com"


@pytest.fixture
def customer(client, unique_email):
    return client.v1.customers.create(
        params={"email": unique_email, "name": "Fixture Customer"}
    )


@pytest.fixture
def visa_pm(pk_client):
    """A card PaymentMethod created the way Stripe.js does it: with the publishable key."""
    return pk_client.v1.payment_methods.create(
        params={"type": "card", "card": dict(CARD_VISA)}
    )


@pytest.fixture(scope="session")
def raw(base_url, secret_key):
    """Raw HTTP (no SDK), authenticated with the secret key unless told otherwise."""
    return Raw(base_url, secret_key)
