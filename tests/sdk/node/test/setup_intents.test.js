// SetupIntents through stripe-node: saving cards, 3D Secure on setup through the hosted page,
// declines, cancel rules, ConfirmationTokens, and later off-session payments with the
// regulatory test cards.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {RETURN_URL, answer3ds, createCtoken, nextActionUrl} from './flows.js';
import {Stripe, assertRecent, expectError, newCustomer, stripe, stripePk} from './helpers.js';

const {StripeCardError, StripeInvalidRequestError} = Stripe.errors;
const CARD_ONLY = {payment_method_types: ['card']};

function offSessionPayment(customer, pm) {
  return stripe.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    customer,
    payment_method: pm,
    off_session: true,
    confirm: true,
    ...CARD_ONLY,
  });
}

async function setUpWithAuthentication(customer, testPm) {
  const si = await stripe.setupIntents.create({customer, payment_method: testPm, confirm: true, return_url: RETURN_URL});
  assert.equal(si.status, 'requires_action');
  const done = await answer3ds(nextActionUrl(si), 'complete');
  assert.ok([200, 302, 303].includes(done.status));
  const after = await stripe.setupIntents.retrieve(si.id);
  assert.equal(after.status, 'succeeded');
  assert.equal(after.usage, 'off_session');
  return after.payment_method;
}

describe('setup intents', () => {
  test('create and confirm saves the card to the customer', async () => {
    const customer = await newCustomer();
    const si = await stripe.setupIntents.create({customer: customer.id, payment_method: 'pm_card_visa', confirm: true, ...CARD_ONLY});
    assert.match(si.id, /^seti_/);
    assert.equal(si.object, 'setup_intent');
    assert.ok(si.client_secret.startsWith(`${si.id}_secret_`));
    assert.equal(si.status, 'succeeded');
    assert.equal(si.usage, 'off_session');
    assert.equal(si.customer, customer.id);
    assert.equal(si.next_action, null);
    assert.equal(si.last_setup_error, null);
    assert.equal(si.livemode, false);
    assertRecent(si.created);
    assert.match(si.payment_method, /^pm_/);
    assert.notEqual(si.payment_method, 'pm_card_visa');
    const pm = await stripe.paymentMethods.retrieve(si.payment_method);
    assert.equal(pm.customer, customer.id);
    const expanded = await stripe.setupIntents.retrieve(si.id, {expand: ['payment_method']});
    assert.equal(expanded.payment_method.id, si.payment_method);
    assert.equal(expanded.payment_method.card.last4, '4242');
  });

  test('create, then confirm', async () => {
    const customer = await newCustomer();
    const si = await stripe.setupIntents.create({customer: customer.id, usage: 'on_session', ...CARD_ONLY});
    assert.equal(si.status, 'requires_payment_method');
    assert.equal(si.usage, 'on_session');
    const confirmed = await stripe.setupIntents.confirm(si.id, {payment_method: 'pm_card_mastercard'});
    assert.equal(confirmed.status, 'succeeded');
    const pm = await stripe.paymentMethods.retrieve(confirmed.payment_method);
    assert.equal(pm.card.brand, 'mastercard');
    assert.equal(pm.customer, customer.id);
  });

  test('3D Secure on setup completed on the hosted page', async () => {
    const customer = await newCustomer();
    const si = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
      return_url: RETURN_URL,
    });
    assert.equal(si.status, 'requires_action');
    assert.equal(si.next_action.type, 'redirect_to_url');
    assert.equal(si.next_action.redirect_to_url.return_url, RETURN_URL);
    const done = await answer3ds(si.next_action.redirect_to_url.url, 'complete');
    assert.ok([302, 303].includes(done.status));
    assert.ok(done.location.startsWith(`${RETURN_URL}?`), done.location);
    assert.deepEqual(Object.fromEntries(new URL(done.location).searchParams), {
      setup_intent: si.id,
      setup_intent_client_secret: si.client_secret,
      redirect_status: 'succeeded',
    });
    const after = await stripe.setupIntents.retrieve(si.id);
    assert.equal(after.status, 'succeeded');
    assert.equal(after.next_action, null);
    assert.equal((await stripe.paymentMethods.retrieve(after.payment_method)).customer, customer.id);
  });

  test('3D Secure on setup failed → setup_intent_authentication_failure', async () => {
    const customer = await newCustomer();
    const si = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
      return_url: RETURN_URL,
    });
    const done = await answer3ds(nextActionUrl(si), 'fail');
    assert.ok(done.location.endsWith('redirect_status=failed'), done.location);
    const after = await stripe.setupIntents.retrieve(si.id);
    assert.equal(after.status, 'requires_payment_method');
    assert.equal(after.last_setup_error.code, 'setup_intent_authentication_failure');
    assert.deepEqual((await stripe.customers.listPaymentMethods(customer.id)).data, []);
  });

  for (const [pm, decline] of [
    ['pm_card_visa_chargeDeclined', 'generic_decline'],
    ['pm_card_visa_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
  ]) {
    test(`decline (${decline}) → StripeCardError, intent stays open`, async () => {
      const customer = await newCustomer();
      const err = await expectError(
        stripe.setupIntents.create({customer: customer.id, payment_method: pm, confirm: true, ...CARD_ONLY}),
        StripeCardError,
        {statusCode: 402, code: 'card_declined', decline_code: decline, rawType: 'card_error'},
      );
      const si = err.setup_intent;
      assert.ok(si, 'the declined SetupIntent is embedded in the error');
      assert.match(si.id, /^seti_/);
      assert.equal(si.status, 'requires_payment_method');
      assert.equal(si.last_setup_error.decline_code, decline);
      assert.equal((await stripe.setupIntents.retrieve(si.id)).status, 'requires_payment_method');
      const retried = await stripe.setupIntents.confirm(si.id, {payment_method: 'pm_card_visa'});
      assert.equal(retried.status, 'succeeded');
      assert.equal(retried.last_setup_error, null);
    });
  }

  test('cancel rules', async () => {
    const open = await stripe.setupIntents.create({...CARD_ONLY});
    await expectError(stripe.setupIntents.cancel(open.id, {cancellation_reason: 'fraudulent'}), StripeInvalidRequestError, {
      param: 'cancellation_reason',
    });
    const canceled = await stripe.setupIntents.cancel(open.id, {cancellation_reason: 'requested_by_customer'});
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.cancellation_reason, 'requested_by_customer');
    for (const call of [
      () => stripe.setupIntents.cancel(open.id),
      () => stripe.setupIntents.confirm(open.id, {payment_method: 'pm_card_visa'}),
    ]) {
      await expectError(call(), StripeInvalidRequestError, {statusCode: 400, code: 'setup_intent_unexpected_state'});
    }
    const done = await stripe.setupIntents.create({payment_method: 'pm_card_visa', confirm: true, ...CARD_ONLY});
    await expectError(stripe.setupIntents.cancel(done.id), StripeInvalidRequestError, {
      statusCode: 400,
      code: 'setup_intent_unexpected_state',
    });
    const waiting = await stripe.setupIntents.create({
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
      return_url: RETURN_URL,
    });
    assert.equal(waiting.status, 'requires_action');
    const dropped = await stripe.setupIntents.cancel(waiting.id, {cancellation_reason: 'abandoned'});
    assert.equal(dropped.status, 'canceled');
    assert.equal(dropped.next_action, null);
  });

  test('a ConfirmationToken confirms a setup once', async () => {
    const customer = await newCustomer();
    const made = await createCtoken('4242424242424242', {setup_future_usage: 'off_session'});
    const params = {customer: customer.id, confirm: true, confirmation_token: made.id};
    const si = await stripe.setupIntents.create(params);
    assert.equal(si.status, 'succeeded');
    assert.equal((await stripe.paymentMethods.retrieve(si.payment_method)).customer, customer.id);
    const used = await stripe.confirmationTokens.retrieve(made.id);
    assert.equal(used.setup_intent, si.id);
    assert.equal(used.payment_intent, null);
    await expectError(stripe.setupIntents.create(params), StripeInvalidRequestError, {
      statusCode: 400,
      code: 'payment_intent_confirmation_token_invalid',
    });
  });

  test('list by customer', async () => {
    const customer = await newCustomer();
    const a = await stripe.setupIntents.create({customer: customer.id});
    const b = await stripe.setupIntents.create({customer: customer.id});
    await stripe.setupIntents.create({});
    const ids = [];
    for await (const si of stripe.setupIntents.list({customer: customer.id, limit: 1})) ids.push(si.id);
    assert.deepEqual(ids.sort(), [a.id, b.id].sort());
  });

  test('the publishable key reads with the client secret', async () => {
    const si = await stripe.setupIntents.create({description: 'Card on file'});
    const seen = await stripePk.setupIntents.retrieve(si.id, {client_secret: si.client_secret});
    assert.equal(seen.id, si.id);
    assert.equal(seen.status, 'requires_payment_method');
  });
});

describe('setup intents: later off-session payments (regulatory cards)', () => {
  test('authenticate-unless-set-up pays off session after a setup', async () => {
    const customer = await newCustomer();
    const pm = await setUpWithAuthentication(customer.id, 'pm_card_authenticationRequiredOnSetup');
    const pi = await offSessionPayment(customer.id, pm);
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount_received, 2000);
  });

  test('authenticate-unless-set-up without a setup → authentication_required', async () => {
    const customer = await newCustomer();
    const err = await expectError(offSessionPayment(customer.id, 'pm_card_authenticationRequiredOnSetup'), StripeCardError, {
      statusCode: 402,
      code: 'authentication_required',
      decline_code: 'authentication_required',
    });
    assert.equal(err.payment_intent.status, 'requires_payment_method');
  });

  test('always-authenticate fails off session even after a setup', async () => {
    const customer = await newCustomer();
    const pm = await setUpWithAuthentication(customer.id, 'pm_card_authenticationRequired');
    const err = await expectError(offSessionPayment(customer.id, pm), StripeCardError, {
      statusCode: 402,
      code: 'authentication_required',
      decline_code: 'authentication_required',
    });
    assert.equal(err.payment_intent.status, 'requires_payment_method');
    const onSession = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm,
      confirm: true,
      return_url: RETURN_URL,
    });
    assert.equal(onSession.status, 'requires_action');
  });

  test('the already-set-up card pays off session', async () => {
    const customer = await newCustomer();
    const pi = await offSessionPayment(customer.id, 'pm_card_authenticationRequiredSetupForOffSession');
    assert.equal(pi.status, 'succeeded');
  });
});
