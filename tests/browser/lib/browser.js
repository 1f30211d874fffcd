// Debian's Chromium driven by playwright-core. The machine has no internet: these flags keep
// Chromium from waiting on network services it would otherwise call at start-up.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../artifacts/browser');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ARGS,
    timeout: 60_000,
  });
}

/** A page in a fresh context; page errors are collected so tests can assert there were none. */
export async function newPage(browser, tender, options = {}) {
  const context = await browser.newContext({ viewport: { width: 760, height: 900 }, locale: 'en-US', ...options });
  if (process.env.TENDER_JS_DIR) await serveSdkFromDisk(context, tender.url, process.env.TENDER_JS_DIR);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error));
  page.setDefaultTimeout(15_000);
  return page;
}

/**
 * While developing js/, serve it from disk instead of from the binary (set TENDER_JS_DIR), so
 * a change does not need a rebuild. The final runs always use what the binary serves. The
 * SDK is js/sdk/*.js joined in the order browser_sdk.rs lists them, as the server joins them.
 */
async function serveSdkFromDisk(context, tenderUrl, dir) {
  const served = readFileSync(join(dir, '../crates/server/src/routes/browser_sdk.rs'), 'utf8');
  const parts = [...served.matchAll(/js\/(sdk\/[a-z-]+\.js)/g)].map((m) => m[1]);
  const sdk = () => `(function () {\n'use strict';\n${parts.map((f) => readFileSync(join(dir, f), 'utf8')).join('')}})();\n`;
  const frames = ['payment-element.html', 'payment-element.js', 'payment-element-layout.js',
    'card-element.html', 'card-element.js',
    'address-element.html', 'address-element.js', 'address-countries.js',
    'frame-common.js', 'sdk/api.js'];
  await context.route(`${tenderUrl}/v3**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/v3' || path === '/v3/') return route.fulfill({ contentType: 'application/javascript', body: sdk() });
    const file = frames.find((name) => path === `/v3/${name.replace('sdk/', '')}`);
    if (!file) return route.continue();
    const type = file.endsWith('.html') ? 'text/html' : 'application/javascript';
    return route.fulfill({ contentType: type, body: readFileSync(join(dir, file)) });
  });
}

/** The iframe of an Element (by default the Payment Element) inside the container `selector`. */
export function elementFrame(page, selector = '#payment-element') {
  return page.frameLocator(`${selector} iframe`);
}

/** Types a card key by key, as a customer would (the element formats as it goes). */
export async function fillCard(frame, card) {
  const { number, exp = '1234', cvc = '123', postal = '94111' } = card;
  await frame.locator('#cardnumber').pressSequentially(number);
  if (exp) await frame.locator('#exp').pressSequentially(exp);
  if (cvc) await frame.locator('#cvc').pressSequentially(cvc);
  if (postal && await frame.locator('#postal').isVisible()) {
    await frame.locator('#postal').pressSequentially(postal);
  }
}

/** The 3D Secure modal's iframe (Tender's hosted challenge page). */
export function challengeFrame(page) {
  return page.frameLocator('iframe[title="3D Secure authentication"]');
}

/** A merchant checkout page: Tender's SDK in <head>, then the merchant's markup and code. */
export function checkoutPage({ tender, body, script, style = '' }) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Checkout</title>
<script src="${tender}/v3/"></script>
<style>
  body { font-family: system-ui, sans-serif; max-width: 520px; margin: 32px auto; padding: 0 16px; color: #1a1f36; }
  button { margin-top: 16px; }
  ${style}
</style></head>
<body>${body}
<script>${script}</script>
</body></html>`;
}
