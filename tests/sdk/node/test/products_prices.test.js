// Products and Prices (the Billing catalog) through stripe-node: every endpoint, the objects
// as Stripe renders them, lookup keys, list filters and the error shapes.
import assert from 'node:assert/strict';
import {randomUUID} from 'node:crypto';
import {describe, test} from 'node:test';

import {Stripe, assertRecent, expectError, stripe} from './helpers.js';

const PRODUCT_ID = /^prod_[A-Za-z0-9]+$/;
const PRICE_ID = /^price_[A-Za-z0-9]+$/;
const Invalid = Stripe.errors.StripeInvalidRequestError;

const unique = (prefix) => `${prefix}_${randomUUID().slice(0, 12)}`;
const newProduct = (params = {}) => stripe.products.create({name: unique('product'), ...params});

describe('products', () => {
  test('create, retrieve, update, delete', async () => {
    const prod = await stripe.products.create({
      name: 'Gold plan',
      description: 'The best plan',
      metadata: {tier: 'gold'},
      images: ['https://example.com/gold.png'],
      marketing_features: [{name: 'Priority support'}],
      package_dimensions: {height: 1.5, length: 2, weight: 3, width: 4},
      statement_descriptor: 'GOLD PLAN',
      unit_label: 'seat',
      shippable: true,
    });
    assert.match(prod.id, PRODUCT_ID);
    assert.equal(prod.object, 'product');
    assert.equal(prod.active, true);
    assert.equal(prod.type, 'service');
    assert.equal(prod.default_price, null);
    assert.deepEqual(prod.marketing_features, [{name: 'Priority support'}]);
    assert.deepEqual(prod.package_dimensions, {height: 1.5, length: 2, weight: 3, width: 4});
    assert.equal(prod.url, null);
    assertRecent(prod.created);

    const fetched = await stripe.products.retrieve(prod.id);
    assert.deepEqual({...fetched, lastResponse: undefined}, {...prod, lastResponse: undefined});
    const updated = await stripe.products.update(prod.id, {
      name: 'Platinum plan',
      description: '',
      metadata: {tier: ''},
    });
    assert.equal(updated.name, 'Platinum plan');
    assert.equal(updated.description, null);
    assert.deepEqual(updated.metadata, {});

    const deleted = await stripe.products.del(prod.id);
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.id, prod.id);
    await expectError(stripe.products.del(prod.id), Invalid, {statusCode: 404, code: 'resource_missing'});
  });

  test('default_price_data creates the default price; delete refused while prices exist', async () => {
    const prod = await stripe.products.create({
      name: unique('monthly'),
      default_price_data: {currency: 'usd', unit_amount: 1500, recurring: {interval: 'month'}},
      expand: ['default_price'],
    });
    assert.equal(prod.default_price.object, 'price');
    assert.equal(prod.default_price.product, prod.id);
    // A decimal string on the wire, which stripe-node reads as a Decimal.
    assert.equal(prod.default_price.unit_amount_decimal.toString(), '1500');
    assert.equal(prod.default_price.type, 'recurring');
    const err = await expectError(stripe.products.del(prod.id), Invalid, {statusCode: 400});
    assert.equal(
      err.message,
      'This product cannot be deleted because it has one or more user-created prices.',
    );
    await expectError(stripe.products.create({description: 'no name'}), Invalid, {
      code: 'parameter_missing',
      param: 'name',
    });
  });

  test('list filters and pagination', async () => {
    const url = `https://example.com/${randomUUID()}`;
    const made = [];
    made.push(await newProduct({url, shippable: true}));
    made.push(await newProduct({url, shippable: false}));
    made.push(await newProduct({url, active: false}));
    const ids = made.map((p) => p.id).reverse();
    const list = async (params) => (await stripe.products.list({url, ...params})).data.map((p) => p.id);
    assert.deepEqual(await list({}), ids);
    assert.deepEqual(await list({active: true}), ids.slice(1));
    assert.deepEqual(await list({shippable: true}), [made[0].id]);
    const byIds = await stripe.products.list({ids: [made[0].id, made[2].id]});
    assert.deepEqual(byIds.data.map((p) => p.id), [made[2].id, made[0].id]);
    const all = [];
    for await (const p of stripe.products.list({url, limit: 1})) all.push(p.id);
    assert.deepEqual(all, ids);
  });
});

describe('prices', () => {
  test('the object as Stripe renders it, retrieve, expand, update', async () => {
    const prod = await newProduct();
    const key = unique('gold');
    const price = await stripe.prices.create({
      product: prod.id,
      currency: 'usd',
      unit_amount: 2000,
      recurring: {interval: 'month', interval_count: 3},
      nickname: 'Quarterly',
      metadata: {plan: 'gold'},
      lookup_key: key,
    });
    assert.match(price.id, PRICE_ID);
    const {lastResponse, unit_amount_decimal: decimal, ...body} = price;
    assert.ok(lastResponse);
    assert.equal(decimal.toString(), '2000');
    assert.deepEqual(body, {
      id: price.id,
      object: 'price',
      active: true,
      billing_scheme: 'per_unit',
      created: price.created,
      currency: 'usd',
      custom_unit_amount: null,
      livemode: false,
      lookup_key: key,
      metadata: {plan: 'gold'},
      nickname: 'Quarterly',
      product: prod.id,
      recurring: {
        interval: 'month',
        interval_count: 3,
        meter: null,
        trial_period_days: null,
        usage_type: 'licensed',
      },
      tax_behavior: 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: 'recurring',
      unit_amount: 2000,
    });
    const expanded = await stripe.prices.retrieve(price.id, {expand: ['product']});
    assert.equal(expanded.product.id, prod.id);
    const updated = await stripe.prices.update(price.id, {active: false, nickname: ''});
    assert.equal(updated.active, false);
    assert.equal(updated.nickname, null);
    await expectError(stripe.prices.update(price.id, {currency: 'eur'}), Invalid, {
      code: 'parameter_unknown',
      param: 'currency',
    });
  });

  test('product_data and unit_amount_decimal', async () => {
    const price = await stripe.prices.create({
      product_data: {name: unique('inline')},
      currency: 'eur',
      unit_amount_decimal: '0.5',
      expand: ['product'],
    });
    assert.equal(price.type, 'one_time');
    assert.equal(price.unit_amount, null);
    assert.equal(price.unit_amount_decimal.toString(), '0.5');
    assert.equal(price.product.object, 'product');
  });

  test('errors name their parameter', async () => {
    const prod = await newProduct();
    const cases = [
      [{product: 'prod_missing', currency: 'usd', unit_amount: 5}, 'product', 'resource_missing'],
      [{product: prod.id, unit_amount: 5}, 'currency', 'parameter_missing'],
      [{product: prod.id, currency: 'usd', unit_amount: 5, unit_amount_decimal: '5'}, 'unit_amount', undefined],
      [{product: prod.id, currency: 'usd', unit_amount: 5, recurring: {interval: 'hour'}}, 'recurring[interval]', undefined],
    ];
    for (const [params, param, code] of cases) {
      const err = await expectError(stripe.prices.create(params), Invalid, {statusCode: 400, param, code});
      assert.equal(err.rawType, 'invalid_request_error');
    }
    const missing = await expectError(
      stripe.prices.create({product: 'prod_missing', currency: 'usd', unit_amount: 5}),
      Invalid,
    );
    assert.equal(missing.message, "No such product: 'prod_missing'");
  });

  test('lookup keys are unique and transfer', async () => {
    const prod = await newProduct();
    const key = unique('std');
    const base = {product: prod.id, currency: 'usd', unit_amount: 500};
    const first = await stripe.prices.create({...base, lookup_key: key});
    const err = await expectError(stripe.prices.create({...base, lookup_key: key}), Invalid, {
      statusCode: 400,
      param: 'lookup_key',
    });
    assert.equal(err.message, `A price (\`${first.id}\`) already uses that lookup key.`);
    const second = await stripe.prices.create({...base, lookup_key: key, transfer_lookup_key: true});
    assert.equal(second.lookup_key, key);
    assert.equal((await stripe.prices.retrieve(first.id)).lookup_key, null);
    const found = await stripe.prices.list({lookup_keys: [key]});
    assert.deepEqual(found.data.map((p) => p.id), [second.id]);
  });

  test('list shows active prices unless asked, and filters', async () => {
    const prod = await newProduct();
    const base = {product: prod.id, unit_amount: 100};
    const monthly = await stripe.prices.create({...base, currency: 'usd', recurring: {interval: 'month'}});
    const once = await stripe.prices.create({...base, currency: 'usd'});
    const archived = await stripe.prices.create({...base, currency: 'eur', active: false});
    const ids = async (params = {}) =>
      (await stripe.prices.list({product: prod.id, ...params})).data.map((p) => p.id);
    assert.deepEqual(await ids(), [once.id, monthly.id]);
    assert.deepEqual(await ids({active: false}), [archived.id]);
    assert.deepEqual(await ids({type: 'recurring'}), [monthly.id]);
    assert.deepEqual(await ids({recurring: {interval: 'month'}}), [monthly.id]);
    assert.deepEqual(await ids({currency: 'eur'}), []);
    const page = await stripe.prices.list({product: prod.id, limit: 1, expand: ['data.product']});
    assert.equal(page.has_more, true);
    assert.equal(page.data[0].product.id, prod.id);
  });
});
