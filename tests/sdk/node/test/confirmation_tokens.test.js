// ConfirmationTokens: created with the publishable key as Stripe.js does (raw POST) or with the
// test helper, read back through stripe-node, and used to confirm intents.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {RETURN_URL, answer3ds, createCtoken} from './flows.js';
import {Stripe, assertRecent, expectError, newCustomer, stripe} from './helpers.js';

const {StripeInvalidRequestError} = Stripe.errors;

const SHIPPING = {
  'shipping[name]': 'Jenny Rosen',
  'shipping[address][line1]': '1234 Main Street',
  'shipping[address][city]': 'San Francisco',
  'shipping[address][state]': 'CA',
  'shipping[address][country]': 'US',
  'shipping[address][postal_code]': '94111',
};

function guideCall(confirmationToken, extra = {}) {
  return stripe.paymentIntents.create({
    amount: 1099,
    currency: 'usd',
    confirm: true,
    automatic_payment_methods: {enabled: true},
    confirmation_token: confirmationToken,
    ...extra,
  });
}

describe('confirmation tokens', () => {
  test('created with the publishable key, retrieved with the secret key', async () => {
    const made = await createCtoken('4242424242424242', {return_url: RETURN_URL, ...SHIPPING});
    assert.equal(made.object, 'confirmation_token');
    assert.equal(made.use_stripe_sdk, true);
    const token = await stripe.confirmationTokens.retrieve(made.id);
    assert.equal(token.id, made.id);
    assert.equal(token.object, 'confirmation_token');
    assert.equal(token.livemode, false);
    assertRecent(token.created);
    assert.equal(token.expires_at - token.created, 12 * 60 * 60);
    assert.equal(token.use_stripe_sdk, true);
    assert.equal(token.payment_intent, null);
    assert.equal(token.setup_intent, null);
    assert.equal(token.setup_future_usage, null);
    assert.equal(token.return_url, RETURN_URL);
    assert.equal(token.shipping.name, 'Jenny Rosen');
    assert.equal(token.shipping.address.line1, '1234 Main Street');
    assert.equal(token.shipping.address.postal_code, '94111');
    const preview = token.payment_method_preview;
    assert.equal(preview.type, 'card');
    assert.equal(preview.card.brand, 'visa');
    assert.equal(preview.card.last4, '4242');
    assert.equal(preview.card.exp_month, 12);
    assert.equal(preview.card.exp_year, 2034);
    assert.equal(preview.card.funding, 'credit');
    assert.equal(preview.card.country, 'US');
    assert.ok(!('id' in preview));
    assert.ok(!JSON.stringify(token).includes('4242424242424242'));
  });

  test('the test helper creates a token from a test PaymentMethod', async () => {
    const token = await stripe.testHelpers.confirmationTokens.create({
      payment_method: 'pm_card_mastercard',
      return_url: RETURN_URL,
      setup_future_usage: 'off_session',
      shipping: {name: 'Jenny Rosen', address: {line1: '1 Main', country: 'US'}},
    });
    assert.match(token.id, /^ctoken_/);
    assert.equal(token.use_stripe_sdk, true);
    assert.equal(token.return_url, RETURN_URL);
    assert.equal(token.setup_future_usage, 'off_session');
    assert.equal(token.shipping.name, 'Jenny Rosen');
    assert.equal(token.payment_method_preview.card.brand, 'mastercard');
    assert.equal(token.payment_method_preview.card.last4, '4444');
    assert.equal(token.expires_at - token.created, 12 * 60 * 60);
  });

  test('an unknown token is resource_missing on confirmation_token', async () => {
    await expectError(stripe.confirmationTokens.retrieve('ctoken_doesnotexist0000000000'), StripeInvalidRequestError, {
      statusCode: 404,
      code: 'resource_missing',
      param: 'confirmation_token',
    });
  });

  test('an unknown token passed to a confirm is a 400 on the parameter (404 is for the URL)', async () => {
    await expectError(guideCall('ctoken_doesnotexist0000000000'), StripeInvalidRequestError, {
      statusCode: 400,
      code: 'resource_missing',
      param: 'confirmation_token',
    });
  });

  test('confirming writes the token onto the intent and the intent onto the token', async () => {
    const made = await createCtoken('4242424242424242', {return_url: RETURN_URL, ...SHIPPING});
    const pi = await guideCall(made.id);
    assert.equal(pi.status, 'succeeded');
    const pm = await stripe.paymentMethods.retrieve(pi.payment_method);
    assert.equal(pm.card.last4, '4242');
    assert.equal(pi.shipping.name, 'Jenny Rosen');
    assert.equal(pi.shipping.address.line1, '1234 Main Street');
    const used = await stripe.confirmationTokens.retrieve(made.id);
    assert.equal(used.payment_intent, pi.id);
    assert.equal(used.setup_intent, null);
  });

  test('an off_session token saves the card to the customer', async () => {
    const customer = await newCustomer();
    const made = await createCtoken('4242424242424242', {setup_future_usage: 'off_session'});
    const pi = await guideCall(made.id, {customer: customer.id, setup_future_usage: 'off_session'});
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.setup_future_usage, 'off_session');
    const pm = await stripe.paymentMethods.retrieve(pi.payment_method);
    assert.equal(pm.customer, customer.id);
    const saved = await stripe.customers.listPaymentMethods(customer.id);
    assert.deepEqual(saved.data.map((p) => p.id), [pi.payment_method]);
  });

  test('a token for an authenticating card gets the use_stripe_sdk next action', async () => {
    const made = await createCtoken('4000002500003155');
    const pi = await guideCall(made.id);
    assert.equal(pi.status, 'requires_action');
    assert.equal(pi.next_action.type, 'use_stripe_sdk');
    assert.equal(pi.next_action.use_stripe_sdk.type, 'three_d_secure_redirect');
    const done = await answer3ds(pi.next_action.use_stripe_sdk.stripe_js, 'complete');
    assert.equal(done.status, 200);
    const after = await stripe.paymentIntents.retrieve(pi.id);
    assert.equal(after.status, 'succeeded');
    assert.equal(after.amount_received, 1099);
  });

  test('a token used for a payment cannot confirm a setup', async () => {
    const made = await createCtoken();
    await guideCall(made.id);
    await expectError(stripe.setupIntents.create({confirm: true, confirmation_token: made.id}), StripeInvalidRequestError, {
      statusCode: 400,
      code: 'payment_intent_confirmation_token_invalid',
    });
  });
});
