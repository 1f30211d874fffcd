// Card Tokens through stripe-node: created with the publishable key (as Stripe.js's
// createToken does), read with the secret key, redeemed once as `card[token]`.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {CARD_VISA, PAYMENT_METHOD_ID, Stripe, assertRecent, expectError, stripe, stripePk} from './helpers.js';

const {StripeCardError, StripeInvalidRequestError} = Stripe.errors;

describe('tokens', () => {
  test('a card token is created, read, and redeemed into a PaymentMethod that pays', async () => {
    const token = await stripePk.tokens.create({
      card: {...CARD_VISA, name: 'Jenny Rosen', address_zip: '94111', address_country: 'US'},
    });
    assert.match(token.id, /^tok_[A-Za-z0-9]+$/);
    assert.equal(token.object, 'token');
    assert.equal(token.type, 'card');
    assert.equal(token.used, false);
    assert.equal(token.livemode, false);
    assertRecent(token.created);
    assert.match(token.card.id, /^card_/);
    assert.equal(token.card.brand, 'Visa');
    assert.equal(token.card.last4, '4242');
    assert.equal(token.card.exp_month, 12);
    assert.equal(token.card.exp_year, 2034);
    assert.equal(token.card.cvc_check, 'pass');
    assert.equal(token.card.fingerprint, undefined);

    const read = await stripe.tokens.retrieve(token.id);
    assert.equal(read.card.fingerprint.length, 16);
    assert.equal(read.card.address_zip, '94111');

    const pm = await stripe.paymentMethods.create({type: 'card', card: {token: token.id}});
    assert.match(pm.id, PAYMENT_METHOD_ID);
    assert.equal(pm.card.last4, '4242');
    assert.equal(pm.card.fingerprint, read.card.fingerprint);
    assert.equal(pm.billing_details.name, 'Jenny Rosen');
    assert.equal(pm.billing_details.address.postal_code, '94111');
    assert.equal((await stripe.tokens.retrieve(token.id)).used, true);

    const intent = await stripe.paymentIntents.create({
      amount: 2500, currency: 'usd', payment_method: pm.id, payment_method_types: ['card'], confirm: true,
    });
    assert.equal(intent.status, 'succeeded');

    await expectError(stripe.paymentMethods.create({type: 'card', card: {token: token.id}}),
      StripeInvalidRequestError, {code: 'token_already_used', param: 'card[token]', statusCode: 400});
  });

  test('card errors at tokenisation; a test token pays in payment_method_data', async () => {
    await expectError(stripePk.tokens.create({card: {...CARD_VISA, number: '4242424242424241'}}),
      StripeCardError, {code: 'incorrect_number'});
    await expectError(stripe.tokens.retrieve('tok_nope'), StripeInvalidRequestError,
      {code: 'resource_missing', statusCode: 404});
    const intent = await stripe.paymentIntents.create({
      amount: 1000, currency: 'usd', payment_method_types: ['card'], confirm: true,
      payment_method_data: {type: 'card', card: {token: 'tok_mastercard'}},
    });
    assert.equal(intent.status, 'succeeded');
  });
});
