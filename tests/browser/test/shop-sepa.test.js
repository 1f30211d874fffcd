// The reference shop's euro checkout paid by SEPA Direct Debit (issue #24), under `tender
// dev` (which settles debits in a second): the IBAN and the mandate in the Payment Element,
// the ConfirmationToken path, the order page saying the shop waits for the bank, then paid
// by the payment_intent.succeeded webhook — or failed by payment_intent.payment_failed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import { elementFrame, launch, newPage } from '../lib/browser.js';
import { fillShipping, startDev } from '../lib/dev.js';
import { SECRET_KEY } from '../lib/tender.js';

describe('the shop paid by SEPA Direct Debit', () => {
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

  test('tender dev prints the euro checkout and the test IBANs', () => {
    for (const text of ['/checkout?currency=eur', 'DE89 3704 0044 0532 0130 00', 'DE62 3704 0044 0532 0130 01']) {
      assert.ok(dev.printed.includes(text), text);
    }
  });

  /** The euro checkout with SEPA Debit chosen and `iban` typed; Pay pressed. */
  async function payByDebit(iban) {
    const page = await newPage(browser, dev.tender);
    await page.goto(`${dev.shop}/checkout?currency=eur`);
    await page.waitForSelector('#submit:not([disabled])');
    assert.equal(await page.textContent('#submit'), 'Pay €37.00');
    assert.equal(await page.isVisible('#eur-note'), true);
    await fillShipping(page);
    const frame = elementFrame(page);
    await frame.locator('#header-sepa_debit').click();
    await frame.locator('#sepa-name').fill('Jenny Rosen');
    await frame.locator('#sepa-email').fill('jenny@example.com');
    await frame.locator('#iban').fill(iban);
    const mandate = frame.locator('#sepa-mandate');
    assert.equal(await mandate.isVisible(), true);
    assert.match(await mandate.textContent(), /you authorise \(A\) Tender Shop and Stripe/);
    const sent = page.waitForRequest((r) => r.url().endsWith('/create-confirm-intent'));
    await page.click('#submit');
    const { confirmationTokenId, cart } = (await sent).postDataJSON();
    assert.equal(cart.currency, 'eur');
    await page.waitForURL(/\/orders\/ord_/);
    const orderId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    // The guide's path: the shop's server confirmed with the browser's ConfirmationToken.
    const token = await stripe.confirmationTokens.retrieve(confirmationTokenId);
    assert.equal(token.payment_method_preview.type, 'sepa_debit');
    assert.equal(token.mandate_data.customer_acceptance.type, 'online');
    const order = await (await fetch(`${dev.shop}/api/orders/${orderId}`)).json();
    assert.equal(token.payment_intent, order.payment_intent);
    return { page, orderId };
  }

  test('DE08…3003: the order waits for the debit, then the webhook pays it', async () => {
    // Stripe's "succeeds after at least three minutes" IBAN: three seconds under `tender dev`,
    // time enough for the order page to show the wait however slow the machine.
    const { page, orderId } = await payByDebit('DE08370400440532013003');
    await page.waitForSelector('#status.processing, #status.paid');
    const shown = await page.evaluate(() => [
      document.getElementById('status').textContent,
      document.getElementById('details').textContent,
    ]);
    const waiting = await (await fetch(`${dev.shop}/api/orders/${orderId}`)).json();
    assert.deepEqual(shown, ['processing',
      `PaymentIntent ${waiting.payment_intent} · waiting for your bank debit to settle…`]);
    await page.waitForSelector('#status.paid', { timeout: 15_000 });
    const order = await (await fetch(`${dev.shop}/api/orders/${orderId}`)).json();
    assert.equal(order.status, 'paid');
    assert.equal(order.currency, 'eur');
    assert.match(order.fulfilment.event_id, /^evt_/);
    const intent = await stripe.paymentIntents.retrieve(order.payment_intent, { expand: ['latest_charge'] });
    assert.equal(intent.status, 'succeeded');
    assert.deepEqual(intent.payment_method_types, ['card', 'sepa_debit']);
    assert.equal(intent.latest_charge.payment_method_details.type, 'sepa_debit');
    assert.equal(intent.latest_charge.payment_method_details.sepa_debit.last4, '3003');
    await page.close();
  });

  test('DE62…3001: the debit fails and the order page says why, with Try again', async () => {
    const { page, orderId } = await payByDebit('DE62370400440532013001');
    await page.waitForSelector('#status.failed', { timeout: 15_000 });
    assert.equal(await page.textContent('#status'), 'payment failed');
    assert.equal(await page.textContent('#last-error'),
      "The customer's account has insufficient funds to cover this payment.");
    assert.equal(await page.getAttribute('#try-again', 'href'), `/checkout?order=${orderId}`);
    const order = await (await fetch(`${dev.shop}/api/orders/${orderId}`)).json();
    assert.equal(order.status, 'pending');
    const intent = await stripe.paymentIntents.retrieve(order.payment_intent);
    assert.equal(intent.status, 'requires_payment_method');
    assert.equal(intent.last_payment_error.code, 'insufficient_funds');
    await page.close();
  });
});
