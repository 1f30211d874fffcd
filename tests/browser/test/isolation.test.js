// Card data stays in Tender's iframe: the merchant page cannot reach it, receives only API
// objects, and the iframe answers only the page that framed it. Plus how Tender serves the SDK.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkoutPage, elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { deferredPage } from '../lib/pages.js';
import { startMerchant } from '../lib/servers.js';
import { startTender } from '../lib/tender.js';

const NUMBER = '4242424242424242';
const CVC = '987';

describe('isolation', () => {
  let tender;
  let merchant;
  let browser;

  before(async () => {
    tender = await startTender();
    merchant = await startMerchant(tender);
    browser = await launch();
    merchant.pages.set('deferred', deferredPage(tender.url));
  });

  after(async () => {
    await browser?.close();
    await merchant?.stop();
    await tender?.stop();
  });

  test('a script in the merchant page cannot read the card', async () => {
    const page = await newPage(browser, tender);
    // Everything posted to the merchant page, as a hostile script there would see it.
    await page.addInitScript(() => {
      window.seen = [];
      window.addEventListener('message', (event) => window.seen.push(JSON.stringify(event.data)));
    });
    await page.goto(`${merchant.url}/pages/deferred`);
    await fillCard(elementFrame(page), { number: NUMBER, cvc: CVC });
    const probe = await page.evaluate(() => {
      const frame = document.querySelector('#payment-element iframe');
      const attempt = (read) => {
        try {
          read();
          return 'readable';
        } catch (e) {
          return e.name;
        }
      };
      return {
        contentDocument: frame.contentDocument,
        viaContentWindow: attempt(() => frame.contentWindow.document.body),
        viaFrames: attempt(() => window.frames[0].document.body),
        html: document.documentElement.outerHTML,
        text: document.body.innerText,
      };
    });
    assert.equal(probe.contentDocument, null);
    assert.equal(probe.viaContentWindow, 'SecurityError');
    assert.equal(probe.viaFrames, 'SecurityError');
    assert.ok(!probe.html.includes('4242') && !probe.text.includes('4242'));
    // A ConfirmationToken made from the page carries last4, never the number or the code.
    const token = await page.evaluate(async () => {
      await elements.submit();
      return stripe.createConfirmationToken({ elements });
    });
    assert.match(token.confirmationToken.id, /^ctoken_/);
    assert.equal(token.confirmationToken.payment_method_preview.card.last4, '4242');
    assert.ok(!JSON.stringify(token).includes(NUMBER));
    const seen = await page.evaluate(() => window.seen);
    assert.ok(seen.length > 0);
    for (const message of seen) {
      assert.ok(!message.includes(NUMBER) && !message.includes(CVC), message);
    }
    const all = (await page.evaluate(() => document.documentElement.outerHTML));
    assert.ok(!all.includes(NUMBER));
  });

  test('the iframe only talks to the origin that framed it', async () => {
    // `localhost` and `127.0.0.1` are different origins: an "attacker" page on one frames the
    // element naming the merchant's origin (the other) in the URL, to borrow it.
    const attacker = merchant.url.replace('127.0.0.1', 'localhost');
    const frameWith = (origin) => checkoutPage({
      tender: tender.url,
      body: `<iframe src="${tender.url}/v3/payment-element.html?origin=${encodeURIComponent(origin)}"></iframe>`,
      script: `window.seen = [];
window.addEventListener('message', (event) => window.seen.push(event.data));`,
    });
    merchant.pages.set('borrow', frameWith(merchant.url));
    merchant.pages.set('own', frameWith(attacker));
    const page = await newPage(browser, tender);
    await page.goto(`${attacker}/pages/own`);
    await page.waitForFunction(() => window.seen.length > 0);
    assert.equal((await page.evaluate(() => window.seen))[0].type, 'loaded', 'control: its own origin works');
    await page.goto(`${attacker}/pages/borrow`);
    await page.waitForTimeout(1000);
    assert.deepEqual(await page.evaluate(() => window.seen), [], 'a borrowed origin gets nothing');
  });

  test('Tender serves the SDK, the iframe (with a CSP) and the type declarations', async () => {
    for (const path of ['/v3/', '/v3']) {
      const response = await fetch(tender.url + path);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/javascript; charset=utf-8');
      assert.match(await response.text(), /window\.Stripe = Stripe/);
    }
    const page = await fetch(`${tender.url}/v3/payment-element.html`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.match(page.headers.get('content-security-policy'), /connect-src 'self'/);
    const script = await fetch(`${tender.url}/v3/payment-element.js`);
    assert.equal(script.headers.get('content-type'), 'application/javascript; charset=utf-8');
    const types = await fetch(`${tender.url}/v3/stripe.d.ts`);
    assert.equal(types.status, 200);
    assert.match(await types.text(), /createConfirmationToken/);
  });
});
