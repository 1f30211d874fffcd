/*
 * Save a card for later: the Payment Element in setup mode → ConfirmationToken → the server
 * checks the card, creates a Customer and a SetupIntent confirmed with the token →
 * handleNextAction if the bank wants 3D Secure. Then the shop charges the card off-session.
 */
'use strict';

(async function () {
  const stripe = Stripe(Shop.publishableKey);
  const form = document.getElementById('payment-form');
  const submitBtn = document.getElementById('submit');
  const messageContainer = document.getElementById('error-message');
  const elements = stripe.elements({ mode: 'setup', currency: 'usd' });
  // Named in the consent text the element shows for a card saved for later payments.
  elements.create('payment', { business: { name: 'Tender shop' } }).mount('#payment-element');
  submitBtn.disabled = false;

  const handleError = (error) => {
    messageContainer.textContent = error.message;
    submitBtn.disabled = false;
  };

  const saved = (savedCardId) => {
    form.classList.add('hidden');
    document.getElementById('saved').classList.remove('hidden');
    document.getElementById('saved-card').textContent = `Saved as ${savedCardId}.`;
    const chargeBtn = document.getElementById('charge');
    chargeBtn.addEventListener('click', async () => {
      chargeBtn.disabled = true;
      const message = document.getElementById('charge-message');
      message.textContent = '';
      const result = await Shop.postJson(`/api/saved-cards/${savedCardId}/charge`, {
        items: [{ product: 'mug', quantity: 1 }],
      });
      if (result.error) {
        message.textContent = result.error.message;
        chargeBtn.disabled = false;
        return;
      }
      const link = Shop.text('a', `Order ${result.order_id}`);
      link.href = `/orders/${result.order_id}`;
      link.id = 'charged-order';
      document.getElementById('charge-result').replaceChildren(
        `Payment ${result.status}: `, link,
      );
    });
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submitBtn.disabled) return;
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
    const response = await Shop.postJson('/create-confirm-setup', {
      confirmationTokenId: confirmationToken.id,
      email: document.getElementById('email').value,
    });
    if (response.error) {
      handleError(response.error);
      return;
    }
    if (response.status === 'requires_action') {
      const { error: actionError } = await stripe.handleNextAction({
        clientSecret: response.client_secret,
      });
      if (actionError) {
        handleError(actionError);
        return;
      }
    }
    saved(response.saved_card_id);
  });
})();
