// The reference shop (examples/checkout) in a real browser, started the way a developer
// starts it: `tender dev`, which runs Tender and the shop in one process with the shop's
// webhook endpoint registered. Every page of the shop, paid with the test cards the command
// prints; an order counts as paid only once the shop's order page says so (the webhook).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import { challengeFrame, elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { fillShipping, startDev } from '../lib/dev.js';
import { SECRET_KEY } from '../lib/tender.js';

const AUTHENTICATION_FAILED = 'We are unable to authenticate your payment method. ' +
  'Please choose a different payment method and try again.';
// The shop's link colour (--accent), where a browser's default would be rgb(0, 0, 238).
const ACCENT = 'rgb(15, 118, 110)';

describe('the reference shop under tender dev', () => {
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

  async function open(path) {
    const page = await newPage(browser, dev.tender);
    await page.goto(`${dev.shop}${path}`);
    return page;
  }

  /**
   * A checkout page with its cart priced and the Payment Element ready for a card (on
   * /checkout, the shipping address entered in the Address Element).
   */
  async function checkout(path = '/checkout') {
    const page = await open(path);
    await page.waitForSelector('#submit:not([disabled])');
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    if (path === '/checkout') await fillShipping(page);
    return { page, frame };
  }

  async function errorShown(page, selector = '#error-message') {
    await page.waitForFunction(
      (s) => document.querySelector(s).textContent.trim() !== '', selector,
    );
    return (await page.textContent(selector)).trim();
  }

  /** Follows the page to the order page and waits for the webhook to mark the order paid. */
  async function paidOrder(page) {
    await page.waitForURL(/\/orders\/ord_/);
    await page.waitForSelector('#status.paid', { timeout: 20_000 });
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    const order = await (await fetch(`${dev.shop}/api/orders/${id}`)).json();
    assert.equal(order.status, 'paid');
    return order;
  }

  async function intentOf(order) {
    return stripe.paymentIntents.retrieve(order.payment_intent);
  }

  test('tender dev prints the shop, its pages and the test cards', () => {
    for (const text of ['/checkout', '/two-step', '/save-card', '4242 4242 4242 4242',
      '4000 0025 0000 3155', '4000 0000 0000 0002', '5105 1051 0510 5100']) {
      assert.ok(dev.printed.includes(text), text);
    }
  });

  test('checkout: the total follows the cart, 4242 pays the server\'s total', async () => {
    const { page, frame } = await checkout();
    assert.equal(await page.textContent('#submit'), 'Pay $37.00');
    await page.click('#add-tee');
    await page.waitForFunction(() => document.querySelector('#submit').textContent === 'Pay $62.00');
    await page.fill('#discount-code', 'welcome10');
    await page.click('#apply-code');
    await page.waitForFunction(() => document.querySelector('#submit').textContent === 'Pay $55.80');
    await page.fill('#discount-code', 'FREE');
    await page.click('#apply-code');
    assert.match(await errorShown(page, '#code-error'), /not valid/);
    assert.equal(await page.textContent('#submit'), 'Pay $55.80', 'the valid code stays applied');

    await fillCard(frame, { number: '4242424242424242' });
    await page.click('#submit');
    const order = await paidOrder(page);
    assert.equal(order.amount, 5580);
    assert.equal(order.flow, 'server-confirm');
    const intent = await intentOf(order);
    assert.equal(intent.amount, 5580);
    assert.equal(intent.metadata.order_id, order.id);
    assert.deepEqual(page.errors, []);
  });

  test('checkout: 3D Secure completed in the modal pays', async () => {
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '4000002500003155' });
    await page.click('#submit');
    await challengeFrame(page).locator('#complete').click();
    const order = await paidOrder(page);
    assert.equal((await intentOf(order)).status, 'succeeded');
    assert.deepEqual(page.errors, []);
  });

  test('checkout: failed 3D Secure keeps the order pending; another card pays it', async () => {
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '4000002500003155' });
    await page.click('#submit');
    await challengeFrame(page).locator('#fail').click();
    assert.equal(await errorShown(page), AUTHENTICATION_FAILED, 'Stripe.js\'s words, not the API\'s');
    assert.equal(await page.locator('#submit').isEnabled(), true);

    await frame.locator('#cardnumber').fill('');
    await frame.locator('#cardnumber').pressSequentially('4242424242424242');
    await page.click('#submit');
    const order = await paidOrder(page);
    const intents = await stripe.paymentIntents.list({ limit: 100 });
    const forOrder = intents.data.filter((pi) => pi.metadata.order_id === order.id);
    assert.equal(forOrder.length, 1, 'the retry confirmed the same PaymentIntent');
    assert.equal(forOrder[0].status, 'succeeded');
  });

  test('checkout: a declined card is shown and charges nothing', async () => {
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '4000000000000002' });
    await page.click('#submit');
    assert.equal(await errorShown(page), 'Your card was declined.');
    assert.equal(await page.locator('#submit').isEnabled(), true);
    assert.ok(page.url().endsWith('/checkout'), 'still on the checkout');
  });

  test('checkout: a prepaid card is refused by the shop before any PaymentIntent', async () => {
    const before = (await stripe.paymentIntents.list({ limit: 100 })).data.length;
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '5105105105105100' });
    await page.click('#submit');
    assert.equal(await errorShown(page), "We don't accept prepaid cards. Please use another card.");
    const afterwards = (await stripe.paymentIntents.list({ limit: 100 })).data.length;
    assert.equal(afterwards, before);
  });

  test('two-step: details, then a review page showing the card, then confirm', async () => {
    const { page, frame } = await checkout('/two-step');
    await fillCard(frame, { number: '4242424242424242' });
    await page.click('#submit');
    await page.waitForURL(/\/two-step\/review$/);
    await page.waitForSelector('#confirm:not([disabled])');
    assert.match(await page.textContent('#card'), /VISA •••• 4242/);
    assert.equal(await page.textContent('#confirm'), 'Confirm and pay $60.00');
    assert.equal(await page.locator('#change').evaluate((a) => getComputedStyle(a).color), ACCENT);
    assert.equal((await stripe.paymentIntents.list({ limit: 100 })).data
      .filter((pi) => pi.amount === 6000).length, 0, 'nothing charged before confirming');
    await page.click('#confirm');
    const order = await paidOrder(page);
    assert.equal(order.flow, 'two-step');
    assert.equal(order.amount, 6000);
  });

  test('deferred intent confirmed in the browser', async () => {
    const { page, frame } = await checkout('/deferred-client');
    await fillCard(frame, { number: '4242424242424242' });
    await page.click('#submit');
    const order = await paidOrder(page);
    assert.equal(order.flow, 'deferred-client');
    assert.equal(order.amount, 2200);
  });

  test('intent first, 3D Secure handled by confirmPayment', async () => {
    const { page, frame } = await checkout('/intent-first');
    await fillCard(frame, { number: '4000002500003155' });
    await page.click('#submit');
    await challengeFrame(page).locator('#complete').click();
    const order = await paidOrder(page);
    assert.equal(order.flow, 'intent-first');
    assert.equal(order.amount, 5500);
  });

  test('save a card, then charge it off-session', async () => {
    const page = await open('/save-card');
    await page.waitForSelector('#submit:not([disabled])');
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    await page.fill('#email', 'jenny@example.com');
    await fillCard(frame, { number: '4000002500003155' });
    await page.click('#submit');
    await challengeFrame(page).locator('#complete').click();
    await page.waitForSelector('#saved:not(.hidden)');
    await page.click('#charge');
    await page.locator('#charged-order').waitFor();
    assert.equal(await page.locator('#charged-order').evaluate((a) => getComputedStyle(a).color), ACCENT);
    await page.click('#charged-order');
    const order = await paidOrder(page);
    assert.equal(order.flow, 'saved-card');
    assert.equal(order.amount, 1200);
    assert.deepEqual(page.errors, []);
  });

  /** The order a PaymentIntent was for: the newest intent's, for a test that just made one. */
  async function newestOrderId() {
    const { data } = await stripe.paymentIntents.list({ limit: 1 });
    return data[0].metadata.order_id;
  }

  async function failedOrderPage(id) {
    const page = await open(`/orders/${id}`);
    await page.waitForSelector('#status.failed', { timeout: 20_000 });
    return page;
  }

  test('order page: a failed 3D Secure says so, and "Try again" pays the same order', async () => {
    const { page, frame } = await checkout();
    await page.click('#add-tee');
    await page.waitForFunction(() => document.querySelector('#submit').textContent === 'Pay $62.00');
    await fillCard(frame, { number: '4000002500003155' });
    await page.click('#submit');
    await challengeFrame(page).locator('#fail').click();
    await errorShown(page);
    const id = await newestOrderId();

    // The payment_intent.payment_failed webhook tells the order why.
    const orderPage = await failedOrderPage(id);
    assert.equal(await orderPage.textContent('#status'), 'payment failed');
    assert.equal(await orderPage.textContent('#last-error'), AUTHENTICATION_FAILED);
    assert.doesNotMatch(await orderPage.textContent('#details'), /waiting/);
    const retry = orderPage.locator('#try-again');
    assert.equal(await retry.isVisible(), true);
    assert.equal(await retry.getAttribute('href'), `/checkout?order=${id}`);

    await retry.click();
    await orderPage.waitForURL(/\/checkout\?order=/);
    await orderPage.waitForSelector('#submit:not([disabled])');
    assert.equal(await orderPage.textContent('#submit'), 'Pay $62.00', "the order's cart, not the default");
    const retryFrame = elementFrame(orderPage);
    await retryFrame.locator('#cardnumber').waitFor();
    await fillShipping(orderPage);
    await fillCard(retryFrame, { number: '4242424242424242' });
    await orderPage.click('#submit');
    const order = await paidOrder(orderPage);
    assert.equal(order.id, id);
    assert.equal(order.amount, 6200);
    const intents = (await stripe.paymentIntents.list({ limit: 100 })).data
      .filter((pi) => pi.metadata.order_id === id);
    assert.equal(intents.length, 1, 'the same PaymentIntent, confirmed again');
    assert.deepEqual(orderPage.errors, []);
  });

  test('order page: a declined order shows the decline and the way back', async () => {
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '4000000000000002' });
    await page.click('#submit');
    await errorShown(page);
    const id = await newestOrderId();
    const orderPage = await failedOrderPage(id);
    assert.equal(await orderPage.textContent('#last-error'), 'Your card was declined.');
    assert.equal(await orderPage.locator('#try-again').getAttribute('href'), `/checkout?order=${id}`);
    assert.equal(await orderPage.locator('#try-again').isVisible(), true);
  });

  test('an unknown order is a 404 page', async () => {
    const page = await newPage(browser, dev.tender);
    const response = await page.goto(`${dev.shop}/orders/ord_doesnotexist`);
    assert.equal(response.status(), 404);
    assert.equal(await page.textContent('h1'), 'Not found');
    assert.equal(await page.locator('#home').getAttribute('href'), '/');
    assert.equal((await page.goto(`${dev.shop}/no-such-page`)).status(), 404);
  });

  test('checkout: an empty cart disables Pay without an amount', async () => {
    const { page } = await checkout();
    await page.click('#remove-tee');
    await page.click('#remove-mug');
    await page.waitForFunction(() => document.querySelector('#submit').disabled);
    assert.equal(await page.textContent('#submit'), 'Pay');
    await page.click('#add-mug');
    await page.waitForFunction(() => document.querySelector('#submit').textContent === 'Pay $12.00');
    assert.equal(await page.locator('#submit').isEnabled(), true);
  });

  test('save a card: Stripe\'s consent text, and an email field like the element\'s fields', async () => {
    const page = await open('/save-card');
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    assert.equal(await frame.locator('#card-terms').textContent(),
      'By providing your card information, you allow Tender shop to charge your card for ' +
      'future payments in accordance with their terms.');
    const look = (input) => {
      const s = getComputedStyle(input);
      const label = getComputedStyle(document.querySelector(`label[for="${input.id}"]`));
      return {
        height: input.getBoundingClientRect().height,
        paddingTop: s.paddingTop,
        paddingLeft: s.paddingLeft,
        border: `${s.borderTopWidth} ${s.borderTopStyle} ${s.borderTopColor}`,
        radius: s.borderTopLeftRadius,
        font: `${s.fontSize} ${s.fontFamily}`,
        color: s.color,
        shadow: s.boxShadow,
        label: `${label.fontSize} ${label.color}`,
      };
    };
    const email = await page.locator('#email').evaluate(look);
    const card = await frame.locator('#cardnumber').evaluate(look);
    assert.deepEqual(email, card);
  });

  test('the home page says which paths refuse prepaid cards', async () => {
    const page = await open('/');
    const row = (await page.locator('table.cards tr', { hasText: '5105' }).textContent()).replace(/\s+/g, ' ');
    assert.match(row, /refused by the shop's rule where its server sees the card before confirming \(Checkout, Two-step, Save a card\)/);
    assert.match(row, /it pays on the paths that confirm in the browser/);
  });
});
