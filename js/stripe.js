/*
 * Tender's browser SDK: a `Stripe()` global with Elements and the Payment Element, shaped
 * like Stripe.js v3 so that Stripe's guide code runs against Tender with only the
 * `<script src>` changed. Served by Tender at `/v3/`; it finds the API next to itself.
 *
 * Card data never touches the merchant's page. The Payment Element is an iframe served from
 * Tender's origin, and that iframe sends card numbers straight to Tender (confirmation
 * tokens, payment methods, intent confirmations). This page talks to it only by
 * postMessage, checking origins both ways, and only ever receives API objects back.
 *
 * Plain modern JavaScript, no build step, no dependencies.
 */
(function () {
  'use strict';

  if (window.Stripe && window.Stripe.tender) return; // loaded twice: keep the first

  const SCRIPT = document.currentScript ||
    Array.from(document.scripts).find((s) => /\/v3\/?(\?.*)?$/.test(s.src));
  if (!SCRIPT || !SCRIPT.src) {
    throw new Error('Tender: load the SDK with <script src="https://<your Tender>/v3/">.');
  }
  const SCRIPT_URL = new URL(SCRIPT.src, location.href);
  const TENDER_ORIGIN = SCRIPT_URL.origin;
  // Tender may live under a path prefix: the SDK is at <base>/v3/, the API at <base>/v1/.
  const API_BASE = TENDER_ORIGIN + SCRIPT_URL.pathname.replace(/\/v3\/?$/, '');
  const ELEMENT_URL = API_BASE + '/v3/payment-element.html';
  const CHANNEL = 'tender:payment-element';
  const NEVER = new Promise(() => {}); // what a call that navigates away resolves with

  const KINDS = {
    payment: {
      path: '/v1/payment_intents', key: 'paymentIntent', object: 'payment_intent',
      name: 'PaymentIntent', lastError: 'last_payment_error',
    },
    setup: {
      path: '/v1/setup_intents', key: 'setupIntent', object: 'setup_intent',
      name: 'SetupIntent', lastError: 'last_setup_error',
    },
  };
  const SUCCEEDED = ['succeeded', 'requires_capture', 'processing'];
  // What Stripe.js tells shoppers when they fail a 3D Secure check: the API's message (kept in
  // the intent's last error) is written for the developer ("…provide payment_method_data…").
  const AUTHENTICATION_FAILED = 'We are unable to authenticate your payment method. ' +
    'Please choose a different payment method and try again.';
  const SHOPPER_MESSAGES = {
    payment_intent_authentication_failure: AUTHENTICATION_FAILED,
    setup_intent_authentication_failure: AUTHENTICATION_FAILED,
  };

  /** Thrown for mistakes in the integration, as Stripe.js does. */
  class IntegrationError extends Error {
    constructor(message) {
      super(message);
      this.name = 'IntegrationError';
    }
  }

  // ---------------------------------------------------------------------------------------
  // HTTP

  /** Stripe's form encoding: nested objects as a[b][c], arrays as a[0]; null is left out. */
  function formEncode(value, prefix, out) {
    out = out || new URLSearchParams();
    if (value === undefined || value === null) return out;
    if (Array.isArray(value)) {
      value.forEach((item, i) => formEncode(item, `${prefix}[${i}]`, out));
    } else if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        formEncode(item, prefix ? `${prefix}[${key}]` : key, out);
      }
    } else {
      out.append(prefix, String(value));
    }
    return out;
  }

  /** One API call; resolves `{object}` or `{error}` (the API's error, fields intact). */
  async function api(method, path, params) {
    const query = formEncode(params);
    let url = API_BASE + path;
    const init = { method, credentials: 'omit' };
    if (method === 'GET') url += '?' + query;
    else init.body = query;
    let response;
    try {
      response = await fetch(url, init);
    } catch (e) {
      return {
        error: {
          type: 'api_connection_error',
          message: 'We could not reach the payment server. Check your connection and try again.',
        },
      };
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) { /* not JSON: reported below */ }
    if (response.ok && body) return { object: body };
    return {
      error: (body && body.error) ||
        { type: 'api_error', message: `Unexpected answer from the server (HTTP ${response.status}).` },
    };
  }

  /** `pi_…_secret_…` or `seti_…_secret_…` → the intent's id and kind. */
  function parseSecret(secret, caller) {
    const match = typeof secret === 'string' && /^((pi|seti)_[A-Za-z0-9]+)_secret_\w+$/.exec(secret);
    if (!match) {
      throw new IntegrationError(`Invalid value for ${caller}: clientSecret should be a client ` +
        `secret of the form \${id}_secret_\${secret}. You specified: ${secret}.`);
    }
    return { id: match[1], kind: match[2] === 'pi' ? 'payment' : 'setup' };
  }

  /** Only web addresses may be navigated to or framed (never `javascript:`). */
  function webUrl(url) {
    const parsed = new URL(url, location.href);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new IntegrationError(`Refusing to open ${url}: not an http(s) URL.`);
    }
    return parsed;
  }

  function navigate(url) {
    window.location.assign(webUrl(url).href);
    return NEVER;
  }

  // ---------------------------------------------------------------------------------------
  // The 3D Secure modal: Tender's hosted challenge page in an iframe over the merchant page.

  function challenge(pageUrl) {
    const url = webUrl(pageUrl);
    return new Promise((resolve) => {
      const previousFocus = document.activeElement;
      const overlay = document.createElement('div');
      overlay.setAttribute('role', 'dialog');
      overlay.setAttribute('aria-modal', 'true');
      overlay.setAttribute('aria-label', 'Authenticate your payment');
      overlay.className = '__TenderChallenge';
      overlay.style.cssText = 'position:fixed!important;inset:0!important;z-index:2147483647!important;' +
        'display:flex!important;align-items:center;justify-content:center;margin:0;padding:16px;' +
        'background:rgba(10,12,20,.55);box-sizing:border-box;';
      const box = document.createElement('div');
      // A first guess at the page's height; the page reports its own once it has laid out.
      box.style.cssText = 'position:relative;width:min(480px,100%);height:min(300px,100%);' +
        'background:#fff;border-radius:12px;overflow:hidden;box-shadow:0 20px 60px rgba(0,0,0,.35);';
      const frame = document.createElement('iframe');
      frame.title = '3D Secure authentication';
      frame.src = url.href;
      frame.style.cssText = 'border:0;width:100%;height:100%;display:block;';
      const close = document.createElement('button');
      close.type = 'button';
      close.setAttribute('aria-label', 'Cancel authentication');
      close.textContent = '\u00d7';
      close.style.cssText = 'position:absolute;top:8px;right:10px;width:32px;height:32px;border:0;' +
        'border-radius:16px;background:transparent;color:#697386;font:24px/32px system-ui,sans-serif;' +
        'cursor:pointer;';
      box.append(frame, close);
      overlay.append(box);

      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        window.removeEventListener('message', onMessage);
        document.removeEventListener('keydown', onKey, true);
        overlay.remove();
        if (previousFocus && previousFocus.focus) previousFocus.focus();
        resolve();
      };
      // Only the page we opened, from its own origin, can end the challenge or size the modal.
      // Focus is in that page, so it forwards Escape itself (tender:3ds-cancel).
      const onMessage = (event) => {
        if (event.source !== frame.contentWindow || event.origin !== url.origin) return;
        const data = event.data || {};
        if (data.type === 'tender:3ds-complete') finish();
        else if (data.type === 'tender:3ds-cancel' && !close.disabled) cancel();
        else if (data.type === 'tender:3ds-size' && Number.isFinite(data.height) && data.height > 0) {
          box.style.height = `min(${Math.ceil(data.height)}px,100%)`;
        }
      };
      // Closing the modal abandons the challenge: it fails, as on Stripe.
      const cancel = async () => {
        close.disabled = true;
        const secret = url.searchParams.get('client_secret') || '';
        try {
          await fetch(`${url.origin}${url.pathname}/complete`, {
            method: 'POST',
            credentials: 'omit',
            body: new URLSearchParams({ client_secret: secret, result: 'fail' }),
          });
        } catch (e) { /* the intent is re-read either way */ }
        finish();
      };
      const onKey = (event) => {
        if (event.key === 'Escape' && !close.disabled) cancel();
      };
      close.addEventListener('click', cancel);
      window.addEventListener('message', onMessage);
      document.addEventListener('keydown', onKey, true);
      document.body.append(overlay);
      frame.focus();
    });
  }

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

  function checkDeferred(config, caller) {
    if (!['payment', 'setup'].includes(config.mode)) {
      throw new IntegrationError(`Invalid value for ${caller}: mode should be one of payment, ` +
        `setup. You specified: ${config.mode}.`);
    }
    if (config.mode === 'payment') {
      if (!Number.isInteger(config.amount) || config.amount < 0) {
        throw new IntegrationError(`Invalid value for ${caller}: amount should be a positive ` +
          `integer in the currency's smallest unit. You specified: ${config.amount}.`);
      }
      if (typeof config.currency !== 'string' || !config.currency) {
        throw new IntegrationError(`Missing value for ${caller}: currency should be a string.`);
      }
    }
  }

  class Elements {
    constructor(stripe, options) {
      this._stripe = stripe;
      this._element = null;
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

    /** What the Payment Element iframe is told: no secrets beyond the publishable key. */
    _frameConfig(elementOptions) {
      const c = this._config;
      return {
        key: this._stripe._key,
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
      };
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
      if (type !== 'payment') {
        throw new IntegrationError(`Tender's SDK provides the 'payment' Element only; ` +
          `elements.create('${type}') is not supported.`);
      }
      if (this._element) throw new IntegrationError('Can only create one Element of type payment.');
      if (!this._config.clientSecret && !this._config.mode) {
        throw new IntegrationError('In order to create a payment element, you must pass a valid ' +
          'PaymentIntent or SetupIntent client secret when creating the Elements group, or ' +
          'pass `mode`, `amount` and `currency`.');
      }
      this._element = new PaymentElement(this, options || {});
      return this._element;
    }

    getElement(type) {
      return type === 'payment' ? this._element : null;
    }

    /** Shallow-merges options (amount, currency, mode, appearance…) and re-renders. */
    async update(options) {
      const next = Object.assign({}, this._config, readOptions(options));
      if (!next.clientSecret) checkDeferred(next, 'elements.update()');
      this._config = next;
      if (this._element) await this._element._configure();
    }

    /** Intent-first: re-reads the intent (after your server changed it). */
    async fetchUpdates() {
      if (!this._intent) return {};
      const result = await this._fetchIntent();
      if (!result.error && this._element) await this._element._configure();
      return result;
    }

    /** Validates the form: `{error}` (type `validation_error`) or `{selectedPaymentMethod}`. */
    async submit() {
      return this._mounted('elements.submit()')._call('submit', {});
    }

    _mounted(caller) {
      const element = this._element;
      if (!element || !element._frame) {
        throw new IntegrationError(`${caller}: the Payment Element must be created and mounted first.`);
      }
      return element;
    }
  }

  // ---------------------------------------------------------------------------------------
  // The Payment Element: an iframe on Tender's origin, driven by postMessage.

  let frameCount = 0;
  const STATE_CLASSES = ['StripeElement--empty', 'StripeElement--complete', 'StripeElement--focus',
    'StripeElement--invalid'];

  class PaymentElement {
    constructor(elements, options) {
      this._elements = elements;
      this._options = options;
      this._handlers = {};
      this._frame = null;
      this._container = null;
      this._calls = new Map();
      this._seq = 0;
      this._ready = null; // resolves once the iframe has rendered
      this._destroyed = false;
      this._onMessage = this._onMessage.bind(this);
    }

    mount(target) {
      if (this._destroyed) {
        throw new IntegrationError('This Element has already been destroyed. Please create a new one.');
      }
      if (this._frame) {
        throw new IntegrationError('This Element is already mounted. Use `unmount()` to unmount ' +
          'the Element before re-mounting.');
      }
      const container = typeof target === 'string' ? document.querySelector(target) : target;
      if (!container || !(container instanceof Element)) {
        throw new IntegrationError(`The selector you specified (${target}) applies to no DOM ` +
          'elements that are currently on the page. Make sure the element exists on the page ' +
          'before calling mount().');
      }
      const frame = document.createElement('iframe');
      frame.name = `__privateTenderFrame${++frameCount}`;
      frame.title = 'Secure payment input frame';
      frame.setAttribute('frameborder', '0');
      frame.setAttribute('allowtransparency', 'true');
      frame.setAttribute('scrolling', 'no');
      frame.setAttribute('allow', 'payment *');
      // The iframe only accepts messages from, and only answers, the origin named here.
      frame.src = `${ELEMENT_URL}?origin=${encodeURIComponent(location.origin)}`;
      // Wider than the container by the focus ring's width, so rings are not clipped.
      frame.style.cssText = 'border:0!important;margin:-4px!important;padding:0!important;' +
        'width:calc(100% + 8px)!important;min-width:100%!important;display:block!important;' +
        'overflow:hidden!important;background:transparent!important;color-scheme:normal;height:1px;';
      const wrapper = document.createElement('div');
      wrapper.className = '__TenderElement';
      wrapper.style.cssText = 'margin:0!important;padding:0!important;border:0!important;' +
        'display:block!important;background:transparent!important;position:relative!important;';
      wrapper.append(frame);
      let markReady;
      this._ready = new Promise((resolve) => { markReady = resolve; });
      this._markReady = markReady;
      this._frame = frame;
      this._wrapper = wrapper;
      this._container = container;
      container.classList.add('StripeElement', 'StripeElement--empty');
      window.addEventListener('message', this._onMessage);
      container.append(wrapper);
      this._emit('loaderstart', { elementType: 'payment' });
      return this;
    }

    unmount() {
      if (!this._frame) return this;
      window.removeEventListener('message', this._onMessage);
      this._wrapper.remove();
      this._container.classList.remove('StripeElement', ...STATE_CLASSES);
      this._frame = this._wrapper = this._container = null;
      for (const resolve of this._calls.values()) {
        resolve({ error: { type: 'validation_error', message: 'The Payment Element was unmounted.' } });
      }
      this._calls.clear();
      return this;
    }

    destroy() {
      this.unmount();
      this._destroyed = true;
      if (this._elements._element === this) this._elements._element = null;
      return this;
    }

    on(event, handler) {
      (this._handlers[event] = this._handlers[event] || []).push(handler);
      return this;
    }

    once(event, handler) {
      const wrapped = (payload) => {
        this.off(event, wrapped);
        handler(payload);
      };
      return this.on(event, wrapped);
    }

    off(event, handler) {
      const list = this._handlers[event] || [];
      this._handlers[event] = handler ? list.filter((h) => h !== handler) : [];
      return this;
    }

    /** Element options (layout, defaultValues); `elements.update` for amount and the like. */
    update(options) {
      Object.assign(this._options, options || {});
      this._configure();
      return this;
    }

    focus() { this._post({ type: 'focus' }); return this; }
    blur() { this._post({ type: 'blur' }); return this; }
    clear() { this._post({ type: 'clear' }); return this; }
    collapse() { this._post({ type: 'collapse' }); return this; }

    _emit(event, payload) {
      for (const handler of (this._handlers[event] || []).slice()) {
        try {
          handler(payload);
        } catch (e) {
          setTimeout(() => { throw e; }); // a merchant handler's error must not break us
        }
      }
    }

    _post(message) {
      if (this._frame && this._frame.contentWindow) {
        this._frame.contentWindow.postMessage(Object.assign({ channel: CHANNEL }, message), TENDER_ORIGIN);
      }
    }

    /** Asks the iframe to do something; resolves with its answer. */
    async _call(method, args) {
      if (!this._frame) {
        throw new IntegrationError('The Payment Element is not mounted.');
      }
      const loaded = await this._elements._loaded;
      if (loaded.error) return { error: loaded.error }; // the intent could not be read
      await this._ready;
      return new Promise((resolve) => {
        const id = ++this._seq;
        this._calls.set(id, resolve);
        this._post({ type: 'call', id, method, args });
      });
    }

    async _configure() {
      if (!this._frame) return;
      const loaded = await this._elements._loaded;
      if (loaded.error) return;
      await this._call('configure', { config: this._elements._frameConfig(this._options) });
    }

    _onMessage(event) {
      // Only our iframe, served from Tender's origin, speaks to us.
      if (!this._frame || event.source !== this._frame.contentWindow || event.origin !== TENDER_ORIGIN) return;
      const m = event.data;
      if (!m || m.channel !== CHANNEL) return;
      switch (m.type) {
        case 'loaded':
          this._elements._loaded.then((loaded) => {
            if (loaded.error) {
              this._emit('loaderror', { elementType: 'payment', error: loaded.error });
              return;
            }
            this._post({ type: 'init', config: this._elements._frameConfig(this._options) });
          });
          break;
        case 'ready':
          this._markReady();
          this._emit('ready', { elementType: 'payment' });
          break;
        case 'resize':
          if (Number.isFinite(m.height)) this._frame.style.height = `${Math.ceil(m.height)}px`;
          break;
        case 'change':
          this._setClasses(m.event, m.invalid);
          this._emit('change', Object.assign({ elementType: 'payment' }, m.event));
          break;
        case 'focus':
        case 'blur':
          if (this._container) this._container.classList.toggle('StripeElement--focus', m.type === 'focus');
          this._emit(m.type, { elementType: 'payment' });
          break;
        case 'escape':
          this._emit('escape', { elementType: 'payment' });
          break;
        case 'result': {
          const resolve = this._calls.get(m.id);
          if (resolve) {
            this._calls.delete(m.id);
            resolve(m.result);
          }
          break;
        }
        default:
      }
    }

    /** Stripe's state classes on the container, for merchants who style them. */
    _setClasses(state, invalid) {
      if (!this._container) return;
      const list = this._container.classList;
      list.toggle('StripeElement--empty', !!state.empty);
      list.toggle('StripeElement--complete', !!state.complete);
      list.toggle('StripeElement--invalid', !!invalid);
    }
  }

  // ---------------------------------------------------------------------------------------
  // The Stripe object

  class StripeClient {
    constructor(key, options) {
      this._key = key;
      this._options = options || {};
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
      return element._call('createConfirmationToken', {
        params: params || {}, clientContext: elements._clientContext(),
      });
    }

    /** `{paymentMethod}` or `{error}`. */
    async createPaymentMethod(options) {
      const { elements, params } = options || {};
      if (!(elements instanceof Elements)) {
        throw new IntegrationError("stripe.createPaymentMethod(): pass `{elements, params}`; " +
          "Tender's SDK has no Card Element.");
      }
      if (!elements._config.clientSecret && elements._config.paymentMethodCreation !== 'manual') {
        throw new IntegrationError("stripe.createPaymentMethod(): create `elements` with " +
          "`paymentMethodCreation: 'manual'` to create PaymentMethods from them.");
      }
      const element = elements._mounted('stripe.createPaymentMethod()');
      return element._call('createPaymentMethod', { params: params || {} });
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
      if (elements && elements._config.mode && elements._config.mode !== kind) {
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
        confirmed = await element._call('confirm', {
          kind, id: intent.id, clientSecret, params: confirmParams,
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

  function Stripe(key, options) {
    if (typeof key !== 'string' || !key) {
      throw new IntegrationError(`Invalid value for Stripe(): apiKey should be a string. You specified: ${key}.`);
    }
    if (/^(sk|rk)_/.test(key)) {
      throw new IntegrationError('You should not use your secret key with Stripe.js. Please pass a ' +
        'publishable key instead.');
    }
    return new StripeClient(key, options);
  }
  Stripe.version = 3;
  Stripe.tender = true;
  window.Stripe = Stripe;
})();
