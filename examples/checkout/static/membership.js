/*
 * The membership's manage page: the shop's membership (active only once the signed
 * invoice.paid webhook arrived, so the page polls while it is pending) and its subscription
 * as the API has it: status, the end of the current period, whether it renews, and its
 * invoices. Cancelling sets cancel_at_period_end: the member keeps the month they paid for.
 * Test mode: the member's test clock can be moved past the period's end (the renewal is
 * billed and paid, or declined once the card on file declines).
 */
'use strict';

(async function () {
  const id = decodeURIComponent(location.pathname.split('/').pop());
  const status = document.getElementById('status');
  const cancelBtn = document.getElementById('cancel');
  document.getElementById('membership-id').textContent = id;

  const date = (seconds) => new Date(seconds * 1000).toLocaleDateString('en-US', {
    year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC',
  });

  const render = ({ membership, subscription }) => {
    const failed = membership.status === 'pending' && membership.last_error;
    status.textContent = failed ? 'payment failed' : membership.status;
    status.className = `status ${failed ? 'failed' : { active: 'paid', ended: 'failed' }[membership.status] || 'pending'}`;
    document.getElementById('last-error').textContent = failed ? membership.last_error : '';
    document.getElementById('retry').classList.toggle('hidden', !failed);
    document.getElementById('details').textContent = membership.activated_by
      ? `activated by event ${membership.activated_by}`
      : membership.status === 'pending' && !failed ? 'waiting for the first invoice to be paid…' : '';
    if (!subscription) return;
    document.getElementById('subscription-id').textContent = subscription.id;
    document.getElementById('subscription-status').textContent = subscription.status;
    document.getElementById('period-end').textContent =
      subscription.current_period_end ? date(subscription.current_period_end) : '—';
    document.getElementById('renewal').textContent = subscription.cancel_at_period_end
      ? 'ends with this period' : subscription.status === 'active' ? 'renews monthly' : '—';
    const cancellable = subscription.status === 'active' && !subscription.cancel_at_period_end;
    cancelBtn.classList.toggle('hidden', !cancellable);
    renderInvoices(subscription.invoices || []);
    const onClock = Boolean(subscription.test_clock) && membership.status !== 'pending';
    document.getElementById('clock-panel').classList.toggle('hidden', !onClock);
    if (onClock) document.getElementById('clock-time').textContent = date(subscription.clock_time);
  };

  const money = (cents) => `$${(cents / 100).toFixed(2)}`;
  const renderInvoices = (invoices) => {
    document.getElementById('invoices-panel').classList.toggle('hidden', invoices.length === 0);
    const body = document.getElementById('invoices');
    body.replaceChildren(...invoices.map((invoice) => {
      const row = document.createElement('tr');
      row.dataset.status = invoice.status;
      const reason = invoice.billing_reason === 'subscription_cycle' ? 'renewal' : 'first month';
      for (const text of [date(invoice.created), reason, money(invoice.amount_due), invoice.status]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }));
  };

  for (const [buttonId, action] of [['advance', 'advance'], ['fail-card', 'fail-card']]) {
    const button = document.getElementById(buttonId);
    button.addEventListener('click', async () => {
      button.disabled = true;
      const message = document.getElementById('clock-message');
      message.textContent = '';
      const view = await Shop.postJson(`/api/memberships/${encodeURIComponent(id)}/${action}`, {});
      button.disabled = false;
      if (view.error) {
        message.textContent = view.error.message;
        return;
      }
      render(view);
    });
  }

  cancelBtn.addEventListener('click', async () => {
    cancelBtn.disabled = true;
    const message = document.getElementById('cancel-message');
    message.textContent = '';
    const view = await Shop.postJson(`/api/memberships/${encodeURIComponent(id)}/cancel`, {});
    cancelBtn.disabled = false;
    if (view.error) {
      message.textContent = view.error.message;
      return;
    }
    render(view);
  });

  for (let attempt = 0; attempt < 120; attempt += 1) {
    const view = await Shop.getJson(`/api/memberships/${encodeURIComponent(id)}`);
    if (view.error) {
      status.textContent = view.error.message;
      return;
    }
    render(view);
    const waiting = view.membership.status === 'pending' && !view.membership.last_error;
    if (!waiting) return;
    await new Promise((resolve) => setTimeout(resolve, attempt < 20 ? 500 : 2000));
  }
})();
