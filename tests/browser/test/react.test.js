// Stripe's own front-end libraries, unmodified: the React version of "Finalize payments on the
// server" (react/app.jsx) bundled with esbuild from @stripe/stripe-js and
// @stripe/react-stripe-js as npm installs them, with Tender's script on the page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { challengeFrame, elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { startMerchant } from '../lib/servers.js';
import { PUBLISHABLE_KEY, startTender } from '../lib/tender.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageJson = JSON.parse(readFileSync(join(here, '../package.json'), 'utf8'));

function reactPage(tender, app = 'app.js') {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Checkout</title>
<script src="${tender}/v3/"></script>
</head>
<body><div id="root"></div>
<script>window.PUBLISHABLE_KEY = '${PUBLISHABLE_KEY}';</script>
<script src="/assets/${app}"></script>
</body></html>`;
}

describe("Stripe's React library and loader against Tender", () => {
  let tender;
  let merchant;
  let browser;

  before(async () => {
    const [bundle, cardBundle] = (await build({
      entryPoints: [join(here, '../react/app.jsx'), join(here, '../react/card-app.jsx')],
      outdir: 'react-out',
      bundle: true,
      write: false,
      format: 'iife',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"development"' },
      logLevel: 'silent',
    })).outputFiles;
    tender = await startTender();
    merchant = await startMerchant(tender);
    browser = await launch();
    merchant.assets.set('app.js', bundle.text);
    merchant.assets.set('card-app.js', cardBundle.text);
    merchant.pages.set('react', reactPage(tender.url));
    merchant.pages.set('react-card', reactPage(tender.url, 'card-app.js'));
  });

  after(async () => {
    await browser?.close();
    await merchant?.stop();
    await tender?.stop();
  });

  /** The app, rendered, with its console warnings kept (React's, Stripe's libraries'). */
  async function checkout() {
    const page = await newPage(browser, tender);
    page.warnings = [];
    page.tokenRequests = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/v1/confirmation_tokens')) page.tokenRequests.push(request.postData());
    });
    page.on('console', (message) => {
      if (['warning', 'error'].includes(message.type())) page.warnings.push(message.text());
    });
    await page.goto(`${merchant.url}/pages/react`);
    const frame = elementFrame(page, 'form');
    await frame.locator('#cardnumber').waitFor();
    await page.locator('#submit:enabled').waitFor();
    return { page, frame };
  }

  const latestIntent = () => merchant.created[merchant.created.length - 1];

  async function errorShown(page) {
    await page.locator('#error-message').waitFor();
    return page.textContent('#error-message');
  }

  test('the pinned versions are the ones installed', () => {
    for (const name of ['@stripe/stripe-js', '@stripe/react-stripe-js']) {
      const installed = JSON.parse(readFileSync(join(here, `../node_modules/${name}/package.json`), 'utf8'));
      assert.equal(installed.version, packageJson.dependencies[name], name);
    }
  });

  test('4242 pays, with no warning from the libraries', async () => {
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '4242424242424242' });
    await page.click('#submit');
    await page.locator('#payment-status').waitFor();
    const intent = await merchant.stripe.paymentIntents.retrieve(latestIntent().id);
    assert.equal(intent.status, 'succeeded');
    assert.equal(intent.amount, 1099);
    assert.equal(intent.shipping.name, 'Jenny Rosen');
    // What loadStripe and <Elements> registered is named in the payment method's user agent.
    const sent = new URLSearchParams(page.tokenRequests[0]);
    assert.equal(sent.get('payment_method_data[payment_user_agent]'),
      'tender.js/v3; stripe-js/10.2.1; react-stripe-js/7.0.1; payment-element');
    assert.deepEqual(page.errors, []);
    // No "Invalid prop `stripe`", no "expected Stripe.js@…" version warning.
    assert.deepEqual(page.warnings.filter((w) => /stripe/i.test(w)), []);
  });

  test('a decline is shown, and an incomplete card sends nothing', async () => {
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '4000000000000002' });
    await page.click('#submit');
    assert.equal(await errorShown(page), 'Your card was declined.');
    // The server's create-and-confirm threw (stripe-node raises the decline): read it back.
    const { data: [declined] } = await merchant.stripe.paymentIntents.list({ limit: 1 });
    assert.equal(declined.status, 'requires_payment_method');
    assert.equal(declined.last_payment_error.code, 'card_declined');

    const incomplete = await checkout();
    const before = (await merchant.stripe.paymentIntents.list({ limit: 100 })).data.length;
    await incomplete.frame.locator('#cardnumber').pressSequentially('4242');
    await incomplete.frame.locator('#cardnumber').blur();
    await incomplete.page.click('#submit');
    assert.equal(await errorShown(incomplete.page), 'Your card number is incomplete.');
    const after = (await merchant.stripe.paymentIntents.list({ limit: 100 })).data.length;
    assert.equal(after, before, 'no PaymentIntent was created');
  });

  test('3D Secure: Complete pays, Fail shows the error', async () => {
    const { page, frame } = await checkout();
    await fillCard(frame, { number: '4000002500003155' });
    await page.click('#submit');
    await challengeFrame(page).locator('#complete').click();
    await page.locator('#payment-status').waitFor();
    assert.equal((await merchant.stripe.paymentIntents.retrieve(latestIntent().id)).status, 'succeeded');

    const again = await checkout();
    await fillCard(again.frame, { number: '4000002500003155' });
    await again.page.click('#submit');
    await challengeFrame(again.page).locator('#fail').click();
    assert.equal(await errorShown(again.page), 'We are unable to authenticate your payment method. ' +
      'Please choose a different payment method and try again.');
    const failed = await merchant.stripe.paymentIntents.retrieve(latestIntent().id);
    assert.equal(failed.last_payment_error.code, 'payment_intent_authentication_failure');
  });

  test('an amount changed through React state reaches elements.update and is the one charged', async () => {
    const { page, frame } = await checkout();
    // Watch the Elements group's update, as React calls it (the app's instance shares the class).
    await page.evaluate((key) => {
      window.updates = [];
      const proto = Object.getPrototypeOf(Stripe(key).elements());
      const update = proto.update;
      proto.update = function (options) {
        window.updates.push(options);
        return update.call(this, options);
      };
    }, PUBLISHABLE_KEY);
    await page.selectOption('#quantity', '3');
    await page.waitForFunction(() => window.updates.length > 0);
    assert.deepEqual(await page.evaluate(() => window.updates), [{ amount: 3297 }]);
    await fillCard(frame, { number: '4242424242424242' });
    await page.click('#submit');
    await page.locator('#payment-status').waitFor();
    const intent = await merchant.stripe.paymentIntents.retrieve(latestIntent().id);
    assert.equal(intent.status, 'succeeded');
    assert.equal(intent.amount, 3297);
    assert.deepEqual(page.errors, []);
  });

  test('<CardElement>, getElement(CardElement), confirmCardPayment and ElementsConsumer', async () => {
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/react-card`);
    await page.locator('#consumer:text("ready")').waitFor();
    const frame = elementFrame(page, '#card-element');
    await frame.locator('#cardnumber').pressSequentially('4242424242424242');
    await frame.locator('#exp').pressSequentially('1234');
    await frame.locator('#cvc').pressSequentially('123');
    await frame.locator('#postal').pressSequentially('94111');
    await page.locator('#brand:text("visa")').waitFor();
    await page.click('#pay');
    await page.locator('#message:text("Payment succeeded")').waitFor();
    const { data: [intent] } = await merchant.stripe.paymentIntents.list({ limit: 1 });
    assert.equal(intent.status, 'succeeded');
    assert.equal(intent.amount, 2000);
    const pm = await merchant.stripe.paymentMethods.retrieve(intent.payment_method);
    assert.equal(pm.billing_details.name, 'Jenny Rosen');
    assert.deepEqual(page.errors, []);
  });
});
