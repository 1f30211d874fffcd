// Customers through stripe-node: every endpoint, metadata unsetting, deletion, lists, pagination.
import assert from 'node:assert/strict';
import {describe, test, before} from 'node:test';

import {
  CUSTOMER_ID,
  Stripe,
  assertRecent,
  expectError,
  newCustomer,
  stripe,
  uniqueEmail,
} from './helpers.js';

const ADDRESS = {
  line1: '1 Main Street',
  line2: 'Apt 4',
  city: 'San Francisco',
  state: 'CA',
  postal_code: '94105',
  country: 'US',
};

describe('customers', () => {
  test('create with all common fields', async () => {
    const email = uniqueEmail();
    const cus = await stripe.customers.create({
      email,
      name: 'Jenny Rosen',
      phone: '+14155550100',
      description: 'created by the node suite',
      metadata: {order_id: '6735', tier: 'gold'},
      address: ADDRESS,
      shipping: {
        name: 'Jenny Shipping',
        phone: '+14155550199',
        address: {line1: '2 Dock Road', city: 'Oakland', country: 'US'},
      },
      preferred_locales: ['fr-FR', 'en'],
    });
    assert.match(cus.id, CUSTOMER_ID);
    assert.equal(cus.object, 'customer');
    assert.equal(cus.livemode, false);
    assertRecent(cus.created);
    assert.equal(cus.email, email);
    assert.equal(cus.name, 'Jenny Rosen');
    assert.equal(cus.phone, '+14155550100');
    assert.equal(cus.description, 'created by the node suite');
    assert.deepEqual(cus.metadata, {order_id: '6735', tier: 'gold'});
    assert.deepEqual(cus.address, ADDRESS);
    assert.equal(cus.shipping.name, 'Jenny Shipping');
    assert.equal(cus.shipping.phone, '+14155550199');
    assert.deepEqual(cus.shipping.address, {
      line1: '2 Dock Road',
      line2: null,
      city: 'Oakland',
      state: null,
      postal_code: null,
      country: 'US',
    });
    assert.deepEqual(cus.preferred_locales, ['fr-FR', 'en']);
    assert.equal(cus.balance, 0);
    assert.equal(cus.delinquent, false);
    assert.equal(cus.currency, null);
    assert.equal(cus.default_source, null);
    assert.equal(cus.tax_exempt, 'none');
    assert.equal(cus.invoice_settings.default_payment_method, null);
  });

  test('create with no params has null fields and empty metadata', async () => {
    const cus = await stripe.customers.create();
    assert.match(cus.id, CUSTOMER_ID);
    for (const field of ['email', 'name', 'phone', 'description', 'address', 'shipping']) {
      assert.ok(field in cus, `${field} present`);
      assert.equal(cus[field], null, field);
    }
    assert.deepEqual(cus.metadata, {});
  });

  test('retrieve', async () => {
    const created = await newCustomer({metadata: {k: 'v'}});
    const got = await stripe.customers.retrieve(created.id);
    assert.equal(got.id, created.id);
    assert.equal(got.email, created.email);
    assert.deepEqual(got.metadata, {k: 'v'});
    assert.equal(got.created, created.created);
  });

  test('retrieve unknown id is 404 resource_missing on param id', async () => {
    const err = await expectError(
      stripe.customers.retrieve('cus_doesnotexist000'),
      Stripe.errors.StripeInvalidRequestError,
      {statusCode: 404, code: 'resource_missing', param: 'id', rawType: 'invalid_request_error'},
    );
    assert.equal(err.message, "No such customer: 'cus_doesnotexist000'");
  });

  test('update fields', async () => {
    const cus = await newCustomer();
    const updated = await stripe.customers.update(cus.id, {
      name: 'New Name',
      phone: '+33123456789',
      address: {line1: '9 Rue X', city: 'Paris', country: 'FR'},
    });
    assert.equal(updated.id, cus.id);
    assert.equal(updated.name, 'New Name');
    assert.equal(updated.phone, '+33123456789');
    assert.equal(updated.address.line1, '9 Rue X');
    assert.equal(updated.address.country, 'FR');
    assert.equal(updated.email, cus.email);
    assert.equal((await stripe.customers.retrieve(cus.id)).name, 'New Name');
  });

  test("address: '' and shipping: null unset them (both Emptyable)", async () => {
    const cus = await newCustomer({address: ADDRESS, shipping: {name: 'Ship', address: {line1: '2 Dock Road'}}});
    assert.equal(cus.address.line1, '1 Main Street');
    const updated = await stripe.customers.update(cus.id, {address: '', shipping: null});
    assert.equal(updated.address, null);
    assert.equal(updated.shipping, null);
    const again = await stripe.customers.retrieve(cus.id);
    assert.equal(again.address, null);
    assert.equal(again.shipping, null);
  });

  test('metadata: merge, unset one key with null, clear all with empty string', async () => {
    const cus = await newCustomer({metadata: {a: '1', b: '2'}});
    let updated = await stripe.customers.update(cus.id, {metadata: {c: '3'}});
    assert.deepEqual(updated.metadata, {a: '1', b: '2', c: '3'});
    // node encodes null as an empty value: metadata[a]=
    updated = await stripe.customers.update(cus.id, {metadata: {a: null}});
    assert.deepEqual(updated.metadata, {b: '2', c: '3'});
    // '' for one key is the same wire form.
    updated = await stripe.customers.update(cus.id, {metadata: {b: ''}});
    assert.deepEqual(updated.metadata, {c: '3'});
    assert.deepEqual((await stripe.customers.retrieve(cus.id)).metadata, {c: '3'});
    // metadata= removes every key.
    updated = await stripe.customers.update(cus.id, {metadata: ''});
    assert.deepEqual(updated.metadata, {});
    await stripe.customers.update(cus.id, {metadata: {x: '1'}});
    updated = await stripe.customers.update(cus.id, {metadata: null});
    assert.deepEqual(updated.metadata, {});
    assert.deepEqual((await stripe.customers.retrieve(cus.id)).metadata, {});
  });

  test('delete, retrieve deleted, delete again', async () => {
    const cus = await newCustomer();
    const deleted = await stripe.customers.del(cus.id);
    assert.deepEqual({...deleted}, {id: cus.id, object: 'customer', deleted: true});
    // A deleted customer still retrieves, as the bare deleted stub.
    const got = await stripe.customers.retrieve(cus.id);
    assert.deepEqual({...got}, {id: cus.id, object: 'customer', deleted: true});
    await expectError(stripe.customers.del(cus.id), Stripe.errors.StripeInvalidRequestError, {
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
    });
    const listed = await stripe.customers.list({email: cus.email});
    assert.deepEqual(listed.data, []);
  });

  test('list filters by email, newest first', async () => {
    const email = uniqueEmail();
    const first = await stripe.customers.create({email, name: 'first'});
    const second = await stripe.customers.create({email, name: 'second'});
    const other = await stripe.customers.create({email: `other-${email}`});
    const page = await stripe.customers.list({email});
    assert.equal(page.object, 'list');
    assert.equal(page.url, '/v1/customers');
    assert.equal(page.has_more, false);
    assert.deepEqual(
      page.data.map((c) => c.id),
      [second.id, first.id],
    );
    assert.ok(!page.data.some((c) => c.id === other.id));
  });

  test('list limit, has_more and starting_after', async () => {
    const email = uniqueEmail();
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await stripe.customers.create({email})).id);
    const page = await stripe.customers.list({email, limit: 2});
    assert.deepEqual(
      page.data.map((c) => c.id),
      [made[2], made[1]],
    );
    assert.equal(page.has_more, true);
    const next = await stripe.customers.list({email, limit: 2, starting_after: made[1]});
    assert.deepEqual(
      next.data.map((c) => c.id),
      [made[0]],
    );
    assert.equal(next.has_more, false);
  });
});

describe('customers: payment methods, defaults, expand', () => {
  test('email filter is case-sensitive', async () => {
    const cus = await newCustomer();
    assert.deepEqual(
      (await stripe.customers.list({email: cus.email})).data.map((c) => c.id),
      [cus.id],
    );
    assert.deepEqual((await stripe.customers.list({email: cus.email.toUpperCase()})).data, []);
  });

  test('create with payment_method attaches it', async () => {
    const cus = await stripe.customers.create({payment_method: 'pm_card_visa'});
    const pms = await stripe.customers.listPaymentMethods(cus.id);
    assert.equal(pms.data.length, 1);
    assert.notEqual(pms.data[0].id, 'pm_card_visa');
    assert.equal(pms.data[0].card.brand, 'visa');
    assert.equal(pms.data[0].customer, cus.id);
  });

  test('invoice_settings.default_payment_method: set, expand, clear', async () => {
    const cus = await newCustomer();
    const pm = await stripe.paymentMethods.attach('pm_card_mastercard', {customer: cus.id});
    const updated = await stripe.customers.update(cus.id, {invoice_settings: {default_payment_method: pm.id}});
    assert.equal(updated.invoice_settings.default_payment_method, pm.id);
    const expanded = await stripe.customers.retrieve(cus.id, {expand: ['invoice_settings.default_payment_method']});
    assert.equal(expanded.invoice_settings.default_payment_method.id, pm.id);
    assert.equal(expanded.invoice_settings.default_payment_method.object, 'payment_method');
    assert.equal(expanded.invoice_settings.default_payment_method.card.last4, '4444');
    const cleared = await stripe.customers.update(cus.id, {invoice_settings: {default_payment_method: ''}});
    assert.equal(cleared.invoice_settings.default_payment_method, null);
  });

  test('expanding an unknown property is rejected', async () => {
    const cus = await newCustomer();
    const err = await expectError(
      stripe.customers.retrieve(cus.id, {expand: ['nonsense']}),
      Stripe.errors.StripeInvalidRequestError,
      {statusCode: 400},
    );
    assert.ok(err.message.includes('nonsense'), err.message);
  });
});

describe('customer auto-pagination over 25 customers, limit 10', () => {
  const email = uniqueEmail('node-page');
  const ids = [];

  before(async () => {
    for (let i = 0; i < 25; i++) ids.push((await stripe.customers.create({email})).id);
  });

  test('forwards with for await', async () => {
    const first = await stripe.customers.list({email, limit: 10});
    assert.equal(first.data.length, 10);
    assert.equal(first.has_more, true);
    const seen = [];
    for await (const c of stripe.customers.list({email, limit: 10})) seen.push(c.id);
    assert.equal(seen.length, 25);
    assert.equal(new Set(seen).size, 25, 'duplicates across pages');
    assert.deepEqual(seen, [...ids].reverse());
  });

  test('forwards with autoPagingToArray', async () => {
    const all = await stripe.customers.list({email, limit: 10}).autoPagingToArray({limit: 100});
    assert.deepEqual(
      all.map((c) => c.id),
      [...ids].reverse(),
    );
  });

  test('backwards with ending_before', async () => {
    const page = await stripe.customers.list({email, limit: 10, ending_before: ids[0]});
    // The 10 customers created right after ids[0], newest first.
    assert.deepEqual(
      page.data.map((c) => c.id),
      ids.slice(1, 11).reverse(),
    );
    assert.equal(page.has_more, true);
    const seen = [];
    for await (const c of stripe.customers.list({email, limit: 10, ending_before: ids[0]})) seen.push(c.id);
    // stripe-node walks towards newer objects, yielding oldest first.
    assert.deepEqual(seen, ids.slice(1));
  });

  test('backwards from the middle stops at the newest', async () => {
    const page = await stripe.customers.list({email, limit: 10, ending_before: ids[20]});
    assert.deepEqual(
      page.data.map((c) => c.id),
      ids.slice(21).reverse(),
    );
    assert.equal(page.has_more, false);
  });
});
