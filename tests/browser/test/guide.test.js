// "Finalize payments on the server", verbatim: the guide's checkout page and its Express +
// stripe-node server (lib/guide.js lists the few changes), against a fresh Tender.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import { challengeFrame, elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { startGuideServer } from '../lib/servers.js';
import { SECRET_KEY, startTender } from '../lib/tender.js';

describe('the "Finalize payments on the server" guide, verbatim', () => {
  let tender;
  let guide;
  let browser;
  let stripe;

  before(async () => {
    tender = await startTender();
    guide = await startGuideServer(tender);
    browser = await launch();
    stripe = new Stripe(SECRET_KEY, { host: '127.0.0.1', port: tender.port, protocol: 'http' });
  });

  after(async () => {
    await browser?.close();
    await guide?.stop();
    await tender?.stop();
  });

  async function checkout() {
    const page = await newPage(browser, tender);
    await page.goto(guide.url);
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    return { page, frame };
  }

  async function latestIntent() {
    const { data } = await stripe.paymentIntents.list({ limit: 1 });
    return data[0];
  }

  test('4242 4242 4242 4242 pays', async () => {
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '4242424242424242' });
    assert.equal(await frame.locator('#cardnumber').inputValue(), '4242 4242 4242 4242');
    await page.click('#submit');
    await page.locator('#payment-status').waitFor();
    assert.equal(await page.textContent('#error-message'), '');
    const intent = await latestIntent();
    assert.equal(intent.status, 'succeeded');
    assert.equal(intent.amount, 1099);
    assert.equal(intent.shipping.name, 'Jenny Rosen');
    const pm = await stripe.paymentMethods.retrieve(intent.payment_method);
    assert.equal(pm.card.last4, '4242');
    assert.equal(pm.billing_details.address.postal_code, '94111');
    assert.deepEqual(page.errors, []);
  });

  test('4000 0025 0000 3155 shows the challenge; Complete pays', async () => {
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '4000002500003155' });
    await page.click('#submit');
    await challengeFrame(page).locator('#complete').click();
    await page.locator('#payment-status').waitFor();
    assert.equal(await page.locator('.__TenderChallenge').count(), 0, 'the modal is closed');
    const intent = await latestIntent();
    assert.equal(intent.status, 'succeeded');
    assert.deepEqual(page.errors, []);
  });

  test('4000 0025 0000 3155 shows the challenge; Fail shows the error', async () => {
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '4000002500003155' });
    await page.click('#submit');
    await challengeFrame(page).locator('#fail').click();
    await page.waitForFunction(() => document.querySelector('#error-message').textContent.trim() !== '');
    // Stripe.js's words for the shopper; the intent keeps the API's developer message.
    assert.equal(await page.textContent('#error-message'), 'We are unable to authenticate your ' +
      'payment method. Please choose a different payment method and try again.');
    assert.equal(await page.locator('.__TenderChallenge').count(), 0, 'the modal is closed');
    assert.equal(await page.locator('#payment-status').count(), 0);
    assert.equal(await page.locator('#submit').isEnabled(), true, 'the customer may try again');
    const intent = await latestIntent();
    assert.equal(intent.status, 'requires_payment_method');
    assert.equal(intent.last_payment_error.code, 'payment_intent_authentication_failure');
    assert.match(intent.last_payment_error.message, /failed authentication/);
  });

  test('4000 0000 0000 0002 shows the decline in #error-message', async () => {
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '4000000000000002' });
    await page.click('#submit');
    await page.waitForFunction(() => document.querySelector('#error-message').textContent.trim() !== '');
    assert.equal(await page.textContent('#error-message'), 'Your card was declined.');
    assert.equal(await page.locator('#payment-status').count(), 0);
  });

  test('an incomplete card stops at elements.submit() and sends nothing', async () => {
    const { page, frame } = await checkout();
    const sent = [];
    page.on('request', (request) => {
      if (request.method() !== 'GET') sent.push(`${request.method()} ${request.url()}`);
    });
    await frame.locator('#cardnumber').pressSequentially('424242424242');
    // Every keystroke has reached the element before the customer presses Pay.
    assert.equal(await frame.locator('#cardnumber').inputValue(), '4242 4242 4242');
    // Leaving the field shows the problem under it, and the element grows. Playwright's
    // click is a mouse-down and a mouse-up: if the element grew in between (the mouse-down
    // is what takes the focus away), the button moved, the mouse-up missed it and no click
    // happened. So the customer leaves the field first, and clicks once the page is still.
    const before = await page.evaluate(
      () => document.querySelector('#payment-element iframe').getBoundingClientRect().height,
    );
    await frame.locator('#cardnumber').blur();
    await page.waitForFunction(
      (smaller) => document.querySelector('#payment-element iframe').getBoundingClientRect().height > smaller,
      before,
    );
    await page.click('#submit');
    await page.waitForFunction(
      () => document.querySelector('#error-message').textContent.trim() !== '',
      null,
      { timeout: 30000 },
    );
    assert.equal(await page.textContent('#error-message'), 'Your card number is incomplete.');
    assert.equal(await frame.locator('#cardnumber-error').textContent(), 'Your card number is incomplete.');
    assert.equal(await frame.locator('#cardnumber').getAttribute('aria-invalid'), 'true');
    // Nothing went to Tender or to the merchant's server.
    await page.waitForTimeout(300);
    assert.deepEqual(sent, []);
    assert.equal(await page.locator('#submit').isEnabled(), true);
  });
});
