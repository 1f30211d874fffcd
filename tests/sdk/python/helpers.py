"""Plain helpers shared by the test modules (fixtures live in conftest.py)."""

import re
import time

CARD_VISA = {
    "number": "4242424242424242",
    "exp_month": 12,
    "exp_year": 2034,
    "cvc": "123",
}
CARD_MASTERCARD = {
    "number": "5555555555554444",
    "exp_month": 8,
    "exp_year": 2035,
    "cvc": "314",
}

# Stripe ids: prefix + base62, no further '_' (client SDKs split client secrets on '_').
CUSTOMER_ID = re.compile(r"^cus_[A-Za-z0-9]+$")
PAYMENT_METHOD_ID = re.compile(r"^pm_[A-Za-z0-9]+$")
REQUEST_ID = re.compile(r"^req_[A-Za-z0-9]+$")


def assert_recent(created, slack=300):
    """`created` is Unix seconds (an int), close to now."""
    assert isinstance(created, int) and not isinstance(created, bool), created
    assert abs(created - int(time.time())) <= slack, created


def header(obj, name):
    """A response header of the request that produced a StripeObject (case-insensitive)."""
    headers = obj.last_response.headers
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None
