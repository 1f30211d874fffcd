// PaymentMethods through stripe-node: card create with a publishable key, card validation,
// attach/detach, lists, test ids, expand.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {
  CARD_MASTERCARD,
  CARD_VISA,
  PAYMENT_METHOD_ID,
  Stripe,
  assertRecent,
  expectError,
  newCardPm,
  newCustomer,
  stripe,
  stripePk,
} from './helpers.js';

describe('payment methods', () => {
  test('create a card with the publishable key', async () => {
    const pm = await stripePk.paymentMethods.create({
      type: 'card',
      card: {...CARD_VISA},
      billing_details: {
        name: 'Jenny Rosen',
        email: 'jenny@example.com',
        phone: '+14155550100',
        address: {line1: '1 Main Street', city: 'San Francisco', state: 'CA', postal_code: '94105', country: 'US'},
      },
    });
    assert.match(pm.id, PAYMENT_METHOD_ID);
    assert.equal(pm.object, 'payment_method');
    assert.equal(pm.type, 'card');
    assert.equal(pm.livemode, false);
    assert.equal(pm.customer, null);
    assertRecent(pm.created);
    assert.equal(pm.card.brand, 'visa');
    assert.equal(pm.card.last4, '4242');
    assert.equal(pm.card.funding, 'credit');
    assert.equal(pm.card.country, 'US');
    assert.equal(pm.card.exp_month, 12);
    assert.equal(pm.card.exp_year, 2034);
    assert.deepEqual(pm.billing_details.address, {
      line1: '1 Main Street',
      line2: null,
      city: 'San Francisco',
      state: 'CA',
      postal_code: '94105',
      country: 'US',
    });
    assert.equal(pm.billing_details.name, 'Jenny Rosen');
    assert.equal(pm.billing_details.email, 'jenny@example.com');
    assert.equal(pm.billing_details.phone, '+14155550100');
    const raw = JSON.stringify(pm);
    assert.ok(!raw.includes('4242424242424242'), 'card number echoed');
    assert.ok(!('number' in pm.card) && !('cvc' in pm.card));
  });

  test('mastercard brand and last4', async () => {
    const pm = await newCardPm(CARD_MASTERCARD);
    assert.equal(pm.card.brand, 'mastercard');
    assert.equal(pm.card.last4, '4444');
    assert.equal(pm.card.funding, 'credit');
    assert.equal(pm.card.country, 'US');
    assert.equal(pm.card.exp_month, 8);
    assert.equal(pm.card.exp_year, 2035);
  });

  for (const [name, override, code] of [
    ['Luhn failure', {number: '4242424242424241'}, 'incorrect_number'],
    ['expiry month 13', {exp_month: 13}, 'invalid_expiry_month'],
    ['expiry year in the past', {exp_year: 2020}, 'invalid_expiry_year'],
    ['2-digit CVC', {cvc: '12'}, 'invalid_cvc'],
  ]) {
    test(`invalid card data: ${name} -> card_error ${code}`, async () => {
      const err = await expectError(
        stripePk.paymentMethods.create({type: 'card', card: {...CARD_VISA, ...override}}),
        Stripe.errors.StripeCardError,
        {statusCode: 402, code, rawType: 'card_error'},
      );
      assert.ok(err.message.length > 0);
    });
  }

  test('retrieve, and 404 for an unknown id', async () => {
    const pm = await newCardPm();
    const got = await stripe.paymentMethods.retrieve(pm.id);
    assert.equal(got.id, pm.id);
    assert.equal(got.card.last4, '4242');
    await expectError(stripe.paymentMethods.retrieve('pm_doesnotexist000'), Stripe.errors.StripeInvalidRequestError, {
      statusCode: 404,
      code: 'resource_missing',
    });
  });

  test('attach, update, read under customer, detach; detach is permanent', async () => {
    const cus = await newCustomer();
    const pm = await newCardPm();
    const attached = await stripe.paymentMethods.attach(pm.id, {customer: cus.id});
    assert.equal(attached.id, pm.id);
    assert.equal(attached.customer, cus.id);

    const updated = await stripe.paymentMethods.update(pm.id, {
      billing_details: {name: 'Updated Name'},
      metadata: {purpose: 'test'},
      card: {exp_month: 11, exp_year: 2036},
    });
    assert.equal(updated.billing_details.name, 'Updated Name');
    assert.deepEqual(updated.metadata, {purpose: 'test'});
    assert.equal(updated.card.exp_month, 11);
    assert.equal(updated.card.exp_year, 2036);

    const under = await stripe.customers.retrievePaymentMethod(cus.id, pm.id);
    assert.equal(under.id, pm.id);
    assert.equal(under.customer, cus.id);

    const detached = await stripe.paymentMethods.detach(pm.id);
    assert.equal(detached.id, pm.id);
    assert.equal(detached.customer, null);
    assert.equal((await stripe.paymentMethods.retrieve(pm.id)).customer, null);

    await expectError(stripe.paymentMethods.attach(pm.id, {customer: cus.id}), Stripe.errors.StripeInvalidRequestError, {
      statusCode: 400,
    });
    await expectError(stripe.paymentMethods.detach(pm.id), Stripe.errors.StripeInvalidRequestError, {statusCode: 400});
    await expectError(stripe.customers.retrievePaymentMethod(cus.id, pm.id), Stripe.errors.StripeInvalidRequestError, {
      statusCode: 404,
    });
  });

  test('update requires an attached payment method', async () => {
    const pm = await newCardPm();
    await expectError(stripe.paymentMethods.update(pm.id, {metadata: {a: 'b'}}), Stripe.errors.StripeInvalidRequestError, {
      statusCode: 400,
    });
  });

  test('attach to an unknown customer is resource_missing on param customer', async () => {
    const pm = await newCardPm();
    const err = await expectError(
      stripe.paymentMethods.attach(pm.id, {customer: 'cus_doesnotexist000'}),
      Stripe.errors.StripeInvalidRequestError,
      {code: 'resource_missing', param: 'customer'},
    );
    // A missing object named by a parameter (not the path): Stripe's status here is 400 or 404.
    assert.ok([400, 404].includes(err.statusCode), `status ${err.statusCode}`);
  });

  test('list by customer and type; GET /v1/customers/:id/payment_methods', async () => {
    const cus = await newCustomer();
    const ids = [];
    for (const card of [CARD_VISA, CARD_MASTERCARD]) {
      const pm = await newCardPm(card);
      await stripe.paymentMethods.attach(pm.id, {customer: cus.id});
      ids.push(pm.id);
    }
    const loose = await newCardPm();

    const page = await stripe.paymentMethods.list({customer: cus.id, type: 'card'});
    assert.equal(page.object, 'list');
    assert.equal(page.url, '/v1/payment_methods');
    assert.equal(page.has_more, false);
    assert.deepEqual(
      page.data.map((p) => p.id),
      [ids[1], ids[0]],
    );
    assert.ok(!page.data.some((p) => p.id === loose.id));
    assert.deepEqual(
      page.data.map((p) => p.card.brand),
      ['mastercard', 'visa'],
    );

    const nested = await stripe.customers.listPaymentMethods(cus.id, {type: 'card'});
    assert.equal(nested.object, 'list');
    assert.equal(nested.url, `/v1/customers/${cus.id}/payment_methods`);
    assert.deepEqual(
      nested.data.map((p) => p.id),
      [ids[1], ids[0]],
    );
    const all = await stripe.customers.listPaymentMethods(cus.id);
    assert.deepEqual(
      all.data.map((p) => p.id),
      [ids[1], ids[0]],
    );
    const limited = await stripe.customers.listPaymentMethods(cus.id, {limit: 1});
    assert.deepEqual(
      limited.data.map((p) => p.id),
      [ids[1]],
    );
    assert.equal(limited.has_more, true);
    const walked = await stripe.customers.listPaymentMethods(cus.id, {limit: 1}).autoPagingToArray({limit: 10});
    assert.deepEqual(
      walked.map((p) => p.id),
      [ids[1], ids[0]],
    );
  });

  for (const [testId, brand, last4] of [
    ['pm_card_visa', 'visa', '4242'],
    ['pm_card_mastercard', 'mastercard', '4444'],
  ]) {
    test(`attaching ${testId} mints a new PaymentMethod each time`, async () => {
      const cus = await newCustomer();
      const first = await stripe.paymentMethods.attach(testId, {customer: cus.id});
      const second = await stripe.paymentMethods.attach(testId, {customer: cus.id});
      for (const pm of [first, second]) {
        assert.match(pm.id, PAYMENT_METHOD_ID);
        assert.notEqual(pm.id, testId);
        assert.equal(pm.customer, cus.id);
        assert.equal(pm.card.brand, brand);
        assert.equal(pm.card.last4, last4);
      }
      assert.notEqual(first.id, second.id);
      const listed = await stripe.customers.listPaymentMethods(cus.id, {type: 'card'});
      assert.deepEqual(
        listed.data.map((p) => p.id),
        [second.id, first.id],
      );
    });
  }

  test('expand customer on retrieve and on list', async () => {
    const cus = await newCustomer();
    const pm = await newCardPm();
    await stripe.paymentMethods.attach(pm.id, {customer: cus.id});
    const plain = await stripe.paymentMethods.retrieve(pm.id);
    assert.equal(plain.customer, cus.id);
    const expanded = await stripe.paymentMethods.retrieve(pm.id, {expand: ['customer']});
    assert.equal(typeof expanded.customer, 'object');
    assert.equal(expanded.customer.id, cus.id);
    assert.equal(expanded.customer.object, 'customer');
    assert.equal(expanded.customer.email, cus.email);
    const page = await stripe.paymentMethods.list({customer: cus.id, type: 'card', expand: ['data.customer']});
    assert.equal(page.data.length, 1);
    assert.equal(page.data[0].customer.id, cus.id);
    assert.equal(page.data[0].customer.object, 'customer');
  });
});
