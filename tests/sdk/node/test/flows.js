// Helpers for the payment-flow tests: ConfirmationTokens made the way Stripe.js makes them
// (raw POST with the publishable key), the hosted 3D Secure page, and a webhook receiver.
import assert from 'node:assert/strict';
import http from 'node:http';

import {BASE_URL, PUBLISHABLE_KEY} from './helpers.js';

export const RETURN_URL = 'https://shop.example/order/123/complete';

// §8.2 of the wire digest: number, test PaymentMethod id, and the exact
// code / decline_code / param / advice_code (and message) of the 402 card_error.
export const DECLINES = [
  {name: 'generic', number: '4000000000000002', pm: 'pm_card_visa_chargeDeclined', code: 'card_declined', decline: 'generic_decline', param: undefined, advice: 'try_again_later', message: 'Your card was declined.'},
  {name: 'insufficient_funds', number: '4000000000009995', pm: 'pm_card_visa_chargeDeclinedInsufficientFunds', code: 'card_declined', decline: 'insufficient_funds', param: undefined, advice: 'try_again_later', message: 'Your card has insufficient funds.'},
  {name: 'lost_card', number: '4000000000009987', pm: 'pm_card_visa_chargeDeclinedLostCard', code: 'card_declined', decline: 'lost_card', param: undefined, advice: 'do_not_try_again', message: 'Your card was declined.'},
  {name: 'stolen_card', number: '4000000000009979', pm: 'pm_card_visa_chargeDeclinedStolenCard', code: 'card_declined', decline: 'stolen_card', param: undefined, advice: 'do_not_try_again', message: 'Your card was declined.'},
  {name: 'expired_card', number: '4000000000000069', pm: 'pm_card_chargeDeclinedExpiredCard', code: 'expired_card', decline: 'expired_card', param: 'exp_month', advice: 'confirm_card_data', message: 'Your card has expired.'},
  {name: 'incorrect_cvc', number: '4000000000000127', pm: 'pm_card_chargeDeclinedIncorrectCvc', code: 'incorrect_cvc', decline: 'incorrect_cvc', param: 'cvc', advice: 'confirm_card_data', message: "Your card's security code is incorrect."},
  {name: 'processing_error', number: '4000000000000119', pm: 'pm_card_chargeDeclinedProcessingError', code: 'processing_error', decline: 'processing_error', param: undefined, advice: 'try_again_later', message: 'An error occurred while processing your card. Try again in a little bit.'},
];

export const VELOCITY = {number: '4000000000006975', pm: 'pm_card_visa_chargeDeclinedVelocityLimitExceeded'};

/**
 * A ConfirmationToken created as Stripe.js does: POST /v1/confirmation_tokens with the card and
 * `key=pk_…` in the form body, no Authorization header. `extra` adds form fields. Returns the JSON.
 */
export async function createCtoken(number = '4242424242424242', extra = {}) {
  const form = new URLSearchParams({
    'payment_method_data[type]': 'card',
    'payment_method_data[card][number]': number,
    'payment_method_data[card][exp_month]': '12',
    'payment_method_data[card][exp_year]': '2034',
    'payment_method_data[card][cvc]': '123',
    ...extra,
    key: PUBLISHABLE_KEY,
  });
  const res = await fetch(`${BASE_URL}/v1/confirmation_tokens`, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: form.toString(),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.match(body.id, /^ctoken_/);
  return body;
}

/** The hosted authentication page of an intent in `requires_action`. */
export function nextActionUrl(intent) {
  const action = intent.next_action;
  if (action.type === 'redirect_to_url') return action.redirect_to_url.url;
  assert.equal(action.type, 'use_stripe_sdk');
  return action.use_stripe_sdk.stripe_js;
}

/**
 * Answers the hosted 3D Secure page at `url` with `result` (`complete` or `fail`) like its buttons:
 * POST `<page path>/complete` with the page's query and `result`. Redirects are not followed.
 */
export async function answer3ds(url, result) {
  assert.ok(['complete', 'fail'].includes(result));
  const [path, query] = url.split('?');
  assert.ok(query && query.includes('client_secret='), url);
  const res = await fetch(`${path}/complete`, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: `${query}&result=${result}`,
    redirect: 'manual',
  });
  const text = await res.text();
  return {status: res.status, location: res.headers.get('location'), text};
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `fn` until it returns something truthy (or `timeoutMs` passes); returns its last value. */
export async function waitFor(fn, timeoutMs = 20000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let value = await fn();
  while (!value && Date.now() < deadline) {
    await sleep(intervalMs);
    value = await fn();
  }
  return value;
}

/**
 * A webhook receiver on a free local port: records every POST (headers, raw body string) and
 * answers with the next status of `statuses`, then 200.
 */
export async function startReceiver(statuses = []) {
  const script = [...statuses];
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({headers: req.headers, body: Buffer.concat(chunks).toString('utf8')});
      res.writeHead(script.length ? script.shift() : 200, {'content-type': 'text/plain'});
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address();
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    requests,
    /** Requests whose event is about `objectId`, with the parsed event. */
    eventsFor(objectId) {
      return requests
        .map((r) => ({...r, event: JSON.parse(r.body)}))
        .filter((r) => r.event?.data?.object?.id === objectId);
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
