// The "Create a subscription" tab of "Finalize payments on the server": the guide's page in
// subscription mode and its Express + stripe-node server (lib/guide-subscription.js lists what
// differs from the payment tab), against a fresh Tender, with the webhook endpoint the guide's
// server provisions from.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import { challengeFrame, elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { subscriptionPage, subscriptionServer } from '../lib/guide-subscription.js';
import { freePort, startGuideServer } from '../lib/servers.js';
import { SECRET_KEY, startTender } from '../lib/tender.js';

describe('the guide\'s "Create a subscription" tab', () => {
  let tender;
  let guide;
  let browser;
  let stripe;
  let price;

  before(async () => {
    tender = await startTender();
    stripe = new Stripe(SECRET_KEY, { host: '127.0.0.1', port: tender.port, protocol: 'http' });
    // The page's Elements show 1099 USD: the price is the same amount, monthly.
    price = await stripe.prices.create({
      unit_amount: 1099,
      currency: 'usd',
      recurring: { interval: 'month' },
      product_data: { name: 'Gold Special' },
    });
    // The endpoint's secret is shown once, at creation: register it, then start the server.
    const port = await freePort();
    const endpoint = await stripe.webhookEndpoints.create({
      url: `http://127.0.0.1:${port}/webhook`,
      enabled_events: ['invoice.paid', 'invoice.payment_failed'],
    });
    guide = await startGuideServer(tender, {
      page: subscriptionPage(tender.url),
      server: subscriptionServer(tender, price.id),
      port,
      env: { STRIPE_WEBHOOK_SECRET: endpoint.secret },
    });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await guide?.stop();
    await tender?.stop();
  });

  async function subscribe(number) {
    const page = await newPage(browser, tender);
    await page.goto(guide.url);
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    await fillCard(frame, { number });
    await page.click('#submit');
    return page;
  }

  /** The newest subscription, with what the test checks about its first invoice. */
  async function latestSubscription() {
    const { data } = await stripe.subscriptions.list({ limit: 1, status: 'all' });
    return stripe.subscriptions.retrieve(data[0].id, { expand: ['latest_invoice.payments'] });
  }

  /** The events the guide's webhook endpoint verified, once `type` arrived for `subscription`. */
  async function received(type, subscription) {
    for (let i = 0; i < 100; i++) {
      const events = await (await fetch(`${guide.url}/received`)).json();
      if (events.some((e) => e.type === type && e.subscription === subscription)) return events;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`${type} for ${subscription} never reached the guide's endpoint`);
  }

  test('4242 4242 4242 4242: active after the confirm, invoice.paid received', async () => {
    const page = await subscribe('4242424242424242');
    await page.locator('#payment-status').waitFor();
    assert.equal(await page.textContent('#error-message'), '');
    const subscription = await latestSubscription();
    assert.equal(subscription.status, 'active');
    assert.equal(subscription.items.data[0].price.id, price.id);
    const invoice = subscription.latest_invoice;
    assert.equal(invoice.status, 'paid');
    assert.equal(invoice.amount_paid, 1099);
    const intent = await stripe.paymentIntents.retrieve(invoice.payments.data[0].payment.payment_intent);
    assert.equal(intent.status, 'succeeded');
    // save_default_payment_method: on_subscription.
    assert.equal(subscription.default_payment_method, intent.payment_method);
    const events = await received('invoice.paid', subscription.id);
    assert.equal(events.find((e) => e.subscription === subscription.id).invoice, invoice.id);
    assert.deepEqual(page.errors, []);
  });

  test('4000 0025 0000 3155: requires_action, the challenge, then active', async () => {
    const page = await subscribe('4000002500003155');
    await challengeFrame(page).locator('#complete').click();
    await page.locator('#payment-status').waitFor();
    const subscription = await latestSubscription();
    assert.equal(subscription.status, 'active');
    assert.equal(subscription.latest_invoice.status, 'paid');
    await received('invoice.paid', subscription.id);
    assert.deepEqual(page.errors, []);
  });

  test('4000 0000 0000 0002: the decline is shown, the subscription stays incomplete', async () => {
    const page = await subscribe('4000000000000002');
    await page.waitForFunction(() => document.querySelector('#error-message').textContent.trim() !== '');
    assert.equal(await page.textContent('#error-message'), 'Your card was declined.');
    assert.equal(await page.locator('#payment-status').count(), 0);
    const subscription = await latestSubscription();
    assert.equal(subscription.status, 'incomplete');
    assert.equal(subscription.latest_invoice.status, 'open');
    await received('invoice.payment_failed', subscription.id);
  });
});
