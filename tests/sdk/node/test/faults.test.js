// Fault injection (Tender only) through stripe-node's own retries: a confirm whose answer is
// lost after its charge was made is retried by the SDK (maxNetworkRetries) with the same
// idempotency key, gets the saved answer, and only one charge exists.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {BASE_URL, SECRET_KEY, Stripe} from './helpers.js';

const base = new URL(BASE_URL);
const retrying = new Stripe(SECRET_KEY, {
  host: base.hostname,
  port: base.port || '80',
  protocol: base.protocol.replace(':', ''),
  maxNetworkRetries: 2,
});

async function tender(method, path, form) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${SECRET_KEY}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body;
}

describe('faults', () => {
  for (const kind of ['connection_reset', 'api_error']) {
    test(`a confirm struck (${kind}) after its charge is retried into the saved answer`, async () => {
      const pi = await retrying.paymentIntents.create({
        amount: 1500,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        payment_method_types: ['card'],
      });
      const fault = await tender('POST', '/v1/test_helpers/faults', {
        'match[method]': 'POST',
        'match[path]': `/v1/payment_intents/${pi.id}/confirm`,
        kind,
        phase: 'after',
      });
      try {
        const confirmed = await retrying.paymentIntents.confirm(pi.id);
        assert.equal(confirmed.status, 'succeeded');
        assert.equal(confirmed.lastResponse.headers['idempotent-replayed'], 'true');
        const charges = await retrying.charges.list({payment_intent: pi.id});
        assert.deepEqual(
          charges.data.map((c) => c.id),
          [confirmed.latest_charge],
        );
        const seen = await tender('GET', `/v1/test_helpers/faults/${fault.id}`);
        assert.equal(seen.triggered, 1);
      } finally {
        await tender('DELETE', `/v1/test_helpers/faults/${fault.id}`);
      }
    });
  }
});
