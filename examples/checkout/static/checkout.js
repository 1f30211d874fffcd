/*
 * "Finalize payments on the server", as in Stripe's guide: the Payment Element in deferred
 * mode (no PaymentIntent yet), its amount kept in step with the cart by elements.update();
 * on Pay: elements.submit() → stripe.createConfirmationToken() → POST /create-confirm-intent
 * → stripe.handleNextAction() when the bank wants 3D Secure.
 *
 * Returning customers ("Save and retrieve customer payment methods"): the shop remembers this
 * browser's Customer and gives the page a CustomerSession, with which the Payment Element
 * shows the cards saved last time and offers to save a new one. The Address Element
 * ("Collect addresses", shipping mode) puts the shipping address on the token.
 *
 * In euros (/checkout?currency=eur) the shop names the payment method types, card and SEPA
 * Debit, for the Payment Element here and for the PaymentIntent on the server; a SEPA debit
 * is `processing` until the bank answers, and the order page waits for it.
 */
'use strict';

(async function () {
  const stripe = Stripe(Shop.publishableKey);
  const form = document.getElementById('payment-form');
  const submitBtn = document.getElementById('submit');
  const messageContainer = document.getElementById('error-message');
  let elements = null;
  // Set by the first attempt: a retry (after a decline) pays the same order. The order
  // page's "Try again" comes here with ?order=…: that order's cart, paid by this page.
  let orderId = null;
  let initial = { tee: 1, mug: 1 };
  let initialCode = null;
  const query = new URLSearchParams(location.search);
  const catalog = await Shop.getJson('/api/catalog');
  let currency = catalog.currencies.includes(query.get('currency')) ? query.get('currency') : catalog.currency;
  const retried = query.get('order');
  if (retried) {
    const order = await Shop.getJson(`/api/orders/${encodeURIComponent(retried)}`);
    if (order.status === 'pending') {
      orderId = order.id;
      initial = Object.fromEntries(order.quote.lines.map((l) => [l.product, l.quantity]));
      initialCode = order.quote.discount ? order.quote.discount.code : null;
      currency = order.currency;
    }
  }
  // Named types (SEPA Debit in euros), or automatic payment methods when none are named.
  const paymentMethodTypes = catalog.payment_method_types[currency];
  document.getElementById('usd-note').hidden = currency !== 'usd';
  document.getElementById('eur-note').hidden = currency !== 'eur';

  // Without a session (the shop could not make one), the page still takes new cards.
  const session = await Shop.postJson('/api/customer-session', {});
  const customerSessionClientSecret = session.customerSessionClientSecret;

  const handleError = (error) => {
    messageContainer.textContent = error.message;
    submitBtn.disabled = false;
  };

  const cart = await Shop.mountCart(document.getElementById('cart'), {
    initial,
    initialCode,
    currency,
    catalog,
    onQuote: async (quote) => {
      if (!quote) {
        // Nothing to pay: no amount on a button that cannot be pressed.
        submitBtn.textContent = 'Pay';
        submitBtn.disabled = true;
        return;
      }
      if (!elements) {
        elements = stripe.elements({
          mode: 'payment',
          amount: quote.total,
          currency: quote.currency,
          paymentMethodCreation: 'manual',
          paymentMethodTypes,
          customerSessionClientSecret,
          appearance: { theme: 'stripe' },
        });
        elements.create('address', { mode: 'shipping' }).mount('#address-element');
        // The business named in SEPA Debit's mandate text.
        elements.create('payment', { layout: 'accordion', business: { name: 'Tender Shop' } })
          .mount('#payment-element');
      } else {
        // The Payment Element shows what the customer will pay: keep it in step.
        await elements.update({ amount: quote.total });
      }
      submitBtn.textContent = `Pay ${Shop.money(quote.total, quote.currency)}`;
      submitBtn.disabled = false;
    },
  });

  const handleServerResponse = async (response) => {
    if (response.order_id) orderId = response.order_id;
    if (response.error) {
      handleError(response.error);
      return;
    }
    if (response.status === 'requires_action') {
      const { error } = await stripe.handleNextAction({ clientSecret: response.client_secret });
      if (error) {
        // Authentication failed or was abandoned: the order stays pending, try again.
        handleError(error);
        return;
      }
    }
    // Paid or processing: the order page waits for the webhook that makes it official.
    location.assign(`/orders/${response.order_id}`);
  };

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
    // The cart, not an amount: the server prices it again.
    const data = await Shop.postJson('/create-confirm-intent', {
      confirmationTokenId: confirmationToken.id,
      cart: cart.cart(),
      orderId,
    });
    await handleServerResponse(data);
  });
})();
