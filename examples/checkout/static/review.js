/*
 * Two-step confirmation, page two: the order and the card (read by the server from the
 * ConfirmationToken), and "Confirm and pay", which is the same server-side
 * create-and-confirm as the one-page checkout.
 */
'use strict';

(async function () {
  const stripe = Stripe(Shop.publishableKey);
  const confirmBtn = document.getElementById('confirm');
  const messageContainer = document.getElementById('error-message');
  const state = Shop.recall('two-step');
  if (!state || !state.confirmationTokenId) {
    location.assign('/two-step');
    return;
  }

  const review = await Shop.postJson('/api/review', {
    confirmationTokenId: state.confirmationTokenId,
    cart: state.cart,
  });
  if (review.error) {
    document.getElementById('card').textContent = review.error.message;
    return;
  }
  Shop.renderQuote(document.getElementById('summary'), review.quote);
  const card = review.card;
  document.getElementById('card').textContent = card
    ? `${card.brand.toUpperCase()} •••• ${card.last4}, expires ${card.exp_month}/${card.exp_year}`
    : 'Payment method entered on the previous page';
  if (review.refusal) {
    document.getElementById('refusal').textContent = review.refusal;
    return;
  }
  confirmBtn.textContent = `Confirm and pay ${Shop.money(review.quote.total, review.quote.currency)}`;
  confirmBtn.disabled = false;

  const fail = (error) => {
    messageContainer.textContent = `${error.message} Change your payment details to try again.`;
  };

  confirmBtn.addEventListener('click', async () => {
    confirmBtn.disabled = true;
    messageContainer.textContent = '';
    const response = await Shop.postJson('/create-confirm-intent', {
      confirmationTokenId: state.confirmationTokenId,
      cart: state.cart,
      orderId: state.orderId,
      flow: 'two-step',
    });
    // A token confirms once: any retry needs new details, for the same order.
    Shop.remember('two-step', { cart: state.cart, orderId: response.order_id || state.orderId });
    if (response.error) {
      fail(response.error);
      return;
    }
    if (response.status === 'requires_action') {
      const { error } = await stripe.handleNextAction({ clientSecret: response.client_secret });
      if (error) {
        fail(error);
        return;
      }
    }
    sessionStorage.removeItem('two-step');
    location.assign(`/orders/${response.order_id}`);
  });
})();
