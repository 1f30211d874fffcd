// The dashboard (issue #25) in Chromium: sign in with the secret key, see a payment made with
// the SDK appear without reloading, open its timeline (events, the request that made it),
// refund part of it from the page, find a failed request by its Request-Id, and check that
// attacker-controlled text never runs. Screenshots go to tests/artifacts/browser/.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import { ARTIFACTS, launch, newPage } from '../lib/browser.js';
import { SECRET_KEY, startTender } from '../lib/tender.js';

describe('dashboard', () => {
  let tender;
  let browser;
  let stripe;
  // A webhook receiver that answers 200 and keeps the event types it got.
  let receiver;
  const received = [];

  before(async () => {
    tender = await startTender();
    browser = await launch();
    stripe = new Stripe(SECRET_KEY, { host: '127.0.0.1', port: tender.port, protocol: 'http' });
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => {
        received.push(JSON.parse(body).type);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"received":true}');
      });
    });
    await new Promise((listening) => receiver.listen(0, '127.0.0.1', listening));
    await stripe.webhookEndpoints.create({
      url: `http://127.0.0.1:${receiver.address().port}/webhook`, enabled_events: ['*'],
    });
  });

  after(async () => {
    await browser?.close();
    await tender?.stop();
    receiver?.close();
  });

  async function signedIn() {
    const page = await newPage(browser, tender, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${tender.url}/dashboard`);
    await page.getByLabel('Secret key of the account').fill(SECRET_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${tender.url}/dashboard/payments`);
    return page;
  }

  test('a payment appears live, its timeline shows its events, and it is refunded from the page', async () => {
    const page = await signedIn();
    await page.getByRole('heading', { name: 'Payments' }).waitFor();

    // Made after the page loaded: the list must pick it up on its own.
    const intent = await stripe.paymentIntents.create({
      amount: 2500, currency: 'usd', confirm: true, payment_method: 'pm_card_visa',
      payment_method_types: ['card'],
      description: 'Order 1001', metadata: { order: '1001' },
    });
    assert.equal(intent.status, 'succeeded');
    const link = page.locator(`a[href="/dashboard/payments/${intent.id}"]`);
    await link.waitFor({ timeout: 10_000 });
    assert.equal(await link.innerText(), '$25.00');

    await link.click();
    await page.waitForURL(`${tender.url}/dashboard/payments/${intent.id}`);
    const timeline = page.locator('ol.timeline');
    await timeline.getByText('payment_intent.succeeded').waitFor();
    await timeline.getByText('charge.succeeded').waitFor();
    // The API request that made it (logs are written in the background: the page refreshes).
    await timeline.getByText('POST /v1/payment_intents').waitFor({ timeout: 10_000 });
    // Times are shown in the browser's zone, not as the server's UTC text.
    const shown = await page.locator('time[data-local]').first().innerText();
    assert.doesNotMatch(shown, /UTC$/);
    // Each event's delivery to the receiver, with the receiver's answer.
    const deliveries = timeline.locator('details.deliveries').first();
    await deliveries.waitFor({ timeout: 10_000 });
    await deliveries.locator(':scope > summary').click();
    await deliveries.getByText('delivered').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-payment-timeline.png'), fullPage: true });

    await page.getByLabel(/Refund amount/).fill('1000');
    await page.getByRole('button', { name: 'Refund' }).click();
    await page.waitForURL(`${tender.url}/dashboard/payments/${intent.id}`);
    await timeline.getByText('charge.refunded').waitFor();
    await timeline.getByText('refund.created').waitFor();
    for (let i = 0; i < 100 && !received.includes('charge.refunded'); i += 1) {
      await new Promise((later) => setTimeout(later, 100));
    }
    assert.ok(received.includes('charge.refunded'), `the refund's webhook arrived: ${received}`);
    const refunds = await stripe.refunds.list({ payment_intent: intent.id });
    assert.equal(refunds.data.length, 1);
    assert.equal(refunds.data[0].amount, 1000);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-payment-refunded.png'), fullPage: true });
    assert.deepEqual(page.errors, []);
  });

  test('a failed request is found by its Request-Id', async () => {
    let requestId;
    try {
      await stripe.paymentIntents.create({ amount: 10, currency: 'usd' });
      assert.fail('an amount under the minimum is refused');
    } catch (error) {
      requestId = error.requestId;
    }
    assert.match(requestId, /^req_/);
    const page = await signedIn();
    await page.goto(`${tender.url}/dashboard/logs`);
    await page.getByLabel('Go to an object by id').fill(requestId);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${tender.url}/dashboard/logs/${requestId}`);
    await page.getByText('amount_too_small').first().waitFor();
    assert.equal(await page.locator('h1 .badge').innerText(), '400');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-request-log.png'), fullPage: true });
  });

  test('attacker-controlled text is shown, never run', async () => {
    const customer = await stripe.customers.create({
      name: '<script>window.pwned = "name"</script>',
      description: '"><img src=x onerror="window.pwned = \'description\'">',
      metadata: { '<img src=x onerror="window.pwned=1">': '<script>window.pwned = "metadata"</script>' },
    });
    const intent = await stripe.paymentIntents.create({
      amount: 700, currency: 'eur', customer: customer.id,
      description: '<svg onload="window.pwned = \'svg\'">',
    });
    const page = await signedIn();
    const dialogs = [];
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
    for (const path of ['/dashboard/payments', `/dashboard/payments/${intent.id}`,
      '/dashboard/customers', `/dashboard/customers/${customer.id}`, '/dashboard/events']) {
      await page.goto(`${tender.url}${path}`);
      await page.waitForLoadState('load');
      assert.equal(await page.evaluate(() => window.pwned), undefined, path);
      assert.equal(await page.locator('main img, main svg, main script').count(), 0, path);
    }
    await page.goto(`${tender.url}/dashboard/customers/${customer.id}`);
    await page.getByText('<script>window.pwned = "name"</script>').first().waitFor();
    assert.deepEqual(dialogs, []);
  });
});
