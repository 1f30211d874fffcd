// The Card Element family, as older integrations use it: `card` and the split `cardNumber`,
// `cardExpiry`, `cardCvc`; change events; confirmCardPayment (success, decline, 3D Secure),
// confirmCardSetup, createPaymentMethod, and createToken redeemed by the merchant's server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { challengeFrame, elementFrame, launch, newPage } from '../lib/browser.js';
import { cardPage } from '../lib/pages.js';
import { startMerchant } from '../lib/servers.js';
import { startTender } from '../lib/tender.js';

const VISA = '4242424242424242';

describe('the Card Element', () => {
  let tender;
  let merchant;
  let browser;

  before(async () => {
    tender = await startTender();
    merchant = await startMerchant(tender);
    browser = await launch();
    merchant.pages.set('card', cardPage(tender.url));
    merchant.pages.set('split', cardPage(tender.url, { split: true }));
  });

  after(async () => {
    await browser?.close();
    await merchant?.stop();
    await tender?.stop();
  });

  /** The page with its Elements ready, and every request it and its frames send. */
  async function open(name, readyCount = 1) {
    const page = await newPage(browser, tender);
    const requests = [];
    page.on('request', (request) => requests.push({
      url: request.url(), frame: request.frame().url(), body: request.postData() || '',
    }));
    await page.goto(`${merchant.url}/pages/${name}`);
    await page.waitForFunction((n) => window.ready === n, readyCount);
    return { page, requests };
  }

  async function typeCard(frame, { number = VISA, exp = '1234', cvc = '123', postal = '94111' } = {}) {
    await frame.locator('#cardnumber').pressSequentially(number);
    await frame.locator('#exp').pressSequentially(exp);
    await frame.locator('#cvc').pressSequentially(cvc);
    if (postal) await frame.locator('#postal').pressSequentially(postal);
  }

  const lastChange = (page) => page.evaluate(() => window.changes[window.changes.length - 1]);

  test('change events report the brand, errors and completeness; confirmCardPayment pays', async () => {
    const { page, requests } = await open('card');
    const frame = elementFrame(page, '#card-element');
    await frame.locator('#cardnumber').pressSequentially('4242424242424241');
    await page.waitForFunction(() => window.changes.some((e) => e.error));
    assert.deepEqual(await lastChange(page), {
      elementType: 'card', empty: false, complete: false, brand: 'visa', value: { postalCode: '' },
      error: { type: 'validation_error', code: 'invalid_number', message: 'Your card number is invalid.' },
    });
    assert.equal(await page.evaluate(() => document.querySelector('#card-element').classList.contains('StripeElement--invalid')), true);
    await page.evaluate(() => window.card.clear());
    await page.waitForFunction(() => window.changes[window.changes.length - 1].empty);
    await frame.locator('#cardnumber').pressSequentially('3782');
    await page.waitForFunction(() => window.changes[window.changes.length - 1].brand === 'amex');
    await page.evaluate(() => window.card.clear());
    await typeCard(frame);
    // Complete as soon as the postal code has a character: wait for all of it.
    await page.waitForFunction(() => window.changes[window.changes.length - 1].value.postalCode === '94111');
    assert.deepEqual(await lastChange(page), {
      elementType: 'card', empty: false, complete: true, error: undefined, brand: 'visa', value: { postalCode: '94111' },
    });
    const result = await page.evaluate(async () => {
      const secret = await window.createIntent();
      return stripe.confirmCardPayment(secret, {
        payment_method: { card: window.card, billing_details: { name: 'Jenny Rosen' } },
      });
    });
    assert.equal(result.error, undefined);
    assert.equal(result.paymentIntent.status, 'succeeded');
    assert.equal(result.paymentIntent.amount, 1999);
    const confirm = requests.find((r) => r.url.includes('/confirm'));
    assert.ok(confirm.frame.startsWith(`${tender.url}/v3/card-element.html`), 'the iframe confirmed');
    const form = new URLSearchParams(confirm.body);
    assert.equal(form.get('payment_method_data[card][number]'), VISA);
    assert.equal(form.get('payment_method_data[billing_details][address][postal_code]'), '94111');
    assert.ok(requests.filter((r) => r.frame.startsWith(merchant.url)).every((r) => !r.body.includes(VISA)));
    const pm = await merchant.stripe.paymentMethods.retrieve(result.paymentIntent.payment_method);
    assert.equal(pm.billing_details.name, 'Jenny Rosen');
    assert.equal(pm.card.last4, '4242');
    // element.update, as @stripe/react-stripe-js sends changed options.
    await page.evaluate(() => window.card.update({ hidePostalCode: true, style: { base: { color: 'rgb(1, 2, 3)' } } }));
    await frame.locator('#postal').waitFor({ state: 'hidden' });
    assert.equal(await frame.locator('#cardnumber').evaluate((e) => getComputedStyle(e).color), 'rgb(1, 2, 3)');
    assert.deepEqual(page.errors, []);
  });

  test('confirmCardPayment: a decline is an error, 3D Secure shows the challenge', async () => {
    const { page } = await open('card');
    const frame = elementFrame(page, '#card-element');
    await typeCard(frame, { number: '4000000000000002' });
    const declined = await page.evaluate(async () => {
      const secret = await window.createIntent();
      return stripe.confirmCardPayment(secret, { payment_method: { card: window.card } });
    });
    assert.equal(declined.error.type, 'card_error');
    assert.equal(declined.error.code, 'card_declined');
    assert.equal(declined.error.message, 'Your card was declined.');
    assert.equal(declined.error.payment_intent.status, 'requires_payment_method');

    await page.evaluate(() => window.card.clear());
    await typeCard(frame, { number: '4000002500003155' });
    const pending = page.evaluate(async () => {
      const secret = await window.createIntent();
      return stripe.confirmCardPayment(secret, { payment_method: { card: window.card } });
    });
    await challengeFrame(page).locator('#complete').click();
    const authenticated = await pending;
    assert.equal(authenticated.paymentIntent.status, 'succeeded');

    // handleActions: false leaves the challenge to handleCardAction.
    const manual = await page.evaluate(async () => {
      const secret = await window.createIntent();
      const first = await stripe.confirmCardPayment(secret, { payment_method: { card: window.card } },
        { handleActions: false });
      return { secret, status: first.paymentIntent.status };
    });
    assert.equal(manual.status, 'requires_action');
    const handling = page.evaluate((secret) => stripe.handleCardAction(secret), manual.secret);
    await challengeFrame(page).locator('#fail').click();
    const failed = await handling;
    assert.equal(failed.error.code, 'payment_intent_authentication_failure');
    assert.deepEqual(page.errors, []);
  });

  test('createToken: the server redeems the token once and pays with it', async () => {
    const { page, requests } = await open('card');
    await typeCard(elementFrame(page, '#card-element'));
    const { token, error } = await page.evaluate(() => stripe.createToken(window.card, {
      name: 'Jenny Rosen', address_line1: '1 Main St', address_country: 'US',
    }));
    assert.equal(error, undefined);
    assert.match(token.id, /^tok_/);
    assert.equal(token.object, 'token');
    assert.equal(token.type, 'card');
    assert.equal(token.used, false);
    assert.equal(token.card.brand, 'Visa');
    assert.equal(token.card.last4, '4242');
    assert.equal(token.card.address_zip, '94111', "the Element's postal code");
    assert.equal(token.card.fingerprint, undefined, 'a publishable key does not see it');
    const sent = requests.find((r) => r.url.endsWith('/v1/tokens'));
    assert.ok(sent.frame.startsWith(`${tender.url}/v3/card-element.html`));

    // The merchant's server, with stripe-node: the token becomes a PaymentMethod, then pays.
    const { stripe } = merchant;
    assert.equal((await stripe.tokens.retrieve(token.id)).card.fingerprint.length, 16);
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { token: token.id } });
    assert.equal(pm.billing_details.name, 'Jenny Rosen');
    assert.equal(pm.billing_details.address.line1, '1 Main St');
    const intent = await stripe.paymentIntents.create({
      amount: 1500, currency: 'usd', payment_method: pm.id, payment_method_types: ['card'], confirm: true,
    });
    assert.equal(intent.status, 'succeeded');
    assert.equal((await stripe.tokens.retrieve(token.id)).used, true);
    await assert.rejects(
      stripe.paymentMethods.create({ type: 'card', card: { token: token.id } }),
      (err) => err.code === 'token_already_used' && err.param === 'card[token]',
    );
    // confirmCardPayment also takes a token, as Stripe.js does.
    const again = await page.evaluate(async () => {
      const { token: fresh } = await stripe.createToken(window.card);
      const secret = await window.createIntent();
      return stripe.confirmCardPayment(secret, { payment_method: { card: { token: fresh.id } } });
    });
    assert.equal(again.paymentIntent.status, 'succeeded');
  });

  test('split Elements: one card in three frames', async () => {
    const { page, requests } = await open('split', 3);
    await elementFrame(page, '#card-number').locator('#cardnumber').pressSequentially('5555555555554444');
    await elementFrame(page, '#card-expiry').locator('#exp').pressSequentially('1234');
    await elementFrame(page, '#card-cvc').locator('#cvc').pressSequentially('123');
    await page.waitForFunction(() => ['cardNumber', 'cardExpiry', 'cardCvc'].every(
      (type) => window.changes.some((e) => e.elementType === type && e.complete),
    ));
    const numberChange = await page.evaluate(() => window.changes.filter((e) => e.elementType === 'cardNumber').pop());
    assert.deepEqual(numberChange, { elementType: 'cardNumber', empty: false, complete: true, error: undefined, brand: 'mastercard' });
    const expiry = await page.evaluate(() => window.changes.filter((e) => e.elementType === 'cardExpiry').pop());
    assert.deepEqual(expiry, { elementType: 'cardExpiry', empty: false, complete: true, error: undefined });

    const made = await page.evaluate(() => stripe.createPaymentMethod({
      type: 'card', card: window.card, billing_details: { email: 'jenny@example.com' },
    }));
    assert.equal(made.paymentMethod.card.last4, '4444');
    assert.equal(made.paymentMethod.card.brand, 'mastercard');
    assert.equal(made.paymentMethod.card.exp_month, 12);
    assert.equal(made.paymentMethod.card.exp_year, 2034);
    assert.equal(made.paymentMethod.billing_details.email, 'jenny@example.com');
    assert.equal(made.paymentMethod.card.checks.cvc_check, 'pass', "the CVC came from its sibling's frame");
    const paid = await page.evaluate(async () => {
      const secret = await window.createIntent();
      return stripe.confirmCardPayment(secret, { payment_method: { card: window.card } });
    });
    assert.equal(paid.paymentIntent.status, 'succeeded');
    const saved = await page.evaluate(async () => {
      const secret = await window.createIntent('/create-setup-intent');
      return stripe.confirmCardSetup(secret, { payment_method: { card: window.card } });
    });
    assert.equal(saved.setupIntent.status, 'succeeded');
    for (const r of requests.filter((q) => q.frame.startsWith(merchant.url))) {
      assert.ok(!r.body.includes('5555555555554444') && !r.body.includes('exp_month'), r.url);
    }
    // An empty expiry is named when the card is used.
    await page.evaluate(() => elements.getElement('cardExpiry').clear());
    const incomplete = await page.evaluate(() => stripe.createPaymentMethod({ type: 'card', card: window.card }));
    assert.equal(incomplete.error.code, 'incomplete_expiry');
    assert.deepEqual(page.errors, []);
  });
});
