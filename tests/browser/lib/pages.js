// Merchant checkout pages for the client-side integrations, written the way Stripe's guides
// write them ("Accept a payment", "Collect payment details before creating an Intent", "Set up
// future payments"), with Tender's SDK in the <script src>.
import { checkoutPage } from './browser.js';
import { PUBLISHABLE_KEY } from './tender.js';

const RESULT = `
const show = (text) => { document.querySelector('#result').textContent = text; };
`;

/** Intent first: the server created the PaymentIntent; confirmPayment without a redirect. */
export function intentFirstPage(tender, clientSecret) {
  return checkoutPage({
    tender,
    body: `<form id="payment-form"><div id="payment-element"></div>
<button id="pay" type="submit">Pay</button></form><p id="result"></p>`,
    script: `${RESULT}
const stripe = Stripe('${PUBLISHABLE_KEY}');
const elements = stripe.elements({ clientSecret: '${clientSecret}' });
const paymentElement = elements.create('payment');
window.changes = [];
paymentElement.on('change', (event) => window.changes.push(event));
paymentElement.on('ready', () => { document.body.dataset.ready = 'yes'; });
paymentElement.mount('#payment-element');
document.querySelector('#payment-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { error, paymentIntent } = await stripe.confirmPayment({
    elements,
    confirmParams: { return_url: location.origin + '/pages/return' },
    redirect: 'if_required',
  });
  window.outcome = { error, paymentIntent };
  show(error ? 'error: ' + error.message : 'status: ' + paymentIntent.status);
});`,
  });
}

/**
 * Deferred intent, confirmed on the client: Elements knows the cart (amount, currency); on
 * Pay the server creates the PaymentIntent and the page confirms it, then Stripe.js sends the
 * customer to the return page. `setCart` changes the cart the way a checkout page would.
 */
export function deferredPage(tender) {
  return checkoutPage({
    tender,
    body: `<form id="payment-form"><div id="payment-element"></div>
<button id="pay" type="submit">Pay</button></form><p id="result"></p>`,
    script: `${RESULT}
const stripe = Stripe('${PUBLISHABLE_KEY}');
const cart = { amount: 1099, currency: 'usd' };
const elements = stripe.elements({
  mode: 'payment', amount: cart.amount, currency: cart.currency, paymentMethodCreation: 'manual',
});
elements.create('payment', { layout: 'tabs' }).mount('#payment-element');
window.setCart = async (change) => {
  Object.assign(cart, change);
  const updating = elements.update(change);
  window.updateReturnedPromise = updating instanceof Promise;
  await updating;
};
document.querySelector('#payment-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { error: submitError } = await elements.submit();
  if (submitError) return show(submitError.message);
  const res = await fetch('/create-intent', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(cart),
  });
  const { clientSecret } = await res.json();
  const { error } = await stripe.confirmPayment({
    elements,
    clientSecret,
    confirmParams: { return_url: location.origin + '/pages/return' },
  });
  if (error) show(error.message);
});`,
  });
}

/** Saving a card with a SetupIntent (deferred, `mode: 'setup'`), confirmed on the client. */
export function setupPage(tender) {
  return checkoutPage({
    tender,
    body: `<form id="payment-form"><div id="payment-element"></div>
<button id="save" type="submit">Save card</button></form><p id="result"></p>`,
    script: `${RESULT}
const stripe = Stripe('${PUBLISHABLE_KEY}');
const elements = stripe.elements({ mode: 'setup', currency: 'usd' });
elements.create('payment').mount('#payment-element');
document.querySelector('#payment-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { error: submitError } = await elements.submit();
  if (submitError) return show(submitError.message);
  const res = await fetch('/create-setup-intent', { method: 'POST' });
  const { clientSecret, error: serverError } = await res.json();
  if (serverError) return show('server: ' + serverError.message);
  const { error, setupIntent } = await stripe.confirmSetup({
    elements,
    clientSecret,
    confirmParams: { return_url: location.origin + '/pages/return' },
    redirect: 'if_required',
  });
  window.outcome = { error, setupIntent };
  show(error ? 'error: ' + error.message : 'status: ' + setupIntent.status);
});`,
  });
}

/** Where Stripe.js (and a redirect payment method) sends the customer back to. */
export function returnPage(tender) {
  return checkoutPage({
    tender,
    body: '<p id="result"></p>',
    script: `${RESULT}
const stripe = Stripe('${PUBLISHABLE_KEY}');
const query = new URLSearchParams(location.search);
const setup = query.get('setup_intent_client_secret');
const retrieving = setup ? stripe.retrieveSetupIntent(setup)
  : stripe.retrievePaymentIntent(query.get('payment_intent_client_secret'));
retrieving.then(({ error, paymentIntent, setupIntent }) => {
  const intent = paymentIntent || setupIntent;
  show(error ? 'error: ' + error.message : [intent.status, intent.amount, intent.currency,
    'redirect_status=' + query.get('redirect_status')].join(' '));
});`,
  });
}

/**
 * The Card Element, as Stripe's card guides wrote it: one `card` Element (or the split
 * `cardNumber`, `cardExpiry`, `cardCvc`), change events kept in `window.changes`, and the
 * calls (confirmCardPayment, createToken, …) made by the test from the page.
 */
export function cardPage(tender, { split = false } = {}) {
  const mount = split
    ? `const cardNumber = elements.create('cardNumber', { showIcon: true, style });
const cardExpiry = elements.create('cardExpiry', { style });
const cardCvc = elements.create('cardCvc', { style });
const card = cardNumber;
for (const [element, id] of [[cardNumber, '#card-number'], [cardExpiry, '#card-expiry'], [cardCvc, '#card-cvc']]) {
  element.on('change', (event) => window.changes.push(event));
  element.on('ready', () => { window.ready = (window.ready || 0) + 1; });
  element.mount(id);
}`
    : `const card = elements.create('card', { style });
card.on('change', (event) => window.changes.push(event));
card.on('ready', () => { window.ready = 1; });
card.mount('#card-element');`;
  return checkoutPage({
    tender,
    style: '.StripeElement { border: 1px solid #ccd; border-radius: 4px; padding: 10px; margin: 8px 0; }',
    body: split
      ? '<div id="card-number"></div><div id="card-expiry"></div><div id="card-cvc"></div>'
      : '<div id="card-element"></div>',
    script: `const stripe = Stripe('${PUBLISHABLE_KEY}');
const elements = stripe.elements();
const style = { base: { color: '#32325d', fontSize: '16px', '::placeholder': { color: '#aab7c4' } }, invalid: { color: '#fa755a' } };
window.changes = [];
${mount}
window.card = card;
window.createIntent = async (path = '/create-intent') => {
  const response = await fetch(path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ amount: 1999, currency: 'usd' }),
  });
  return (await response.json()).clientSecret;
};`,
  });
}

/**
 * The Address Element above the Payment Element, as Stripe's "Collect addresses" guide
 * writes it: `elements.create('address', options)` in a deferred-intent group; its change
 * events are kept in `window.changes`, and `window.ready` counts the Elements that are ready.
 */
export function addressPage(tender, options) {
  return checkoutPage({
    tender,
    body: '<form id="payment-form"><div id="address-element"></div><div id="payment-element"></div></form>',
    script: `const stripe = Stripe('${PUBLISHABLE_KEY}');
const elements = stripe.elements({ mode: 'payment', amount: 1099, currency: 'usd' });
const address = elements.create('address', ${JSON.stringify(options)});
window.changes = [];
window.ready = 0;
address.on('change', (event) => window.changes.push(event));
address.on('ready', (event) => { window.readyEvent = event; window.ready += 1; });
address.mount('#address-element');
const payment = elements.create('payment');
payment.on('ready', () => { window.ready += 1; });
payment.mount('#payment-element');
window.address = address;`,
  });
}
