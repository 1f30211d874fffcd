/*
 * The Payment Element's saved cards (payment-element.html). Given a CustomerSession's client
 * secret, it asks Tender for the customer's cards that may be shown again (brand, last four
 * digits, expiry: all the secret reveals), lists them above the payment methods, lets the
 * customer choose one instead of typing a new card, and remove one when the session allows
 * it. A classic script loaded after payment-element-layout.js (it uses `el`) and before
 * payment-element.js, which decides what choosing means.
 */
'use strict';

const BRAND_NAMES = {
  visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover',
  diners: 'Diners Club', jcb: 'JCB', unionpay: 'UnionPay', cartes_bancaires: 'Cartes Bancaires',
};

/** "Visa •••• 4242" and "12/34" for a saved card. */
function savedCardText(pm) {
  const card = pm.card || {};
  const brand = BRAND_NAMES[card.brand] || 'Card';
  const month = String(card.exp_month || '').padStart(2, '0');
  const year = String(card.exp_year || '').slice(-2);
  return { name: `${brand} •••• ${card.last4}`, expiry: `${month}/${year}` };
}

/**
 * The saved cards in `container`. `onChange` hears every change of what is shown or chosen;
 * `onError` hears a failed removal.
 */
function savedCards({ container, onChange, onError }) {
  let key = null;
  let secret = null;
  let features = null;
  let cards = [];
  let chosen = null; // a saved card's id, or null: a new payment method

  /** Loads the cards the session shows (again only when the secret changes). */
  async function load(publishableKey, clientSecret) {
    key = publishableKey;
    if ((clientSecret || null) === secret) return;
    secret = clientSecret || null;
    features = null;
    cards = [];
    chosen = null;
    if (secret) {
      const asked = secret;
      const got = await api('GET', '/v1/elements/customer_session', {
        key, customer_session_client_secret: asked,
      });
      if (asked !== secret) return; // another secret came meanwhile
      if (got.error) {
        onError(got.error);
      } else {
        features = got.object.features;
        cards = got.object.payment_methods || [];
        // As on Stripe, the newest saved card is chosen to begin with.
        chosen = cards.length ? cards[0].id : null;
      }
    }
    render();
  }

  function choose(id) {
    chosen = id;
    render();
  }

  async function remove(pm) {
    const got = await api('POST', `/v1/elements/customer_session/payment_methods/${encodeURIComponent(pm.id)}/detach`, {
      key, customer_session_client_secret: secret,
    });
    if (got.error) {
      onError(got.error);
      return;
    }
    cards = cards.filter((c) => c.id !== pm.id);
    if (chosen === pm.id) chosen = cards.length ? cards[0].id : null;
    render();
  }

  function option(id, name, detail) {
    const button = el('button', {
      type: 'button', class: 'saved-choice', role: 'radio', 'aria-checked': String(chosen === id),
    });
    button.append(el('span', { class: 'radio', 'aria-hidden': 'true' }), el('span', { class: 'saved-name' }, name));
    if (detail) button.append(el('span', { class: 'saved-expiry' }, detail));
    button.addEventListener('click', () => choose(id));
    return button;
  }

  function render() {
    container.replaceChildren();
    container.hidden = cards.length === 0;
    if (cards.length) {
      const list = el('div', { class: 'saved-list', role: 'radiogroup', 'aria-label': 'Saved payment methods' });
      for (const pm of cards) {
        const text = savedCardText(pm);
        const row = el('div', { class: 'saved-card', 'data-selected': String(chosen === pm.id), 'data-id': pm.id });
        row.append(option(pm.id, text.name, text.expiry));
        if (features.payment_method_remove === 'enabled') {
          const button = el('button', { type: 'button', class: 'saved-remove', 'aria-label': `Remove ${text.name}` }, 'Remove');
          button.addEventListener('click', () => remove(pm));
          row.append(button);
        }
        list.append(row);
      }
      const fresh = el('div', { class: 'saved-card', 'data-selected': String(chosen === null) });
      fresh.append(option(null, 'New payment method'));
      list.append(fresh);
      container.append(list);
    }
    onChange();
  }

  return {
    load,
    /** The chosen saved card, or null when the customer enters a new payment method. */
    chosen: () => cards.find((c) => c.id === chosen) || null,
    /** Whether to offer "Save payment details for future purchases". */
    offersSave: () => !!features && features.payment_method_save === 'enabled',
    /** The `setup_future_usage` a saved new card asks for. */
    saveUsage: () => (features && features.payment_method_save_usage) || 'off_session',
  };
}
