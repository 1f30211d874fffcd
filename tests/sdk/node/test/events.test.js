// Events through stripe-node: what a payment records, list filters (`type` with a wildcard,
// `types[]`), retrieve, and `request` naming the API call (id, idempotency key).
import assert from 'node:assert/strict';
import {randomUUID} from 'node:crypto';
import {describe, test} from 'node:test';

import {RETURN_URL, answer3ds} from './flows.js';
import {Stripe, expectError, stripe} from './helpers.js';

const {StripeCardError, StripeInvalidRequestError} = Stripe.errors;
const CARD_ONLY = {payment_method_types: ['card']};
const now = () => Math.floor(Date.now() / 1000);

/** Every event created at or after `since` matching `params`, newest first. */
function eventsSince(since, params = {}) {
  return stripe.events.list({created: {gte: since}, limit: 100, ...params}).autoPagingToArray({limit: 10000});
}

/** Events whose object is `id`, or a charge/refund of that payment intent. */
function about(events, id) {
  return events.filter((e) => e.data.object.id === id || e.data.object.payment_intent === id);
}

function pay(options = {}) {
  return stripe.paymentIntents.create(
    {amount: 2000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', ...CARD_ONLY},
    options,
  );
}

describe('events', () => {
  test('payment_intent.succeeded names the intent and the request, with our idempotency key', async () => {
    const since = now() - 1;
    const key = `node-events-${randomUUID()}`;
    const pi = await pay({idempotencyKey: key});
    assert.equal(pi.status, 'succeeded');
    const found = about(await eventsSince(since, {type: 'payment_intent.succeeded'}), pi.id);
    assert.equal(found.length, 1);
    const event = found[0];
    assert.match(event.id, /^evt_/);
    assert.equal(event.object, 'event');
    assert.equal(event.type, 'payment_intent.succeeded');
    assert.equal(event.livemode, false);
    assert.equal(typeof event.api_version, 'string');
    assert.equal(typeof event.pending_webhooks, 'number');
    assert.equal(event.data.object.object, 'payment_intent');
    assert.equal(event.data.object.id, pi.id);
    assert.equal(event.data.object.status, 'succeeded');
    assert.equal(event.data.object.amount_received, 2000);
    assert.equal(event.request.id, pi.lastResponse.requestId);
    assert.equal(event.request.idempotency_key, key);
    const fetched = await stripe.events.retrieve(event.id);
    assert.equal(fetched.id, event.id);
    assert.equal(fetched.type, 'payment_intent.succeeded');
    assert.equal(fetched.data.object.id, pi.id);
    assert.equal(fetched.request.idempotency_key, key);
  });

  test('request.idempotency_key is the key stripe-node generated', async () => {
    const since = now() - 1;
    const pi = await pay();
    const sent = pi.lastResponse.idempotencyKey;
    assert.ok(sent, 'stripe-node keys every POST');
    const events = about(await eventsSince(since, {type: 'payment_intent.*'}), pi.id);
    assert.deepEqual(events.map((e) => e.type).sort(), ['payment_intent.created', 'payment_intent.succeeded']);
    for (const event of events) {
      assert.equal(event.request.id, pi.lastResponse.requestId);
      assert.equal(event.request.idempotency_key, sent);
    }
  });

  test('a payment records payment_intent.created, charge.succeeded, payment_intent.succeeded', async () => {
    const since = now() - 1;
    const pi = await pay();
    const events = about(await eventsSince(since), pi.id);
    assert.deepEqual(events.map((e) => e.type).sort(), ['charge.succeeded', 'payment_intent.created', 'payment_intent.succeeded']);
    const charge = events.find((e) => e.type === 'charge.succeeded');
    assert.equal(charge.data.object.id, pi.latest_charge);
    assert.equal(charge.data.object.payment_intent, pi.id);
  });

  test('type with a wildcard', async () => {
    const since = now() - 1;
    const pi = await pay();
    const events = await eventsSince(since, {type: 'payment_intent.*'});
    assert.ok(events.length > 0);
    assert.ok(events.every((e) => e.type.startsWith('payment_intent.')), events.map((e) => e.type).join());
    assert.deepEqual(about(events, pi.id).map((e) => e.type).sort(), ['payment_intent.created', 'payment_intent.succeeded']);
  });

  test('types[]', async () => {
    const since = now() - 1;
    const pi = await pay();
    const events = await eventsSince(since, {types: ['payment_intent.created', 'charge.succeeded']});
    assert.ok(events.every((e) => ['payment_intent.created', 'charge.succeeded'].includes(e.type)));
    assert.deepEqual(about(events, pi.id).map((e) => e.type).sort(), ['charge.succeeded', 'payment_intent.created']);
  });

  test('a decline records charge.failed and payment_intent.payment_failed', async () => {
    const since = now() - 1;
    const err = await expectError(
      stripe.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        confirm: true,
        payment_method: 'pm_card_visa_chargeDeclinedInsufficientFunds',
        ...CARD_ONLY,
      }),
      StripeCardError,
    );
    const events = about(await eventsSince(since), err.payment_intent.id);
    assert.deepEqual(events.map((e) => e.type).sort(), ['charge.failed', 'payment_intent.created', 'payment_intent.payment_failed']);
    const failed = events.find((e) => e.type === 'payment_intent.payment_failed');
    assert.equal(failed.data.object.last_payment_error.decline_code, 'insufficient_funds');
  });

  test('3D Secure records requires_action, then succeeded', async () => {
    const since = now() - 1;
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      confirm: true,
      payment_method: 'pm_card_threeDSecure2Required',
      return_url: RETURN_URL,
    });
    await answer3ds(pi.next_action.redirect_to_url.url, 'complete');
    const events = about(await eventsSince(since, {type: 'payment_intent.*'}), pi.id);
    assert.deepEqual(events.map((e) => e.type).sort(), [
      'payment_intent.created',
      'payment_intent.requires_action',
      'payment_intent.succeeded',
    ]);
  });

  test('manual capture and refund events', async () => {
    const since = now() - 1;
    const pi = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      confirm: true,
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      ...CARD_ONLY,
    });
    await stripe.paymentIntents.capture(pi.id);
    const refund = await stripe.refunds.create({payment_intent: pi.id, amount: 1000});
    const events = about(await eventsSince(since), pi.id);
    const types = events.map((e) => e.type);
    for (const expected of [
      'payment_intent.created',
      'payment_intent.amount_capturable_updated',
      'charge.succeeded',
      'charge.captured',
      'payment_intent.succeeded',
      'charge.refunded',
      'refund.created',
    ]) {
      assert.equal(types.filter((t) => t === expected).length, 1, `${expected} in ${types}`);
    }
    assert.equal(events.find((e) => e.type === 'refund.created').data.object.id, refund.id);
  });

  test('cancel records payment_intent.canceled', async () => {
    const since = now() - 1;
    const pi = await stripe.paymentIntents.create({amount: 1000, currency: 'usd'});
    await stripe.paymentIntents.cancel(pi.id, {cancellation_reason: 'duplicate'});
    const events = about(await eventsSince(since, {type: 'payment_intent.canceled'}), pi.id);
    assert.equal(events.length, 1);
    assert.equal(events[0].data.object.cancellation_reason, 'duplicate');
  });

  test('pages, and an unknown event', async () => {
    await pay();
    const page = await stripe.events.list({limit: 1});
    assert.equal(page.object, 'list');
    assert.equal(page.url, '/v1/events');
    assert.equal(page.data.length, 1);
    assert.equal(page.has_more, true);
    await expectError(stripe.events.retrieve('evt_doesnotexist0000000000'), StripeInvalidRequestError, {
      statusCode: 404,
      code: 'resource_missing',
    });
  });
});
