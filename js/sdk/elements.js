// ---------------------------------------------------------------------------------------
// Elements

/** Elements options in Stripe's camelCase, accepting the snake_case spellings too. */
function readOptions(options) {
  const o = options || {};
  const pick = (...names) => {
    for (const name of names) if (o[name] !== undefined) return o[name];
    return undefined;
  };
  const read = {
    clientSecret: o.clientSecret,
    customerSessionClientSecret: pick('customerSessionClientSecret', 'customer_session_client_secret'),
    mode: o.mode,
    amount: o.amount,
    currency: typeof o.currency === 'string' ? o.currency.toLowerCase() : o.currency,
    setupFutureUsage: pick('setupFutureUsage', 'setup_future_usage'),
    captureMethod: pick('captureMethod', 'capture_method'),
    paymentMethodTypes: pick('paymentMethodTypes', 'payment_method_types'),
    paymentMethodCreation: pick('paymentMethodCreation', 'payment_method_creation'),
    appearance: o.appearance,
  };
  for (const key of Object.keys(read)) if (read[key] === undefined) delete read[key];
  return read;
}

/**
 * `mode: 'subscription'` collects like `payment` (an amount for the first invoice) and, as on
 * Stripe, implies keeping the card for the renewals: `setup_future_usage: 'off_session'`
 * unless the merchant says otherwise.
 */
function checkDeferred(config, caller) {
  if (!['payment', 'setup', 'subscription'].includes(config.mode)) {
    throw new IntegrationError(`Invalid value for ${caller}: mode should be one of payment, ` +
      `setup, subscription. You specified: ${config.mode}.`);
  }
  if (config.mode === 'subscription' && !config.setupFutureUsage) config.setupFutureUsage = 'off_session';
  if (config.mode === 'payment' || config.mode === 'subscription') {
    if (!Number.isInteger(config.amount) || config.amount < 0) {
      throw new IntegrationError(`Invalid value for ${caller}: amount should be a positive ` +
        `integer in the currency's smallest unit. You specified: ${config.amount}.`);
    }
    if (typeof config.currency !== 'string' || !config.currency) {
      throw new IntegrationError(`Missing value for ${caller}: currency should be a string.`);
    }
  }
}

/** Element types `elements.create` knows, and the class that makes each. */
const ELEMENT_TYPES = {
  payment: (elements, options) => new PaymentElement(elements, 'payment', options),
  card: (elements, options) => new CardElement(elements, 'card', options),
  cardNumber: (elements, options) => new CardElement(elements, 'cardNumber', options),
  cardExpiry: (elements, options) => new CardElement(elements, 'cardExpiry', options),
  cardCvc: (elements, options) => new CardElement(elements, 'cardCvc', options),
  address: (elements, options) => new AddressElement(elements, 'address', options),
};

class Elements {
  constructor(stripe, options) {
    this._stripe = stripe;
    this._element = null; // the Payment Element
    this._created = {}; // every Element by type (one of each, as on Stripe)
    this._config = readOptions(options);
    if (this._config.clientSecret) {
      if (this._config.mode) {
        throw new IntegrationError('stripe.elements(): pass either `clientSecret` or `mode`, not both.');
      }
      this._intent = parseSecret(this._config.clientSecret, 'stripe.elements()');
      this._loaded = this._fetchIntent();
    } else {
      if (this._config.mode) checkDeferred(this._config, 'stripe.elements()');
      this._loaded = Promise.resolve({});
    }
  }

  /** Intent-first: the intent says what to collect (amount, currency, methods). */
  async _fetchIntent() {
    const { id, kind } = this._intent;
    const got = await api('GET', `${KINDS[kind].path}/${id}`, {
      key: this._stripe._key, client_secret: this._config.clientSecret,
    });
    if (got.error) return { error: got.error };
    const intent = got.object;
    Object.assign(this._config, {
      mode: kind,
      amount: intent.amount,
      currency: intent.currency,
      paymentMethodTypes: intent.payment_method_types,
      setupFutureUsage: intent.setup_future_usage || (kind === 'setup' ? intent.usage : undefined),
      captureMethod: intent.capture_method,
    });
    return {};
  }

  /**
   * What the Payment Element iframe is told: no secrets beyond the publishable key and the
   * CustomerSession's client secret, with which it lists that customer's saved cards.
   */
  _frameConfig(elementOptions) {
    const c = this._config;
    return {
      key: this._stripe._key,
      customerSessionClientSecret: c.customerSessionClientSecret,
      mode: c.mode,
      amount: c.amount,
      currency: c.currency,
      paymentMethodTypes: c.paymentMethodTypes,
      setupFutureUsage: c.setupFutureUsage,
      captureMethod: c.captureMethod,
      appearance: c.appearance,
      layout: elementOptions.layout,
      defaultValues: elementOptions.defaultValues,
      business: elementOptions.business,
      terms: elementOptions.terms,
      // A billing Address Element takes the address: the card fields stop asking for one.
      addressBilling: this._billingAddressElement(),
      userAgent: this._stripe._userAgent(),
    };
  }

  _billingAddressElement() {
    const address = this._created.address;
    return !!address && address._options.mode === 'billing';
  }

  /** `client_context` of a ConfirmationToken: how these Elements were configured. */
  _clientContext() {
    const c = this._config;
    return {
      mode: c.mode,
      currency: c.currency,
      setup_future_usage: c.setupFutureUsage || undefined,
      capture_method: c.captureMethod,
      payment_method_types: c.paymentMethodTypes,
    };
  }

  create(type, options) {
    const make = ELEMENT_TYPES[type];
    if (!make) {
      throw new IntegrationError(`Tender's SDK provides the ${Object.keys(ELEMENT_TYPES).join(', ')} ` +
        `Elements; elements.create('${type}') is not supported.`);
    }
    if (this._created[type]) throw new IntegrationError(`Can only create one Element of type ${type}.`);
    if (type === 'payment' && !this._config.clientSecret && !this._config.mode) {
      throw new IntegrationError('In order to create a payment element, you must pass a valid ' +
        'PaymentIntent or SetupIntent client secret when creating the Elements group, or ' +
        'pass `mode`, `amount` and `currency`.');
    }
    if ((type === 'card' && ['cardNumber', 'cardExpiry', 'cardCvc'].some((t) => this._created[t])) ||
        (CARD_TYPES.includes(type) && type !== 'card' && this._created.card)) {
      throw new IntegrationError('Do not mix the card Element with the cardNumber, cardExpiry ' +
        'and cardCvc Elements in one Elements group.');
    }
    const element = make(this, options || {});
    this._created[type] = element;
    if (type === 'payment') this._element = element;
    if (type === 'address' && this._element) this._element._configure();
    return element;
  }

  /** By type, or by the component @stripe/react-stripe-js passes (its `__elementType`). */
  getElement(type) {
    const name = (type && typeof type === 'object') || typeof type === 'function' ? type.__elementType : type;
    return this._created[name] || null;
  }

  /** A destroyed Element frees its type. */
  _forget(element) {
    if (this._created[element._type] === element) delete this._created[element._type];
    if (this._element === element) this._element = null;
    if (element._type === 'address' && this._element) this._element._configure();
  }

  /** Shallow-merges options (amount, currency, mode, appearance…) and re-renders. */
  async update(options) {
    const next = Object.assign({}, this._config, readOptions(options));
    if (!next.clientSecret) checkDeferred(next, 'elements.update()');
    this._config = next;
    await Promise.all(Object.values(this._created).map((element) => element._configure()));
  }

  /** Intent-first: re-reads the intent (after your server changed it). */
  async fetchUpdates() {
    if (!this._intent) return {};
    const result = await this._fetchIntent();
    if (!result.error && this._element) await this._element._configure();
    return result;
  }

  /**
   * Validates the Payment Element and the Address Element together (each shows its own
   * errors): `{error}` (type `validation_error`, the Payment Element's first) or
   * `{selectedPaymentMethod}`.
   */
  async submit() {
    const mounted = (element) => (element && element._frame ? element : null);
    const payment = mounted(this._element);
    const address = mounted(this._created.address);
    if (!payment && !address) {
      throw new IntegrationError('elements.submit(): the Payment Element or the Address Element ' +
        'must be created and mounted first.');
    }
    const [paid, addressed] = await Promise.all([
      payment ? payment._call('submit', {}) : {},
      address ? address._call('submit', {}) : {},
    ]);
    if (paid.error) return { error: paid.error };
    if (addressed.error) return { error: addressed.error };
    return payment ? paid : {};
  }

  _mounted(caller) {
    const element = this._element;
    if (!element || !element._frame) {
      throw new IntegrationError(`${caller}: the Payment Element must be created and mounted first.`);
    }
    return element;
  }
}

