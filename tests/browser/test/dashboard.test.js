// The dashboard (issue #25) in Chromium, on SQLite and on PostgreSQL: sign in with the secret
// key, see a payment made with the SDK appear without reloading, open its timeline (events,
// the request that made it), refund part of it from the page, find a failed request by its
// Request-Id, check that attacker-controlled text never runs; a subscription made with the
// API, its test clock advanced a month from the page and the renewal invoice appearing; a
// failed webhook delivery resent once the receiver is fixed; and forms (the sign-in form
// too) refused without their token. Screenshots go to tests/artifacts/browser/.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import { ARTIFACTS, launch, newPage } from '../lib/browser.js';
import { SECRET_KEY, startTender } from '../lib/tender.js';

for (const backend of ['sqlite', 'postgres']) describe(`dashboard (${backend})`, () => {
  let tender;
  let browser;
  let stripe;
  // A webhook receiver that answers 200 and keeps the event types it got.
  let receiver;
  const received = [];
  // A receiver that answers 500 until it is fixed, and the event ids it acknowledged.
  let flaky;
  let flakyFixed = false;
  const flakyAcknowledged = [];
  const shot = (name) => join(ARTIFACTS, `dashboard-${name}-${backend}.png`);

  before(async () => {
    // Three quick attempts, so a delivery fails for good within a second.
    tender = await startTender({ backend, env: { TENDER_WEBHOOK_RETRIES: '100ms,200ms' } });
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
    flaky = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => {
        if (flakyFixed) flakyAcknowledged.push(JSON.parse(body).id);
        response.writeHead(flakyFixed ? 200 : 500, { 'content-type': 'application/json' });
        response.end(flakyFixed ? '{"received":true}' : '{"error":"receiver is broken"}');
      });
    });
    await new Promise((listening) => flaky.listen(0, '127.0.0.1', listening));
  });

  after(async () => {
    await browser?.close();
    await tender?.stop();
    receiver?.close();
    flaky?.close();
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
    await timeline.getByText('payment_intent.succeeded', { exact: true }).waitFor();
    await timeline.getByText('charge.succeeded', { exact: true }).waitFor();
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
    await page.screenshot({ path: shot('payment-timeline'), fullPage: true });

    await page.getByLabel(/Refund amount/).fill('1000');
    await page.getByRole('button', { name: 'Refund' }).click();
    await page.waitForURL(`${tender.url}/dashboard/payments/${intent.id}`);
    await timeline.getByText('charge.refunded', { exact: true }).waitFor();
    await timeline.getByText('refund.created', { exact: true }).waitFor();
    for (let i = 0; i < 100 && !received.includes('charge.refunded'); i += 1) {
      await new Promise((later) => setTimeout(later, 100));
    }
    assert.ok(received.includes('charge.refunded'), `the refund's webhook arrived: ${received}`);
    const refunds = await stripe.refunds.list({ payment_intent: intent.id });
    assert.equal(refunds.data.length, 1);
    assert.equal(refunds.data[0].amount, 1000);
    await page.screenshot({ path: shot('payment-refunded'), fullPage: true });
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
    await page.screenshot({ path: shot('request-log'), fullPage: true });
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

  test('a subscription made with the API, its clock advanced a month from the page', async () => {
    const frozen = 1_798_761_600; // 1 Jan 2027 00:00 UTC
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: frozen, name: 'Renewals' });
    const price = await stripe.prices.create({
      currency: 'usd', unit_amount: 1500, recurring: { interval: 'month' }, product_data: { name: 'Gold' },
    });
    const customer = await stripe.customers.create({ email: 'member@example.com', test_clock: clock.id });
    const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: method.id } });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id, items: [{ price: price.id, quantity: 2 }], description: 'Gold plan',
    });
    assert.equal(subscription.status, 'active');

    const page = await signedIn();
    await page.getByRole('link', { name: 'Subscriptions' }).click();
    await page.waitForURL(`${tender.url}/dashboard/subscriptions`);
    const link = page.locator(`a[href="/dashboard/subscriptions/${subscription.id}"]`);
    await link.waitFor();
    await page.screenshot({ path: shot('subscriptions'), fullPage: true });
    await link.click();
    await page.waitForURL(`${tender.url}/dashboard/subscriptions/${subscription.id}`);
    await page.getByRole('heading', { name: 'Test clock' }).waitFor();
    assert.match(await page.locator('h1').innerText(), /\$15\.00 \/ month × 2/);
    const invoices = page.locator('table.invoices a[href^="/dashboard/invoices/"]');
    assert.equal(await invoices.count(), 1);

    await page.getByRole('button', { name: 'Advance one month' }).click();
    await page.waitForURL(`${tender.url}/dashboard/subscriptions/${subscription.id}`);
    // The renewal invoice appears without a reload once the clock has moved.
    for (let i = 0; i < 100 && await invoices.count() < 2; i += 1) {
      await new Promise((later) => setTimeout(later, 200));
    }
    assert.equal(await invoices.count(), 2, 'the renewal invoice is listed');
    await page.locator('#clock-status .badge', { hasText: 'ready' }).waitFor({ timeout: 10_000 });
    // The summary follows: the current period now ends on 1 March.
    await page.locator('dl.summary time[datetime="2027-03-01T00:00:00.000Z"]').first().waitFor({ timeout: 10_000 });
    const moved = await stripe.testHelpers.testClocks.retrieve(clock.id);
    assert.equal(moved.frozen_time, frozen + 31 * 86_400);
    const renewals = await stripe.invoices.list({ subscription: subscription.id });
    assert.equal(renewals.data.length, 2);
    assert.equal(renewals.data[0].billing_reason, 'subscription_cycle');
    await page.screenshot({ path: shot('subscription-advanced'), fullPage: true });

    await invoices.first().click();
    await page.waitForURL(`${tender.url}/dashboard/invoices/${renewals.data[0].id}`);
    await page.locator('#amount-due', { hasText: '$30.00' }).waitFor();
    await page.screenshot({ path: shot('invoice'), fullPage: true });
    assert.deepEqual(page.errors, []);
  });

  test('a failed delivery is resent from the page once the receiver is fixed', async () => {
    const endpoint = await stripe.webhookEndpoints.create({
      url: `http://127.0.0.1:${flaky.address().port}/hook`, enabled_events: ['customer.created'],
    });
    const customer = await stripe.customers.create({ name: 'Flaky delivery' });
    const events = await stripe.events.list({ type: 'customer.created', limit: 100 });
    const event = events.data.find((e) => e.data.object.id === customer.id);
    assert.ok(event, 'the customer.created event');

    const page = await signedIn();
    await page.goto(`${tender.url}/dashboard/webhooks/${endpoint.id}`);
    const failed = page.locator('tr.delivery[data-status="failed"]');
    for (let i = 0; i < 50 && await failed.count() === 0; i += 1) {
      await new Promise((later) => setTimeout(later, 200));
      await page.reload();
    }
    assert.equal(await failed.count(), 1, 'the delivery failed for good');
    // What was sent: the signature header and the body; what came back: 500 and its body.
    await failed.locator('details.request > summary').first().click();
    assert.match(await failed.locator('.signature').first().innerText(), /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.match(await failed.locator('.request-body').first().innerText(), new RegExp(event.id));
    await failed.locator('details.response > summary').first().click();
    await failed.getByText('receiver is broken').first().waitFor();
    await page.screenshot({ path: shot('delivery-failed'), fullPage: true });

    flakyFixed = true;
    await failed.getByRole('button', { name: 'Resend' }).click();
    await page.waitForURL(`${tender.url}/dashboard/webhooks/${endpoint.id}`);
    for (let i = 0; i < 50 && !flakyAcknowledged.includes(event.id); i += 1) {
      await new Promise((later) => setTimeout(later, 100));
    }
    assert.deepEqual(flakyAcknowledged, [event.id]);
    const delivered = page.locator('tr.delivery[data-status="delivered"]');
    for (let i = 0; i < 50 && await delivered.count() === 0; i += 1) {
      await new Promise((later) => setTimeout(later, 200));
      await page.reload();
    }
    assert.equal(await delivered.count(), 1);
    await page.screenshot({ path: shot('delivery-resent'), fullPage: true });
    assert.deepEqual(page.errors, []);
  });

  test('forms without their token are refused, the sign-in form from another site too', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 900, currency: 'usd', confirm: true, payment_method: 'pm_card_visa',
      payment_method_types: ['card'],
    });
    const page = await signedIn();
    // The browser's own session, without the form's token: refused, nothing refunded.
    const refused = await page.request.post(`${tender.url}/dashboard/payments/${intent.id}/refund`, {
      form: { amount: '100' }, maxRedirects: 0,
    });
    assert.equal(refused.status(), 403);
    assert.equal((await stripe.refunds.list({ payment_intent: intent.id })).data.length, 0);

    // Another origin's page posting the sign-in form with the attacker's key. It is on the same
    // host (another port), so it can even write the pre-session cookie to match its token:
    // the Origin check refuses it.
    const forged = 'a'.repeat(32);
    const attacker = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><form method="post" action="${tender.url}/dashboard/sign_in">
        <input name="secret_key" value="${SECRET_KEY}"><input name="csrf" value="${forged}">
        </form><script>document.cookie = "tender_signin=${forged}; path=/dashboard/sign_in";
        document.forms[0].submit()</script>`);
    });
    await new Promise((listening) => attacker.listen(0, '127.0.0.1', listening));
    try {
      const victim = await newPage(browser, tender);
      const answer = victim.waitForResponse((r) => r.url().endsWith('/dashboard/sign_in') && r.request().method() === 'POST');
      await victim.goto(`http://127.0.0.1:${attacker.address().port}/`);
      assert.equal((await answer).status(), 403);
      const cookies = await victim.context().cookies(tender.url);
      assert.ok(!cookies.some((c) => c.name === 'tender_dashboard'), 'no session was started');
      await victim.goto(`${tender.url}/dashboard/payments`);
      await victim.waitForURL(`${tender.url}/dashboard/sign_in`);
      await victim.screenshot({ path: shot('sign-in-csrf-refused'), fullPage: true });
    } finally {
      attacker.close();
    }
  });
});
