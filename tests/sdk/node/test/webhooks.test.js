// Webhook endpoints through stripe-node, and deliveries checked by the official verifier
// (`stripe.webhooks.constructEvent`) on a local http.createServer receiver.
import assert from 'node:assert/strict';
import {after, describe, test} from 'node:test';

import {sleep, startReceiver, waitFor} from './flows.js';
import {Stripe, assertRecent, expectError, stripe} from './helpers.js';

const {StripeInvalidRequestError, StripeSignatureVerificationError} = Stripe.errors;
const CARD_ONLY = {payment_method_types: ['card']};
const DELIVERY_TIMEOUT_MS = 20000; // the default dispatcher polls every second

const made = [];
after(async () => {
  for (const id of made) {
    await stripe.webhookEndpoints.del(id).catch(() => {});
  }
});

async function endpointFor(url, events) {
  const endpoint = await stripe.webhookEndpoints.create({url, enabled_events: events});
  made.push(endpoint.id);
  return endpoint;
}

async function pay() {
  const pi = await stripe.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    confirm: true,
    payment_method: 'pm_card_visa',
    ...CARD_ONLY,
  });
  assert.equal(pi.status, 'succeeded');
  return pi;
}

describe('webhook endpoints', () => {
  test('create, retrieve, list, update, delete; the secret only on create', async () => {
    const created = await stripe.webhookEndpoints.create({
      url: 'https://shop.example/stripe/webhook',
      enabled_events: ['payment_intent.succeeded', 'charge.refunded'],
      description: 'Orders',
      metadata: {env: 'test'},
    });
    try {
      assert.match(created.id, /^we_/);
      assert.equal(created.object, 'webhook_endpoint');
      assert.equal(created.url, 'https://shop.example/stripe/webhook');
      assert.deepEqual(created.enabled_events, ['payment_intent.succeeded', 'charge.refunded']);
      assert.equal(created.description, 'Orders');
      assert.deepEqual(created.metadata, {env: 'test'});
      assert.equal(created.status, 'enabled');
      assert.equal(created.livemode, false);
      assertRecent(created.created);
      assert.match(created.secret, /^whsec_/);

      const fetched = await stripe.webhookEndpoints.retrieve(created.id);
      assert.equal(fetched.id, created.id);
      assert.ok(!('secret' in fetched), 'secret returned on retrieve');
      const all = await stripe.webhookEndpoints.list({limit: 100}).autoPagingToArray({limit: 1000});
      assert.equal(all.filter((e) => e.id === created.id).length, 1);
      assert.ok(all.every((e) => !('secret' in e)), 'secret returned in list');

      const updated = await stripe.webhookEndpoints.update(created.id, {
        url: 'https://shop.example/stripe/webhook2',
        enabled_events: ['*'],
        disabled: true,
      });
      assert.equal(updated.url, 'https://shop.example/stripe/webhook2');
      assert.deepEqual(updated.enabled_events, ['*']);
      assert.equal(updated.status, 'disabled');
      assert.ok(!('secret' in updated));
      assert.equal((await stripe.webhookEndpoints.update(created.id, {disabled: false})).status, 'enabled');
    } finally {
      const deleted = await stripe.webhookEndpoints.del(created.id);
      assert.deepEqual(
        {id: deleted.id, object: deleted.object, deleted: deleted.deleted},
        {id: created.id, object: 'webhook_endpoint', deleted: true},
      );
    }
    await expectError(stripe.webhookEndpoints.retrieve(created.id), StripeInvalidRequestError, {
      statusCode: 404,
      code: 'resource_missing',
    });
  });

  test('an invalid url is refused on url', async () => {
    await expectError(stripe.webhookEndpoints.create({url: 'not a url', enabled_events: ['*']}), StripeInvalidRequestError, {
      statusCode: 400,
      param: 'url',
    });
  });
});

describe('webhook deliveries', () => {
  test('payment_intent.succeeded is delivered and verified by stripe.webhooks.constructEvent', async () => {
    const receiver = await startReceiver();
    try {
      const endpoint = await endpointFor(receiver.url, ['payment_intent.succeeded']);
      const pi = await pay();
      const got = await waitFor(() => receiver.eventsFor(pi.id).length > 0 && receiver.eventsFor(pi.id), DELIVERY_TIMEOUT_MS);
      assert.ok(got, 'payment_intent.succeeded was not delivered');
      const {headers, body} = got[0];
      assert.ok(headers['content-type'].startsWith('application/json'), headers['content-type']);
      const header = headers['stripe-signature'];
      assert.match(header, /(^|,)t=\d+(,|$)/);
      assert.match(header, /(^|,)v1=[0-9a-f]{64}(,|$)/);

      const event = stripe.webhooks.constructEvent(body, header, endpoint.secret);
      assert.equal(event.type, 'payment_intent.succeeded');
      assert.equal(event.data.object.id, pi.id);
      assert.equal(event.data.object.status, 'succeeded');
      const fromBuffer = stripe.webhooks.constructEvent(Buffer.from(body, 'utf8'), header, endpoint.secret);
      assert.equal(fromBuffer.id, event.id);
      const viaAsync = await stripe.webhooks.constructEventAsync(body, header, endpoint.secret);
      assert.equal(viaAsync.id, event.id);

      assert.throws(() => stripe.webhooks.constructEvent(body, header, 'whsec_not_the_secret'), StripeSignatureVerificationError);
      assert.throws(() => stripe.webhooks.constructEvent(`${body} `, header, endpoint.secret), StripeSignatureVerificationError);

      await sleep(1500);
      assert.deepEqual(receiver.eventsFor(pi.id).map((r) => r.event.type), ['payment_intent.succeeded']);
      const stored = await waitFor(async () => {
        const e = await stripe.events.retrieve(event.id);
        return e.pending_webhooks === 0 && e;
      }, DELIVERY_TIMEOUT_MS);
      assert.ok(stored, 'pending_webhooks did not drop to 0 after a 200');
      assert.equal(stored.type, 'payment_intent.succeeded');
    } finally {
      await receiver.close();
    }
  });

  test('a disabled endpoint receives nothing', async () => {
    const receiver = await startReceiver();
    try {
      const endpoint = await endpointFor(receiver.url, ['payment_intent.succeeded']);
      await stripe.webhookEndpoints.update(endpoint.id, {disabled: true});
      const pi = await pay();
      await sleep(3000);
      assert.deepEqual(receiver.eventsFor(pi.id), []);
    } finally {
      await receiver.close();
    }
  });

  test(
    'a 500 is retried: the same event arrives twice',
    {
      skip:
        process.env.TENDER_WEBHOOK_RETRIES !== 'fast' &&
        'needs a server started with --webhook-retries fast (TENDER_WEBHOOK_RETRIES=fast); scripts/test uses the default `stripe` schedule (first retry after ~1 minute)',
    },
    async () => {
      const receiver = await startReceiver([500]);
      try {
        const endpoint = await endpointFor(receiver.url, ['payment_intent.succeeded']);
        const pi = await pay();
        const got = await waitFor(() => receiver.eventsFor(pi.id).length >= 2 && receiver.eventsFor(pi.id), 30000);
        assert.ok(got, `expected two deliveries, got ${receiver.eventsFor(pi.id).length}`);
        assert.equal(got[0].event.id, got[1].event.id);
        const event = stripe.webhooks.constructEvent(got[1].body, got[1].headers['stripe-signature'], endpoint.secret);
        assert.equal(event.data.object.id, pi.id);
        await sleep(2000);
        assert.equal(receiver.eventsFor(pi.id).length, 2);
      } finally {
        await receiver.close();
      }
    },
  );
});
