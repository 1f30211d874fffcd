// CustomerSessions through stripe-node: the object as its types describe it, and the errors.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {Stripe, assertRecent, expectError, newCustomer, stripe} from './helpers.js';

describe('customer sessions', () => {
  test('create: the Payment Element with its features', async () => {
    const cus = await newCustomer();
    const session = await stripe.customerSessions.create({
      customer: cus.id,
      components: {
        payment_element: {
          enabled: true,
          features: {
            payment_method_redisplay: 'enabled',
            payment_method_save: 'enabled',
            payment_method_remove: 'enabled',
            payment_method_save_usage: 'off_session',
            payment_method_redisplay_limit: 5,
            payment_method_allow_redisplay_filters: ['always', 'limited'],
          },
        },
      },
    });
    assert.equal(session.object, 'customer_session');
    assert.match(session.client_secret, /^cuss_secret_[A-Za-z0-9]{40}$/);
    assert.equal(session.customer, cus.id);
    assert.equal(session.livemode, false);
    assertRecent(session.created);
    assert.equal(session.expires_at, session.created + 1800);
    assert.equal(session.id, undefined);
    assert.deepEqual(session.components.payment_element, {
      enabled: true,
      features: {
        payment_method_allow_redisplay_filters: ['always', 'limited'],
        payment_method_redisplay: 'enabled',
        payment_method_redisplay_limit: 5,
        payment_method_remove: 'enabled',
        payment_method_save: 'enabled',
        payment_method_save_usage: 'off_session',
      },
    });
    assert.deepEqual(session.components.pricing_table, {enabled: false});
  });

  test('errors: an unknown customer, no component enabled', async () => {
    await expectError(
      stripe.customerSessions.create({customer: 'cus_nope', components: {payment_element: {enabled: true}}}),
      Stripe.errors.StripeInvalidRequestError,
      {statusCode: 400, code: 'resource_missing', param: 'customer'},
    );
    const cus = await newCustomer();
    await expectError(
      stripe.customerSessions.create({customer: cus.id, components: {payment_element: {enabled: false}}}),
      Stripe.errors.StripeInvalidRequestError,
      {statusCode: 400, param: 'components'},
    );
  });
});
