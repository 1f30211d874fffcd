// US bank accounts (ACH Direct Debit) in the Payment Element (issue #24): the "US bank
// account" tab when the Elements offer `us_bank_account`, the account holder's name with the
// routing and account numbers (Tender takes them as typed: no Financial Connections), the
// ACH mandate text, a ConfirmationToken the merchant's server confirms with, and the payment
// going through `processing` to `succeeded` — or failing for an account Stripe's test
// numbers say is closed.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { checkoutPage, elementFrame, launch, newPage } from '../lib/browser.js';
import { startMerchant } from '../lib/servers.js';
import { PUBLISHABLE_KEY, startTender } from '../lib/tender.js';

describe('US bank accounts in the Payment Element', () => {
  let tender;
  let merchant;
  let browser;

  before(async () => {
    tender = await startTender();
    merchant = await startMerchant(tender);
    browser = await launch();
    merchant.pages.set('ach', checkoutPage({
      tender: tender.url,
      body: '<div id="payment-element"></div>',
      script: `window.stripe = Stripe('${PUBLISHABLE_KEY}');
window.elements = stripe.elements({
  mode: 'payment', amount: 1500, currency: 'usd', paymentMethodTypes: ['card', 'us_bank_account'],
  paymentMethodCreation: 'manual',
});
elements.create('payment', { layout: 'tabs', business: { name: 'Tender Shop' } }).mount('#payment-element');`,
    }));
  });

  after(async () => {
    await browser?.close();
    await merchant?.stop();
    await tender?.stop();
  });

  /** A token for the account typed in the open tab, made as the guide's page makes it. */
  async function token(page, frame, account) {
    await frame.locator('#account-number').fill(account);
    return page.evaluate(async () => {
      const { error } = await elements.submit();
      if (error) return { error };
      return (await stripe.createConfirmationToken({ elements })).confirmationToken;
    });
  }

  /** The merchant's server: create and confirm with the token, as in the guide. */
  function confirm(confirmationToken) {
    return merchant.stripe.paymentIntents.create({
      amount: 1500,
      currency: 'usd',
      payment_method_types: ['card', 'us_bank_account'],
      confirmation_token: confirmationToken,
      confirm: true,
    });
  }

  /** Polls the intent until it leaves `processing` (a second on `--settle fast`). */
  async function settled(intent) {
    let now = intent;
    for (let i = 0; i < 60 && now.status === 'processing'; i++) {
      await sleep(250);
      now = await merchant.stripe.paymentIntents.retrieve(intent.id);
    }
    return now;
  }

  test('routing and account numbers and the ACH mandate, confirmed with a ConfirmationToken', async () => {
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/ach`);
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    assert.deepEqual(await frame.locator('[role=tab] > span').allTextContents(), ['Card', 'US bank account']);
    await frame.locator('#tab-us_bank_account').click();
    const mandate = frame.locator('#ach-mandate');
    assert.equal(await mandate.isVisible(), true);
    assert.match(await mandate.textContent(), /^By clicking Pay, you authorize Tender Shop to debit the bank account specified above/);

    // A routing number whose checksum fails is refused before anything is sent.
    await frame.locator('#ach-name').fill('Jenny Rosen');
    await frame.locator('#routing-number').fill('110000001');
    assert.equal(await frame.locator('#routing-number-error').textContent(), 'Your routing number is invalid.');
    const refused = await token(page, frame, '000123456789');
    assert.equal(refused.error.code, 'invalid_routing_number');

    await frame.locator('#routing-number').fill('110000000');
    assert.equal(await frame.locator('#routing-number-error').textContent(), '');
    const good = await token(page, frame, '000123456789');
    assert.equal(good.error, undefined, JSON.stringify(good.error));
    assert.equal(good.payment_method_preview.type, 'us_bank_account');
    assert.equal(good.payment_method_preview.us_bank_account.last4, '6789');
    assert.equal(good.payment_method_preview.us_bank_account.routing_number, '110000000');
    assert.equal(good.payment_method_preview.billing_details.name, 'Jenny Rosen');
    // The acceptance the tab sent (`infer_from_client`) records the browser's request.
    assert.equal(good.mandate_data.customer_acceptance.type, 'online');
    assert.equal(good.mandate_data.customer_acceptance.online.ip_address, '127.0.0.1');
    assert.match(good.mandate_data.customer_acceptance.online.user_agent, /Chrome/);

    const intent = await confirm(good.id);
    assert.equal(intent.status, 'processing');
    const paid = await settled(intent);
    assert.equal(paid.status, 'succeeded');
    const charge = await merchant.stripe.charges.retrieve(paid.latest_charge);
    assert.equal(charge.payment_method_details.type, 'us_bank_account');
    assert.equal(charge.payment_method_details.us_bank_account.last4, '6789');
    // The mandate the charge names records that acceptance.
    const accepted = await merchant.stripe.mandates.retrieve(
      charge.payment_method_details.us_bank_account.mandate);
    assert.equal(accepted.payment_method, charge.payment_method);
    assert.deepEqual(accepted.customer_acceptance.online, good.mandate_data.customer_acceptance.online);
    assert.equal(accepted.type, 'single_use');

    // 000111111113: Stripe's closed account. The debit fails after `processing`.
    const closed = await token(page, frame, '000111111113');
    assert.equal(closed.error, undefined, JSON.stringify(closed.error));
    const failing = await confirm(closed.id);
    assert.equal(failing.status, 'processing');
    const failed = await settled(failing);
    assert.equal(failed.status, 'requires_payment_method');
    assert.equal(failed.last_payment_error.code, 'account_closed');
    await page.close();
  });
});
