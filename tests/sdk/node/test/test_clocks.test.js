// Test clocks through stripe-node (issue #24): renewals month by month, a failing card
// retried then canceled, the 23-hour expiry of an unpaid subscription and a trial's end, each
// driven by advancing the subscription's own clock (never by sleeping), and the clock's limits.
import assert from 'node:assert/strict';
import {randomUUID} from 'node:crypto';
import {setTimeout as sleep} from 'node:timers/promises';
import {describe, test} from 'node:test';

import {Stripe, expectError, stripe} from './helpers.js';

const Invalid = Stripe.errors.StripeInvalidRequestError;

const DAY = 86_400;
const HOUR = 3_600;
// 1 Jan 2027 00:00 UTC: January has 31 days, February 28.
const JAN_1 = 1_798_761_600;
const FEB_1 = JAN_1 + 31 * DAY;
const MAR_1 = FEB_1 + 28 * DAY;
const APR_1 = MAR_1 + 31 * DAY;

const newPlan = () =>
  stripe.prices.create({
    currency: 'usd',
    unit_amount: 900,
    recurring: {interval: 'month'},
    product_data: {name: `Clock plan ${randomUUID().slice(0, 6)}`},
  });

const newClock = () => stripe.testHelpers.testClocks.create({frozen_time: JAN_1, name: 'node'});

async function customerOn(clock, card = 'pm_card_visa') {
  const customer = await stripe.customers.create({test_clock: clock.id});
  if (card) {
    const pm = await stripe.paymentMethods.attach(card, {customer: customer.id});
    await stripe.customers.update(customer.id, {
      invoice_settings: {default_payment_method: pm.id},
    });
  }
  return customer;
}

async function advance(clock, to) {
  const started = await stripe.testHelpers.testClocks.advance(clock.id, {frozen_time: to});
  assert.equal(started.status, 'advancing');
  assert.equal(started.status_details.advancing.target_frozen_time, to);
  for (let i = 0; i < 400; i++) {
    const now = await stripe.testHelpers.testClocks.retrieve(clock.id);
    if (now.status === 'ready') {
      assert.equal(now.frozen_time, to);
      return now;
    }
    await sleep(50);
  }
  throw new Error('the clock never became ready');
}

describe('test clocks', () => {
  test('a monthly subscription advanced three months has four paid invoices', async () => {
    const [clock, price] = await Promise.all([newClock(), newPlan()]);
    const customer = await customerOn(clock);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{price: price.id}],
    });
    assert.equal(sub.status, 'active');
    assert.equal(sub.test_clock, clock.id);
    for (const monthEnd of [FEB_1, MAR_1, APR_1]) {
      await advance(clock, monthEnd + 2 * HOUR);
    }
    const invoices = await stripe.invoices.list({subscription: sub.id});
    assert.deepEqual(
      invoices.data.map((i) => i.status),
      ['paid', 'paid', 'paid', 'paid'],
    );
    assert.deepEqual(
      invoices.data.slice(0, 3).map((i) => i.created),
      [APR_1, MAR_1, FEB_1],
    );
    // Hidden from the plain customer list, found by the clock.
    const listed = await stripe.customers.list({test_clock: clock.id});
    assert.deepEqual(
      listed.data.map((c) => c.id),
      [customer.id],
    );
    await stripe.testHelpers.testClocks.del(clock.id);
  });

  test('a failing card: past_due, seven retries, then canceled', async () => {
    const [clock, price] = await Promise.all([newClock(), newPlan()]);
    const customer = await customerOn(clock);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{price: price.id}],
    });
    const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    await stripe.subscriptions.update(sub.id, {default_payment_method: failing.id});
    await advance(clock, FEB_1 + 2 * HOUR);
    const pastDue = await stripe.subscriptions.retrieve(sub.id, {expand: ['latest_invoice']});
    assert.equal(pastDue.status, 'past_due');
    assert.equal(pastDue.latest_invoice.attempt_count, 1);
    assert.equal(pastDue.latest_invoice.next_payment_attempt, FEB_1 + HOUR + DAY);
    await advance(clock, FEB_1 + 16 * DAY);
    const ended = await stripe.subscriptions.retrieve(sub.id);
    assert.equal(ended.status, 'canceled');
    assert.equal(ended.cancellation_details.reason, 'payment_failed');
    const invoice = await stripe.invoices.retrieve(pastDue.latest_invoice.id);
    assert.equal(invoice.attempt_count, 8);
    assert.equal(invoice.next_payment_attempt, null);
  });

  test('an unpaid default_incomplete subscription expires after 23 hours', async () => {
    const [clock, price] = await Promise.all([newClock(), newPlan()]);
    const customer = await customerOn(clock, null);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{price: price.id}],
      payment_behavior: 'default_incomplete',
    });
    assert.equal(sub.status, 'incomplete');
    await advance(clock, JAN_1 + 24 * HOUR);
    const expired = await stripe.subscriptions.retrieve(sub.id, {expand: ['latest_invoice']});
    assert.equal(expired.status, 'incomplete_expired');
    assert.equal(expired.latest_invoice.status, 'void');
  });

  test('a trial ends with a paid invoice', async () => {
    const [clock, price] = await Promise.all([newClock(), newPlan()]);
    const customer = await customerOn(clock);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{price: price.id}],
      trial_period_days: 3,
    });
    assert.equal(sub.status, 'trialing');
    await advance(clock, JAN_1 + 3 * DAY + 2 * HOUR);
    const after = await stripe.subscriptions.retrieve(sub.id, {expand: ['latest_invoice']});
    assert.equal(after.status, 'active');
    assert.equal(after.latest_invoice.status, 'paid');
    assert.equal(after.latest_invoice.amount_paid, 900);
  });

  test("a clock moves forward only, at most two of its shortest subscription's periods", async () => {
    const [clock, price] = await Promise.all([newClock(), newPlan()]);
    const back = await expectError(
      stripe.testHelpers.testClocks.advance(clock.id, {frozen_time: JAN_1 - 1}),
      Invalid,
    );
    assert.equal(back.param, 'frozen_time');
    const customer = await customerOn(clock);
    await stripe.subscriptions.create({customer: customer.id, items: [{price: price.id}]});
    const far = await expectError(
      stripe.testHelpers.testClocks.advance(clock.id, {frozen_time: APR_1}),
      Invalid,
    );
    assert.equal(far.param, 'frozen_time');
    const deleted = await stripe.testHelpers.testClocks.del(clock.id);
    assert.equal(deleted.deleted, true);
    const gone = await expectError(stripe.testHelpers.testClocks.retrieve(clock.id), Invalid);
    assert.equal(gone.statusCode, 404);
  });
});
