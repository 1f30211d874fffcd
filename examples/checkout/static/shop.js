/*
 * What every page of the shop shares: the publishable key, JSON calls to the shop's server,
 * error display, and the cart widget. The cart widget never prices anything itself: every
 * change asks the server for a quote (POST /api/quote), and the server prices the cart
 * again when the customer pays.
 */
'use strict';

(function () {
  const Shop = {};

  Shop.publishableKey = document.querySelector('meta[name="stripe-publishable-key"]').content;

  Shop.money = (amount, currency = 'usd') =>
    new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount / 100);

  /** POSTs JSON to the shop's server; always resolves with the JSON answer (errors too). */
  Shop.postJson = async (url, body) => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return await res.json();
    } catch (e) {
      return { error: { message: 'The shop could not be reached. Please try again.' } };
    }
  };

  Shop.getJson = async (url) => {
    try {
      const res = await fetch(url);
      return await res.json();
    } catch (e) {
      return { error: { message: 'The shop could not be reached.' } };
    }
  };

  Shop.showError = (element, error) => {
    element.textContent = error ? error.message : '';
  };

  Shop.text = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  };

  /** The summary rows of a quote: lines, discount, total. */
  Shop.renderQuote = (container, quote) => {
    container.replaceChildren();
    const row = (label, amount, className) => {
      const div = Shop.text('div', undefined, `row ${className || ''}`);
      div.append(Shop.text('span', label), Shop.text('span', Shop.money(amount, quote.currency)));
      container.append(div);
    };
    for (const line of quote.lines) row(`${line.quantity} × ${line.name}`, line.amount);
    if (quote.discount) row(`Discount ${quote.discount.code}`, -quote.discount.amount, 'discount');
    row('Total', quote.total, 'total');
  };

  /**
   * The cart: products with quantities and a discount code, in `currency` (the catalog's
   * when not given). `onQuote(quote)` runs with the server's quote after every change, or
   * with null when the cart cannot be priced (empty).
   */
  Shop.mountCart = async (root, { initial = {}, initialCode = null, currency = null, catalog = null, onQuote }) => {
    if (!catalog) catalog = await Shop.getJson('/api/catalog');
    const priced = currency || catalog.currency;
    const quantities = Object.fromEntries(catalog.products.map((p) => [p.id, initial[p.id] || 0]));
    let discountCode = initialCode;
    let lastQuote = null;

    const list = Shop.text('div', undefined, 'products');
    const codeForm = Shop.text('div', undefined, 'code');
    const codeInput = document.createElement('input');
    codeInput.id = 'discount-code';
    codeInput.placeholder = 'Discount code (try WELCOME10)';
    codeInput.value = initialCode || '';
    const codeButton = Shop.text('button', 'Apply', 'secondary');
    codeButton.type = 'button';
    codeButton.id = 'apply-code';
    codeForm.append(codeInput, codeButton);
    const codeError = Shop.text('div', '', 'error');
    codeError.id = 'code-error';
    const summary = Shop.text('div', undefined, 'summary');
    summary.id = 'summary';
    root.append(list, codeForm, codeError, summary);

    const cart = () => ({
      items: Object.entries(quantities)
        .filter(([, quantity]) => quantity > 0)
        .map(([product, quantity]) => ({ product, quantity })),
      discount_code: discountCode,
      currency: priced,
    });

    const requote = async () => {
      const quote = await Shop.postJson('/api/quote', cart());
      if (quote.error) {
        lastQuote = null;
        summary.replaceChildren(Shop.text('div', quote.error.message, 'note'));
        await onQuote(null);
        return quote.error;
      }
      lastQuote = quote;
      Shop.renderQuote(summary, quote);
      await onQuote(quote);
      return null;
    };

    for (const product of catalog.products) {
      const item = Shop.text('div', undefined, 'product');
      const about = Shop.text('div');
      about.append(
        Shop.text('div', product.name, 'name'),
        Shop.text('div', product.description, 'description'),
        Shop.text('div', Shop.money(product.unit_amount, priced), 'price'),
      );
      const qty = Shop.text('div', undefined, 'qty');
      const minus = Shop.text('button', '−');
      const plus = Shop.text('button', '+');
      const count = Shop.text('output', String(quantities[product.id]));
      minus.type = plus.type = 'button';
      minus.setAttribute('aria-label', `One less ${product.name}`);
      plus.setAttribute('aria-label', `One more ${product.name}`);
      count.id = `qty-${product.id}`;
      plus.id = `add-${product.id}`;
      minus.id = `remove-${product.id}`;
      const change = (delta) => {
        const next = Math.min(catalog.max_quantity, Math.max(0, quantities[product.id] + delta));
        if (next === quantities[product.id]) return;
        quantities[product.id] = next;
        count.textContent = String(next);
        requote();
      };
      minus.addEventListener('click', () => change(-1));
      plus.addEventListener('click', () => change(1));
      qty.append(minus, count, plus);
      item.append(about, qty);
      list.append(item);
    }

    codeButton.addEventListener('click', async () => {
      const previous = discountCode;
      discountCode = codeInput.value.trim() || null;
      Shop.showError(codeError, null);
      const error = await requote();
      if (error && error.code === 'cart_invalid' && discountCode) {
        // Not a code the shop knows: say so and keep the cart as it was.
        Shop.showError(codeError, error);
        discountCode = previous;
        await requote();
      }
    });

    await requote();
    return { cart, quote: () => lastQuote };
  };

  /** The cart and order of a multi-page flow, kept for the tab's lifetime only. */
  Shop.remember = (key, value) => sessionStorage.setItem(key, JSON.stringify(value));
  Shop.recall = (key) => JSON.parse(sessionStorage.getItem(key) || 'null');

  window.Shop = Shop;
})();
