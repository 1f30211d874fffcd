// PaymentIntents through stripe-node: the finalize-on-the-server call with a ConfirmationToken,
// every §8.2 decline, 3D Secure through the hosted page, error_on_requires_action, off-session
// authentication, manual capture, cancel, state errors, update, lists and expand.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {DECLINES, RETURN_URL, VELOCITY, answer3ds, createCtoken} from './flows.js';
import {Stripe, assertRecent, expectError, newCustomer, stripe, stripePk} from './helpers.js';

const {StripeCardError, StripeInvalidRequestError} = Stripe.errors;
const CARD_ONLY = {payment_method_types: ['card']};

/** The server call of docs.stripe.com/payments/finalize-payments-on-the-server. */
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

function payWithCard(pm = 'pm_card_visa', extra = {}) {
  return stripe.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    confirm: true,
    payment_method: pm,
    ...CARD_ONLY,
    ...extra,
  });
}

async function checkDecline(err, d) {
  assert.equal(err.statusCode, 402);
  assert.equal(err.type, 'StripeCardError');
  assert.equal(err.rawType, 'card_error');
  assert.equal(err.code, d.code);
  assert.equal(err.decline_code, d.decline);
  assert.equal(err.param, d.param);
  assert.equal(err.advice_code, d.advice);
  assert.equal(err.message, d.message);
  assert.match(err.charge, /^ch_/);
  const intent = err.payment_intent;
  assert.ok(intent, 'the declined intent is embedded in the error');
  assert.match(intent.id, /^pi_/);
  assert.equal(intent.status, 'requires_payment_method');
  assert.equal(intent.amount_received, 0);
  assert.equal(intent.last_payment_error.code, d.code);
  assert.equal(intent.last_payment_error.decline_code, d.decline);
  assert.equal(intent.last_payment_error.type, 'card_error');
  assert.equal(intent.latest_charge, err.charge);
  const stored = await stripe.paymentIntents.retrieve(intent.id);
  assert.equal(stored.status, 'requires_payment_method');
  assert.equal(stored.last_payment_error.decline_code, d.decline);
  const charge = await stripe.charges.retrieve(err.charge);
  assert.equal(charge.status, 'failed');
  assert.equal(charge.paid, false);
  assert.equal(charge.failure_code, d.code);
  assert.equal(charge.payment_intent, intent.id);
}

describe('payment intents: the guide call', () => {
  test('a publishable-key ConfirmationToken confirms on create → succeeded', async () => {
    const token = await createCtoken();
    const pi = await guideCall(token.id);
    assert.match(pi.id, /^pi_/);
    assert.equal(pi.object, 'payment_intent');
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount, 1099);
    assert.equal(pi.amount_received, 1099);
    assert.equal(pi.amount_capturable, 0);
    assert.equal(pi.currency, 'usd');
    assert.equal(pi.capture_method, 'automatic_async');
    assert.equal(pi.confirmation_method, 'automatic');
    assert.equal(pi.automatic_payment_methods.enabled, true);
    assert.ok(pi.payment_method_types.includes('card'));
    assert.ok(pi.client_secret.startsWith(`${pi.id}_secret_`));
    assert.equal(pi.next_action, null);
    assert.equal(pi.last_payment_error, null);
    assert.equal(pi.livemode, false);
    assert.match(pi.payment_method, /^pm_/);
    assert.match(pi.latest_charge, /^ch_/);
    assertRecent(pi.created);
  });

  test('a test-helper ConfirmationToken from pm_card_visa → succeeded with a new PaymentMethod', async () => {
    const token = await stripe.testHelpers.confirmationTokens.create({payment_method: 'pm_card_visa'});
    assert.match(token.id, /^ctoken_/);
    const pi = await guideCall(token.id, {return_url: RETURN_URL});
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount_received, 1099);
    assert.match(pi.payment_method, /^pm_/);
    assert.notEqual(pi.payment_method, 'pm_card_visa');
    const pm = await stripe.paymentMethods.retrieve(pi.payment_method);
    assert.equal(pm.card.last4, '4242');
  });

  test('create, then confirm', async () => {
    const pi = await stripe.paymentIntents.create({amount: 1500, currency: 'usd', payment_method: 'pm_card_visa', ...CARD_ONLY});
    assert.equal(pi.status, 'requires_confirmation');
    assert.equal(pi.latest_charge, null);
    const confirmed = await stripe.paymentIntents.confirm(pi.id);
    assert.equal(confirmed.status, 'succeeded');
    assert.equal(confirmed.amount_received, 1500);
  });

  test('the publishable key reads the intent with its client secret', async () => {
    const pi = await guideCall((await createCtoken()).id);
    const seen = await stripePk.paymentIntents.retrieve(pi.id, {client_secret: pi.client_secret});
    assert.equal(seen.id, pi.id);
    assert.equal(seen.status, 'succeeded');
    assert.equal(seen.amount, 1099);
  });
});

describe('payment intents: declines (§8.2)', () => {
  for (const d of DECLINES) {
    test(`${d.name} through a ConfirmationToken (${d.number})`, async () => {
      const token = await createCtoken(d.number);
      const err = await expectError(guideCall(token.id), StripeCardError);
      await checkDecline(err, d);
    });
    test(`${d.name} through ${d.pm}`, async () => {
      const err = await expectError(payWithCard(d.pm), StripeCardError);
      await checkDecline(err, d);
    });
  }

  test('velocity limit exceeded', async () => {
    for (const attempt of [async () => guideCall((await createCtoken(VELOCITY.number)).id), () => payWithCard(VELOCITY.pm)]) {
      const err = await expectError(attempt(), StripeCardError, {code: 'card_declined', decline_code: 'card_velocity_exceeded'});
      assert.equal(err.statusCode, 402);
      assert.equal(err.payment_intent.status, 'requires_payment_method');
    }
  });

  test('a retry on the declined intent succeeds', async () => {
    const err = await expectError(guideCall((await createCtoken('4000000000000002')).id), StripeCardError);
    const id = err.payment_intent.id;
    const retried = await stripe.paymentIntents.confirm(id, {confirmation_token: (await createCtoken()).id});
    assert.equal(retried.id, id);
    assert.equal(retried.status, 'succeeded');
    assert.equal(retried.last_payment_error, null);
  });
});

async function redirectIntent(extra = {}) {
  const pi = await payWithCard('pm_card_threeDSecure2Required', {return_url: RETURN_URL, ...extra});
  assert.equal(pi.status, 'requires_action');
  assert.equal(pi.next_action.type, 'redirect_to_url');
  assert.equal(pi.next_action.redirect_to_url.return_url, RETURN_URL);
  assert.match(pi.next_action.redirect_to_url.url, /^https?:\/\//);
  assert.equal(pi.amount_received, 0);
  return pi;
}

function locationQuery(location) {
  assert.ok(location && location.startsWith(`${RETURN_URL}?`), location);
  return Object.fromEntries(new URL(location).searchParams);
}

describe('payment intents: 3D Secure and authentication', () => {
  test('3DS redirect completed on the hosted page → succeeded', async () => {
    const pi = await redirectIntent();
    const url = pi.next_action.redirect_to_url.url;
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.ok((await page.text()).includes('Complete authentication'));
    const done = await answer3ds(url, 'complete');
    assert.ok([302, 303].includes(done.status), `status ${done.status}`);
    assert.deepEqual(locationQuery(done.location), {
      payment_intent: pi.id,
      payment_intent_client_secret: pi.client_secret,
      redirect_status: 'succeeded',
    });
    const after = await stripe.paymentIntents.retrieve(pi.id, {expand: ['latest_charge']});
    assert.equal(after.status, 'succeeded');
    assert.equal(after.amount_received, 2000);
    assert.equal(after.next_action, null);
    const secure = after.latest_charge.payment_method_details.card.three_d_secure;
    assert.equal(secure.authentication_flow, 'challenge');
    assert.equal(secure.result, 'authenticated');
  });

  test('3DS failed on the hosted page → payment_intent_authentication_failure', async () => {
    const pi = await redirectIntent();
    const done = await answer3ds(pi.next_action.redirect_to_url.url, 'fail');
    assert.ok([302, 303].includes(done.status));
    assert.equal(locationQuery(done.location).redirect_status, 'failed');
    const after = await stripe.paymentIntents.retrieve(pi.id);
    assert.equal(after.status, 'requires_payment_method');
    assert.equal(after.next_action, null);
    assert.equal(after.last_payment_error.code, 'payment_intent_authentication_failure');
  });

  test('error_on_requires_action → 402 authentication_required / authentication_not_handled', async () => {
    const err = await expectError(
      payWithCard('pm_card_threeDSecure2Required', {error_on_requires_action: true, return_url: RETURN_URL}),
      StripeCardError,
      {statusCode: 402, code: 'authentication_required', decline_code: 'authentication_not_handled'},
    );
    assert.equal(err.rawType, 'card_error');
    assert.equal(err.payment_intent.status, 'requires_payment_method');
    assert.equal(err.payment_intent.next_action, null);
  });

  test('off_session with the always-authenticate card → 402 authentication_required', async () => {
    const customer = await newCustomer();
    const err = await expectError(
      payWithCard('pm_card_authenticationRequired', {customer: customer.id, off_session: true}),
      StripeCardError,
      {statusCode: 402, code: 'authentication_required', decline_code: 'authentication_required'},
    );
    assert.equal(err.payment_intent.status, 'requires_payment_method');
    assert.equal(err.payment_intent.customer, customer.id);
    assert.equal(err.payment_intent.last_payment_error.code, 'authentication_required');
  });

  test('capture while requires_action → payment_intent_unexpected_state; cancel allowed', async () => {
    const pi = await redirectIntent();
    await expectError(stripe.paymentIntents.capture(pi.id), StripeInvalidRequestError, {
      statusCode: 400,
      code: 'payment_intent_unexpected_state',
    });
    const canceled = await stripe.paymentIntents.cancel(pi.id);
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.next_action, null);
  });
});

describe('payment intents: capture, cancel, states', () => {
  test('manual capture, partial', async () => {
    const pi = await payWithCard('pm_card_visa', {amount: 5000, capture_method: 'manual'});
    assert.equal(pi.status, 'requires_capture');
    assert.equal(pi.amount_capturable, 5000);
    assert.equal(pi.amount_received, 0);
    const auth = await stripe.charges.retrieve(pi.latest_charge);
    assert.equal(auth.captured, false);
    assert.equal(auth.paid, true);
    assert.equal(auth.status, 'succeeded');
    assert.equal(auth.amount_captured, 0);
    const over = await expectError(stripe.paymentIntents.capture(pi.id, {amount_to_capture: 6000}), StripeInvalidRequestError);
    assert.equal(over.statusCode, 400);
    assert.equal(over.param, 'amount_to_capture');
    const captured = await stripe.paymentIntents.capture(pi.id, {amount_to_capture: 3000});
    assert.equal(captured.status, 'succeeded');
    assert.equal(captured.amount, 5000);
    assert.equal(captured.amount_received, 3000);
    assert.equal(captured.amount_capturable, 0);
    const charge = await stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.captured, true);
    assert.equal(charge.amount_captured, 3000);
    assert.equal(charge.amount_refunded, 2000); // the uncaptured remainder is released
    for (const call of [() => stripe.paymentIntents.capture(pi.id), () => stripe.paymentIntents.cancel(pi.id)]) {
      await expectError(call(), StripeInvalidRequestError, {code: 'payment_intent_unexpected_state'});
    }
  });

  test('cancel with a reason', async () => {
    const pi = await stripe.paymentIntents.create({amount: 1000, currency: 'usd'});
    const canceled = await stripe.paymentIntents.cancel(pi.id, {cancellation_reason: 'requested_by_customer'});
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.cancellation_reason, 'requested_by_customer');
    assertRecent(canceled.canceled_at);
    await expectError(stripe.paymentIntents.cancel(pi.id), StripeInvalidRequestError, {
      statusCode: 400,
      code: 'payment_intent_unexpected_state',
    });
  });

  test('only the user reasons are accepted', async () => {
    const pi = await stripe.paymentIntents.create({amount: 1000, currency: 'usd'});
    await expectError(stripe.paymentIntents.cancel(pi.id, {cancellation_reason: 'expired'}), StripeInvalidRequestError, {
      statusCode: 400,
      param: 'cancellation_reason',
    });
  });

  test('canceling an authorization releases it', async () => {
    const pi = await payWithCard('pm_card_visa', {amount: 4000, capture_method: 'manual'});
    const canceled = await stripe.paymentIntents.cancel(pi.id, {cancellation_reason: 'abandoned'});
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.cancellation_reason, 'abandoned');
    assert.equal(canceled.amount_capturable, 0);
    const charge = await stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.captured, false);
    assert.equal(charge.refunded, true);
  });

  test('a succeeded intent refuses confirm, cancel and capture, naming the intent', async () => {
    const pi = await payWithCard();
    for (const call of [
      () => stripe.paymentIntents.confirm(pi.id),
      () => stripe.paymentIntents.cancel(pi.id),
      () => stripe.paymentIntents.capture(pi.id),
    ]) {
      const err = await expectError(call(), StripeInvalidRequestError, {
        statusCode: 400,
        rawType: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
      });
      assert.ok(err.payment_intent, `error.payment_intent missing: ${err.message}`);
      assert.equal(err.payment_intent.id, pi.id);
      assert.equal(err.payment_intent.status, 'succeeded');
    }
  });

  test('an unknown intent is resource_missing on intent', async () => {
    await expectError(stripe.paymentIntents.retrieve('pi_doesnotexist000000000000'), StripeInvalidRequestError, {
      statusCode: 404,
      code: 'resource_missing',
      param: 'intent',
    });
  });
});

describe('payment intents: update, list, expand', () => {
  test('update', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      description: 'Order 1',
      metadata: {order: '1', channel: 'web'},
    });
    const updated = await stripe.paymentIntents.update(pi.id, {
      amount: 1500,
      description: '',
      metadata: {order: '', note: 'gift'},
    });
    assert.equal(updated.amount, 1500);
    assert.equal(updated.description, null);
    assert.deepEqual(updated.metadata, {channel: 'web', note: 'gift'});
    assert.equal(updated.status, 'requires_payment_method');
    const withPm = await stripe.paymentIntents.update(pi.id, {payment_method: 'pm_card_visa'});
    assert.equal(withPm.status, 'requires_confirmation');
    const paid = await stripe.paymentIntents.confirm(pi.id, {return_url: RETURN_URL});
    assert.equal(paid.status, 'succeeded');
    assert.equal(paid.amount_received, 1500);
    await expectError(stripe.paymentIntents.update(pi.id, {amount: 3000}), StripeInvalidRequestError, {
      statusCode: 400,
      param: 'amount',
    });
  });

  test('list by customer with auto-pagination', async () => {
    const customer = await newCustomer();
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(await stripe.paymentIntents.create({amount: 1000 + i, currency: 'usd', customer: customer.id}));
    }
    await stripe.paymentIntents.create({amount: 999, currency: 'usd'});
    const page = await stripe.paymentIntents.list({customer: customer.id, limit: 2});
    assert.equal(page.object, 'list');
    assert.equal(page.url, '/v1/payment_intents');
    assert.equal(page.data.length, 2);
    assert.equal(page.has_more, true);
    const every = [];
    for await (const pi of stripe.paymentIntents.list({customer: customer.id, limit: 2})) every.push(pi);
    const ids = every.map((p) => p.id);
    assert.equal(ids.length, 5);
    assert.deepEqual([...ids].sort(), created.map((p) => p.id).sort());
    const whole = await stripe.paymentIntents.list({customer: customer.id, limit: 100});
    assert.deepEqual(whole.data.map((p) => p.id), ids);
    const viaArray = await stripe.paymentIntents.list({customer: customer.id, limit: 2}).autoPagingToArray({limit: 100});
    assert.deepEqual(viaArray.map((p) => p.id), ids);
  });

  test('retrieve with expand latest_charge and payment_method', async () => {
    const pi = await payWithCard('pm_card_visa', {amount: 2600});
    const got = await stripe.paymentIntents.retrieve(pi.id, {expand: ['latest_charge', 'payment_method']});
    assert.equal(got.latest_charge.object, 'charge');
    assert.equal(got.latest_charge.id, pi.latest_charge);
    assert.equal(got.latest_charge.amount, 2600);
    assert.equal(got.latest_charge.payment_intent, pi.id);
    assert.equal(got.latest_charge.status, 'succeeded');
    assert.equal(got.payment_method.object, 'payment_method');
    assert.equal(got.payment_method.id, pi.payment_method);
    assert.equal(got.payment_method.card.last4, '4242');
  });
});

describe('payment intents: ConfirmationToken rules', () => {
  test('a token confirms once → payment_intent_confirmation_token_invalid', async () => {
    const token = await createCtoken();
    assert.equal((await guideCall(token.id)).status, 'succeeded');
    await expectError(guideCall(token.id), StripeInvalidRequestError, {
      statusCode: 400,
      rawType: 'invalid_request_error',
      code: 'payment_intent_confirmation_token_invalid',
    });
  });

  test('setup_future_usage must match the token', async () => {
    const customer = await newCustomer();
    const token = await createCtoken('4242424242424242', {setup_future_usage: 'off_session'});
    await expectError(
      guideCall(token.id, {customer: customer.id, setup_future_usage: 'on_session'}),
      StripeInvalidRequestError,
      {statusCode: 400, param: 'setup_future_usage', code: undefined},
    );
  });
});
