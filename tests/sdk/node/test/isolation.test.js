// Two accounts on one server never see each other's objects (stripe-node).
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {SECRET_KEY_2, Stripe, expectError, newCardPm, newCustomer, stripe, stripe2} from './helpers.js';

describe('account isolation', {skip: !SECRET_KEY_2 && 'TENDER_SECRET_KEY_2 not set'}, () => {
  test("another account's key gets 404 for this account's customer", async () => {
    const cus = await newCustomer();
    await expectError(stripe2.customers.retrieve(cus.id), Stripe.errors.StripeInvalidRequestError, {
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
    });
    await expectError(stripe2.customers.update(cus.id, {name: 'hijacked'}), Stripe.errors.StripeInvalidRequestError, {
      statusCode: 404,
    });
    await expectError(stripe2.customers.del(cus.id), Stripe.errors.StripeInvalidRequestError, {statusCode: 404});
    const still = await stripe.customers.retrieve(cus.id);
    assert.equal(still.name, 'Fixture Customer');
    assert.equal(still.deleted, undefined);
  });

  test("another account's lists do not show this account's customer", async () => {
    const cus = await newCustomer();
    assert.deepEqual((await stripe2.customers.list({email: cus.email})).data, []);
    const theirs = await stripe2.customers.list({limit: 100}).autoPagingToArray({limit: 10000});
    assert.ok(!theirs.some((c) => c.id === cus.id));
    assert.deepEqual(
      (await stripe.customers.list({email: cus.email})).data.map((c) => c.id),
      [cus.id],
    );
  });

  test("another account cannot read or attach this account's payment method", async () => {
    const cus = await newCustomer();
    const pm = await newCardPm();
    await stripe.paymentMethods.attach(pm.id, {customer: cus.id});
    await expectError(stripe2.paymentMethods.retrieve(pm.id), Stripe.errors.StripeInvalidRequestError, {statusCode: 404});
    const theirCustomer = await stripe2.customers.create({email: `iso-${cus.email}`});
    await expectError(
      stripe2.paymentMethods.attach(pm.id, {customer: theirCustomer.id}),
      Stripe.errors.StripeInvalidRequestError,
      {statusCode: 404},
    );
    await expectError(stripe2.customers.listPaymentMethods(cus.id), Stripe.errors.StripeInvalidRequestError, {
      statusCode: 404,
    });
  });
});
