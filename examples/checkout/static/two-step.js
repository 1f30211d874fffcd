/*
 * Two-step confirmation, page one: the cart and the Payment Element (deferred mode). On
 * "Continue", the card becomes a ConfirmationToken and the review page takes over; nothing
 * is charged here.
 */
'use strict';

(async function () {
  const stripe = Stripe(Shop.publishableKey);
  const form = document.getElementById('payment-form');
  const submitBtn = document.getElementById('submit');
  const messageContainer = document.getElementById('error-message');
  // Coming back from the review page (to change the card) keeps the cart and the order.
  const previous = Shop.recall('two-step');
  const initial = previous
    ? Object.fromEntries(previous.cart.items.map((i) => [i.product, i.quantity]))
    : { hoodie: 1, stickers: 1 };
  let elements = null;

  const handleError = (error) => {
    messageContainer.textContent = error.message;
    submitBtn.disabled = false;
  };

  const cart = await Shop.mountCart(document.getElementById('cart'), {
    initial,
    onQuote: async (quote) => {
      if (!quote) {
        submitBtn.disabled = true;
        return;
      }
      if (!elements) {
        elements = stripe.elements({ mode: 'payment', amount: quote.total, currency: quote.currency });
        elements.create('payment').mount('#payment-element');
      } else {
        await elements.update({ amount: quote.total });
      }
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
    const { error, confirmationToken } = await stripe.createConfirmationToken({ elements });
    if (error) {
      handleError(error);
      return;
    }
    Shop.remember('two-step', {
      confirmationTokenId: confirmationToken.id,
      cart: cart.cart(),
      orderId: previous ? previous.orderId : null,
    });
    location.assign('/two-step/review');
  });
})();
