// Search through stripe-node: `customers.search`, auto-pagination over `next_page`,
// `total_count`, and a malformed query's error.
import assert from 'node:assert/strict';
import {randomUUID} from 'node:crypto';
import {describe, test} from 'node:test';

import {Stripe, expectError, stripe} from './helpers.js';

describe('search', () => {
  test('customers.search pages through every match, newest first', async () => {
    const tag = randomUUID().slice(0, 12);
    const made = [];
    for (let i = 0; i < 5; i++) {
      const cus = await stripe.customers.create({
        name: `Searcher ${i}`,
        metadata: {run: tag, i: String(i)},
      });
      made.push(cus.id);
    }
    await stripe.customers.create({name: 'Bystander', metadata: {run: 'other'}});
    const newestFirst = [...made].reverse();

    const page = await stripe.customers.search({query: `metadata['run']:'${tag}'`, limit: 2});
    assert.equal(page.object, 'search_result');
    assert.equal(page.url, '/v1/customers/search');
    assert.equal(page.has_more, true);
    assert.ok(page.next_page);
    assert.deepEqual(page.data.map((c) => c.id), newestFirst.slice(0, 2));

    const seen = [];
    for await (const cus of stripe.customers.search({query: `metadata['run']:'${tag}'`, limit: 2})) {
      seen.push(cus.id);
    }
    assert.deepEqual(seen, newestFirst);

    const counted = await stripe.customers.search({
      query: `metadata['run']:'${tag}' AND -metadata['i']:'0' AND name~'searcher'`,
      expand: ['total_count'],
    });
    assert.equal(counted.total_count, 4);
    assert.deepEqual(counted.data.map((c) => c.id), newestFirst.slice(0, 4));

    await expectError(
      stripe.customers.search({query: "name:'a' AND name:'b' OR name:'c'"}),
      Stripe.errors.StripeInvalidRequestError,
      {statusCode: 400, param: 'query'},
    );
  });
});
