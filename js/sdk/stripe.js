// ---------------------------------------------------------------------------------------
// The Stripe object

class StripeClient {
  constructor(key, options) {
    this._key = key;
    this._options = options || {};
    this._appInfo = null;
    this._wrappers = [];
  }

  /**
   * Names the plugin or library using Tender's SDK. As on Stripe, it is sent with the card
   * data, in `payment_user_agent`, for every Element created afterwards.
   */
  registerAppInfo(info) {
    if (!info || typeof info.name !== 'string' || !info.name) {
      throw new IntegrationError('stripe.registerAppInfo(): `name` should be a non-empty string.');
    }
    for (const field of ['version', 'url', 'partner_id']) {
      if (info[field] !== undefined && typeof info[field] !== 'string') {
        throw new IntegrationError(`stripe.registerAppInfo(): \`${field}\` should be a string.`);
      }
    }
    this._appInfo = { name: info.name, version: info.version, url: info.url, partner_id: info.partner_id };
  }

  /**
   * What Stripe's own libraries call to say they wrap this object (`@stripe/stripe-js`'s
   * `loadStripe`, `@stripe/react-stripe-js`); also named in `payment_user_agent`.
   */
  _registerWrapper(wrapper) {
    if (!wrapper || typeof wrapper.name !== 'string') return;
    if (this._wrappers.some((w) => w.name === wrapper.name)) return;
    this._wrappers.push({ name: wrapper.name, version: wrapper.version, startTime: wrapper.startTime });
  }

  /** `payment_user_agent`: Tender's SDK, then the wrappers and the registered app. */
  _userAgent() {
    const parts = ['tender.js/v3'];
    for (const w of this._wrappers) parts.push(w.version ? `${w.name}/${w.version}` : w.name);
    const app = this._appInfo;
    // A library that registers as both (react-stripe-js does) is named once.
    if (app && !this._wrappers.some((w) => w.name === app.name)) {
      parts.push(app.version ? `${app.name}/${app.version}` : app.name);
    }
    return parts.join('; ');
  }

  elements(options) {
    return new Elements(this, options);
  }

  /** `{confirmationToken}` or `{error}`; the iframe sends the card data to Tender. */
  async createConfirmationToken(options) {
    const { elements, params } = options || {};
    if (!(elements instanceof Elements)) {
      throw new IntegrationError('stripe.createConfirmationToken(): pass the `elements` instance.');
    }
    const element = elements._mounted('stripe.createConfirmationToken()');
    const withAddress = await this._withAddress(elements, params, true);
    if (withAddress.error) return { error: withAddress.error };
    return element._call('createConfirmationToken', {
      params: withAddress.params, clientContext: elements._clientContext(),
    });
  }

  /**
   * `params` with the Address Element's address (if the group has one mounted): billing
   * details under `payment_method_data`, or `shipping` when `takesShipping`. What the merchant
   * passed explicitly wins. `{error}` when the address is incomplete.
   */
  async _withAddress(elements, params, takesShipping) {
    const given = Object.assign({}, params);
    const found = await addressParams(elements);
    if (found.error) return { error: found.error };
    if (found.billing) given.payment_method_data = withBilling(given.payment_method_data, found.billing);
    if (found.shipping && takesShipping && !given.shipping) given.shipping = found.shipping;
    return { params: given };
  }

  /**
   * `{paymentMethod}` or `{error}`, from a Card Element (`{type: 'card', card, billing_details}`,
   * or the older `('card', cardElement, data)`), or from the Payment Element
   * (`{elements, params}`).
   */
  async createPaymentMethod(options, element, data) {
    if (typeof options === 'string') {
      return this.createPaymentMethod(Object.assign({}, data, { type: options, card: element }));
    }
    const { elements, params } = options || {};
    const card = asCardElement(options && options.card);
    if (card) {
      const given = Object.assign({}, options);
      delete given.card;
      if (given.type !== 'card') {
        throw new IntegrationError("stripe.createPaymentMethod(): a Card Element makes `type: 'card'` payment methods.");
      }
      return card._withCard('stripe.createPaymentMethod()', 'createPaymentMethod', { params: given });
    }
    if (!(elements instanceof Elements)) {
      throw new IntegrationError('stripe.createPaymentMethod(): pass `{type: \'card\', card}` with ' +
        'a Card Element, or `{elements, params}`.');
    }
    if (!elements._config.clientSecret && elements._config.paymentMethodCreation !== 'manual') {
      throw new IntegrationError("stripe.createPaymentMethod(): create `elements` with " +
        "`paymentMethodCreation: 'manual'` to create PaymentMethods from them.");
    }
    const paymentElement = elements._mounted('stripe.createPaymentMethod()');
    const found = await addressParams(elements);
    if (found.error) return { error: found.error };
    const given = found.billing ? withBilling(params, found.billing) : params || {};
    return paymentElement._call('createPaymentMethod', { params: given });
  }

  confirmPayment(options) {
    return this._confirm('payment', 'stripe.confirmPayment()', options);
  }

  confirmSetup(options) {
    return this._confirm('setup', 'stripe.confirmSetup()', options);
  }

  async _confirm(kind, caller, options) {
    const { elements, confirmParams = {}, redirect = 'always' } = options || {};
    if (redirect !== 'always' && redirect !== 'if_required') {
      throw new IntegrationError(`${caller}: redirect should be 'always' or 'if_required'.`);
    }
    const clientSecret = (options && options.clientSecret) || (elements && elements._config.clientSecret);
    if (!clientSecret) {
      throw new IntegrationError(`${caller}: pass \`clientSecret\`, or \`elements\` created with one.`);
    }
    const intent = parseSecret(clientSecret, caller);
    if (intent.kind !== kind) {
      throw new IntegrationError(`${caller} expects a ${KINDS[kind].name} client secret.`);
    }
    // Elements in subscription mode confirm the first invoice's PaymentIntent, or a trial's
    // SetupIntent.
    const mode = elements && elements._config.mode;
    if (mode && mode !== kind && mode !== 'subscription') {
      throw new IntegrationError(`${caller}: these Elements were created with mode ` +
        `'${elements._config.mode}'; use ${kind === 'payment' ? "mode: 'payment'" : "mode: 'setup'"}.`);
    }
    if (redirect === 'always' && !confirmParams.return_url) {
      throw new IntegrationError(`${caller}: the \`confirmParams.return_url\` argument is ` +
        "required unless passing `redirect: 'if_required'`");
    }
    let confirmed;
    let element = null;
    if (elements && !confirmParams.payment_method) {
      // Card data is in the iframe: it confirms, and answers with the intent.
      element = elements._mounted(caller);
      // SetupIntents have no shipping.
      const withAddress = await this._withAddress(elements, confirmParams, kind === 'payment');
      if (withAddress.error) return { error: withAddress.error };
      confirmed = await element._call('confirm', {
        kind, id: intent.id, clientSecret, params: withAddress.params,
      });
    } else {
      const got = await api('POST', `${KINDS[kind].path}/${intent.id}/confirm`, Object.assign({}, confirmParams, {
        key: this._key, client_secret: clientSecret, use_stripe_sdk: true,
      }));
      confirmed = got.error ? { error: got.error } : { intent: got.object };
    }
    if (confirmed.error) return { error: confirmed.error };
    const result = await this._finish(kind, confirmed.intent, clientSecret, redirect, confirmParams.return_url);
    // The shopper failed the check in our modal: the element that took the card says so too.
    if (element && result.error && SHOPPER_MESSAGES[result.error.code]) {
      element._post({ type: 'failure', message: result.error.message });
    }
    return result;
  }

  /** Runs the intent's next action, then resolves with it or with its failure. */
  async _finish(kind, intent, clientSecret, redirect, returnUrl) {
    const k = KINDS[kind];
    if (intent.status === 'requires_action') {
      const handled = await this._nextAction(kind, intent, clientSecret);
      if (handled.error) return { error: handled.error };
      intent = handled.object;
    }
    const failure = intent[k.lastError];
    if (intent.status === 'requires_payment_method' && failure) {
      const message = SHOPPER_MESSAGES[failure.code] || failure.message;
      return { error: Object.assign({}, failure, { message, [k.object]: intent }) };
    }
    if (redirect === 'always' && returnUrl && SUCCEEDED.includes(intent.status)) {
      const url = webUrl(returnUrl);
      url.searchParams.set(k.object, intent.id);
      url.searchParams.set(`${k.object}_client_secret`, clientSecret);
      url.searchParams.set('redirect_status', intent.status === 'processing' ? 'processing' : 'succeeded');
      return navigate(url.href);
    }
    return { [k.key]: intent };
  }

  async _nextAction(kind, intent, clientSecret) {
    const action = intent.next_action || {};
    if (action.type === 'redirect_to_url' && action.redirect_to_url) {
      return navigate(action.redirect_to_url.url);
    }
    const sdk = action.use_stripe_sdk;
    if (action.type === 'use_stripe_sdk' && sdk && sdk.stripe_js) {
      await challenge(sdk.stripe_js);
      return this._retrieve(kind, intent.id, clientSecret);
    }
    return {
      error: {
        type: 'invalid_request_error',
        code: 'next_action_unsupported',
        message: `Tender's SDK cannot handle a next action of type ${action.type}.`,
        [KINDS[kind].object]: intent,
      },
    };
  }

  _retrieve(kind, id, clientSecret) {
    return api('GET', `${KINDS[kind].path}/${id}`, { key: this._key, client_secret: clientSecret });
  }

  /** Shows 3D Secure (or follows a redirect) for an intent confirmed on your server. */
  async handleNextAction(options) {
    const clientSecret = options && options.clientSecret;
    const { id, kind } = parseSecret(clientSecret, 'stripe.handleNextAction()');
    const k = KINDS[kind];
    const got = await this._retrieve(kind, id, clientSecret);
    if (got.error) return { error: got.error };
    const intent = got.object;
    if (intent.status !== 'requires_action') {
      return {
        error: {
          type: 'invalid_request_error',
          code: `${k.object}_unexpected_state`,
          message: `stripe.handleNextAction(): the ${k.name} has a status of ${intent.status}; ` +
            'only a status of requires_action has a next action to handle.',
          [k.object]: intent,
        },
      };
    }
    return this._finish(kind, intent, clientSecret, 'if_required');
  }

  /** The older name, for PaymentIntents. */
  handleCardAction(clientSecret) {
    return this.handleNextAction({ clientSecret });
  }

  retrievePaymentIntent(clientSecret) {
    return this._retrieveBySecret('payment', 'stripe.retrievePaymentIntent()', clientSecret);
  }

  retrieveSetupIntent(clientSecret) {
    return this._retrieveBySecret('setup', 'stripe.retrieveSetupIntent()', clientSecret);
  }

  async _retrieveBySecret(kind, caller, clientSecret) {
    const intent = parseSecret(clientSecret, caller);
    if (intent.kind !== kind) {
      throw new IntegrationError(`${caller} expects a ${KINDS[kind].name} client secret.`);
    }
    const got = await this._retrieve(kind, intent.id, clientSecret);
    return got.error ? { error: got.error } : { [KINDS[kind].key]: got.object };
  }
}

