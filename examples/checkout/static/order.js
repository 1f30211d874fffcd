/*
 * The order page: the order as the shop's database has it. It turns `paid` only when the
 * signed payment_intent.succeeded webhook arrives, which may be a moment after the browser
 * got here, so the page polls while the order is pending.
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
    status.textContent = order.status;
    status.className = `status ${order.status}`;
    Shop.renderQuote(document.getElementById('summary'), order.quote);
    const details = [];
    if (order.payment_intent) details.push(`PaymentIntent ${order.payment_intent}`);
    if (order.fulfilment) details.push(`fulfilled by event ${order.fulfilment.event_id}`);
    else if (order.status === 'pending') details.push('waiting for the payment to be confirmed…');
    document.getElementById('details').textContent = details.join(' · ');
    const lastError = order.last_error || (returned === 'failed' ? 'The payment failed.' : '');
    document.getElementById('last-error').textContent = lastError;
    if (order.status !== 'pending') return;
    await new Promise((resolve) => setTimeout(resolve, attempt < 20 ? 500 : 2000));
  }
})();
