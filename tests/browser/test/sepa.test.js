// SEPA Direct Debit in the Payment Element (issue #24): the IBAN field with its checks, the
// mandate text naming the business, a ConfirmationToken carrying the account and the
// mandate's acceptance, the merchant's server confirming with it, and the payment going
// through `processing` to `succeeded`.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { checkoutPage, elementFrame, launch, newPage } from '../lib/browser.js';
import { startMerchant } from '../lib/servers.js';
import { PUBLISHABLE_KEY, startTender } from '../lib/tender.js';

describe('SEPA Direct Debit in the Payment Element', () => {
  let tender;
  let merchant;
  let browser;

  before(async () => {
    tender = await startTender();
    merchant = await startMerchant(tender);
    browser = await launch();
    merchant.pages.set('sepa', checkoutPage({
      tender: tender.url,
      body: '<div id="payment-element"></div>',
      script: `window.stripe = Stripe('${PUBLISHABLE_KEY}');
window.elements = stripe.elements({
  mode: 'payment', amount: 1500, currency: 'eur', paymentMethodTypes: ['card', 'sepa_debit'],
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

  test('IBAN and mandate, confirmed on the server with a ConfirmationToken', async () => {
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/sepa`);
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').waitFor();
    assert.deepEqual(await frame.locator('[role=tab] > span').allTextContents(), ['Card', 'SEPA Debit']);
    await frame.locator('#tab-sepa_debit').click();
    const mandate = await frame.locator('#sepa-mandate').textContent();
    assert.match(mandate, /^By providing your payment information and confirming this payment, you authorise \(A\) Tender Shop and Stripe/);

    // An incomplete form is refused with the IBAN's own messages.
    await frame.locator('#sepa-name').fill('Jenny Rosen');
    await frame.locator('#sepa-email').fill('jenny@example.com');
    await frame.locator('#iban').fill('DE89370400440532013001');
    assert.equal(await frame.locator('#iban-error').textContent(), 'Your IBAN is invalid.');
    const refused = await page.evaluate(async () => (await elements.submit()).error);
    assert.equal(refused.code, 'invalid_iban');

    await frame.locator('#iban').fill('DE89370400440532013000');
    assert.equal(await frame.locator('#iban').inputValue(), 'DE89 3704 0044 0532 0130 00');
    assert.equal(await frame.locator('#iban-error').textContent(), '');
    const token = await page.evaluate(async () => {
      const { error } = await elements.submit();
      if (error) return { error };
      return (await stripe.createConfirmationToken({ elements })).confirmationToken;
    });
    assert.equal(token.error, undefined, JSON.stringify(token.error));
    assert.equal(token.payment_method_preview.type, 'sepa_debit');
    assert.equal(token.payment_method_preview.sepa_debit.last4, '3000');
    assert.equal(token.payment_method_preview.billing_details.email, 'jenny@example.com');

    const { stripe } = merchant;
    const intent = await stripe.paymentIntents.create({
      amount: 1500,
      currency: 'eur',
      payment_method_types: ['card', 'sepa_debit'],
      confirmation_token: token.id,
      confirm: true,
    });
    assert.equal(intent.status, 'processing');
    let now = intent;
    for (let i = 0; i < 60 && now.status === 'processing'; i++) {
      await sleep(250);
      now = await stripe.paymentIntents.retrieve(intent.id);
    }
    assert.equal(now.status, 'succeeded');
    const charge = await stripe.charges.retrieve(now.latest_charge);
    assert.equal(charge.payment_method_details.sepa_debit.last4, '3000');
    assert.match(charge.payment_method_details.sepa_debit.mandate, /^mandate_/);
  });
});
