// Card data stays in Tender's iframes (the Payment Element, the Card Element family): the
// merchant page cannot reach it, receives only API objects, and an iframe answers only the
// page that framed it; the Address Element's inputs are out of its reach too. Plus how Tender
// serves the SDK.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkoutPage, elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { addressPage, cardPage, deferredPage } from '../lib/pages.js';
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
    merchant.pages.set('card', cardPage(tender.url));
    merchant.pages.set('split', cardPage(tender.url, { split: true }));
    merchant.pages.set('address', addressPage(tender.url, { mode: 'billing' }));
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

  test('the Card Element iframes keep the card too, split ones included', async () => {
    for (const [name, frames] of [['card', 1], ['split', 3]]) {
      const page = await newPage(browser, tender);
      await page.addInitScript(() => {
        window.seen = [];
        window.addEventListener('message', (event) => window.seen.push(JSON.stringify(event.data)));
      });
      await page.goto(`${merchant.url}/pages/${name}`);
      await page.waitForFunction((n) => window.ready === n, frames);
      const frame = (selector) => page.frameLocator(`${selector} iframe`);
      if (name === 'card') {
        const card = frame('#card-element');
        await card.locator('#cardnumber').pressSequentially(NUMBER);
        await card.locator('#exp').pressSequentially('1234');
        await card.locator('#cvc').pressSequentially(CVC);
        await card.locator('#postal').pressSequentially('94111');
      } else {
        await frame('#card-number').locator('#cardnumber').pressSequentially(NUMBER);
        await frame('#card-expiry').locator('#exp').pressSequentially('1234');
        await frame('#card-cvc').locator('#cvc').pressSequentially(CVC);
      }
      const probe = await page.evaluate(() => Array.from(document.querySelectorAll('iframe')).map((f) => {
        const attempt = (read) => {
          try {
            return read() === undefined ? 'undefined' : 'readable';
          } catch (e) {
            return e.name;
          }
        };
        return {
          document: attempt(() => f.contentWindow.document.body),
          field: attempt(() => f.contentWindow.__tenderCardField.read()),
        };
      }));
      assert.equal(probe.length, frames);
      for (const p of probe) assert.deepEqual(p, { document: 'SecurityError', field: 'SecurityError' });
      const made = await page.evaluate(async () => {
        const { token } = await stripe.createToken(window.card);
        const { paymentMethod } = await stripe.createPaymentMethod({ type: 'card', card: window.card });
        return { token, paymentMethod };
      });
      assert.equal(made.token.card.last4, '4242');
      assert.equal(made.paymentMethod.card.last4, '4242');
      const all = JSON.stringify(made) + (await page.evaluate(() => window.seen.join('\n'))) +
        (await page.evaluate(() => document.documentElement.outerHTML));
      assert.ok(!all.includes(NUMBER) && !all.includes(`"${CVC}"`), name);
      assert.ok((await page.evaluate(() => window.seen.length)) > 0);
    }
  });

  test('the Address Element\'s inputs are out of the page\'s reach: it reads only getValue()', async () => {
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/address`);
    await page.waitForFunction(() => window.ready === 2);
    const frame = elementFrame(page, '#address-element');
    await frame.locator('#name').fill('Jenny Rosen');
    await frame.locator('#line1').fill('185 Berry St');
    const probe = await page.evaluate(() => {
      const frame = document.querySelector('#address-element iframe');
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
        document: attempt(() => frame.contentWindow.document.body),
        input: attempt(() => frame.contentWindow.document.getElementById('line1').value),
        html: document.documentElement.outerHTML,
      };
    });
    assert.equal(probe.contentDocument, null);
    assert.equal(probe.document, 'SecurityError');
    assert.equal(probe.input, 'SecurityError');
    assert.ok(!probe.html.includes('Berry'));
    // Control: the same street is there for the page through the API the Element offers.
    const { value } = await page.evaluate(() => window.address.getValue());
    assert.equal(value.address.line1, '185 Berry St');
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
    for (const element of ['payment-element.html', 'card-element.html?type=card&', 'address-element.html?type=address&']) {
      const src = (origin) => `${tender.url}/v3/${element}${element.includes('?') ? '' : '?'}origin=${encodeURIComponent(origin)}`;
      merchant.pages.set('borrow', frameWith(merchant.url).replace(/src="[^"]*payment-element[^"]*"/, `src="${src(merchant.url)}"`));
      merchant.pages.set('own', frameWith(attacker).replace(/src="[^"]*payment-element[^"]*"/, `src="${src(attacker)}"`));
      const page = await newPage(browser, tender);
      await page.goto(`${attacker}/pages/own`);
      await page.waitForFunction(() => window.seen.length > 0);
      assert.equal((await page.evaluate(() => window.seen))[0].type, 'loaded', `control: its own origin works (${element})`);
      await page.goto(`${attacker}/pages/borrow`);
      await page.waitForTimeout(1000);
      assert.deepEqual(await page.evaluate(() => window.seen), [], `a borrowed origin gets nothing (${element})`);
    }
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
    const cardPage = await fetch(`${tender.url}/v3/card-element.html`);
    assert.equal(cardPage.status, 200);
    assert.match(cardPage.headers.get('content-security-policy'), /connect-src 'self'/);
    const addressFrame = await fetch(`${tender.url}/v3/address-element.html`);
    assert.equal(addressFrame.status, 200);
    assert.match(addressFrame.headers.get('content-security-policy'), /connect-src 'self'/);
    for (const file of ['payment-element.js', 'payment-element-layout.js', 'card-element.js', 'frame-common.js', 'api.js',
      'address-element.js', 'address-countries.js']) {
      const script = await fetch(`${tender.url}/v3/${file}`);
      assert.equal(script.status, 200, file);
      assert.equal(script.headers.get('content-type'), 'application/javascript; charset=utf-8');
    }
    const types = await fetch(`${tender.url}/v3/stripe.d.ts`);
    assert.equal(types.status, 200);
    assert.match(await types.text(), /confirmCardPayment/);
  });
});
