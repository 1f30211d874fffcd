/*
 * The Card Element family's iframe (card-element.html, on Tender's origin), one per Element:
 * `card` (number, expiry, CVC, postal code in one row) or one of the split `cardNumber`,
 * `cardExpiry`, `cardCvc`. It formats and checks what the customer types, reports `change`
 * events (`empty`, `complete`, `error`, `brand`), and, in the frame holding the number, sends
 * the card to Tender when the merchant page asks (token, payment method, confirmation).
 *
 * Split Elements are one card in three frames: the number's frame reads the expiry and the
 * CVC from its sibling frames directly (they share Tender's origin), never through the page.
 * It talks to exactly one page, the origin that framed it; answers carry API objects only.
 * Uses frame-common.js, loaded before it.
 */
(function () {
  'use strict';

  const CHANNEL = 'tender:card-element';
  const PARENT = framingOrigin();
  if (!PARENT) return;
  const send = sender(CHANNEL, PARENT);
  const TYPES = ['card', 'cardNumber', 'cardExpiry', 'cardCvc'];
  const TYPE = new URLSearchParams(location.search).get('type');
  if (!TYPES.includes(TYPE)) return;
  const $ = (id) => document.getElementById(id);
  const root = document.documentElement;

  const inputs = { number: $('cardnumber'), exp: $('exp'), cvc: $('cvc'), postal: $('postal') };
  const SHOWN = {
    card: ['number', 'exp', 'cvc', 'postal'],
    cardNumber: ['number'],
    cardExpiry: ['exp'],
    cardCvc: ['cvc'],
  }[TYPE];
  let config = {};
  const touched = new Set(); // fields the customer has left: their incomplete errors show

  const shown = () => SHOWN.filter((name) => name !== 'postal' || !config.hidePostalCode);

  // ---------------------------------------------------------------------------------------
  // The fields of this frame, and of its siblings for the split Elements.

  /** This frame's field, as its sibling number frame reads it (same origin only). */
  window.__tenderCardField = {
    origin: PARENT,
    type: TYPE,
    read: () => (TYPE === 'cardExpiry' ? inputs.exp.value : TYPE === 'cardCvc' ? inputs.cvc.value : null),
  };

  /** The text of a sibling frame's field (by the frame name the page's SDK gave us), or ''. */
  function siblingValue(name, type) {
    if (!name) return '';
    const frames = window.parent.frames;
    for (let i = 0; i < frames.length; i++) {
      try {
        const field = frames[i] !== window && frames[i].name === name && frames[i].__tenderCardField;
        if (field && field.origin === PARENT && field.type === type) return field.read() || '';
      } catch (e) { /* a frame of another origin: not ours to read */ }
    }
    return '';
  }

  /** The whole card: this frame's fields, the siblings' for the ones it does not show. */
  function cardValues(siblings) {
    const s = siblings || {};
    return {
      number: inputs.number.value,
      exp: TYPE === 'card' ? inputs.exp.value : siblingValue(s.cardExpiry, 'cardExpiry'),
      cvc: TYPE === 'card' ? inputs.cvc.value : siblingValue(s.cardCvc, 'cardCvc'),
      postal: TYPE === 'card' && !config.hidePostalCode ? inputs.postal.value.trim() : '',
    };
  }

  const postalProblem = (text) => (text.trim() ? null
    : problem('incomplete_zip', 'Your postal code is incomplete.', true));

  /** What is wrong with one field of this frame. */
  function fieldProblem(name) {
    const value = inputs[name].value;
    if (name === 'number') return numberProblem(value);
    if (name === 'exp') return expiryProblem(value);
    if (name === 'cvc') return cvcProblem(value, TYPE === 'card' ? inputs.number.value : '');
    return postalProblem(value);
  }

  /** The first problem of a whole card, as the API's `validation_error`. */
  function cardError(values) {
    const found = numberProblem(values.number) || expiryProblem(values.exp) ||
      cvcProblem(values.cvc, values.number) || (TYPE === 'card' && !config.hidePostalCode
        ? postalProblem(values.postal) : null);
    return found && { type: 'validation_error', code: found.code, message: found.message };
  }

  // ---------------------------------------------------------------------------------------
  // Change events

  let lastChange = null;
  /** Reports the state when it changed; `quietly` records it without a change event. */
  function emitChange(quietly) {
    const fields = shown();
    let error = null;
    for (const name of fields) {
      if (!inputs[name].value) continue;
      const found = fieldProblem(name);
      // An incomplete field is only an error once the customer has moved on from it.
      if (found && (!found.incomplete || touched.has(name))) {
        error = { type: 'validation_error', code: found.code, message: found.message };
        break;
      }
    }
    for (const name of fields) {
      const found = inputs[name].value ? fieldProblem(name) : null;
      inputs[name].setAttribute('aria-invalid', String(!!(found && (!found.incomplete || touched.has(name)))));
    }
    const event = {
      empty: fields.every((name) => !inputs[name].value),
      complete: fields.every((name) => !fieldProblem(name)),
      error: error || undefined,
    };
    if (TYPE === 'card' || TYPE === 'cardNumber') event.brand = brandOf(digitsOf(inputs.number.value)).brand;
    if (TYPE === 'card') event.value = { postalCode: config.hidePostalCode ? '' : inputs.postal.value.trim() };
    const serialized = JSON.stringify(event);
    if (serialized === lastChange) return;
    lastChange = serialized;
    if (!quietly) send({ type: 'change', event, invalid: !!error });
  }

  function showBrand() {
    const icon = $('brand-icon');
    const wanted = TYPE === 'card' ? !config.hideIcon : TYPE === 'cardNumber' && config.showIcon;
    icon.hidden = !wanted;
    const brand = brandOf(digitsOf(inputs.number.value)).brand;
    const name = ICONS[brand] ? brand : 'card';
    if (icon.dataset.brand !== name) {
      icon.dataset.brand = name;
      icon.innerHTML = ICONS[name];
    }
    inputs.cvc.placeholder = (config.placeholder && TYPE === 'cardCvc') ? config.placeholder
      : brandOf(digitsOf(inputs.number.value)).cvc === 4 ? 'CVV' : 'CVC';
  }

  function wireFields() {
    inputs.number.addEventListener('input', () => {
      reformat(inputs.number, formatNumber(inputs.number.value));
      showBrand();
      const digits = digitsOf(inputs.number.value);
      if (TYPE === 'card' && digits.length === maxLength(brandOf(digits)) && !numberProblem(inputs.number.value)) {
        inputs.exp.focus();
      }
      emitChange();
    });
    inputs.exp.addEventListener('input', (event) => {
      reformat(inputs.exp, formatExpiry(inputs.exp.value, (event.inputType || '').startsWith('delete')));
      if (TYPE === 'card' && expiryDigits(inputs.exp.value).length === 4 && !expiryProblem(inputs.exp.value)) {
        inputs.cvc.focus();
      }
      emitChange();
    });
    inputs.cvc.addEventListener('input', () => {
      const max = TYPE === 'card' ? brandOf(digitsOf(inputs.number.value)).cvc : 4;
      reformat(inputs.cvc, digitsOf(inputs.cvc.value).slice(0, max));
      emitChange();
    });
    inputs.postal.addEventListener('input', () => emitChange(false));
    for (const name of Object.keys(inputs)) {
      inputs[name].addEventListener('blur', () => {
        if (inputs[name].value) touched.add(name);
        emitChange();
      });
    }
  }

  // ---------------------------------------------------------------------------------------
  // Options: which fields show, style, value, disabled.

  /** Stripe's `style` option ({base, invalid} with `color`, `fontSize`…) as CSS variables. */
  function applyStyle(style) {
    const s = style || {};
    const base = s.base || {};
    const invalid = s.invalid || {};
    const variables = {
      color: base.color,
      fontFamily: base.fontFamily,
      fontSize: base.fontSize,
      iconColor: base.iconColor,
      colorPlaceholder: base['::placeholder'] && base['::placeholder'].color,
      colorInvalid: invalid.color,
    };
    for (const [name, value] of Object.entries(variables)) {
      if (typeof value === 'string' && value && !/[;{}]/.test(value)) root.style.setProperty(`--${name}`, value);
      else root.style.removeProperty(`--${name}`);
    }
  }

  function configure(next) {
    const first = !config.key;
    config = next || {};
    const visible = shown();
    for (const name of Object.keys(inputs)) {
      inputs[name].hidden = !visible.includes(name);
      inputs[name].disabled = !!config.disabled;
    }
    if (config.placeholder && TYPE !== 'card') inputs[SHOWN[0]].placeholder = String(config.placeholder);
    if (first && config.value && typeof config.value.postalCode === 'string') {
      inputs.postal.value = config.value.postalCode;
    }
    applyStyle(config.style);
    showBrand();
    // The state the Element starts in is not a change.
    emitChange(first);
    reportHeight();
  }

  let lastHeight = 0;
  function reportHeight() {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      send({ type: 'resize', height });
    }
  }

  // ---------------------------------------------------------------------------------------
  // Requests: the card leaves this frame only here, and only from the number's frame.

  const userAgent = () => `${config.userAgent || 'tender.js/v3'}; ${TYPE}`;

  /** The validated card as the API takes it, or `{error}`. */
  function collectCard(siblings) {
    if (TYPE !== 'card' && TYPE !== 'cardNumber') {
      return { error: { type: 'invalid_request_error', message: 'Only the card or cardNumber Element sends the card.' } };
    }
    const values = cardValues(siblings);
    const error = cardError(values);
    if (error) return { error };
    const exp = expiryDigits(values.exp);
    return {
      card: {
        number: digitsOf(values.number),
        exp_month: +exp.slice(0, 2),
        exp_year: 2000 + +exp.slice(2),
        cvc: digitsOf(values.cvc),
      },
      postal: values.postal,
    };
  }

  /** `billing_details` with the postal code typed into the card Element when none is given. */
  function billingDetails(given, postal) {
    const billing = Object.assign({}, given);
    if (postal) {
      const address = Object.assign({}, billing.address);
      if (!address.postal_code) address.postal_code = postal;
      billing.address = address;
    }
    return billing;
  }

  const CALLS = {
    async configure(args) {
      configure(args.config);
      return {};
    },
    createToken: ({ data, siblings }) => exclusively(async () => {
      const got = collectCard(siblings);
      if (got.error) return { error: got.error };
      const d = Object.assign({}, data);
      if (!d.address_zip && got.postal) d.address_zip = got.postal;
      const card = Object.assign({}, d, got.card);
      return answer(await api('POST', '/v1/tokens', { key: config.key, card, payment_user_agent: userAgent() }), 'token');
    }),
    createPaymentMethod: ({ params, siblings }) => exclusively(async () => {
      const got = collectCard(siblings);
      if (got.error) return { error: got.error };
      const p = Object.assign({}, params);
      return answer(await api('POST', '/v1/payment_methods', Object.assign(p, {
        key: config.key,
        type: 'card',
        card: got.card,
        billing_details: billingDetails(p.billing_details, got.postal),
        payment_user_agent: userAgent(),
      })), 'paymentMethod');
    }),
    confirm: ({ kind, id, clientSecret, params, paymentMethodData, siblings }) => exclusively(async () => {
      const got = collectCard(siblings);
      if (got.error) return { error: got.error };
      if (!/^(pi|seti)_[A-Za-z0-9]+$/.test(id)) {
        return { error: { type: 'invalid_request_error', message: 'Invalid intent id.' } };
      }
      const merchant = Object.assign({}, paymentMethodData);
      const path = kind === 'setup' ? '/v1/setup_intents' : '/v1/payment_intents';
      return answer(await api('POST', `${path}/${id}/confirm`, Object.assign({}, params, {
        key: config.key,
        client_secret: clientSecret,
        use_stripe_sdk: true,
        payment_method_data: {
          type: 'card',
          card: got.card,
          billing_details: billingDetails(merchant.billing_details, got.postal),
          metadata: merchant.metadata,
          payment_user_agent: userAgent(),
        },
      })), 'intent');
    }),
  };

  wireFields();
  new ResizeObserver(reportHeight).observe(document.body);
  serveFrame({
    channel: CHANNEL,
    parent: PARENT,
    send,
    name: 'card Element',
    configure,
    calls: CALLS,
    focus: () => inputs[shown()[0]].focus(),
    onUserAgent(userAgent) {
      config.userAgent = userAgent;
    },
    other(m) {
      if (m.type !== 'clear') return;
      for (const input of Object.values(inputs)) input.value = '';
      touched.clear();
      showBrand();
      emitChange();
    },
  });
})();
