// Error classes, codes and params as stripe-node maps them; authentication; request ids.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {
  REQUEST_ID,
  Stripe,
  expectError,
  makeClient,
  newCardPm,
  newCustomer,
  stripe,
  stripePk,
  uniqueEmail,
} from './helpers.js';

describe('errors', () => {
  test('unknown parameter -> parameter_unknown', async () => {
    const err = await expectError(
      stripe.customers.create({frobnicate: 'yes'}),
      Stripe.errors.StripeInvalidRequestError,
      {statusCode: 400, code: 'parameter_unknown', param: 'frobnicate', rawType: 'invalid_request_error'},
    );
    assert.equal(err.message, 'Received unknown parameter: frobnicate');
  });

  test('unknown nested parameter names the bracketed path', async () => {
    await expectError(
      stripe.customers.create({address: {line1: 'x', planet: 'Mars'}}),
      Stripe.errors.StripeInvalidRequestError,
      {statusCode: 400, code: 'parameter_unknown', param: 'address[planet]'},
    );
  });

  test('missing required parameter -> parameter_missing', async () => {
    const err = await expectError(
      stripe.paymentMethods.create({billing_details: {name: 'No Type'}}),
      Stripe.errors.StripeInvalidRequestError,
      {statusCode: 400, code: 'parameter_missing', param: 'type'},
    );
    assert.equal(err.message, 'Missing required param: type.');
  });

  test('missing required nested parameter names the bracketed path', async () => {
    const email = uniqueEmail();
    await expectError(
      stripe.customers.create({email, shipping: {address: {line1: '1 Road'}}}),
      Stripe.errors.StripeInvalidRequestError,
      {statusCode: 400, code: 'parameter_missing', param: 'shipping[name]'},
    );
    assert.deepEqual((await stripe.customers.list({email})).data, []);
  });

  test('a rejected create creates nothing', async () => {
    const email = uniqueEmail();
    await expectError(stripe.customers.create({email, bogus: '1'}), Stripe.errors.StripeInvalidRequestError);
    assert.deepEqual((await stripe.customers.list({email})).data, []);
  });

  test('bad secret key -> StripeAuthenticationError (401), key redacted', async () => {
    const bad = makeClient('sk_test_thisisnotarealkey1234');
    const err = await expectError(bad.customers.list(), Stripe.errors.StripeAuthenticationError, {statusCode: 401});
    assert.ok(err.message.includes('1234'), err.message);
    assert.ok(!err.message.includes('thisisnotarealkey'), err.message);
  });

  test('publishable key cannot list or create customers', async () => {
    const err = await expectError(stripePk.customers.list(), Stripe.errors.StripeAuthenticationError, {
      statusCode: 401,
    });
    assert.ok(err.message.includes('publishable API key'), err.message);
    const email = uniqueEmail();
    await expectError(stripePk.customers.create({email}), Stripe.errors.StripeAuthenticationError);
    assert.deepEqual((await stripe.customers.list({email})).data, []);
  });

  test('Request-Id header on success and on error', async () => {
    const cus = await newCustomer();
    const got = await stripe.customers.retrieve(cus.id);
    assert.match(got.lastResponse.requestId, REQUEST_ID);
    assert.notEqual(got.lastResponse.requestId, cus.lastResponse.requestId);
    const err = await expectError(stripe.customers.retrieve('cus_nope'), Stripe.errors.StripeInvalidRequestError, {
      statusCode: 404,
      code: 'resource_missing',
    });
    assert.match(err.requestId, REQUEST_ID);
    assert.match(err.headers['request-id'], REQUEST_ID);
  });

  test('Stripe-Version header names the version stripe-node sent', async () => {
    const cus = await newCustomer();
    assert.equal(cus.lastResponse.apiVersion, Stripe.API_VERSION);
  });

  test('publishable key is refused on secret-only endpoints, and nothing happens', async () => {
    const cus = await newCustomer();
    const pm = await newCardPm();
    for (const call of [
      () => stripePk.paymentMethods.attach(pm.id, {customer: cus.id}),
      () => stripePk.paymentMethods.list({customer: cus.id, type: 'card'}),
      () => stripePk.customers.retrieve(cus.id),
      () => stripePk.customers.del(cus.id),
    ]) {
      const err = await expectError(call(), Stripe.errors.StripeAuthenticationError, {statusCode: 401});
      assert.ok(err.message.includes('publishable API key'), err.message);
    }
    assert.equal((await stripe.paymentMethods.retrieve(pm.id)).customer, null);
    assert.equal((await stripe.customers.retrieve(cus.id)).deleted, undefined);
  });
});
