/*
 * The order page: the order as the shop's database has it. It turns `paid` only when the
 * signed payment_intent.succeeded webhook arrives, which may be a moment after the browser
 * got here, so the page polls while the order is pending. An order whose last attempt
 * failed (the payment_intent.payment_failed webhook, or a bank page that sent the shopper
 * back with redirect_status=failed) is not waiting for anything: the page says it failed and
 * offers to pay the same order again. A bank debit (SEPA Direct Debit) is `processing` until
 * the bank answers, seconds on Tender and days on Stripe: the page says so while it waits.
 */
'use strict';

(async function () {
  const id = decodeURIComponent(location.pathname.split('/').pop());
  const status = document.getElementById('status');
  document.getElementById('order-id').textContent = id;
  const returned = new URLSearchParams(location.search).get('redirect_status');

  for (let attempt = 0; attempt < 120; attempt += 1) {
    const order = await Shop.getJson(`/api/orders/${encodeURIComponent(id)}`);
    if (order.error) {
      status.textContent = order.error.message;
      return;
    }
    const failed = order.status === 'pending' && (order.last_error || returned === 'failed');
    const processing = !failed && order.status === 'pending' && order.payment_status === 'processing';
    const shown = failed ? 'failed' : processing ? 'processing' : order.status;
    status.textContent = failed ? 'payment failed' : shown;
    status.className = `status ${shown}`;
    Shop.renderQuote(document.getElementById('summary'), order.quote);
    const details = [];
    if (order.payment_intent) details.push(`PaymentIntent ${order.payment_intent}`);
    if (order.fulfilment) details.push(`fulfilled by event ${order.fulfilment.event_id}`);
    else if (processing) details.push('waiting for your bank debit to settle…');
    else if (order.status === 'pending' && !failed) details.push('waiting for the payment to be confirmed…');
    document.getElementById('details').textContent = details.join(' · ');
    const lastError = failed ? order.last_error || 'The payment failed.' : '';
    document.getElementById('last-error').textContent = lastError;
    if (failed) {
      // The headline checkout pays any pending order again, with the order's own cart.
      document.getElementById('try-again').href = `/checkout?order=${encodeURIComponent(order.id)}`;
      document.getElementById('retry').classList.remove('hidden');
      return;
    }
    if (order.status !== 'pending') return;
    await new Promise((resolve) => setTimeout(resolve, attempt < 20 ? 500 : 2000));
  }
})();
