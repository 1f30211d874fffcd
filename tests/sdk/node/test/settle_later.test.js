// Payments that settle later through stripe-node (issue #24): SEPA Direct Debit and ACH
// debits through `processing` to succeeded or failed, and the asynchronous-refund test cards.
// The server runs with `--settle fast` (scripts/test): each test polls a few seconds at most.
import assert from 'node:assert/strict';
import {setTimeout as sleep} from 'node:timers/promises';
import {describe, test} from 'node:test';

import {stripe} from './helpers.js';

const MANDATE = {
  customer_acceptance: {
    type: 'online',
    online: {ip_address: '127.0.0.1', user_agent: 'stripe-node suite'},
  },
};
const BILLING = {name: 'Jenny Rosen', email: 'jenny@example.com'};

async function waitFor(fetch, done, seconds = 15) {
  const deadline = Date.now() + seconds * 1000;
  let value = await fetch();
  while (!done(value) && Date.now() < deadline) {
    await sleep(250);
    value = await fetch();
  }
  return value;
}

const settled = (pi) =>
  waitFor(
    () => stripe.paymentIntents.retrieve(pi.id),
    (p) => p.status !== 'processing',
  );

const sepaPayment = (iban) =>
  stripe.paymentIntents.create({
    amount: 1500,
    currency: 'eur',
    payment_method_types: ['sepa_debit'],
    payment_method_data: {type: 'sepa_debit', sepa_debit: {iban}, billing_details: BILLING},
    mandate_data: MANDATE,
    confirm: true,
  });

async function achPayment(account) {
  const pm = await stripe.paymentMethods.create({
    type: 'us_bank_account',
    us_bank_account: {
      account_number: account,
      routing_number: '110000000',
      account_holder_type: 'individual',
    },
    billing_details: BILLING,
  });
  assert.equal(pm.us_bank_account.last4, account.slice(-4));
  assert.equal(pm.us_bank_account.bank_name, 'STRIPE TEST BANK');
  return stripe.paymentIntents.create({
    amount: 2500,
    currency: 'usd',
    payment_method_types: ['us_bank_account'],
    payment_method: pm.id,
    mandate_data: MANDATE,
    confirm: true,
  });
}

describe('SEPA Direct Debit', () => {
  test('processing, then succeeded, with a pending then succeeded charge', async () => {
    const pi = await sepaPayment('DE89370400440532013000');
    assert.equal(pi.status, 'processing');
    const pending = await stripe.charges.retrieve(pi.latest_charge);
    assert.equal(pending.status, 'pending');
    assert.equal(pending.payment_method_details.type, 'sepa_debit');
    assert.match(pending.payment_method_details.sepa_debit.mandate, /^mandate_/);
    const done = await settled(pi);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.amount_received, 1500);
    assert.equal((await stripe.charges.retrieve(pi.latest_charge)).status, 'succeeded');
  });

  test('processing, then requires_payment_method for the failing IBAN', async () => {
    const pi = await sepaPayment('DE62370400440532013001');
    assert.equal(pi.status, 'processing');
    const done = await settled(pi);
    assert.equal(done.status, 'requires_payment_method');
    assert.equal(done.last_payment_error.code, 'insufficient_funds');
    const charge = await stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.status, 'failed');
  });

  test('the delayed failure IBAN fails later', async () => {
    const pi = await sepaPayment('DE78370400440532013004');
    assert.equal(pi.status, 'processing');
    assert.equal((await settled(pi)).status, 'requires_payment_method');
  });

  test('an invalid IBAN is refused with its param', async () => {
    await assert.rejects(
      stripe.paymentMethods.create({
        type: 'sepa_debit',
        sepa_debit: {iban: 'DE89370400440532013001'},
        billing_details: BILLING,
      }),
      (error) => {
        assert.equal(error.code, 'invalid_bank_account_iban');
        assert.equal(error.param, 'sepa_debit[iban]');
        return true;
      },
    );
  });
});

describe('US bank accounts (ACH)', () => {
  test('success and account closed, through processing', async () => {
    const ok = await achPayment('000123456789');
    const closed = await achPayment('000111111113');
    assert.equal(ok.status, 'processing');
    assert.equal(closed.status, 'processing');
    assert.equal((await settled(ok)).status, 'succeeded');
    const failed = await settled(closed);
    assert.equal(failed.status, 'requires_payment_method');
    assert.equal(failed.last_payment_error.code, 'account_closed');
  });
});

describe('delayed refund outcomes', () => {
  const refundOf = async (pm) => {
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: pm,
      payment_method_types: ['card'],
      confirm: true,
    });
    assert.equal(pi.status, 'succeeded');
    return stripe.refunds.create({payment_intent: pi.id});
  };

  test('pending, then succeeded', async () => {
    const refund = await refundOf('pm_card_pendingRefund');
    assert.equal(refund.status, 'pending');
    const done = await waitFor(
      () => stripe.refunds.retrieve(refund.id),
      (r) => r.status !== 'pending',
    );
    assert.equal(done.status, 'succeeded');
  });

  test('succeeded, then failed', async () => {
    const refund = await refundOf('pm_card_refundFail');
    assert.equal(refund.status, 'succeeded');
    const done = await waitFor(
      () => stripe.refunds.retrieve(refund.id),
      (r) => r.status !== 'succeeded',
    );
    assert.equal(done.status, 'failed');
    assert.equal(done.failure_reason, 'expired_or_canceled_card');
    const charge = await stripe.charges.retrieve(refund.charge);
    assert.equal(charge.amount_refunded, 0);
  });
});
