// Client-side confirmation: intent first with confirmPayment, deferred intents, SetupIntents,
// iDEAL's redirect and return, elements.update, `mode: 'subscription'`, validation and error
// shapes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { challengeFrame, checkoutPage, elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { deferredPage, intentFirstPage, returnPage, setupPage } from '../lib/pages.js';
import { startMerchant } from '../lib/servers.js';
import { PUBLISHABLE_KEY, startTender } from '../lib/tender.js';

describe('client-side confirmation', () => {
  let tender;
  let merchant;
  let browser;

  before(async () => {
    tender = await startTender();
    merchant = await startMerchant(tender);
    browser = await launch();
    merchant.pages.set('deferred', deferredPage(tender.url));
    merchant.pages.set('setup', setupPage(tender.url));
    merchant.pages.set('return', returnPage(tender.url));
  });

  after(async () => {
    await browser?.close();
    await merchant?.stop();
    await tender?.stop();
  });

  /** Every request the page and its frames send, with the frame that sent it. */
  function recordRequests(page) {
    const requests = [];
    page.on('request', (request) => requests.push({
      method: request.method(),
      url: request.url(),
      frame: request.frame().url(),
      body: request.postData() || '',
    }));
    return requests;
  }

  async function intentFirst(amount = 2000) {
    const intent = await merchant.stripe.paymentIntents.create({
      amount, currency: 'usd', automatic_payment_methods: { enabled: true },
    });
    merchant.pages.set(intent.id, intentFirstPage(tender.url, intent.client_secret));
    const page = await newPage(browser, tender);
    const requests = recordRequests(page);
    await page.goto(`${merchant.url}/pages/${intent.id}`);
    await page.waitForSelector('body[data-ready=yes]');
    return { page, intent, requests, frame: elementFrame(page) };
  }

  test('intent first: confirmPayment sends the card from the iframe, change events follow', async () => {
    const { page, intent, requests, frame } = await intentFirst();
    await fillCard(frame, { number: '4242424242424242' });
    // Events cross frames asynchronously: wait for the one that says the form is complete.
    await page.waitForFunction(() => window.changes.some((e) => e.complete));
    const last = await page.evaluate(() => window.changes[window.changes.length - 1]);
    const first = await page.evaluate(() => window.changes[0]);
    assert.equal(first.empty, false);
    assert.equal(first.complete, false);
    assert.deepEqual(last, { elementType: 'payment', complete: true, empty: false, collapsed: false, value: { type: 'card' } });
    await page.click('#pay');
    await page.waitForFunction(() => window.outcome);
    assert.equal(await page.textContent('#result'), 'status: succeeded');
    const confirm = requests.find((r) => r.url.includes(`/v1/payment_intents/${intent.id}/confirm`));
    assert.ok(confirm, 'the intent was confirmed');
    assert.ok(confirm.frame.startsWith(`${tender.url}/v3/payment-element.html`), 'by the iframe');
    const form = new URLSearchParams(confirm.body);
    assert.equal(form.get('payment_method_data[card][number]'), '4242424242424242');
    assert.equal(form.get('payment_method_data[type]'), 'card');
    assert.equal(form.get('use_stripe_sdk'), 'true');
    assert.equal(form.get('client_secret'), intent.client_secret);
    assert.match(form.get('key'), /^pk_test_/);
    assert.equal(form.get('return_url'), `${merchant.url}/pages/return`);
    const fromPage = requests.filter((r) => r.frame.startsWith(merchant.url));
    assert.ok(fromPage.every((r) => !r.body.includes('4242424242424242') && !r.url.includes('4242424242424242')));
    const stored = await merchant.stripe.paymentIntents.retrieve(intent.id);
    assert.equal(stored.status, 'succeeded');
    assert.equal(stored.amount, 2000);
    assert.deepEqual(page.errors, []);
  });

  test('intent first: 3D Secure in the modal, then the paymentIntent', async () => {
    const { page, frame } = await intentFirst();
    await fillCard(frame, { number: '4000002500003155' });
    await page.click('#pay');
    await challengeFrame(page).locator('#complete').click();
    await page.waitForFunction(() => window.outcome);
    assert.equal(await page.textContent('#result'), 'status: succeeded');
    assert.equal(await page.locator('.__TenderChallenge').count(), 0);
  });

  test('intent first: closing the modal fails the authentication', async () => {
    const { page, frame } = await intentFirst();
    await fillCard(frame, { number: '4000002500003155' });
    await page.click('#pay');
    await challengeFrame(page).locator('#complete').waitFor();
    await page.click('.__TenderChallenge button[aria-label="Cancel authentication"]');
    await page.waitForFunction(() => window.outcome);
    const { error } = await page.evaluate(() => window.outcome);
    assert.equal(error.code, 'payment_intent_authentication_failure');
    assert.equal(error.payment_intent.status, 'requires_payment_method');
  });

  test('a decline keeps the API error fields', async () => {
    const { page, frame } = await intentFirst();
    await fillCard(frame, { number: '4000000000000002' });
    await page.click('#pay');
    await page.waitForFunction(() => window.outcome);
    const { error } = await page.evaluate(() => window.outcome);
    assert.equal(error.type, 'card_error');
    assert.equal(error.code, 'card_declined');
    assert.equal(error.decline_code, 'generic_decline');
    assert.equal(error.message, 'Your card was declined.');
    assert.equal(error.payment_intent.status, 'requires_payment_method');
    assert.equal(await page.textContent('#result'), 'error: Your card was declined.');
  });

  test('deferred: confirmPayment redirects to return_url with the intent', async () => {
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/deferred`);
    await fillCard(elementFrame(page), { number: '4242424242424242' });
    await page.click('#pay');
    await page.waitForURL(/\/pages\/return\?/);
    const query = new URL(page.url()).searchParams;
    assert.match(query.get('payment_intent'), /^pi_/);
    assert.match(query.get('payment_intent_client_secret'), /^pi_\w+_secret_/);
    assert.equal(query.get('redirect_status'), 'succeeded');
    await page.waitForFunction(() => document.querySelector('#result').textContent);
    assert.equal(await page.textContent('#result'), 'succeeded 1099 usd redirect_status=succeeded');
  });

  test('elements.update({amount}) changes what the server charges', async () => {
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/deferred`);
    await fillCard(elementFrame(page), { number: '4242424242424242' });
    await page.evaluate(() => window.setCart({ amount: 2500 }));
    assert.equal(await page.evaluate(() => window.updateReturnedPromise), true);
    await page.click('#pay');
    await page.waitForURL(/\/pages\/return\?/);
    await page.waitForFunction(() => document.querySelector('#result').textContent);
    assert.equal(await page.textContent('#result'), 'succeeded 2500 usd redirect_status=succeeded');
    const id = new URL(page.url()).searchParams.get('payment_intent');
    assert.equal((await merchant.stripe.paymentIntents.retrieve(id)).amount_received, 2500);
  });

  test('iDEAL (EUR): the element offers it, redirects to the bank and back', async () => {
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/deferred`);
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    assert.equal(await frame.locator('[role=tab]').count(), 0, 'USD: cards only');
    await page.evaluate(() => window.setCart({ currency: 'eur' }));
    assert.deepEqual(await frame.locator('[role=tab] > span').allTextContents(), ['Card', 'iDEAL']);
    await frame.locator('#tab-ideal').click();
    await frame.locator('#ideal-name').fill('Jenny Rosen');
    await frame.locator('#ideal-bank').selectOption('ing');
    await page.click('#pay');
    await page.waitForURL(`${tender.url}/authenticate/**`);
    await page.click('#complete');
    await page.waitForURL(/\/pages\/return\?/);
    await page.waitForFunction(() => document.querySelector('#result').textContent);
    assert.equal(await page.textContent('#result'), 'succeeded 1099 eur redirect_status=succeeded');
    const id = new URL(page.url()).searchParams.get('payment_intent');
    const intent = await merchant.stripe.paymentIntents.retrieve(id, { expand: ['payment_method'] });
    assert.equal(intent.payment_method.type, 'ideal');
    assert.equal(intent.payment_method.ideal.bank, 'ing');
    assert.equal(intent.payment_method.billing_details.name, 'Jenny Rosen');
  });

  test("mode: 'subscription' keeps the card for the renewals, as the first invoice's payment", async () => {
    merchant.pages.set('subscription', checkoutPage({
      tender: tender.url,
      body: '<div id="payment-element"></div>',
      script: `const stripe = Stripe('${PUBLISHABLE_KEY}');
const elements = stripe.elements({ mode: 'subscription', amount: 1500, currency: 'eur' });
elements.create('payment', { business: { name: 'Tender Magazine' } }).mount('#payment-element');`,
    }));
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/subscription`);
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    // Cards only (iDEAL cannot be kept for renewals), with the consent text for saved cards.
    assert.equal(await frame.locator('[role=tab]').count(), 0);
    assert.equal(await frame.locator('#card-terms').textContent(), 'By providing your card information, ' +
      'you allow Tender Magazine to charge your card for future payments in accordance with their terms.');
    await fillCard(frame, { number: '4242424242424242' });
    const token = await page.evaluate(async () => {
      await elements.submit();
      return (await stripe.createConfirmationToken({ elements })).confirmationToken;
    });
    assert.equal(token.setup_future_usage, 'off_session');
    // The merchant's server: the subscription's first invoice is paid by a PaymentIntent that
    // keeps the card off-session for the customer.
    const { stripe } = merchant;
    const customer = await stripe.customers.create({ email: 'reader@example.com' });
    const first = await stripe.paymentIntents.create({
      amount: 1500, currency: 'eur', customer: customer.id, setup_future_usage: 'off_session',
      payment_method_types: ['card'], confirm: true, confirmation_token: token.id,
    });
    assert.equal(first.status, 'succeeded');
    const saved = await stripe.paymentMethods.retrieve(first.payment_method);
    assert.equal(saved.customer, customer.id);
    const renewal = await stripe.paymentIntents.create({
      amount: 1500, currency: 'eur', customer: customer.id, payment_method: saved.id,
      payment_method_types: ['card'], off_session: true, confirm: true,
    });
    assert.equal(renewal.status, 'succeeded');
    assert.deepEqual(page.errors, []);
  });

  test('SetupIntent: confirmSetup saves a card, with 3D Secure when the card asks', async () => {
    for (const [number, challenge] of [['4242424242424242', false], ['4000002500003155', true]]) {
      const page = await newPage(browser, tender);
      await page.goto(`${merchant.url}/pages/setup`);
      await fillCard(elementFrame(page), { number });
      await page.click('#save');
      if (challenge) await challengeFrame(page).locator('#complete').click();
      await page.waitForFunction(() => window.outcome);
      const { error, setupIntent } = await page.evaluate(() => window.outcome);
      assert.equal(error, undefined, error && error.message);
      assert.equal(setupIntent.status, 'succeeded');
      const stored = await merchant.stripe.setupIntents.retrieve(setupIntent.id);
      assert.match(stored.payment_method, /^pm_/);
      await page.context().close();
    }
  });

  test('SetupIntent confirmed on the server: handleNextAction resolves the setupIntent', async () => {
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/setup`);
    await fillCard(elementFrame(page), { number: '4000002500003155' });
    const { confirmationToken } = await page.evaluate(async () => {
      await elements.submit();
      return stripe.createConfirmationToken({ elements });
    });
    const intent = await merchant.stripe.setupIntents.create({
      confirm: true, confirmation_token: confirmationToken.id, automatic_payment_methods: { enabled: true },
    });
    assert.equal(intent.status, 'requires_action');
    const handling = page.evaluate((clientSecret) => stripe.handleNextAction({ clientSecret }), intent.client_secret);
    await challengeFrame(page).locator('#complete').click();
    const { setupIntent, error } = await handling;
    assert.equal(error, undefined, error && error.message);
    assert.equal(setupIntent.status, 'succeeded');
    const again = await page.evaluate((secret) => stripe.retrieveSetupIntent(secret), intent.client_secret);
    assert.equal(again.setupIntent.id, intent.id);
    // Nothing left to handle: an error, not a second modal.
    const twice = await page.evaluate((clientSecret) => stripe.handleNextAction({ clientSecret }), intent.client_secret);
    assert.equal(twice.error.code, 'setup_intent_unexpected_state');
  });

  test('validation: formatting, brand, inline messages, submit errors', async () => {
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/deferred`);
    const frame = elementFrame(page);
    const number = frame.locator('#cardnumber');
    await number.pressSequentially('378282246310005');
    assert.equal(await number.inputValue(), '3782 822463 10005', 'Amex groups 4-6-5');
    assert.equal(await frame.locator('#brand-icons').getAttribute('data-shown'), 'amex');
    await number.fill('');
    await number.pressSequentially('4242424242424241');
    assert.equal(await frame.locator('#cardnumber-error').textContent(), 'Your card number is invalid.');
    await number.fill('');
    await number.pressSequentially('4242424242424242');
    assert.equal(await frame.locator('#cardnumber-error').textContent(), '');
    await frame.locator('#exp').pressSequentially('1220');
    assert.equal(await frame.locator('#exp').inputValue(), '12 / 20');
    assert.equal(await frame.locator('#exp-error').textContent(), "Your card's expiration year is in the past.");
    let result = await page.evaluate(() => elements.submit());
    assert.deepEqual(result, {
      error: { type: 'validation_error', code: 'invalid_expiry_year_past', message: "Your card's expiration year is in the past." },
    });
    await frame.locator('#exp').fill('');
    await frame.locator('#exp').pressSequentially('1234');
    result = await page.evaluate(() => elements.submit());
    assert.equal(result.error.message, "Your card's security code is incomplete.");
    await frame.locator('#cvc').pressSequentially('123');
    result = await page.evaluate(() => elements.submit());
    assert.equal(result.error.message, 'Your ZIP is incomplete.');
    await frame.locator('#postal').pressSequentially('94111');
    result = await page.evaluate(() => elements.submit());
    assert.deepEqual(result, { selectedPaymentMethod: 'card' });
    // createPaymentMethod (paymentMethodCreation: 'manual') with the same details.
    const { paymentMethod } = await page.evaluate(() => stripe.createPaymentMethod({
      elements, params: { billing_details: { name: 'Jenny Rosen' } },
    }));
    assert.match(paymentMethod.id, /^pm_/);
    assert.equal(paymentMethod.card.last4, '4242');
    assert.equal(paymentMethod.billing_details.name, 'Jenny Rosen');
    assert.equal(paymentMethod.billing_details.address.postal_code, '94111');
    assert.deepEqual(page.errors, []);
  });
});
