// Pictures of the Payment Element, to look at (tests/artifacts/browser/, not committed):
// layouts, themes, a filled card and the error state, and the 3D Secure modal.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, challengeFrame, checkoutPage, elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { startMerchant } from '../lib/servers.js';
import { PUBLISHABLE_KEY, startTender } from '../lib/tender.js';

function shotPage(tender, { currency = 'eur', layout = 'tabs', appearance = {}, background = '#ffffff' }) {
  return checkoutPage({
    tender,
    style: `body { background: ${background}; margin: 0; max-width: none; padding: 0; }
#shot { width: 440px; padding: 28px; background: ${background}; }
#pay { display: block; width: 100%; margin-top: 20px; padding: 12px; font: 600 16px system-ui, sans-serif;
  color: #fff; background: ${appearance.variables?.colorPrimary || '#0570de'}; border: 0; border-radius: 6px; }`,
    body: '<div id="shot"><div id="payment-element"></div><button id="pay">Pay €10.99</button></div>',
    script: `const stripe = Stripe('${PUBLISHABLE_KEY}');
const elements = stripe.elements({ mode: 'payment', amount: 1099, currency: '${currency}', appearance: ${JSON.stringify(appearance)} });
const element = elements.create('payment', { layout: ${JSON.stringify(layout)} });
element.on('ready', () => { document.body.dataset.ready = 'yes'; });
element.mount('#payment-element');`,
  });
}

describe('screenshots', () => {
  let tender;
  let merchant;
  let browser;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    tender = await startTender();
    merchant = await startMerchant(tender);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await merchant?.stop();
    await tender?.stop();
  });

  async function open(name, options) {
    merchant.pages.set(name, shotPage(tender.url, options));
    const page = await newPage(browser, tender, { deviceScaleFactor: 2 });
    await page.goto(`${merchant.url}/pages/${name}`);
    await page.waitForSelector('body[data-ready=yes]');
    await elementFrame(page).locator('#cardnumber').waitFor();
    return page;
  }

  async function shoot(page, name) {
    await page.waitForTimeout(250); // the iframe's height settles after its last resize
    const path = join(ARTIFACTS, `${name}.png`);
    await page.locator('#shot').screenshot({ path });
    const box = await page.locator('#payment-element iframe').boundingBox();
    assert.ok(box.height > 100, `${name}: the iframe sized itself (${box.height}px)`);
  }

  test('tabs', async () => {
    await shoot(await open('tabs', { layout: 'tabs' }), 'tabs');
  });

  test('accordion', async () => {
    const page = await open('accordion', { layout: 'accordion' });
    await shoot(page, 'accordion');
    await elementFrame(page).locator('#header-ideal').click();
    await shoot(page, 'accordion-ideal');
  });

  test('night theme, filled card', async () => {
    const page = await open('night', { appearance: { theme: 'night' }, background: '#1a1b25' });
    await fillCard(elementFrame(page), { number: '5555555555554444' });
    await shoot(page, 'night');
  });

  test('flat theme with variables', async () => {
    const page = await open('flat', {
      layout: 'accordion',
      appearance: { theme: 'flat', variables: { colorPrimary: '#0a8754', borderRadius: '10px', fontFamily: 'Georgia, serif' } },
    });
    await shoot(page, 'flat');
  });

  test('error state', async () => {
    const page = await open('errors', { currency: 'usd' });
    const frame = elementFrame(page);
    await frame.locator('#cardnumber').pressSequentially('4242424242424241');
    await frame.locator('#exp').pressSequentially('1');
    await page.evaluate(() => elements.submit());
    await shoot(page, 'error-state');
  });

  test('3D Secure modal', async () => {
    const intent = await merchant.stripe.paymentIntents.create({
      amount: 1099, currency: 'usd', payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true, use_stripe_sdk: true,
    });
    assert.equal(intent.status, 'requires_action');
    merchant.pages.set('modal', checkoutPage({
      tender: tender.url,
      body: '<h1>Checkout</h1><p>Order #123 · €10.99</p>',
      script: `Stripe('${PUBLISHABLE_KEY}').handleNextAction({ clientSecret: '${intent.client_secret}' });`,
    }));
    const page = await newPage(browser, tender, { viewport: { width: 900, height: 700 } });
    await page.goto(`${merchant.url}/pages/modal`);
    await challengeFrame(page).locator('#complete').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, '3ds-modal.png') });
  });
});
