/*
 * The Address Element's iframe (address-element.html, on Tender's origin). It renders the
 * fields of the chosen country (address-countries.js), checks them, and tells the merchant
 * page the address through change events and the getValue/submit calls; the SDK passes it on
 * to the Payment Element's requests (billing details or shipping). It does no requests of its
 * own. It talks to exactly one page: the origin named in its URL, which must also be the page
 * that framed it. Uses frame-common.js, loaded before it.
 */
(function () {
  'use strict';

  const CHANNEL = 'tender:address-element';
  const PARENT = framingOrigin();
  if (!PARENT) return;
  const send = sender(CHANNEL, PARENT);
  const container = document.getElementById('fields');
  const root = document.documentElement;

  let config = null; // from the merchant page: mode, defaultValues, fields, validation…
  let country = 'US';
  // What was typed, by field, kept across country switches (a street stays a street).
  const values = {};
  // The rendered fields: key → {spec, input, error}.
  let shown = {};

  // ---------------------------------------------------------------------------------------
  // What to ask for

  function allowedCountries() {
    const allowed = Array.isArray(config.allowedCountries)
      ? config.allowedCountries.map((c) => String(c).toUpperCase()) : null;
    const list = allowed ? ADDRESS_COUNTRIES.filter(([code]) => allowed.includes(code)) : ADDRESS_COUNTRIES;
    return list.length ? list : ADDRESS_COUNTRIES;
  }

  const option = (name) => (config[name] && typeof config[name] === 'object' ? config[name] : {});
  const phoneShown = () => option('fields').phone === 'always';
  const phoneRequired = () => (option('validation').phone || {}).required === 'always';

  /** The fields, in order: the name, the country, the country's address fields, the phone. */
  function specs() {
    const list = [];
    const display = option('display').name || 'full';
    if (display === 'split') {
      list.push({ key: 'firstName', label: 'First name', required: true, noun: 'first name', autocomplete: 'given-name' });
      list.push({ key: 'lastName', label: 'Last name', required: true, noun: 'last name', autocomplete: 'family-name' });
    } else {
      const organization = display === 'organization';
      list.push({ key: 'name', label: organization ? 'Organization name' : 'Full name', required: true,
        noun: organization ? 'organization name' : 'name', autocomplete: organization ? 'organization' : 'name' });
    }
    list.push({ key: 'country', label: 'Country or region', required: true, options: allowedCountries(), autocomplete: 'country' });
    const layout = addressLayout(country);
    for (const field of layout.fields) {
      const noun = field.key === 'postal_code' ? (layout.postal ? layout.postal.noun : 'postal code')
        : field.key === 'line1' ? 'address' : field.label.toLowerCase();
      list.push(Object.assign({ noun, autocomplete: AUTOCOMPLETE[field.key] }, field));
    }
    if (phoneShown()) {
      list.push({ key: 'phone', label: 'Phone number', required: phoneRequired(), noun: 'phone number', autocomplete: 'tel' });
    }
    return list;
  }

  const AUTOCOMPLETE = {
    line1: 'address-line1', line2: 'address-line2', city: 'address-level2', state: 'address-level1',
    postal_code: 'postal-code',
  };

  // ---------------------------------------------------------------------------------------
  // Checks

  const problem = (code, message, incomplete) => ({ code, message, incomplete: !!incomplete });

  /** What is wrong with a field's value, or null. */
  function check(spec) {
    if (spec.key === 'country') return null; // always one of the list
    const value = (values[spec.key] || '').trim();
    if (!value) {
      return spec.required ? problem(`incomplete_${spec.key}`, `Your ${spec.noun} is incomplete.`, true) : null;
    }
    if (spec.key === 'postal_code') {
      const rule = addressLayout(country).postal;
      if (!rule) return null;
      const normalized = rule.normalize ? rule.normalize(value) : value;
      if (rule.pattern.test(normalized)) return null;
      if (normalized.replace(/[\s-]/g, '').length < rule.min) {
        return problem('incomplete_postal_code', `Your ${rule.noun} is incomplete.`, true);
      }
      return problem('invalid_postal_code', `Your ${rule.noun} is invalid.`);
    }
    if (spec.key === 'phone' && !/^\+?[\d\s().-]{7,20}$/.test(value)) {
      return problem('invalid_phone', 'Your phone number is invalid.');
    }
    return null;
  }

  function showProblem(key, found) {
    const field = shown[key];
    if (!field) return;
    field.error.textContent = found ? found.message : '';
    if (found) field.input.setAttribute('aria-invalid', 'true');
    else field.input.removeAttribute('aria-invalid');
  }

  /** Checks every field, shows every problem, focuses the first; returns it as an error. */
  function validateAll() {
    let first = null;
    for (const spec of specs()) {
      const found = check(spec);
      showProblem(spec.key, found);
      if (found && !first) first = { spec, found };
    }
    if (!first) return null;
    shown[first.spec.key].input.focus();
    return { type: 'validation_error', code: first.found.code, message: first.found.message };
  }

  // ---------------------------------------------------------------------------------------
  // The value, as Stripe.js gives it

  const text = (key) => (values[key] || '').trim();

  function currentValue() {
    const keys = specs().map((s) => s.key);
    const field = (key) => (keys.includes(key) ? text(key) : null);
    const layout = addressLayout(country);
    const postal = field('postal_code');
    const address = {
      line1: field('line1'),
      line2: field('line2') || null,
      city: field('city'),
      state: field('state') || null,
      postal_code: postal && layout.postal && layout.postal.normalize ? layout.postal.normalize(postal) : postal,
      country,
    };
    const value = {};
    if (keys.includes('firstName')) {
      value.firstName = text('firstName');
      value.lastName = text('lastName');
      value.name = `${value.firstName} ${value.lastName}`.trim();
    } else {
      value.name = text('name');
    }
    value.address = address;
    if (keys.includes('phone')) value.phone = text('phone') || null;
    return value;
  }

  function state() {
    const list = specs();
    return {
      elementMode: config.mode,
      empty: list.every((s) => s.key === 'country' || !text(s.key)),
      complete: list.every((s) => !check(s)),
      isNewAddress: true, // Tender keeps no saved contacts
      value: currentValue(),
    };
  }

  let lastChange = '';
  function changeMessage() {
    const invalid = Object.values(shown).some((f) => f.input.getAttribute('aria-invalid') === 'true');
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
  // Rendering

  function makeInput(spec) {
    let input;
    if (spec.options) {
      input = document.createElement('select');
      if (spec.key !== 'country') input.append(new Option('', ''));
      for (const [code, name] of spec.options) input.append(new Option(name, code));
    } else {
      input = document.createElement('input');
      input.type = spec.key === 'phone' ? 'tel' : 'text';
      input.spellcheck = false;
    }
    input.className = 'input';
    input.id = spec.key;
    input.name = spec.key;
    input.setAttribute('autocomplete', spec.autocomplete || 'on');
    if (spec.key === 'postal_code') {
      const rule = addressLayout(country).postal;
      if (rule) input.placeholder = rule.placeholder;
    }
    return input;
  }

  /** Builds the fields of the current country, keeping what was typed. */
  function render() {
    const focused = document.activeElement && document.activeElement.id;
    container.textContent = '';
    shown = {};
    for (const spec of specs()) {
      const wrapper = document.createElement('div');
      wrapper.className = 'field';
      const label = document.createElement('label');
      label.htmlFor = spec.key;
      label.textContent = spec.required || spec.key === 'country' ? spec.label : `${spec.label} (optional)`;
      const input = makeInput(spec);
      const error = document.createElement('p');
      error.className = 'error';
      error.id = `${spec.key}-error`;
      error.setAttribute('aria-live', 'polite');
      input.setAttribute('aria-describedby', error.id);
      if (spec.key === 'country') input.value = country;
      else input.value = values[spec.key] || '';
      // A region the new country does not have is dropped rather than kept invisible.
      if (spec.options && spec.key !== 'country' && input.value !== (values[spec.key] || '')) values[spec.key] = '';
      wrapper.append(label, input, error);
      container.append(wrapper);
      shown[spec.key] = { spec, input, error };
      wire(spec, input);
    }
    if (focused && shown[focused]) shown[focused].input.focus();
    reportHeight();
  }

  function wire(spec, input) {
    if (spec.key === 'country') {
      input.addEventListener('change', () => {
        country = input.value;
        render();
        // A postal code typed for the old country is judged by the new one's rule at once.
        if (text('postal_code')) showProblem('postal_code', check(shown.postal_code.spec));
        emitChange();
      });
      return;
    }
    input.addEventListener(spec.options ? 'change' : 'input', () => {
      values[spec.key] = input.value;
      const found = check(spec);
      // Invalid values show at once; incomplete ones wait for blur or submit.
      showProblem(spec.key, found && !found.incomplete ? found : null);
      emitChange();
    });
    input.addEventListener('blur', () => {
      const rule = addressLayout(country).postal;
      // A valid postal code is written the local way; an invalid one is left as typed.
      const written = spec.key === 'postal_code' && rule && rule.normalize ? rule.normalize(input.value) : null;
      if (written && rule.pattern.test(written)) input.value = values.postal_code = written;
      if (input.value) showProblem(spec.key, check(spec));
      emitChange();
    });
  }

  let lastHeight = 0;
  function reportHeight() {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      send({ type: 'resize', height });
    }
  }

  const VARIABLES = ['colorPrimary', 'colorBackground', 'colorText', 'colorDanger', 'fontFamily',
    'fontSizeBase', 'borderRadius', 'spacingUnit'];
  function applyAppearance(appearance) {
    const variables = (appearance && appearance.variables) || {};
    for (const name of VARIABLES) {
      let value = variables[name];
      if (typeof value === 'number') value = `${value}px`;
      if (typeof value === 'string' && value) root.style.setProperty(`--${name}`, value);
      else root.style.removeProperty(`--${name}`);
    }
  }

  function applyDefaults(defaults) {
    const d = defaults || {};
    const address = d.address || {};
    for (const key of ['name', 'firstName', 'lastName', 'phone']) if (typeof d[key] === 'string') values[key] = d[key];
    // `name` fills the split fields too, and the other way round.
    if (typeof d.name === 'string' && !d.firstName && !d.lastName) {
      const parts = d.name.trim().split(/\s+/);
      values.lastName = parts.length > 1 ? parts.pop() : '';
      values.firstName = parts.join(' ');
    }
    if (!d.name && (d.firstName || d.lastName)) values.name = `${d.firstName || ''} ${d.lastName || ''}`.trim();
    for (const key of ['line1', 'line2', 'city', 'state', 'postal_code']) {
      if (typeof address[key] === 'string') values[key] = address[key];
    }
    return address.country ? String(address.country).toUpperCase() : null;
  }

  function configure(next) {
    const first = !config;
    config = next || {};
    applyAppearance(config.appearance);
    const wanted = first ? applyDefaults(config.defaultValues) : country;
    const region = (navigator.language || '').split('-')[1];
    const allowed = allowedCountries().map(([code]) => code);
    country = [wanted, region, 'US'].find((c) => c && allowed.includes(c)) || allowed[0];
    render();
    // The state the form starts in is not a change.
    if (first) lastChange = JSON.stringify(changeMessage());
    else emitChange();
  }

  function clear() {
    for (const key of Object.keys(values)) delete values[key];
    render();
    emitChange();
  }

  const CALLS = {
    async configure(args) {
      configure(args.config);
      return {};
    },
    // As on Stripe, reading the value shows what is wrong with it.
    async getValue() {
      validateAll();
      const s = state();
      return { complete: s.complete, isNewAddress: s.isNewAddress, value: s.value };
    },
    async submit() {
      const error = validateAll();
      return error ? { error } : { value: state().value };
    },
  };

  new ResizeObserver(reportHeight).observe(document.body);
  serveFrame({
    channel: CHANNEL,
    parent: PARENT,
    send,
    name: 'Address Element',
    configure,
    calls: CALLS,
    focus() {
      const first = Object.values(shown)[0];
      if (first) first.input.focus();
    },
    onUserAgent() {},
    other(m) {
      if (m.type === 'clear') clear();
    },
  });
})();
