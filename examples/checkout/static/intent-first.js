/*
 * "Accept a payment" with the intent created first: a static checkout page whose
 * PaymentIntent the server creates as the page loads. Elements is made from its client
 * secret and stripe.confirmPayment() confirms it, 3D Secure included.
 */
'use strict';

(async function () {
  // A static page sells a fixed cart.
  const CART = { items: [{ product: 'hoodie', quantity: 1 }] };
  const stripe = Stripe(Shop.publishableKey);
  const form = document.getElementById('payment-form');
  const submitBtn = document.getElementById('submit');
  const messageContainer = document.getElementById('error-message');

  const intent = await Shop.postJson('/api/create-intent', { cart: CART, flow: 'intent-first' });
  if (intent.error) {
    messageContainer.textContent = intent.error.message;
    return;
  }
  Shop.renderQuote(document.getElementById('summary'), intent.quote);

  const elements = stripe.elements({ clientSecret: intent.client_secret, appearance: { theme: 'stripe' } });
  elements.create('payment', { layout: 'tabs' }).mount('#payment-element');
  submitBtn.textContent = `Pay ${Shop.money(intent.quote.total, intent.quote.currency)}`;
  submitBtn.disabled = false;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submitBtn.disabled) return;
    submitBtn.disabled = true;
    messageContainer.textContent = '';
    const { error } = await stripe.confirmPayment({
      elements,
      confirmParams: { return_url: intent.return_url },
      redirect: 'if_required',
    });
    if (error) {
      // A decline leaves the intent ready for another card.
      messageContainer.textContent = error.message;
      submitBtn.disabled = false;
      return;
    }
    location.assign(intent.return_url);
  });
})();
