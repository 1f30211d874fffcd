// Idempotency-Key behaviour through stripe-node: replays, mismatches, per-account scope.
import assert from 'node:assert/strict';
import {randomUUID} from 'node:crypto';
import {describe, test} from 'node:test';

import {SECRET_KEY_2, Stripe, expectError, newCustomer, stripe, stripe2, uniqueEmail} from './helpers.js';

const newKey = () => `node-idem-${randomUUID()}`;
const replayed = (obj) => obj.lastResponse.headers['idempotent-replayed'];

describe('idempotency', () => {
  test('a manual key replays the same object with Idempotent-Replayed: true', async () => {
    const key = newKey();
    const email = uniqueEmail();
    const params = {email, metadata: {n: '1'}};
    const first = await stripe.customers.create(params, {idempotencyKey: key});
    const second = await stripe.customers.create(params, {idempotencyKey: key});
    assert.equal(second.id, first.id);
    assert.deepEqual({...second}, {...first});
    assert.ok([undefined, 'false'].includes(replayed(first)), `first: ${replayed(first)}`);
    assert.equal(replayed(second), 'true');
    assert.equal(second.lastResponse.idempotencyKey, key);
    assert.equal(second.lastResponse.headers['original-request'], first.lastResponse.requestId);
    assert.notEqual(second.lastResponse.requestId, first.lastResponse.requestId);
    const listed = await stripe.customers.list({email});
    assert.deepEqual(
      listed.data.map((c) => c.id),
      [first.id],
    );
  });

  test('SDK-generated keys differ per call', async () => {
    const email = uniqueEmail();
    const a = await stripe.customers.create({email});
    const b = await stripe.customers.create({email});
    assert.notEqual(a.id, b.id);
    assert.ok(a.lastResponse.idempotencyKey, 'Idempotency-Key echoed');
    assert.notEqual(a.lastResponse.idempotencyKey, b.lastResponse.idempotencyKey);
  });

  test('same key, different params -> StripeIdempotencyError', async () => {
    const key = newKey();
    const email = uniqueEmail();
    await stripe.customers.create({email}, {idempotencyKey: key});
    const err = await expectError(
      stripe.customers.create({email: `x${email}`}, {idempotencyKey: key}),
      Stripe.errors.StripeIdempotencyError,
      {statusCode: 400, rawType: 'idempotency_error'},
    );
    assert.ok(err.message.includes(key), err.message);
    assert.deepEqual((await stripe.customers.list({email: `x${email}`})).data, []);
  });

  test('same key on another endpoint -> StripeIdempotencyError', async () => {
    const key = newKey();
    const cus = await stripe.customers.create({email: uniqueEmail()}, {idempotencyKey: key});
    await expectError(stripe.customers.update(cus.id, {name: 'changed'}, {idempotencyKey: key}), Stripe.errors.StripeIdempotencyError, {
      statusCode: 400,
    });
    assert.equal((await stripe.customers.retrieve(cus.id)).name, null);
  });

  test('a replayed update is not executed again', async () => {
    const cus = await newCustomer();
    const key = newKey();
    const first = await stripe.customers.update(cus.id, {metadata: {v: '1'}}, {idempotencyKey: key});
    await stripe.customers.update(cus.id, {metadata: {v: '2'}});
    const replay = await stripe.customers.update(cus.id, {metadata: {v: '1'}}, {idempotencyKey: key});
    assert.equal(replayed(replay), 'true');
    assert.deepEqual(replay.metadata, first.metadata);
    assert.deepEqual((await stripe.customers.retrieve(cus.id)).metadata, {v: '2'});
  });

  test('keys are scoped per account', {skip: !SECRET_KEY_2 && 'TENDER_SECRET_KEY_2 not set'}, async () => {
    const key = newKey();
    const email = uniqueEmail();
    const mine = await stripe.customers.create({email}, {idempotencyKey: key});
    const theirs = await stripe2.customers.create({email: `other-${email}`}, {idempotencyKey: key});
    assert.notEqual(theirs.id, mine.id);
    assert.equal(theirs.email, `other-${email}`);
  });

  test('racing requests with one key make one object', async () => {
    const key = newKey();
    const email = uniqueEmail();
    // stripe-node retries 409 idempotency_key_in_use (maxNetworkRetries 2) with the same key.
    const results = await Promise.allSettled(
      Array.from({length: 8}, () => stripe.customers.create({email}, {idempotencyKey: key})),
    );
    const ids = new Set();
    for (const r of results) {
      if (r.status === 'fulfilled') {
        ids.add(r.value.id);
      } else {
        assert.ok(r.reason instanceof Stripe.errors.StripeAPIError, String(r.reason));
        assert.equal(r.reason.statusCode, 409);
        assert.equal(r.reason.code, 'idempotency_key_in_use');
      }
    }
    assert.equal(ids.size, 1, JSON.stringify(results.map((r) => r.status)));
    assert.deepEqual(
      (await stripe.customers.list({email})).data.map((c) => c.id),
      [...ids],
    );
  });

  test('many concurrent creates are all distinct and all listed', async () => {
    const email = uniqueEmail();
    const made = await Promise.all(
      Array.from({length: 30}, (_, i) => stripe.customers.create({email, metadata: {i: String(i)}})),
    );
    const ids = made.map((c) => c.id);
    assert.equal(new Set(ids).size, 30);
    const listed = await stripe.customers.list({email, limit: 100});
    assert.deepEqual(listed.data.map((c) => c.id).sort(), [...ids].sort());
  });
});
