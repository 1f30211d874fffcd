/*
 * Tender's browser SDK: a `Stripe()` global with Elements (the Payment Element and the Card
 * Element family), shaped like Stripe.js so that Stripe's guide code, and Stripe's own
 * `@stripe/stripe-js` and `@stripe/react-stripe-js`, run against Tender with only the
 * `<script src>` changed. Served by Tender at `/v3/`; it finds the API next to itself.
 *
 * Card data never touches the merchant's page. Every Element is an iframe served from
 * Tender's origin, and that iframe sends card numbers straight to Tender (confirmation
 * tokens, payment methods, tokens, intent confirmations). This page talks to it only by
 * postMessage, checking origins both ways, and only ever receives API objects back.
 *
 * The files of js/sdk/ are served as one script, in the order browser_sdk.rs lists them,
 * inside one function (so only `Stripe` reaches the page's globals): this one first.
 * Plain modern JavaScript, no build step, no dependencies.
 */

if (window.Stripe && window.Stripe.tender) return; // loaded twice: keep the first

const SCRIPT = document.currentScript ||
  Array.from(document.scripts).find((s) => /\/v3\/?(\?.*)?$/.test(s.src));
if (!SCRIPT || !SCRIPT.src) {
  throw new Error('Tender: load the SDK with <script src="https://<your Tender>/v3/">.');
}
const SCRIPT_URL = new URL(SCRIPT.src, location.href);
const TENDER_ORIGIN = SCRIPT_URL.origin;
// Tender may live under a path prefix: the SDK is at <base>/v3/, the API at <base>/v1/.
const API_BASE = TENDER_ORIGIN + SCRIPT_URL.pathname.replace(/\/v3\/?$/, '');
// The iframes' pages; each only accepts messages on its channel.
const FRAMES = {
  payment: { url: API_BASE + '/v3/payment-element.html', channel: 'tender:payment-element' },
  card: { url: API_BASE + '/v3/card-element.html', channel: 'tender:card-element' },
  address: { url: API_BASE + '/v3/address-element.html', channel: 'tender:address-element' },
};
const NEVER = new Promise(() => {}); // what a call that navigates away resolves with

const KINDS = {
  payment: {
    path: '/v1/payment_intents', key: 'paymentIntent', object: 'payment_intent',
    name: 'PaymentIntent', lastError: 'last_payment_error',
  },
  setup: {
    path: '/v1/setup_intents', key: 'setupIntent', object: 'setup_intent',
    name: 'SetupIntent', lastError: 'last_setup_error',
  },
};
const SUCCEEDED = ['succeeded', 'requires_capture', 'processing'];
// What Stripe.js tells shoppers when they fail a 3D Secure check: the API's message (kept in
// the intent's last error) is written for the developer ("…provide payment_method_data…").
const AUTHENTICATION_FAILED = 'We are unable to authenticate your payment method. ' +
  'Please choose a different payment method and try again.';
const SHOPPER_MESSAGES = {
  payment_intent_authentication_failure: AUTHENTICATION_FAILED,
  setup_intent_authentication_failure: AUTHENTICATION_FAILED,
};

/** Thrown for mistakes in the integration, as Stripe.js does. */
class IntegrationError extends Error {
  constructor(message) {
    super(message);
    this.name = 'IntegrationError';
  }
}

/** `pi_…_secret_…` or `seti_…_secret_…` → the intent's id and kind. */
function parseSecret(secret, caller) {
  const match = typeof secret === 'string' && /^((pi|seti)_[A-Za-z0-9]+)_secret_\w+$/.exec(secret);
  if (!match) {
    throw new IntegrationError(`Invalid value for ${caller}: clientSecret should be a client ` +
      `secret of the form \${id}_secret_\${secret}. You specified: ${secret}.`);
  }
  return { id: match[1], kind: match[2] === 'pi' ? 'payment' : 'setup' };
}

/** Only web addresses may be navigated to or framed (never `javascript:`). */
function webUrl(url) {
  const parsed = new URL(url, location.href);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new IntegrationError(`Refusing to open ${url}: not an http(s) URL.`);
  }
  return parsed;
}

function navigate(url) {
  window.location.assign(webUrl(url).href);
  return NEVER;
}

