// ---------------------------------------------------------------------------------------
// The Card Element's methods on the Stripe object: confirmCardPayment, confirmCardSetup and
// createToken. The card data goes from the Element's iframe to Tender; this page sends only
// ids (a PaymentMethod's, a Token's) and the merchant's own parameters.

/** A `payment_method: {card: {token: 'tok_…'}}` made into a PaymentMethod first. */
async function paymentMethodFromToken(stripe, method) {
  const got = await api('POST', '/v1/payment_methods', {
    key: stripe._key,
    type: 'card',
    card: { token: method.card.token },
    billing_details: method.billing_details,
    metadata: method.metadata,
  });
  return got.error ? { error: got.error } : { id: got.object.id };
}

const CARD_PAYMENTS = {
  /**
   * `stripe.confirmCardPayment(clientSecret, data?, {handleActions}?)`: `data.payment_method`
   * is `{card: cardElement, billing_details}`, `{card: {token}}`, a PaymentMethod id, or
   * absent (the intent's own). Resolves `{paymentIntent}` or `{error}`.
   */
  confirmCardPayment(clientSecret, data, options) {
    return this._confirmCard('payment', 'stripe.confirmCardPayment()', clientSecret, data, options);
  },

  /** `stripe.confirmCardSetup(clientSecret, data?, {handleActions}?)`, for SetupIntents. */
  confirmCardSetup(clientSecret, data, options) {
    return this._confirmCard('setup', 'stripe.confirmCardSetup()', clientSecret, data, options);
  },

  async _confirmCard(kind, caller, clientSecret, data, options) {
    const intent = parseSecret(clientSecret, caller);
    if (intent.kind !== kind) {
      throw new IntegrationError(`${caller} expects a ${KINDS[kind].name} client secret.`);
    }
    const params = Object.assign({}, data);
    const handleActions = !options || options.handleActions !== false;
    const method = params.payment_method;
    let confirmed;
    const card = method && typeof method === 'object' ? asCardElement(method.card) : null;
    if (card) {
      // Card data is in the iframe: it confirms, and answers with the intent.
      delete params.payment_method;
      confirmed = await card._withCard(caller, 'confirm', {
        kind, id: intent.id, clientSecret, params,
        paymentMethodData: { billing_details: method.billing_details, metadata: method.metadata },
      });
    } else {
      if (method && typeof method === 'object') {
        if (!method.card || typeof method.card.token !== 'string') {
          throw new IntegrationError(`${caller}: \`payment_method\` should be a PaymentMethod id, ` +
            '`{card: cardElement}` or `{card: {token}}`.');
        }
        const made = await paymentMethodFromToken(this, method);
        if (made.error) return { error: made.error };
        params.payment_method = made.id;
      }
      const got = await api('POST', `${KINDS[kind].path}/${intent.id}/confirm`, Object.assign(params, {
        key: this._key, client_secret: clientSecret, use_stripe_sdk: true,
      }));
      confirmed = got.error ? { error: got.error } : { intent: got.object };
    }
    if (confirmed.error) return { error: confirmed.error };
    if (!handleActions && confirmed.intent.status === 'requires_action') {
      return { [KINDS[kind].key]: confirmed.intent };
    }
    return this._finish(kind, confirmed.intent, clientSecret, 'if_required');
  },

  /**
   * `stripe.createToken(cardElement, {name, address_line1, …, address_zip, address_country,
   * currency})`: `{token}` (a single-use `tok_…`) or `{error}`.
   */
  async createToken(element, data) {
    const card = asCardElement(element);
    if (!card) {
      const kind = typeof element === 'string' ? `'${element}'` : 'this value';
      throw new IntegrationError(`stripe.createToken(): Tender makes card tokens from a card or ` +
        `cardNumber Element; ${kind} is not supported.`);
    }
    const given = Object.assign({}, data);
    for (const [name, value] of Object.entries(given)) {
      if (value !== undefined && value !== null && typeof value !== 'string') {
        throw new IntegrationError(`stripe.createToken(): \`${name}\` should be a string.`);
      }
    }
    return card._withCard('stripe.createToken()', 'createToken', { data: given });
  },
};

Object.assign(StripeClient.prototype, CARD_PAYMENTS);
