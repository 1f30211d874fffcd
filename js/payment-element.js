/*
 * The Payment Element's iframe (payment-element.html, on Tender's origin). It renders the
 * payment methods the merchant's Elements allow, validates what the customer types, and
 * sends card data straight to Tender when the merchant page asks it to (confirmation token,
 * payment method, intent confirmation). It talks to exactly one page: the origin named in
 * its URL, which must also be the page that framed it. Answers carry API objects only,
 * never the card number or security code.
 */
(function () {
  'use strict';

  const CHANNEL = 'tender:payment-element';
  const PARENT = new URLSearchParams(location.search).get('origin');
  const ancestors = location.ancestorOrigins;
  // A page may not borrow this frame by claiming another origin than its own.
  if (window.parent === window || !PARENT || PARENT === 'null' ||
      (ancestors && ancestors.length > 0 && ancestors[0] !== PARENT)) {
    return;
  }
  const API_BASE = location.origin + location.pathname.replace(/\/v3\/[^/]*$/, '');
  const USER_AGENT = 'tender.js/v3; payment-element';
  const $ = (id) => document.getElementById(id);
  const root = document.documentElement;

  // ---------------------------------------------------------------------------------------
  // Static data: icons, brands, countries, banks.

  const FONT = 'font-family="Arial,Helvetica,sans-serif" font-weight="700" text-anchor="middle"';
  const ICONS = {
    visa: `<svg viewBox="0 0 24 16"><rect width="24" height="16" rx="2" fill="#1434cb"/><text x="12" y="11" ${FONT} font-style="italic" font-size="6.6" fill="#fff">VISA</text></svg>`,
    mastercard: '<svg viewBox="0 0 24 16"><rect width="24" height="16" rx="2" fill="#252525"/><circle cx="9.6" cy="8" r="4.4" fill="#eb001b"/><circle cx="14.4" cy="8" r="4.4" fill="#f79e1b"/><path d="M12 4.3a4.4 4.4 0 0 1 0 7.4 4.4 4.4 0 0 1 0-7.4z" fill="#ff5f00"/></svg>',
    amex: `<svg viewBox="0 0 24 16"><rect width="24" height="16" rx="2" fill="#1f72cd"/><text x="12" y="10.4" ${FONT} font-size="5.6" fill="#fff">AMEX</text></svg>`,
    discover: `<svg viewBox="0 0 24 16"><rect x=".25" y=".25" width="23.5" height="15.5" rx="2" fill="#fff" stroke="#d9d9d9" stroke-width=".5"/><path d="M9 15.75h12.75a2 2 0 0 0 2-2V9.5C19.5 12.5 14 14.9 9 15.75z" fill="#f48120"/><text x="12" y="8.6" ${FONT} font-size="3.9" fill="#231f20">DISCOVER</text></svg>`,
    diners: '<svg viewBox="0 0 24 16"><rect width="24" height="16" rx="2" fill="#0079be"/><circle cx="12" cy="8" r="5.2" fill="#fff"/><circle cx="10.4" cy="8" r="2.9" fill="none" stroke="#0079be"/><circle cx="13.6" cy="8" r="2.9" fill="none" stroke="#0079be"/></svg>',
    jcb: `<svg viewBox="0 0 24 16"><rect x=".25" y=".25" width="23.5" height="15.5" rx="2" fill="#fff" stroke="#d9d9d9" stroke-width=".5"/><rect x="4" y="3" width="5" height="10" rx="1.5" fill="#0e4c96"/><rect x="9.5" y="3" width="5" height="10" rx="1.5" fill="#e21836"/><rect x="15" y="3" width="5" height="10" rx="1.5" fill="#00a14b"/><text x="12" y="9.8" ${FONT} font-size="4.6" fill="#fff">JCB</text></svg>`,
    unionpay: '<svg viewBox="0 0 24 16"><rect x=".25" y=".25" width="23.5" height="15.5" rx="2" fill="#fff" stroke="#d9d9d9" stroke-width=".5"/><path d="M5.5 3h4.5l-1.8 10H3.7z" fill="#e21836"/><path d="M10 3h4.5l-1.8 10H8.2z" fill="#00447c"/><path d="M14.5 3H19l-1.8 10h-4.5z" fill="#007b84"/></svg>',
    card: '<svg viewBox="0 0 24 16" fill="none"><rect x=".75" y=".75" width="22.5" height="14.5" rx="2" stroke="currentColor" stroke-width="1.5"/><path d="M.75 5h22.5" stroke="currentColor" stroke-width="2.2"/><rect x="3.5" y="10" width="6" height="2" rx=".6" fill="currentColor"/></svg>',
    cardGrey: '<svg viewBox="0 0 24 16"><rect width="24" height="16" rx="2" fill="#e3e8ee"/><rect x="2.5" y="10" width="7" height="2" rx=".6" fill="#a3acb9"/><rect x="2.5" y="4" width="4" height="3" rx=".6" fill="#c2c9d2"/></svg>',
    cvc: '<svg viewBox="0 0 24 16"><rect width="24" height="16" rx="2" fill="#e3e8ee"/><rect y="3" width="24" height="3" fill="#697386"/><rect x="12.5" y="8.5" width="8" height="4" rx="1" fill="#fff"/><text x="16.5" y="11.7" font-family="Arial,Helvetica,sans-serif" font-size="3.4" font-weight="700" text-anchor="middle" fill="#697386">123</text></svg>',
    ideal: `<svg viewBox="0 0 24 16"><rect width="24" height="16" rx="2" fill="#cc0066"/><text x="12" y="10.9" ${FONT} font-size="7" fill="#fff">iD</text></svg>`,
    redirect: '<svg viewBox="0 0 28 20" fill="none"><rect x=".75" y=".75" width="26.5" height="18.5" rx="2.5" stroke="currentColor" stroke-width="1.5"/><path d="M.75 5h26.5" stroke="currentColor" stroke-width="1.5"/><path d="M11 14l6-6m-4 0h4v4" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  };

  // Number prefixes, digit groups, lengths and security code length of each network.
  const BRANDS = [
    { brand: 'amex', pattern: /^3[47]/, gaps: [4, 10], lengths: [15], cvc: 4 },
    { brand: 'diners', pattern: /^36/, gaps: [4, 10], lengths: [14], cvc: 3 },
    { brand: 'diners', pattern: /^3(0[0-59]|[89])/, gaps: [4, 8, 12], lengths: [16], cvc: 3 },
    { brand: 'jcb', pattern: /^35/, gaps: [4, 8, 12], lengths: [16], cvc: 3 },
    { brand: 'unionpay', pattern: /^62/, gaps: [4, 8, 12], lengths: [16, 17, 18, 19], cvc: 3 },
    { brand: 'discover', pattern: /^(6011|64[4-9]|65)/, gaps: [4, 8, 12], lengths: [16], cvc: 3 },
    { brand: 'mastercard', pattern: /^(5[1-5]|2[2-7])/, gaps: [4, 8, 12], lengths: [16], cvc: 3 },
    { brand: 'visa', pattern: /^4/, gaps: [4, 8, 12], lengths: [16], cvc: 3 },
  ];
  const UNKNOWN_BRAND = { brand: 'unknown', gaps: [4, 8, 12], lengths: [16], cvc: 3 };

  const COUNTRIES = [
    ['AU', 'Australia'], ['AT', 'Austria'], ['BE', 'Belgium'], ['BR', 'Brazil'], ['CA', 'Canada'],
    ['DK', 'Denmark'], ['FI', 'Finland'], ['FR', 'France'], ['DE', 'Germany'], ['HK', 'Hong Kong'],
    ['IN', 'India'], ['IE', 'Ireland'], ['IT', 'Italy'], ['JP', 'Japan'], ['LU', 'Luxembourg'],
    ['MX', 'Mexico'], ['NL', 'Netherlands'], ['NZ', 'New Zealand'], ['NO', 'Norway'],
    ['PL', 'Poland'], ['PT', 'Portugal'], ['SG', 'Singapore'], ['ES', 'Spain'], ['SE', 'Sweden'],
    ['CH', 'Switzerland'], ['GB', 'United Kingdom'], ['US', 'United States'],
  ];
  // Countries whose cards are checked against a postal code.
  const POSTAL = {
    US: { label: 'ZIP code', placeholder: '12345', min: 5, max: 10, pattern: /^\d{5}(-?\d{4})?$/, noun: 'ZIP' },
    GB: { label: 'Postal code', placeholder: 'WS11 1DB', min: 5, max: 8, pattern: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, noun: 'postal code' },
    CA: { label: 'Postal code', placeholder: 'M5T 1T4', min: 6, max: 7, pattern: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i, noun: 'postal code' },
  };
  const IDEAL_BANKS = [
    ['abn_amro', 'ABN AMRO'], ['asn_bank', 'ASN Bank'], ['bunq', 'bunq'], ['ing', 'ING'],
    ['knab', 'Knab'], ['n26', 'N26'], ['rabobank', 'Rabobank'], ['regiobank', 'RegioBank'],
    ['revolut', 'Revolut'], ['sns_bank', 'SNS Bank'], ['triodos_bank', 'Triodos Bank'],
    ['van_lanschot', 'Van Lanschot'], ['yoursafe', 'Yoursafe'],
  ];
  const METHODS = { card: { label: 'Card', icon: 'card' }, ideal: { label: 'iDEAL', icon: 'ideal' } };

  // Theme presets; `appearance.variables` override them.
  const THEMES = {
    stripe: {},
    night: { colorPrimary: '#6b8cff', colorBackground: '#30313d', colorText: '#ffffff', colorDanger: '#fe87a1' },
    flat: { borderRadius: '4px', colorText: '#32325d' },
  };
  const VARIABLES = ['colorPrimary', 'colorBackground', 'colorText', 'colorDanger', 'colorTextSecondary',
    'colorTextPlaceholder', 'fontFamily', 'fontSizeBase', 'borderRadius', 'spacingUnit'];

  // ---------------------------------------------------------------------------------------
  // Card number, expiry, security code, postal code: parsing, formatting, checking.

  const digitsOf = (text) => text.replace(/\D/g, '');
  const brandOf = (digits) => BRANDS.find((b) => b.pattern.test(digits)) || UNKNOWN_BRAND;
  const maxLength = (brand) => brand.lengths[brand.lengths.length - 1];

  function luhn(digits) {
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = +digits[digits.length - 1 - i];
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    return sum % 10 === 0;
  }

  function formatNumber(raw) {
    const brand = brandOf(digitsOf(raw));
    const digits = digitsOf(raw).slice(0, maxLength(brand));
    let out = '';
    for (let i = 0; i < digits.length; i++) {
      if (brand.gaps.includes(i)) out += ' ';
      out += digits[i];
    }
    return out;
  }

  /** MMYY from what was typed or autofilled ("4" → "04", "12/2030" → "1230"). */
  function expiryDigits(raw) {
    let d = digitsOf(raw);
    if (d.length === 6 && /^(0[1-9]|1[0-2])20\d\d$/.test(d)) d = d.slice(0, 2) + d.slice(4);
    if (/^[2-9]/.test(d) || /^1[3-9]/.test(d)) d = '0' + d;
    return d.slice(0, 4);
  }

  function formatExpiry(raw, deleting) {
    const d = expiryDigits(raw);
    if (d.length > 2) return `${d.slice(0, 2)} / ${d.slice(2)}`;
    if (d.length === 2 && !deleting) return `${d} / `;
    return d;
  }

  // A problem with a field; an `incomplete` one is only shown once the customer moves on.
  const problem = (code, message, incomplete) => ({ code, message, incomplete: !!incomplete });

  function checkNumber() {
    const digits = digitsOf(fields.number.input.value);
    const brand = brandOf(digits);
    if (brand.lengths.includes(digits.length) && luhn(digits)) return null;
    if (digits.length < maxLength(brand)) {
      return problem('incomplete_number', 'Your card number is incomplete.', true);
    }
    return problem('invalid_number', 'Your card number is invalid.');
  }

  function checkExpiry() {
    const d = expiryDigits(fields.exp.input.value);
    if (d.length < 4) return problem('incomplete_expiry', "Your card's expiration date is incomplete.", true);
    const month = +d.slice(0, 2);
    const year = 2000 + +d.slice(2);
    const now = new Date();
    if (month < 1 || month > 12) return problem('invalid_expiry_month', "Your card's expiration date is invalid.");
    if (year < now.getFullYear()) return problem('invalid_expiry_year_past', "Your card's expiration year is in the past.");
    if (year === now.getFullYear() && month < now.getMonth() + 1) {
      return problem('invalid_expiry_month_past', "Your card's expiration date is in the past.");
    }
    if (year > now.getFullYear() + 50) return problem('invalid_expiry_year', "Your card's expiration year is invalid.");
    return null;
  }

  function checkCvc() {
    const needed = brandOf(digitsOf(fields.number.input.value)).cvc;
    if (digitsOf(fields.cvc.input.value).length < needed) {
      return problem('incomplete_cvc', "Your card's security code is incomplete.", true);
    }
    return null;
  }

  function checkPostal() {
    const rule = POSTAL[fields.country.input.value];
    const value = fields.postal.input.value.trim();
    if (!rule || rule.pattern.test(value)) return null;
    if (value.length < rule.min) return problem('incomplete_zip', `Your ${rule.noun} is incomplete.`, true);
    return problem('invalid_zip', `Your ${rule.noun} is invalid.`);
  }

  // ---------------------------------------------------------------------------------------
  // Fields

  const field = (inputId, errorId, check, active) => ({
    input: $(inputId), error: errorId ? $(errorId) : null, check, active: active || (() => true),
  });
  const fields = {
    number: field('cardnumber', 'cardnumber-error', checkNumber),
    exp: field('exp', 'exp-error', checkExpiry),
    cvc: field('cvc', 'cvc-error', checkCvc),
    country: field('country', null, () => null),
    postal: field('postal', 'postal-error', checkPostal, () => !!POSTAL[fields.country.input.value]),
    name: field('ideal-name', 'ideal-name-error', () => (fields.name.input.value.trim() ? null
      : problem('incomplete_name', 'Your full name is incomplete.', true))),
    bank: field('ideal-bank', 'ideal-bank-error', () => (fields.bank.input.value ? null
      : problem('incomplete_bank', 'Select your bank.', true))),
  };
  const FIELDS_OF = { card: ['number', 'exp', 'cvc', 'country', 'postal'], ideal: ['name', 'bank'] };
  const panels = { card: $('panel-card'), ideal: $('panel-ideal') };
  // Kept here: a panel that is not shown is detached, and getElementById cannot find it.
  const cardTerms = $('card-terms');

  let config = null;     // from the merchant page: key, mode, amount, currency, appearance, layout…
  let types = [];        // payment method types shown
  let selected = null;   // the one chosen (null: accordion collapsed)
  let ready = false;

  function activeFields() {
    return selected ? FIELDS_OF[selected].filter((name) => fields[name].active()) : [];
  }

  function showProblem(name, found) {
    const f = fields[name];
    if (!f.error) return;
    f.error.textContent = found ? found.message : '';
    if (found) f.input.setAttribute('aria-invalid', 'true');
    else f.input.removeAttribute('aria-invalid');
  }

  /** While typing: invalid values show at once, incomplete ones wait for blur or submit. */
  function liveCheck(name) {
    const found = fields[name].check();
    showProblem(name, found && !found.incomplete ? found : null);
  }

  /** Checks every field of the selected method; shows all problems, returns the first. */
  function validateAll() {
    if (!selected) {
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
    const names = activeFields().filter((n) => n !== 'country');
    return {
      complete: names.length > 0 && names.every((n) => !fields[n].check()),
      empty: names.every((n) => !fields[n].input.value),
      collapsed: !selected,
      value: { type: selected || undefined },
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

  /** Rewrites an input's value, keeping the caret after the same number of characters. */
  function reformat(input, formatted) {
    const old = input.value;
    if (formatted === old) return;
    const caret = input.selectionStart == null ? old.length : input.selectionStart;
    const before = old.slice(0, caret).replace(/[^0-9A-Za-z]/g, '').length;
    input.value = formatted;
    if (document.activeElement !== input) return;
    let pos = formatted.length;
    if (caret < old.length) {
      pos = 0;
      for (let seen = 0; pos < formatted.length && seen < before; pos++) {
        if (/[0-9A-Za-z]/.test(formatted[pos])) seen++;
      }
    }
    input.setSelectionRange(pos, pos);
  }

  function showBrand() {
    const digits = digitsOf(fields.number.input.value);
    const brand = brandOf(digits);
    const icons = $('brand-icons');
    const shown = digits && brand.brand !== 'unknown' ? [brand.brand]
      : digits ? ['cardGrey'] : ['visa', 'mastercard', 'amex', 'discover'];
    if (icons.dataset.shown !== shown.join()) {
      icons.dataset.shown = shown.join();
      icons.innerHTML = shown.map((name) => ICONS[name]).join('');
    }
    fields.cvc.input.placeholder = brand.cvc === 4 ? 'CVV' : 'CVC';
    fields.number.input.setAttribute('aria-label', brand.brand === 'unknown' ? 'Card number'
      : `Card number, ${brand.brand}`);
  }

  function showPostal() {
    const rule = POSTAL[fields.country.input.value];
    $('postal-field').hidden = !rule;
    if (rule) {
      $('postal-label').textContent = rule.label;
      fields.postal.input.placeholder = rule.placeholder;
      fields.postal.input.maxLength = rule.max;
    } else {
      showProblem('postal', null);
    }
  }

  /** Moves on to the next field once this one is complete and valid. */
  function advance(from, to) {
    const input = fields[from].input;
    if (document.activeElement === input && input.selectionStart === input.value.length &&
        !fields[from].check()) {
      fields[to].input.focus();
    }
  }

  function wireFields() {
    const number = fields.number.input;
    number.addEventListener('input', () => {
      reformat(number, formatNumber(number.value));
      showBrand();
      liveCheck('number');
      const digits = digitsOf(number.value);
      if (digits.length === maxLength(brandOf(digits))) advance('number', 'exp');
      emitChange();
    });
    const exp = fields.exp.input;
    exp.addEventListener('input', (event) => {
      const deleting = (event.inputType || '').startsWith('delete');
      reformat(exp, formatExpiry(exp.value, deleting));
      liveCheck('exp');
      if (expiryDigits(exp.value).length === 4) advance('exp', 'cvc');
      emitChange();
    });
    const cvc = fields.cvc.input;
    cvc.addEventListener('input', () => {
      const max = brandOf(digitsOf(number.value)).cvc;
      reformat(cvc, digitsOf(cvc.value).slice(0, max));
      liveCheck('cvc');
      if (digitsOf(cvc.value).length === max && fields.postal.active()) advance('cvc', 'postal');
      emitChange();
    });
    const postal = fields.postal.input;
    postal.addEventListener('input', () => {
      if (fields.country.input.value !== 'US') reformat(postal, postal.value.toUpperCase());
      liveCheck('postal');
      emitChange();
    });
    fields.country.input.addEventListener('change', () => {
      showPostal();
      if (postal.value) liveCheck('postal');
      emitChange();
    });
    for (const name of ['name', 'bank']) {
      const input = fields[name].input;
      input.addEventListener(name === 'bank' ? 'change' : 'input', () => {
        liveCheck(name);
        emitChange();
      });
    }
    // Leaving a field with something in it shows what is wrong with it.
    for (const name of Object.keys(fields)) {
      fields[name].input.addEventListener('blur', () => {
        if (fields[name].input.value && fields[name].active()) showProblem(name, fields[name].check());
        emitChange();
      });
    }
  }

  function fillStaticOptions() {
    const country = fields.country.input;
    for (const [code, name] of COUNTRIES) country.append(new Option(name, code));
    const region = (navigator.language || '').split('-')[1];
    country.value = COUNTRIES.some(([code]) => code === region) ? region : 'US';
    for (const [code, name] of IDEAL_BANKS) fields.bank.input.append(new Option(name, code));
    $('ideal-note').innerHTML = ICONS.redirect;
    $('ideal-note').append(document.createTextNode(
      'After submission, you will be redirected to securely complete next steps.'));
    $('cvc-icon').innerHTML = ICONS.cvc;
  }

  // ---------------------------------------------------------------------------------------
  // Layout: tabs or accordion around the per-method panels.

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

  function layoutOf(layout) {
    const options = typeof layout === 'string' ? { type: layout } : Object.assign({}, layout);
    if (options.type !== 'accordion') options.type = 'tabs';
    return options;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  function methodLabel(node, type) {
    node.insertAdjacentHTML('beforeend', ICONS[METHODS[type].icon]);
    node.lastElementChild.setAttribute('aria-hidden', 'true');
    node.append(el('span', {}, METHODS[type].label));
  }

  let layout = { type: 'tabs' };

  function render(first) {
    const methods = $('methods');
    const focused = document.activeElement;
    types = eligibleTypes();
    layout = layoutOf(config.layout);
    if (selected && !types.includes(selected)) selected = null;
    if (!selected && !(first && layout.type === 'accordion' && layout.defaultCollapsed)) selected = types[0];
    for (const panel of Object.values(panels)) panel.remove();
    methods.textContent = '';
    if (types.length === 1) {
      methods.append(panels[types[0]]);
    } else if (layout.type === 'accordion') {
      const list = el('div', { class: `accordion${layout.spacedAccordionItems ? ' spaced' : ''}` });
      for (const type of types) {
        const item = el('div', { class: 'item', 'data-type': type });
        const header = el('button', {
          type: 'button', class: 'item-header', id: `header-${type}`, 'aria-controls': `panel-${type}`,
        });
        if (layout.radios !== false) header.append(el('span', { class: 'radio', 'aria-hidden': 'true' }));
        methodLabel(header, type);
        header.addEventListener('click', () => select(type));
        panels[type].setAttribute('role', 'region');
        panels[type].setAttribute('aria-labelledby', `header-${type}`);
        item.append(header, panels[type]);
        list.append(item);
      }
      methods.append(list);
    } else {
      const list = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Payment method' });
      for (const type of types) {
        const tab = el('button', {
          type: 'button', class: 'tab', role: 'tab', id: `tab-${type}`, 'aria-controls': `panel-${type}`,
        });
        methodLabel(tab, type);
        tab.addEventListener('click', () => select(type));
        tab.addEventListener('keydown', (event) => moveTab(event, type));
        list.append(tab);
      }
      methods.append(list);
      for (const type of types) {
        panels[type].setAttribute('role', 'tabpanel');
        panels[type].setAttribute('aria-labelledby', `tab-${type}`);
        methods.append(panels[type]);
      }
    }
    showSelection();
    if (focused && focused !== document.body && document.contains(focused)) focused.focus();
  }

  function showSelection() {
    for (const type of Object.keys(panels)) panels[type].hidden = type !== selected;
    for (const tab of document.querySelectorAll('.tab')) {
      const on = tab.id === `tab-${selected}`;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    for (const item of document.querySelectorAll('.item')) {
      const on = item.dataset.type === selected;
      item.dataset.selected = String(on);
      item.querySelector('.item-header').setAttribute('aria-expanded', String(on));
    }
  }

  function select(type) {
    if (selected === type) return;
    selected = type;
    showSelection();
    emitChange();
  }

  /** Arrow keys move between tabs, as in any tab list. */
  function moveTab(event, type) {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const next = types[(types.indexOf(type) + step + types.length) % types.length];
    select(next);
    $(`tab-${next}`).focus();
  }

  // ---------------------------------------------------------------------------------------
  // Appearance and size

  function applyAppearance(appearance) {
    const a = appearance || {};
    const theme = THEMES[a.theme] ? a.theme : 'stripe';
    root.dataset.theme = theme;
    const variables = Object.assign({}, THEMES[theme], a.variables);
    for (const name of VARIABLES) {
      let value = variables[name];
      if (typeof value === 'number') value = `${value}px`;
      if (typeof value === 'string' && value) root.style.setProperty(`--${name}`, value);
      else root.style.removeProperty(`--${name}`);
    }
  }

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
  }

  function showFailure(message) {
    $('failure').textContent = message || '';
  }

  function configure(next) {
    const first = !config;
    config = next || {};
    applyAppearance(config.appearance);
    if (first) applyDefaults(config.defaultValues);
    showPostal();
    showTerms();
    render(first);
    // The state the form starts in is not a change.
    if (first) lastChange = JSON.stringify(changeMessage());
    reportHeight();
  }

  // ---------------------------------------------------------------------------------------
  // Talking to Tender: the card data leaves this frame only in these requests.

  function formEncode(value, prefix, out) {
    out = out || new URLSearchParams();
    if (value === undefined || value === null) return out;
    if (Array.isArray(value)) {
      value.forEach((item, i) => formEncode(item, `${prefix}[${i}]`, out));
    } else if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) formEncode(item, prefix ? `${prefix}[${key}]` : key, out);
    } else {
      out.append(prefix, String(value));
    }
    return out;
  }

  async function post(path, params) {
    let response;
    try {
      response = await fetch(API_BASE + path, { method: 'POST', body: formEncode(params), credentials: 'omit' });
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
    } catch (e) { /* reported below */ }
    if (response.ok && body) return { object: body };
    return {
      error: (body && body.error) ||
        { type: 'api_error', message: `Unexpected answer from the server (HTTP ${response.status}).` },
    };
  }

  /** `payment_method_data` for what the customer entered, merged with the merchant's. */
  function paymentMethodData(merchant) {
    const given = Object.assign({}, merchant);
    const billing = Object.assign({}, given.billing_details);
    if (selected === 'ideal') {
      billing.name = fields.name.input.value.trim() || billing.name;
      return Object.assign(given, {
        type: 'ideal', ideal: { bank: fields.bank.input.value }, billing_details: billing,
        payment_user_agent: USER_AGENT,
      });
    }
    const address = Object.assign({}, billing.address, { country: fields.country.input.value });
    if (fields.postal.active()) address.postal_code = fields.postal.input.value.trim();
    billing.address = address;
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
      payment_user_agent: USER_AGENT,
    });
  }

  const answer = (got, key) => (got.error ? { error: got.error } : { [key]: got.object });

  // One request with card data at a time: a second Pay click must not charge twice.
  let busy = false;
  async function exclusively(work) {
    if (busy) {
      return { error: { type: 'invalid_request_error', code: 'request_in_progress', message: 'A request with these payment details is already in progress.' } };
    }
    busy = true;
    try {
      return await work();
    } finally {
      busy = false;
    }
  }

  const CALLS = {
    async configure(args) {
      configure(args.config);
      return {};
    },
    async submit() {
      const error = validateAll();
      return error ? { error } : { selectedPaymentMethod: selected };
    },
    createConfirmationToken: ({ params, clientContext }) => exclusively(async () => {
      const error = validateAll();
      if (error) return { error };
      const p = params || {};
      const got = await post('/v1/confirmation_tokens', {
        key: config.key,
        payment_method_data: paymentMethodData(p.payment_method_data),
        return_url: p.return_url,
        shipping: p.shipping,
        setup_future_usage: p.setup_future_usage || (clientContext && clientContext.setup_future_usage),
        mandate_data: p.mandate_data,
        client_context: clientContext,
      });
      return answer(got, 'confirmationToken');
    }),
    createPaymentMethod: ({ params }) => exclusively(async () => {
      const error = validateAll();
      if (error) return { error };
      if (selected !== 'card') {
        return { error: { type: 'invalid_request_error', message: 'Only card payment methods can be created before confirmation.' } };
      }
      const got = await post('/v1/payment_methods', Object.assign({ key: config.key }, paymentMethodData(params)));
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
      const data = paymentMethodData(given.payment_method_data);
      delete given.payment_method_data;
      const path = kind === 'setup' ? '/v1/setup_intents' : '/v1/payment_intents';
      const got = await post(`${path}/${id}/confirm`, Object.assign(given, {
        key: config.key, client_secret: clientSecret, use_stripe_sdk: true, payment_method_data: data,
      }));
      return answer(got, 'intent');
    }),
  };

  // ---------------------------------------------------------------------------------------
  // Messages

  function send(message) {
    window.parent.postMessage(Object.assign({ channel: CHANNEL }, message), PARENT);
  }

  window.addEventListener('message', async (event) => {
    if (event.source !== window.parent || event.origin !== PARENT) return;
    const m = event.data;
    if (!m || m.channel !== CHANNEL) return;
    if (m.type === 'init') {
      configure(m.config);
      if (!ready) {
        ready = true;
        send({ type: 'ready' });
      }
    } else if (m.type === 'call') {
      let result;
      try {
        result = CALLS[m.method] ? await CALLS[m.method](m.args || {})
          : { error: { type: 'invalid_request_error', message: `Unknown call ${m.method}.` } };
      } catch (e) {
        result = { error: { type: 'api_error', message: 'The Payment Element failed unexpectedly.' } };
      }
      send({ type: 'result', id: m.id, result });
    } else if (m.type === 'focus') {
      const first = activeFields()[0];
      if (first) fields[first].input.focus();
    } else if (m.type === 'blur') {
      if (document.activeElement) document.activeElement.blur();
    } else if (m.type === 'clear') {
      for (const name of Object.keys(fields)) {
        if (name !== 'country') fields[name].input.value = '';
        showProblem(name, null);
      }
      showBrand();
      emitChange();
    } else if (m.type === 'failure') {
      showFailure(typeof m.message === 'string' ? m.message : '');
    } else if (m.type === 'collapse' && layout.type === 'accordion') {
      selected = null;
      showSelection();
      emitChange();
    }
  });

  // Focus and blur of the element as a whole, not of each field.
  document.addEventListener('focusin', (event) => {
    if (!event.relatedTarget) send({ type: 'focus' });
  });
  document.addEventListener('focusout', (event) => {
    if (!event.relatedTarget) send({ type: 'blur' });
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') send({ type: 'escape' });
  });
  $('form').addEventListener('submit', (event) => event.preventDefault());
  // New details answer the last failure: it no longer describes what is typed.
  document.addEventListener('input', () => showFailure(null));

  fillStaticOptions();
  wireFields();
  showBrand();
  new ResizeObserver(reportHeight).observe(document.body);
  send({ type: 'loaded' });
})();
