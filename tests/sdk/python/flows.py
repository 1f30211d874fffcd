"""Helpers for the payment-flow modules: ConfirmationTokens made the way Stripe.js makes
them (raw POST with the publishable key), the hosted 3D Secure page, and a tiny webhook
receiver. Plain functions and classes; fixtures stay in conftest.py."""

import http.client
import http.server
import json
import threading
import time
import urllib.parse

RETURN_URL = "https://shop.example/order/123/complete"

# §8.2 of the wire digest: card number, test PaymentMethod id, and the exact
# code / decline_code / param / advice_code of the 402 card_error.
DECLINES = [
    # id, number, pm id, code, decline_code, param, advice_code, message
    ("generic", "4000000000000002", "pm_card_visa_chargeDeclined",
     "card_declined", "generic_decline", None, "try_again_later", "Your card was declined."),
    ("insufficient_funds", "4000000000009995", "pm_card_visa_chargeDeclinedInsufficientFunds",
     "card_declined", "insufficient_funds", None, "try_again_later",
     "Your card has insufficient funds."),
    ("lost_card", "4000000000009987", "pm_card_visa_chargeDeclinedLostCard",
     "card_declined", "lost_card", None, "do_not_try_again", "Your card was declined."),
    ("stolen_card", "4000000000009979", "pm_card_visa_chargeDeclinedStolenCard",
     "card_declined", "stolen_card", None, "do_not_try_again", "Your card was declined."),
    ("expired_card", "4000000000000069", "pm_card_chargeDeclinedExpiredCard",
     "expired_card", "expired_card", "exp_month", "confirm_card_data", "Your card has expired."),
    ("incorrect_cvc", "4000000000000127", "pm_card_chargeDeclinedIncorrectCvc",
     "incorrect_cvc", "incorrect_cvc", "cvc", "confirm_card_data",
     "Your card's security code is incorrect."),
    ("processing_error", "4000000000000119", "pm_card_chargeDeclinedProcessingError",
     "processing_error", "processing_error", None, "try_again_later",
     "An error occurred while processing your card. Try again in a little bit."),
]
DECLINE_IDS = [d[0] for d in DECLINES]

# Exceeding velocity limit: code and decline code only (no advice code documented).
VELOCITY = ("4000000000006975", "pm_card_visa_chargeDeclinedVelocityLimitExceeded")


def _conn(url):
    parts = urllib.parse.urlsplit(url)
    assert parts.scheme == "http", url
    return parts, http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=10)


def post_form(url, fields):
    """POSTs an urlencoded form (a dict or list of pairs, or a ready string) to an absolute
    URL without following redirects. Returns (status, lower-case headers, body text)."""
    body = fields if isinstance(fields, str) else urllib.parse.urlencode(fields)
    parts, conn = _conn(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        data = resp.read().decode("utf-8", "replace")
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def get(url):
    parts, conn = _conn(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def create_ctoken(base_url, publishable_key, number, **extra):
    """A ConfirmationToken created as Stripe.js does: POST /v1/confirmation_tokens with the
    card details and `key=pk_…` in the body (no Authorization header). Returns the JSON."""
    fields = [
        ("payment_method_data[type]", "card"),
        ("payment_method_data[card][number]", number),
        ("payment_method_data[card][exp_month]", "12"),
        ("payment_method_data[card][exp_year]", "2034"),
        ("payment_method_data[card][cvc]", "123"),
    ]
    for name, value in extra.items():
        fields.append((name, value))
    fields.append(("key", publishable_key))
    status, _, body = post_form(f"{base_url}/v1/confirmation_tokens", fields)
    assert status == 200, (status, body)
    token = json.loads(body)
    assert token["id"].startswith("ctoken_"), token
    return token


def next_action_url(intent):
    """The hosted authentication page of a PaymentIntent/SetupIntent in `requires_action`."""
    action = intent["next_action"]
    if action["type"] == "redirect_to_url":
        return action["redirect_to_url"]["url"]
    assert action["type"] == "use_stripe_sdk", action
    return action["use_stripe_sdk"]["stripe_js"]


def answer_3ds(url, result):
    """Answers the hosted 3D Secure page at `url` (`complete` or `fail`) like its buttons do:
    POST `<page path>/complete` with the page's query (`client_secret=…`) and `result`."""
    assert result in ("complete", "fail")
    path, _, query = url.partition("?")
    assert "client_secret=" in query, url
    return post_form(f"{path}/complete", f"{query}&result={result}")


def wait_for(predicate, timeout=20.0, interval=0.1):
    """Polls `predicate()` until it returns something truthy, or returns its last value."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value


class WebhookReceiver:
    """An HTTP server on a free local port that records every POST (headers, raw body) and
    answers each with the next status of `statuses`, then 200."""

    def __init__(self, statuses=()):
        self.requests = []
        self._statuses = list(statuses)
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.requests.append(
                        ({k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    status = receiver._statuses.pop(0) if receiver._statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhook"

    def received(self):
        with self._lock:
            return list(self.requests)

    def events_for(self, object_id):
        """(headers, raw body, parsed event) of each request about `object_id`."""
        out = []
        for headers, body in self.received():
            event = json.loads(body)
            if event.get("data", {}).get("object", {}).get("id") == object_id:
                out.append((headers, body, event))
        return out

    def close(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
