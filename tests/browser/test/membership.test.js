// The reference shop's membership under `tender dev`: the subscription page (the Payment
// Element in subscription mode, confirmed on the shop's server), the membership activated by
// the invoice.paid webhook only, the manage page cancelling at the end of the period, and the
// member's test clock moved a month on: a renewal paid, then one declined.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import { elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { startDev } from '../lib/dev.js';
import { SECRET_KEY } from '../lib/tender.js';

describe('the reference shop\'s membership', () => {
  let dev;
  let browser;
  let stripe;

  before(async () => {
    dev = await startDev();
    browser = await launch();
    stripe = new Stripe(SECRET_KEY, { host: '127.0.0.1', port: dev.tender.port, protocol: 'http' });
  });

  after(async () => {
    await browser?.close();
    await dev?.stop();
  });

  test('4242 subscribes; active after invoice.paid; the manage page cancels at period end', async () => {
    const page = await newPage(browser, dev.tender);
    await page.goto(`${dev.shop}/`);
    await page.click('nav a[href="/subscribe"]');
    await page.waitForSelector('#submit:not([disabled])');
    assert.equal(await page.textContent('#submit'), 'Subscribe for $9.00 / month');
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    await page.fill('#email', 'member@example.com');
    await fillCard(frame, { number: '4242424242424242' });
    await page.click('#submit');

    await page.waitForURL(/\/membership\/mem_/);
    await page.waitForSelector('#status.paid', { timeout: 20_000 });
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    const { membership, subscription } = await (await fetch(`${dev.shop}/api/memberships/${id}`)).json();
    assert.equal(membership.status, 'active');
    assert.match(membership.activated_by, /^evt_/);
    const activatedBy = await stripe.events.retrieve(membership.activated_by);
    assert.equal(activatedBy.type, 'invoice.paid');
    assert.equal(subscription.status, 'active');

    // The plan the shop set up at start, found again by its lookup key.
    const sub = await stripe.subscriptions.retrieve(subscription.id, { expand: ['customer'] });
    assert.equal(sub.items.data[0].price.lookup_key, 'tender_shop_membership_monthly');
    assert.equal(sub.items.data[0].price.unit_amount, 900);
    assert.equal(sub.customer.email, 'member@example.com');
    assert.equal(sub.metadata.membership_id, id);
    assert.ok(sub.default_payment_method, 'the card became the subscription\'s default');
    const periodEnd = sub.items.data[0].current_period_end;
    assert.equal(subscription.current_period_end, periodEnd);
    assert.equal(await page.textContent('#subscription-status'), 'active');
    assert.equal(await page.textContent('#renewal'), 'renews monthly');

    await page.click('#cancel');
    await page.waitForFunction(() => document.querySelector('#renewal').textContent === 'ends with this period');
    assert.equal(await page.locator('#cancel').isHidden(), true);
    const canceled = await stripe.subscriptions.retrieve(subscription.id);
    assert.equal(canceled.cancel_at_period_end, true);
    assert.equal(canceled.status, 'active', 'the member keeps the month they paid for');
    const ends = new Date(periodEnd * 1000).toLocaleDateString('en-US', {
      year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC',
    });
    assert.equal(await page.textContent('#period-end'), ends);
    assert.deepEqual(page.errors, []);
  });

  test('the test clock: a renewal paid, then a renewal declined and the membership past due', async () => {
    const page = await newPage(browser, dev.tender);
    await page.goto(`${dev.shop}/subscribe`);
    await page.waitForSelector('#submit:not([disabled])');
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    await page.fill('#email', 'renewing@example.com');
    await fillCard(frame, { number: '4242424242424242' });
    await page.click('#submit');
    await page.waitForURL(/\/membership\/mem_/);
    await page.waitForSelector('#status.paid', { timeout: 20_000 });
    await page.waitForSelector('#clock-panel:not(.hidden)');
    const statuses = () => page.$$eval('#invoices tr', (rows) => rows.map((r) => r.dataset.status));
    assert.deepEqual(await statuses(), ['paid']);

    await page.click('#advance');
    await page.waitForFunction(() => document.querySelectorAll('#invoices tr').length === 2);
    assert.deepEqual(await statuses(), ['paid', 'paid']);
    assert.equal(await page.textContent('#subscription-status'), 'active');
    assert.equal(await page.textContent('#invoices tr:first-child td:nth-child(2)'), 'renewal');

    await page.click('#fail-card');
    await page.waitForFunction(() => !document.querySelector('#fail-card').disabled);
    await page.click('#advance');
    await page.waitForFunction(() => document.querySelectorAll('#invoices tr').length === 3);
    assert.deepEqual(await statuses(), ['open', 'paid', 'paid']);
    assert.equal(await page.textContent('#subscription-status'), 'past_due');
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    const { subscription } = await (await fetch(`${dev.shop}/api/memberships/${id}`)).json();
    const failed = await stripe.invoices.list({ subscription: subscription.id, status: 'open' });
    assert.equal(failed.data[0].attempt_count, 1);
    assert.deepEqual(page.errors, []);
  });
});
