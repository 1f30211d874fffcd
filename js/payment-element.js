/*
 * The Payment Element's iframe (payment-element.html, on Tender's origin). It renders the
 * payment methods the merchant's Elements allow, validates what the customer types, and
 * sends card data straight to Tender when the merchant page asks it to (confirmation token,
 * payment method, intent confirmation). It talks to exactly one page: the origin named in
 * its URL, which must also be the page that framed it. Answers carry API objects only,
 * never the card number or security code. Uses frame-common.js, loaded before it.
 */
(function () {
  'use strict';

  const CHANNEL = 'tender:payment-element';
  const PARENT = framingOrigin();
  if (!PARENT) return;
  const send = sender(CHANNEL, PARENT);
  const $ = (id) => document.getElementById(id);
  const root = document.documentElement;
  let config = null;     // from the merchant page: key, mode, amount, currency, appearance, layout…

  const {
    ibanOf, fields, FIELDS_OF, showProblem, liveCheck, showBrand, showPostal, wireFields, fillStaticOptions,
  } = paymentFields($, () => !!config && !!config.addressBilling);

  const panels = {
    card: $('panel-card'), ideal: $('panel-ideal'), sepa_debit: $('panel-sepa_debit'),
    us_bank_account: $('panel-us_bank_account'),
  };
  // Kept here: a panel that is not shown is detached, and getElementById cannot find it.
  const cardTerms = $('card-terms');
  const sepaMandateText = $('sepa-mandate');
  const achMandateText = $('ach-mandate');
  // The debits whose confirmation accepts the mandate shown under their fields.
  const DEBITS = ['sepa_debit', 'us_bank_account'];

  function activeFields() {
    if (saved.chosen()) return [];
    return layout.selected ? FIELDS_OF[layout.selected].filter((name) => fields[name].active()) : [];
  }

  /** Checks every field of the selected method; shows all problems, returns the first. */
  function validateAll() {
    if (saved.chosen()) return null;
    if (!layout.selected) {
      return { type: 'validation_error', code: 'incomplete', message: 'Select a payment method.' };
    }
    let first = null;
    for (const name of activeFields()) {
      const found = fields[name].check();
      showProblem(name, found);
      if (found && !first) first = { name, found };
    }
    if (!first) return null;
    fields[first.name].input.focus();
    return { type: 'validation_error', code: first.found.code, message: first.found.message };
  }

  function state() {
    const pm = saved.chosen();
    if (pm) {
      return {
        complete: true, empty: false, collapsed: false,
        value: { type: 'card', payment_method: pm },
      };
    }
    const names = activeFields().filter((n) => n !== 'country');
    return {
      complete: names.length > 0 && names.every((n) => !fields[n].check()),
      empty: names.every((n) => !fields[n].input.value),
      collapsed: !layout.selected,
      value: { type: layout.selected || undefined },
    };
  }

  let lastChange = '';
  /** Tells the page when completeness, emptiness, the method or validity changed. */
  function changeMessage() {
    const invalid = activeFields().some((n) => fields[n].input.getAttribute('aria-invalid') === 'true');
    return { type: 'change', event: state(), invalid };
  }

  function emitChange() {
    const message = changeMessage();
    const serialized = JSON.stringify(message);
    if (serialized === lastChange) return;
    lastChange = serialized;
    send(message);
  }

  // ---------------------------------------------------------------------------------------
  // Which payment methods show; payment-element-layout.js lays them out.

  function eligibleTypes() {
    if (Array.isArray(config.paymentMethodTypes) && config.paymentMethodTypes.length) {
      const known = config.paymentMethodTypes.filter((t) => METHODS[t]);
      return known.length ? known : ['card'];
    }
    const found = ['card'];
    // iDEAL pays euros, captures at once and cannot be saved for later in Tender.
    if (config.mode === 'payment' && config.currency === 'eur' && config.captureMethod !== 'manual' &&
        !config.setupFutureUsage) {
      found.push('ideal');
    }
    return found;
  }

  const layout = methodsLayout({
    container: $('methods'),
    panels,
    labels: (type) => ({ icon: ICONS[METHODS[type].icon], label: METHODS[type].label }),
    onSelect: () => emitChange(),
  });

  const render = (first) => layout.render(eligibleTypes(), config.layout, first);

  // ---------------------------------------------------------------------------------------
  // Saved cards (payment-element-saved.js), with a CustomerSession's client secret.

  const saved = savedCards({
    container: $('saved'),
    onChange() {
      showSaved();
      emitChange();
      reportHeight();
    },
    onError: (error) => showFailure(error.message),
  });

  /** A chosen saved card replaces the payment methods; a new card may be saved. */
  function showSaved() {
    $('methods').hidden = !!saved.chosen();
    $('save-row').hidden = !saved.offersSave();
  }

  /** Whether the customer asked to save the new card they typed. */
  const savingCard = () => !saved.chosen() && saved.offersSave() && $('save-pm').checked &&
    layout.selected === 'card';

  /**
   * `setup_future_usage` for the token or the confirmation: the merchant's, else the
   * session's `payment_method_save_usage` when the customer saves the card (a PaymentIntent's;
   * a SetupIntent's usage is its own).
   */
  function futureUsage(given, mode) {
    if (given) return given;
    return savingCard() && mode !== 'setup' ? saved.saveUsage() : undefined;
  }

  // ---------------------------------------------------------------------------------------
  // Appearance and size

  let lastHeight = 0;
  function reportHeight() {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      send({ type: 'resize', height });
    }
  }

  function applyDefaults(defaults) {
    const billing = (defaults && defaults.billingDetails) || {};
    const address = billing.address || {};
    const country = address.country && String(address.country).toUpperCase();
    if (country && COUNTRIES.some(([code]) => code === country)) fields.country.input.value = country;
    const postal = address.postal_code || address.postalCode;
    if (postal && !fields.postal.input.value) fields.postal.input.value = postal;
    if (billing.name && !fields.name.input.value) fields.name.input.value = billing.name;
  }

  /**
   * Stripe's consent text for a card kept for later payments (setup mode, or
   * setupFutureUsage): shown unless the merchant passes `terms: {card: 'never'}`, naming
   * `business.name` (Stripe would name the account; Tender's accounts have no name).
   */
  function showTerms() {
    const wanted = (config.terms && config.terms.card) || 'auto';
    const saving = config.mode === 'setup' || !!config.setupFutureUsage;
    const name = (config.business && config.business.name) || 'this business';
    cardTerms.hidden = wanted === 'never' || (wanted === 'auto' && !saving);
    cardTerms.textContent = `By providing your card information, you allow ${name} to ` +
      'charge your card for future payments in accordance with their terms.';
    sepaMandateText.textContent = sepaMandate(name);
    achMandateText.textContent = achMandate(name);
  }

  /**
   * The mandate the customer accepted by confirming a debit (SEPA, ACH) below its text: the
   * merchant's `mandate_data` if given, else an online acceptance whose IP address and user
   * agent Tender takes from the request (Stripe.js's `infer_from_client`).
   */
  function mandateData(given) {
    if (given || !DEBITS.includes(layout.selected) || saved.chosen()) return given;
    return { customer_acceptance: { type: 'online', online: { infer_from_client: true } } };
  }

  function showFailure(message) {
    $('failure').textContent = message || '';
  }

  function configure(next) {
    const first = !config;
    config = next || {};
    applyAppearance(root, config.appearance);
    if (first) applyDefaults(config.defaultValues);
    showPostal();
    $('address-row').hidden = !!config.addressBilling;
    showTerms();
    render(first);
    showSaved();
    saved.load(config.key, config.customerSessionClientSecret);
    // The state the form starts in is not a change.
    if (first) lastChange = JSON.stringify(changeMessage());
    reportHeight();
  }

  // ---------------------------------------------------------------------------------------
  // Talking to Tender: the card data leaves this frame only in these requests.

  /** Tender's SDK and what wraps it (React, a plugin), then this Element. */
  const userAgent = () => `${config.userAgent || 'tender.js/v3'}; payment-element`;

  /** `payment_method_data` for what the customer entered, merged with the merchant's. */
  function paymentMethodData(merchant) {
    const given = Object.assign({}, merchant);
    // Saved "for future purchases": the Payment Element may show it to this customer again.
    if (savingCard()) given.allow_redisplay = 'always';
    const billing = Object.assign({}, given.billing_details);
    if (layout.selected === 'sepa_debit') {
      billing.name = fields.sepaName.input.value.trim() || billing.name;
      billing.email = fields.sepaEmail.input.value.trim() || billing.email;
      return Object.assign(given, {
        type: 'sepa_debit', sepa_debit: { iban: ibanOf(fields.iban.input.value) },
        billing_details: billing, payment_user_agent: userAgent(),
      });
    }
    if (layout.selected === 'us_bank_account') {
      // Taken as typed and counted as verified: Tender has no Financial Connections.
      billing.name = fields.achName.input.value.trim() || billing.name;
      return Object.assign(given, {
        type: 'us_bank_account',
        us_bank_account: {
          routing_number: digitsOf(fields.routing.input.value),
          account_number: digitsOf(fields.account.input.value),
          account_holder_type: 'individual',
        },
        billing_details: billing, payment_user_agent: userAgent(),
      });
    }
    if (layout.selected === 'ideal') {
      billing.name = fields.name.input.value.trim() || billing.name;
      return Object.assign(given, {
        type: 'ideal', ideal: { bank: fields.bank.input.value }, billing_details: billing,
        payment_user_agent: userAgent(),
      });
    }
    // With a billing Address Element, the address came with the merchant's billing details.
    if (!config.addressBilling) {
      const address = Object.assign({}, billing.address, { country: fields.country.input.value });
      if (fields.postal.active()) address.postal_code = fields.postal.input.value.trim();
      billing.address = address;
    }
    const exp = expiryDigits(fields.exp.input.value);
    return Object.assign(given, {
      type: 'card',
      card: {
        number: digitsOf(fields.number.input.value),
        exp_month: +exp.slice(0, 2),
        exp_year: 2000 + +exp.slice(2),
        cvc: digitsOf(fields.cvc.input.value),
      },
      billing_details: billing,
      payment_user_agent: userAgent(),
    });
  }

    const CALLS = {
    async configure(args) {
      configure(args.config);
      return {};
    },
    async submit() {
      const error = validateAll();
      return error ? { error } : { selectedPaymentMethod: saved.chosen() ? 'card' : layout.selected };
    },
    createConfirmationToken: ({ params, clientContext }) => exclusively(async () => {
      const error = validateAll();
      if (error) return { error };
      const p = params || {};
      const pm = saved.chosen();
      const got = await api('POST', '/v1/confirmation_tokens', {
        key: config.key,
        payment_method: pm ? pm.id : undefined,
        // A saved card is the session's customer's: the session opens it.
        customer_session_client_secret: pm ? config.customerSessionClientSecret : undefined,
        payment_method_data: pm ? undefined : paymentMethodData(p.payment_method_data),
        return_url: p.return_url,
        shipping: p.shipping,
        setup_future_usage: futureUsage(p.setup_future_usage ||
          (clientContext && clientContext.setup_future_usage), config.mode),
        mandate_data: mandateData(p.mandate_data),
        client_context: clientContext,
      });
      return answer(got, 'confirmationToken');
    }),
    createPaymentMethod: ({ params }) => exclusively(async () => {
      const error = validateAll();
      if (error) return { error };
      if (layout.selected !== 'card' || saved.chosen()) {
        return { error: { type: 'invalid_request_error', message: 'Only card payment methods can be created before confirmation.' } };
      }
      const got = await api('POST', '/v1/payment_methods', Object.assign({ key: config.key }, paymentMethodData(params)));
      return answer(got, 'paymentMethod');
    }),
    confirm: ({ kind, id, clientSecret, params }) => exclusively(async () => {
      showFailure(null);
      const error = validateAll();
      if (error) return { error };
      if (!/^(pi|seti)_[A-Za-z0-9]+$/.test(id)) {
        return { error: { type: 'invalid_request_error', message: 'Invalid intent id.' } };
      }
      const given = Object.assign({}, params);
      const pm = saved.chosen();
      if (pm) given.payment_method = pm.id;
      else given.payment_method_data = paymentMethodData(given.payment_method_data);
      given.setup_future_usage = futureUsage(given.setup_future_usage, kind);
      given.mandate_data = mandateData(given.mandate_data);
      const path = kind === 'setup' ? '/v1/setup_intents' : '/v1/payment_intents';
      const got = await api('POST', `${path}/${id}/confirm`, Object.assign(given, {
        key: config.key, client_secret: clientSecret, use_stripe_sdk: true,
      }));
      return answer(got, 'intent');
    }),
  };

  // ---------------------------------------------------------------------------------------
  // Messages

  // New details answer the last failure: it no longer describes what is typed.
  document.addEventListener('input', () => showFailure(null));

  fillStaticOptions();
  wireFields(emitChange);
  showBrand();
  new ResizeObserver(reportHeight).observe(document.body);
  serveFrame({
    channel: CHANNEL,
    parent: PARENT,
    send,
    name: 'Payment Element',
    configure,
    calls: CALLS,
    focus() {
      const first = activeFields()[0];
      if (first) fields[first].input.focus();
    },
    onUserAgent(userAgent) {
      if (config) config.userAgent = userAgent;
    },
    other(m) {
      if (m.type === 'clear') {
        for (const name of Object.keys(fields)) {
          if (name !== 'country') fields[name].input.value = '';
          showProblem(name, null);
        }
        showBrand();
        emitChange();
      } else if (m.type === 'failure') {
        showFailure(typeof m.message === 'string' ? m.message : '');
      } else if (m.type === 'collapse') {
        layout.collapse();
      }
    },
  });
})();
