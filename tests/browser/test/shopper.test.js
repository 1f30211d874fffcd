// What the SDK shows a shopper around a failed payment: Stripe.js's words for a failed 3D
// Secure check (in the error and in the Payment Element), the challenge modal (Escape closes
// it, it is as tall as its page), and the consent text Stripe shows when a card is saved.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { challengeFrame, elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { intentFirstPage, setupPage } from '../lib/pages.js';
import { startMerchant } from '../lib/servers.js';
import { startTender } from '../lib/tender.js';

const AUTHENTICATION_FAILED = 'We are unable to authenticate your payment method. ' +
  'Please choose a different payment method and try again.';

describe('what the shopper sees', () => {
  let tender;
  let merchant;
  let browser;

  before(async () => {
    tender = await startTender();
    merchant = await startMerchant(tender);
    browser = await launch();
    merchant.pages.set('setup', setupPage(tender.url));
  });

  after(async () => {
    await browser?.close();
    await merchant?.stop();
    await tender?.stop();
  });

  /** An intent-first page with a 3D Secure card entered and Pay pressed: the modal is open. */
  async function challenged() {
    const intent = await merchant.stripe.paymentIntents.create({
      amount: 2000, currency: 'usd', automatic_payment_methods: { enabled: true },
    });
    merchant.pages.set(intent.id, intentFirstPage(tender.url, intent.client_secret));
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/${intent.id}`);
    await page.waitForSelector('body[data-ready=yes]');
    const frame = elementFrame(page);
    await fillCard(frame, { number: '4000002500003155' });
    await page.click('#pay');
    const challenge = challengeFrame(page);
    await challenge.locator('#fail').waitFor();
    return { page, frame, challenge, intent };
  }

  async function outcome(page) {
    await page.waitForFunction(() => window.outcome);
    return page.evaluate(() => window.outcome);
  }

  test('a failed 3D Secure check reads as Stripe.js words it, in the error and in the element', async () => {
    const { page, frame, challenge, intent } = await challenged();
    await challenge.locator('#fail').click();
    const { error } = await outcome(page);
    assert.equal(error.message, AUTHENTICATION_FAILED);
    assert.equal(error.code, 'payment_intent_authentication_failure');
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.payment_intent.id, intent.id);
    // The API keeps its developer wording; only what the shopper reads changes.
    const stored = await merchant.stripe.paymentIntents.retrieve(intent.id);
    assert.match(stored.last_payment_error.message, /payment_method_data/);

    assert.equal(await frame.locator('#failure').textContent(), AUTHENTICATION_FAILED);
    assert.equal(await frame.locator('#failure').getAttribute('role'), 'alert');
    // Another card: the message no longer describes what is typed.
    await frame.locator('#cardnumber').fill('');
    await frame.locator('#cardnumber').pressSequentially('4242424242424242');
    assert.equal(await frame.locator('#failure').textContent(), '');
    assert.deepEqual(page.errors, []);
  });

  test('Escape pressed in the challenge closes the modal and fails the check', async () => {
    const { page, challenge, intent } = await challenged();
    // The shopper clicked into the bank's page: the keys go to its frame, not to the shop's.
    await challenge.locator('h1').click();
    await page.keyboard.press('Escape');
    const { error } = await outcome(page);
    assert.equal(error.code, 'payment_intent_authentication_failure');
    assert.equal(await page.locator('.__TenderChallenge').count(), 0, 'the modal is closed');
    const stored = await merchant.stripe.paymentIntents.retrieve(intent.id);
    assert.equal(stored.status, 'requires_payment_method');
  });

  test('the challenge modal is as tall as its page, not a fixed 560 px', async () => {
    const { page, challenge } = await challenged();
    const content = await challenge.locator('body').evaluate((b) => b.getBoundingClientRect().height);
    const box = page.locator('.__TenderChallenge > div');
    await page.waitForFunction((expected) => {
      const shown = document.querySelector('.__TenderChallenge > div');
      return Math.abs(shown.getBoundingClientRect().height - Math.ceil(expected)) <= 1;
    }, content);
    const height = (await box.boundingBox()).height;
    assert.ok(height < 400, `modal is ${height}px tall`);
    assert.ok(Math.abs(height - Math.ceil(content)) <= 1, `modal ${height}px, page ${content}px`);
    // Nothing of the page is cut off: the frame does not scroll.
    const scrolls = await challenge.locator('html').evaluate((h) => h.scrollHeight > h.clientHeight);
    assert.equal(scrolls, false);
  });

  test('saving a card shows Stripe\'s consent text; a payment does not', async () => {
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/setup`);
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    assert.equal(await frame.locator('#card-terms').isVisible(), true);
    assert.equal(await frame.locator('#card-terms').textContent(),
      'By providing your card information, you allow this business to charge your card for ' +
      'future payments in accordance with their terms.');

    const { page: paying, frame: payment } = await challenged();
    assert.equal(await payment.locator('#card-terms').isVisible(), false);
    await paying.context().close();
  });
});
