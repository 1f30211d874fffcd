/*
 * "Collect payment details before creating an Intent", confirmed in the browser: the
 * Payment Element in deferred mode; on Pay, elements.submit(), then the server creates the
 * order and an unconfirmed PaymentIntent, and stripe.confirmPayment() confirms it here
 * (handling 3D Secure itself). No server-side rule can see the card on this path.
 */
'use strict';

(async function () {
  const stripe = Stripe(Shop.publishableKey);
  const form = document.getElementById('payment-form');
  const submitBtn = document.getElementById('submit');
  const messageContainer = document.getElementById('error-message');
  let elements = null;
  let orderId = null;

  const handleError = (error) => {
    messageContainer.textContent = error.message;
    submitBtn.disabled = false;
  };

  const cart = await Shop.mountCart(document.getElementById('cart'), {
    initial: { stickers: 2, mug: 1 },
    onQuote: async (quote) => {
      if (!quote) {
        submitBtn.textContent = 'Pay';
        submitBtn.disabled = true;
        return;
      }
      if (!elements) {
        elements = stripe.elements({ mode: 'payment', amount: quote.total, currency: quote.currency });
        elements.create('payment').mount('#payment-element');
      } else {
        await elements.update({ amount: quote.total });
      }
      submitBtn.textContent = `Pay ${Shop.money(quote.total, quote.currency)}`;
      submitBtn.disabled = false;
    },
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submitBtn.disabled || !elements) return;
    submitBtn.disabled = true;
    messageContainer.textContent = '';

    const { error: submitError } = await elements.submit();
    if (submitError) {
      handleError(submitError);
      return;
    }
    const intent = await Shop.postJson('/api/create-intent', {
      cart: cart.cart(),
      flow: 'deferred-client',
      orderId,
    });
    if (intent.error) {
      handleError(intent.error);
      return;
    }
    orderId = intent.order_id;
    const { error } = await stripe.confirmPayment({
      elements,
      clientSecret: intent.client_secret,
      confirmParams: { return_url: intent.return_url },
      redirect: 'if_required',
    });
    if (error) {
      handleError(error);
      return;
    }
    location.assign(intent.return_url);
  });
})();
