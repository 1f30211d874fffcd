"""Plain helpers shared by the test modules (fixtures live in conftest.py)."""

import http.client
import re
import time
import urllib.parse

import stripe

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

RAW_TIMEOUT = 10  # seconds; every raw request must be answered well within this

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


def make_client(key, base_url):
    """The official client, unchanged except for the API base address."""
    return stripe.StripeClient(key, base_addresses={"api": base_url})


class Raw:
    """A minimal HTTP client that sends exactly the bytes it is given."""

    def __init__(self, base_url, key):
        parsed = urllib.parse.urlsplit(base_url)
        assert parsed.scheme == "http", base_url
        self.host = parsed.hostname
        self.port = parsed.port or 80
        self.key = key

    def send(self, method, path, body=None, headers=None, auth=True):
        hdrs = {}
        if auth:
            hdrs["Authorization"] = f"Bearer {self.key}"
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=RAW_TIMEOUT)
        try:
            try:
                conn.request(method, path, body=body, headers=hdrs)
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer (e.g. 413) before reading the whole body;
                # the response must still be readable.
                pass
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()
