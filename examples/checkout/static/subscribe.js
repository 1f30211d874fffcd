/*
 * "Finalize payments on the server", Create a subscription: the Payment Element in
 * subscription mode (the first invoice's amount, shown and used to choose payment methods);
 * on Subscribe: elements.submit() → stripe.createConfirmationToken() → POST
 * /create-confirm-subscription → stripe.handleNextAction() when the bank wants 3D Secure →
 * the membership page, which waits for the invoice.paid webhook.
 */
'use strict';

(async function () {
  const stripe = Stripe(Shop.publishableKey);
  const form = document.getElementById('payment-form');
  const submitBtn = document.getElementById('submit');
  const messageContainer = document.getElementById('error-message');
  // Set by a failed attempt: the retry pays the same subscription's first invoice.
  let membershipId = null;

  const remembered = localStorage.getItem('membership');
  if (remembered) {
    document.getElementById('manage-link').href = `/membership/${encodeURIComponent(remembered)}`;
    document.getElementById('manage').classList.remove('hidden');
  }

  const handleError = (error) => {
    messageContainer.textContent = error.message;
    submitBtn.disabled = false;
  };

  const plan = await Shop.getJson('/api/plan');
  if (plan.error) {
    handleError(plan.error);
    submitBtn.disabled = true;
    return;
  }
  const price = `${Shop.money(plan.amount, plan.currency)} / ${plan.interval}`;
  document.getElementById('plan-name').textContent = plan.name;
  document.getElementById('plan-price').textContent = price;

  const elements = stripe.elements({
    mode: 'subscription',
    amount: plan.amount,
    currency: plan.currency,
    paymentMethodCreation: 'manual',
    appearance: { theme: 'stripe' },
  });
  elements.create('payment', { business: { name: 'Tender shop' } }).mount('#payment-element');
  submitBtn.textContent = `Subscribe for ${price}`;
  submitBtn.disabled = false;

  const handleServerResponse = async (response) => {
    if (response.membership_id) membershipId = response.membership_id;
    if (response.error) {
      handleError(response.error);
      return;
    }
    if (response.status === 'requires_action') {
      const { error } = await stripe.handleNextAction({ clientSecret: response.client_secret });
      if (error) {
        handleError(error);
        return;
      }
    }
    localStorage.setItem('membership', response.membership_id);
    location.assign(`/membership/${response.membership_id}`);
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
    // No price and no amount: the server subscribes to its own plan.
    const data = await Shop.postJson('/create-confirm-subscription', {
      confirmationTokenId: confirmationToken.id,
      email: document.getElementById('email').value,
      membershipId,
    });
    await handleServerResponse(data);
  });
})();
