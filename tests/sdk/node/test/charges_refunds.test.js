// Charges and Refunds through stripe-node, on charges made by real PaymentIntent confirmations.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {Stripe, assertRecent, expectError, newCustomer, stripe} from './helpers.js';

const {StripeCardError, StripeInvalidRequestError} = Stripe.errors;
const CARD_ONLY = {payment_method_types: ['card']};

async function paid(amount = 1000, extra = {}) {
  const pi = await stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    confirm: true,
    payment_method: 'pm_card_visa',
    ...CARD_ONLY,
    ...extra,
  });
  assert.ok(['succeeded', 'requires_capture'].includes(pi.status), pi.status);
  return pi;
}

describe('charges', () => {
  test('the charge of a payment', async () => {
    const customer = await newCustomer();
    const pi = await paid(1234, {customer: customer.id, description: 'Order 7'});
    const charge = await stripe.charges.retrieve(pi.latest_charge);
    assert.match(charge.id, /^ch_/);
    assert.equal(charge.object, 'charge');
    assert.equal(charge.amount, 1234);
    assert.equal(charge.amount_captured, 1234);
    assert.equal(charge.amount_refunded, 0);
    assert.equal(charge.currency, 'usd');
    assert.equal(charge.captured, true);
    assert.equal(charge.paid, true);
    assert.equal(charge.refunded, false);
    assert.equal(charge.disputed, false);
    assert.equal(charge.status, 'succeeded');
    assert.equal(charge.customer, customer.id);
    assert.equal(charge.description, 'Order 7');
    assert.equal(charge.payment_intent, pi.id);
    assert.equal(charge.payment_method, pi.payment_method);
    assert.equal(charge.failure_code, null);
    assertRecent(charge.created);
    assert.equal(charge.outcome.type, 'authorized');
    assert.equal(charge.outcome.network_status, 'approved_by_network');
    assert.equal(charge.outcome.seller_message, 'Payment complete.');
    assert.equal(charge.payment_method_details.type, 'card');
    assert.equal(charge.payment_method_details.card.brand, 'visa');
    assert.equal(charge.payment_method_details.card.last4, '4242');
  });

  test('charges listed by payment_intent: the failed attempt and the successful one', async () => {
    const err = await expectError(
      stripe.paymentIntents.create({amount: 1500, currency: 'usd', confirm: true, payment_method: 'pm_card_visa_chargeDeclined', ...CARD_ONLY}),
      StripeCardError,
    );
    const piId = err.payment_intent.id;
    const failedId = err.charge;
    const ok = await stripe.paymentIntents.confirm(piId, {payment_method: 'pm_card_visa'});
    assert.equal(ok.status, 'succeeded');
    const listed = await stripe.charges.list({payment_intent: piId});
    assert.equal(listed.object, 'list');
    assert.equal(listed.url, '/v1/charges');
    assert.equal(listed.has_more, false);
    assert.deepEqual(listed.data.map((c) => c.id), [ok.latest_charge, failedId]);
    const [good, failed] = listed.data;
    assert.equal(good.status, 'succeeded');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.paid, false);
    assert.equal(failed.failure_code, 'card_declined');
    assert.equal(failed.failure_message, 'Your card was declined.');
    assert.equal(failed.outcome.type, 'issuer_declined');
    assert.equal(failed.outcome.network_status, 'declined_by_network');
    assert.equal(failed.outcome.reason, 'generic_decline');
    const paged = await stripe.charges.list({payment_intent: piId, limit: 1}).autoPagingToArray({limit: 10});
    assert.deepEqual(paged.map((c) => c.id), [ok.latest_charge, failedId]);
  });

  test('charges listed by customer', async () => {
    const customer = await newCustomer();
    const a = await paid(1000, {customer: customer.id});
    const b = await paid(2000, {customer: customer.id});
    await paid(3000);
    const listed = await stripe.charges.list({customer: customer.id});
    assert.deepEqual(listed.data.map((c) => c.id), [b.latest_charge, a.latest_charge]);
  });

  test('update', async () => {
    const pi = await paid();
    const updated = await stripe.charges.update(pi.latest_charge, {description: 'Gift', metadata: {tier: 'gold'}});
    assert.equal(updated.description, 'Gift');
    assert.deepEqual(updated.metadata, {tier: 'gold'});
  });
});

describe('refunds', () => {
  test('full refund, then charge_already_refunded', async () => {
    const pi = await paid(2500);
    const refund = await stripe.refunds.create({payment_intent: pi.id, reason: 'requested_by_customer'});
    assert.match(refund.id, /^re_/);
    assert.equal(refund.object, 'refund');
    assert.equal(refund.amount, 2500);
    assert.equal(refund.currency, 'usd');
    assert.equal(refund.status, 'succeeded');
    assert.equal(refund.charge, pi.latest_charge);
    assert.equal(refund.payment_intent, pi.id);
    assert.equal(refund.reason, 'requested_by_customer');
    assertRecent(refund.created);
    const charge = await stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.refunded, true);
    assert.equal(charge.amount_refunded, 2500);
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).amount_received, 2500);
    const err = await expectError(stripe.refunds.create({charge: pi.latest_charge}), StripeInvalidRequestError, {
      statusCode: 400,
      code: 'charge_already_refunded',
    });
    assert.equal(err.message, `Charge ${pi.latest_charge} has already been refunded.`);
  });

  test('partial refunds and an over-refund on amount', async () => {
    const pi = await paid(1000);
    const ch = pi.latest_charge;
    const first = await stripe.refunds.create({charge: ch, amount: 300, metadata: {ticket: '42'}});
    assert.equal(first.amount, 300);
    assert.deepEqual(first.metadata, {ticket: '42'});
    let charge = await stripe.charges.retrieve(ch);
    assert.equal(charge.amount_refunded, 300);
    assert.equal(charge.refunded, false);
    await expectError(stripe.refunds.create({charge: ch, amount: 800}), StripeInvalidRequestError, {
      statusCode: 400,
      param: 'amount',
      code: undefined,
    });
    assert.equal((await stripe.charges.retrieve(ch)).amount_refunded, 300);
    const rest = await stripe.refunds.create({payment_intent: pi.id});
    assert.equal(rest.amount, 700);
    charge = await stripe.charges.retrieve(ch);
    assert.equal(charge.amount_refunded, 1000);
    assert.equal(charge.refunded, true);
    const listed = await stripe.refunds.list({charge: ch});
    assert.deepEqual(listed.data.map((r) => r.id), [rest.id, first.id]);
    const byIntent = await stripe.refunds.list({payment_intent: pi.id});
    assert.deepEqual(byIntent.data.map((r) => r.id), [rest.id, first.id]);
    const relabeled = await stripe.refunds.update(first.id, {metadata: {ticket: '43'}});
    assert.deepEqual(relabeled.metadata, {ticket: '43'});
  });

  test('refunding an uncaptured authorization is refused', async () => {
    const pi = await paid(1000, {capture_method: 'manual'});
    assert.equal(pi.status, 'requires_capture');
    await expectError(stripe.refunds.create({payment_intent: pi.id}), StripeInvalidRequestError, {
      statusCode: 400,
      code: undefined,
      param: undefined,
    });
  });

  test('after a partial capture only the captured amount can be refunded', async () => {
    const pi = await paid(5000, {capture_method: 'manual'});
    await stripe.paymentIntents.capture(pi.id, {amount_to_capture: 2000});
    await expectError(stripe.refunds.create({payment_intent: pi.id, amount: 2500}), StripeInvalidRequestError, {param: 'amount'});
    const refund = await stripe.refunds.create({payment_intent: pi.id});
    assert.equal(refund.amount, 2000);
  });
});
