// Saved cards in the Payment Element, through the demo shop (examples/checkout under
// `tender dev`): the shop keeps a returning shopper's Customer (a cookie) and gives the
// checkout a CustomerSession. A shopper saves a card while paying, sees it next time, pays
// with it, saves another, removes one; another shopper's session never shows them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import { elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { fillShipping, startDev } from '../lib/dev.js';
import { SECRET_KEY } from '../lib/tender.js';

describe('saved cards in the demo shop', () => {
  let dev;
  let browser;
  let stripe;
  let alice = null; // Alice's browser: her shop cookie lives in its context

  before(async () => {
    dev = await startDev();
    browser = await launch();
    stripe = new Stripe(SECRET_KEY, { host: '127.0.0.1', port: dev.tender.port, protocol: 'http' });
  });

  after(async () => {
    await browser?.close();
    await dev?.stop();
  });

  /** The checkout in `context`'s browser (a new one without), ready to pay. */
  async function checkout(context) {
    const page = context ? await context.newPage() : await newPage(browser, dev.tender);
    if (context) {
      page.errors = [];
      page.on('pageerror', (error) => page.errors.push(error));
      page.setDefaultTimeout(15_000);
    }
    await page.goto(`${dev.shop}/checkout`);
    await page.waitForSelector('#submit:not([disabled])');
    const frame = elementFrame(page);
    await frame.locator('#form').waitFor();
    await fillShipping(page);
    return { page, frame };
  }

  /** The names of the saved cards the Payment Element lists, once it has loaded them. */
  async function savedNames(frame, count) {
    const names = frame.locator('#saved .saved-card[data-id] .saved-name');
    await assert.doesNotReject(() => names.nth(count - 1).waitFor());
    return names.allTextContents();
  }

  /** Pays, follows the shop to the order page, and returns the order's PaymentIntent. */
  async function pay(page) {
    await page.click('#submit');
    await page.waitForURL(/\/orders\/ord_/);
    await page.waitForSelector('#status.paid', { timeout: 20_000 });
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    const order = await (await fetch(`${dev.shop}/api/orders/${id}`)).json();
    return stripe.paymentIntents.retrieve(order.payment_intent);
  }

  test('a returning shopper sees the card saved last time, pays with it, saves another, removes one', async () => {
    // First visit: nothing saved yet; the card is typed and saved while paying.
    const first = await checkout();
    alice = first.page.context();
    await first.frame.locator('#cardnumber').waitFor();
    assert.equal(await first.frame.locator('#saved').isVisible(), false);
    await fillCard(first.frame, { number: '4242424242424242' });
    await first.frame.locator('#save-pm').check();
    const firstIntent = await pay(first.page);
    assert.equal(firstIntent.setup_future_usage, 'off_session');
    assert.ok(firstIntent.customer, 'paid as the shopper\'s Customer');
    // The Address Element's shipping address reached the token and the intent.
    assert.equal(firstIntent.shipping.name, 'Jenny Rosen');
    assert.equal(firstIntent.shipping.address.line1, '185 Berry St');
    const visa = await stripe.paymentMethods.retrieve(firstIntent.payment_method);
    assert.equal(visa.allow_redisplay, 'always');
    assert.equal(visa.customer, firstIntent.customer);

    // Second visit: the saved Visa is listed and chosen; paying needs no card typed.
    const second = await checkout(alice);
    assert.deepEqual(await savedNames(second.frame, 1), ['Visa •••• 4242']);
    assert.equal(await second.frame.locator('#methods').isVisible(), false);
    const secondIntent = await pay(second.page);
    assert.equal(secondIntent.payment_method, visa.id);
    assert.equal(secondIntent.customer, firstIntent.customer);
    assert.equal(secondIntent.status, 'succeeded');

    // Third visit: a new card, saved too.
    const third = await checkout(alice);
    await savedNames(third.frame, 1);
    await third.frame.getByText('New payment method').click();
    await fillCard(third.frame, { number: '5555555555554444' });
    await third.frame.locator('#save-pm').check();
    const thirdIntent = await pay(third.page);
    assert.notEqual(thirdIntent.payment_method, visa.id);

    // Fourth visit: both, newest first; the Visa is removed (detached from the Customer).
    const fourth = await checkout(alice);
    assert.deepEqual(await savedNames(fourth.frame, 2), ['Mastercard •••• 4444', 'Visa •••• 4242']);
    await fourth.frame.getByRole('button', { name: 'Remove Visa •••• 4242' }).click();
    await fourth.frame.locator(`#saved .saved-card[data-id="${visa.id}"]`).waitFor({ state: 'detached' });
    assert.deepEqual(await savedNames(fourth.frame, 1), ['Mastercard •••• 4444']);
    assert.equal((await stripe.paymentMethods.retrieve(visa.id)).customer, null);
    for (const page of [first.page, second.page, third.page, fourth.page]) assert.deepEqual(page.errors, []);
  });

  test('another shopper\'s checkout never shows them', async () => {
    assert.ok(alice, 'runs after the returning shopper');
    const { page, frame } = await checkout();
    await frame.locator('#cardnumber').waitFor();
    // The session has loaded (the save box comes with it) and lists nothing.
    await frame.locator('#save-row').waitFor();
    assert.equal(await frame.locator('#saved').isVisible(), false);
    assert.equal(await frame.locator('.saved-card').count(), 0);
    const text = await frame.locator('body').textContent();
    assert.doesNotMatch(text, /4444|4242/);
    assert.deepEqual(page.errors, []);
  });
});
