// Subscriptions and invoices through stripe-node: the guide's "Create a subscription" path
// (default_incomplete, then the first invoice's PaymentIntent confirmed with a ConfirmationToken
// from Elements in subscription mode), 3D Secure, a decline, error_if_incomplete, a trial,
// cancellation and the error shapes. (The 23-hour expiry is in the Rust API suite: it moves the
// server's clock, which every test here shares.)
import assert from 'node:assert/strict';
import {randomUUID} from 'node:crypto';
import {describe, test} from 'node:test';

import {answer3ds, createCtoken, nextActionUrl} from './flows.js';
import {Stripe, expectError, newCustomer, stripe} from './helpers.js';

const Invalid = Stripe.errors.StripeInvalidRequestError;
const CardError = Stripe.errors.StripeCardError;

const newPlan = () =>
  stripe.prices.create({
    currency: 'usd',
    unit_amount: 1200,
    recurring: {interval: 'month'},
    product_data: {name: `Plan ${randomUUID().slice(0, 6)}`},
  });

/** A ConfirmationToken as Stripe.js makes it for Elements in `mode: 'subscription'`. */
const subscriptionToken = async (number = '4242424242424242') =>
  (
    await createCtoken(number, {
      setup_future_usage: 'off_session',
      'client_context[mode]': 'subscription',
      'client_context[currency]': 'usd',
      'client_context[setup_future_usage]': 'off_session',
      return_url: 'https://shop.example/done',
    })
  ).id;

/** The guide's server code, as written for stripe-node on a basil-or-later API version. */
async function guideCreate(customer, price) {
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{price: price.id}],
    payment_behavior: 'default_incomplete',
    payment_settings: {save_default_payment_method: 'on_subscription'},
    expand: ['latest_invoice.payments', 'latest_invoice.confirmation_secret'],
  });
  const piId = subscription.latest_invoice.payments.data[0].payment.payment_intent;
  return {subscription, piId};
}

describe('subscriptions', () => {
  test("the guide's path: default_incomplete, confirm with the token, active", async () => {
    const [customer, price] = await Promise.all([newCustomer(), newPlan()]);
    const {subscription, piId} = await guideCreate(customer, price);
    assert.equal(subscription.status, 'incomplete');
    const invoice = subscription.latest_invoice;
    assert.equal(invoice.status, 'open');
    assert.equal(invoice.amount_due, 1200);
    assert.equal(invoice.confirmation_secret.type, 'payment_intent');
    assert.ok(invoice.confirmation_secret.client_secret.startsWith(`${piId}_secret_`));

    const intent = await stripe.paymentIntents.confirm(piId, {
      confirmation_token: await subscriptionToken(),
    });
    assert.equal(intent.status, 'succeeded');
    const active = await stripe.subscriptions.retrieve(subscription.id, {expand: ['latest_invoice']});
    assert.equal(active.status, 'active');
    assert.equal(active.default_payment_method, intent.payment_method);
    assert.equal(active.latest_invoice.status, 'paid');
    assert.equal(active.latest_invoice.amount_paid, 1200);
    const paid = await stripe.events.list({type: 'invoice.paid', limit: 5});
    assert.ok(paid.data.some((e) => e.data.object.id === invoice.id));
  });

  test('3D Secure on the first invoice, then the hosted page', async () => {
    const [customer, price] = await Promise.all([newCustomer(), newPlan()]);
    const {subscription, piId} = await guideCreate(customer, price);
    const intent = await stripe.paymentIntents.confirm(piId, {
      confirmation_token: await subscriptionToken('4000002500003155'),
    });
    assert.equal(intent.status, 'requires_action');
    assert.equal((await stripe.subscriptions.retrieve(subscription.id)).status, 'incomplete');
    await answer3ds(nextActionUrl(intent), 'complete');
    assert.equal((await stripe.subscriptions.retrieve(subscription.id)).status, 'active');
  });

  test('a decline keeps it incomplete with the invoice open', async () => {
    const [customer, price] = await Promise.all([newCustomer(), newPlan()]);
    const {subscription, piId} = await guideCreate(customer, price);
    const declined = await expectError(
      stripe.paymentIntents.confirm(piId, {confirmation_token: await subscriptionToken('4000000000000002')}),
      CardError,
      {statusCode: 402, code: 'card_declined'},
    );
    assert.equal(declined.decline_code, 'generic_decline');
    const after = await stripe.subscriptions.retrieve(subscription.id, {expand: ['latest_invoice']});
    assert.equal(after.status, 'incomplete');
    assert.equal(after.latest_invoice.status, 'open');
  });

  test('error_if_incomplete with a saved card, a trial, cancellation', async () => {
    const [customer, price] = await Promise.all([newCustomer(), newPlan()]);
    const pm = await stripe.paymentMethods.attach('pm_card_visa', {customer: customer.id});
    await stripe.customers.update(customer.id, {invoice_settings: {default_payment_method: pm.id}});
    const paid = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{price: price.id}],
      payment_behavior: 'error_if_incomplete',
    });
    assert.equal(paid.status, 'active');

    const trial = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{price: price.id}],
      trial_period_days: 30,
    });
    assert.equal(trial.status, 'trialing');
    assert.equal(trial.trial_end - trial.trial_start, 30 * 86400);

    const later = await stripe.subscriptions.update(paid.id, {cancel_at_period_end: true});
    assert.equal(later.cancel_at_period_end, true);
    assert.equal(later.cancel_at, paid.items.data[0].current_period_end);
    const canceled = await stripe.subscriptions.cancel(trial.id);
    assert.equal(canceled.status, 'canceled');
    const listed = await stripe.subscriptions.list({customer: customer.id});
    assert.deepEqual(
      listed.data.map((s) => s.id),
      [paid.id],
    );
  });

  test('invoices and invoice payments', async () => {
    const [customer, price] = await Promise.all([newCustomer(), newPlan()]);
    const {subscription, piId} = await guideCreate(customer, price);
    const invoiceId = subscription.latest_invoice.id;
    const paid = await stripe.invoices.pay(invoiceId, {payment_method: 'pm_card_visa'});
    assert.equal(paid.status, 'paid');
    await expectError(stripe.invoices.pay(invoiceId), Invalid, {statusCode: 400});
    const lines = await stripe.invoices.listLineItems(invoiceId);
    assert.equal(lines.data[0].amount, 1200);
    const payments = await stripe.invoicePayments.list({
      payment: {type: 'payment_intent', payment_intent: piId},
    });
    assert.equal(payments.data[0].invoice, invoiceId);
    assert.equal(payments.data[0].status, 'paid');
  });

  test('error shapes', async () => {
    const customer = await newCustomer();
    await expectError(stripe.subscriptions.create({customer: customer.id, items: [{price: 'price_nope'}]}), Invalid, {
      statusCode: 400,
      code: 'resource_missing',
      param: 'items[0][price]',
    });
    await expectError(stripe.subscriptions.create({items: [{price: 'price_nope'}]}), Invalid, {
      code: 'parameter_missing',
      param: 'customer',
    });
    await expectError(stripe.subscriptions.retrieve('sub_nope'), Invalid, {statusCode: 404});
  });
  test('an upgrade, and items added and removed through subscriptionItems', async () => {
    const [customer, price, premium] = await Promise.all([newCustomer(), newPlan(), newPlan()]);
    const pm = await stripe.paymentMethods.attach('pm_card_visa', {customer: customer.id});
    await stripe.customers.update(customer.id, {invoice_settings: {default_payment_method: pm.id}});
    const sub = await stripe.subscriptions.create({customer: customer.id, items: [{price: price.id}]});
    const [item] = sub.items.data;
    const upgraded = await stripe.subscriptions.update(sub.id, {
      items: [{id: item.id, price: premium.id, quantity: 2}],
      proration_behavior: 'create_prorations',
    });
    assert.deepEqual(
      upgraded.items.data.map((i) => [i.id, i.price.id, i.quantity]),
      [[item.id, premium.id, 2]],
    );
    const pending = await stripe.invoiceItems.list({customer: customer.id, pending: true});
    assert.deepEqual(
      pending.data.map((ii) => [ii.proration, ii.pricing.price_details.price, Math.sign(ii.amount)]),
      [
        [true, premium.id, 1],
        [true, price.id, -1],
      ],
    );

    const added = await stripe.subscriptionItems.create({
      subscription: sub.id,
      price: price.id,
      proration_behavior: 'none',
    });
    assert.equal(added.subscription, sub.id);
    assert.equal(added.quantity, 1);
    const removed = await stripe.subscriptionItems.del(item.id, {proration_behavior: 'none'});
    assert.deepEqual([removed.id, removed.deleted], [item.id, true]);
    const listed = await stripe.subscriptionItems.list({subscription: sub.id});
    assert.deepEqual(
      listed.data.map((i) => i.id),
      [added.id],
    );
    await expectError(stripe.subscriptionItems.del(added.id), Invalid, {statusCode: 400});
  });
});
