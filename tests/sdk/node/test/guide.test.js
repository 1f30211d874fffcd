// The guide's own server (tests/sdk/node/guide/server.cjs: Express + stripe-node, the code of
// docs.stripe.com/payments/finalize-payments-on-the-server) against Tender. The test plays the
// browser: it creates ConfirmationTokens with the publishable key as Stripe.js's
// createConfirmationToken does, POSTs {confirmationTokenId} to /create-confirm-intent, and for
// `requires_action` does what stripe.handleNextAction does (read the intent with the publishable
// key and client secret, then complete 3D Secure on the hosted page).
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, test} from 'node:test';

import {answer3ds, createCtoken} from './flows.js';
import {BASE_URL, SECRET_KEY, stripe, stripePk} from './helpers.js';

const GUIDE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'guide');

// What the guide's client passes to stripe.createConfirmationToken.
const GUIDE_PARAMS = {
  'shipping[name]': 'Jenny Rosen',
  'shipping[address][line1]': '1234 Main Street',
  'shipping[address][city]': 'San Francisco',
  'shipping[address][state]': 'CA',
  'shipping[address][country]': 'US',
  'shipping[address][postal_code]': '94111',
  return_url: 'https://example.com/order/123/complete',
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

let child = null;
let guideUrl = null;
let output = '';

before(async () => {
  const port = await freePort();
  child = spawn(process.execPath, [path.join(GUIDE_DIR, 'server.cjs')], {
    cwd: GUIDE_DIR,
    env: {...process.env, TENDER_BASE_URL: BASE_URL, TENDER_SECRET_KEY: SECRET_KEY, GUIDE_PORT: String(port)},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 15000;
  while (!output.includes(`Running on port ${port}`)) {
    if (child.exitCode !== null) throw new Error(`the guide server exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`the guide server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  guideUrl = `http://127.0.0.1:${port}`;
});

after(() => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
});

/** The browser's fetch("/create-confirm-intent", …) of the guide. */
async function createConfirmIntent(confirmationTokenId) {
  const res = await fetch(`${guideUrl}/create-confirm-intent`, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({confirmationTokenId}),
  });
  assert.equal(res.status, 200);
  return res.json();
}

const intentId = (clientSecret) => clientSecret.split('_secret_')[0];

describe('the guide server (finalize payments on the server)', () => {
  test('4242 4242 4242 4242 → succeeded', async () => {
    const token = await createCtoken('4242424242424242', GUIDE_PARAMS);
    const data = await createConfirmIntent(token.id);
    assert.deepEqual(Object.keys(data).sort(), ['client_secret', 'status']);
    assert.equal(data.status, 'succeeded');
    assert.match(data.client_secret, /^pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/);
    const pi = await stripe.paymentIntents.retrieve(intentId(data.client_secret));
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount, 1099);
    assert.equal(pi.amount_received, 1099);
    assert.equal(pi.currency, 'usd');
    assert.equal(pi.shipping.name, 'Jenny Rosen');
    assert.equal((await stripe.confirmationTokens.retrieve(token.id)).payment_intent, pi.id);
  });

  test('4000 0025 0000 3155 → requires_action, then 3D Secure on the hosted page → succeeded', async () => {
    const token = await createCtoken('4000002500003155', GUIDE_PARAMS);
    const data = await createConfirmIntent(token.id);
    assert.equal(data.status, 'requires_action');
    // stripe.handleNextAction({clientSecret}): read the intent with the publishable key.
    const id = intentId(data.client_secret);
    const seen = await stripePk.paymentIntents.retrieve(id, {client_secret: data.client_secret});
    assert.equal(seen.status, 'requires_action');
    assert.equal(seen.next_action.type, 'use_stripe_sdk');
    const done = await answer3ds(seen.next_action.use_stripe_sdk.stripe_js, 'complete');
    assert.equal(done.status, 200);
    const after3ds = await stripePk.paymentIntents.retrieve(id, {client_secret: data.client_secret});
    assert.equal(after3ds.status, 'succeeded');
    const pi = await stripe.paymentIntents.retrieve(id);
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount_received, 1099);
  });

  test('4000 0000 0000 0002 → the card error, passed through as the guide does', async () => {
    const token = await createCtoken('4000000000000002', GUIDE_PARAMS);
    const data = await createConfirmIntent(token.id);
    assert.equal(data.status, undefined);
    assert.ok(data.error, JSON.stringify(data));
    // `res.json({error: err})` serializes stripe-node's StripeCardError.
    assert.equal(data.error.type, 'StripeCardError');
    assert.equal(data.error.rawType, 'card_error');
    assert.equal(data.error.statusCode, 402);
    assert.equal(data.error.code, 'card_declined');
    assert.equal(data.error.decline_code, 'generic_decline');
    assert.equal(data.error.raw.message, 'Your card was declined.');
    assert.equal(data.error.payment_intent.status, 'requires_payment_method');
    const pi = await stripe.paymentIntents.retrieve(data.error.payment_intent.id);
    assert.equal(pi.status, 'requires_payment_method');
    assert.equal(pi.last_payment_error.decline_code, 'generic_decline');
  });
});
