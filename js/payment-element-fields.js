/*
 * The Payment Element's fields (payment-element.html): the card's number, expiry, security
 * code, country and postal code, and iDEAL's name and bank — each with its check, its error
 * line, and the formatting and focus moves done as the customer types. A classic script
 * loaded after frame-common.js and payment-element-data.js, before payment-element.js, which
 * decides which fields are active and when the page hears of a change.
 */
'use strict';

/**
 * The fields, found in the page with `$`. `addressBilling()` says whether a billing Address
 * Element takes the address (the card fields then ask for no country or postal code).
 */
function paymentFields($, addressBilling) {
  // ---------------------------------------------------------------------------------------
  // Card number, expiry, security code, postal code: parsing, formatting, checking.

  function checkPostal() {
    const rule = POSTAL[fields.country.input.value];
    const value = fields.postal.input.value.trim();
    if (!rule || rule.pattern.test(value)) return null;
    if (value.length < rule.min) return problem('incomplete_zip', `Your ${rule.noun} is incomplete.`, true);
    return problem('invalid_zip', `Your ${rule.noun} is invalid.`);
  }

  // ---------------------------------------------------------------------------------------
  // Fields

  const checkNumber = () => numberProblem(fields.number.input.value);
  const checkExpiry = () => expiryProblem(fields.exp.input.value);
  const checkCvc = () => cvcProblem(fields.cvc.input.value, fields.number.input.value);

  const field = (inputId, errorId, check, active) => ({
    input: $(inputId), error: errorId ? $(errorId) : null, check, active: active || (() => true),
  });
  const fields = {
    number: field('cardnumber', 'cardnumber-error', checkNumber),
    exp: field('exp', 'exp-error', checkExpiry),
    cvc: field('cvc', 'cvc-error', checkCvc),
    country: field('country', null, () => null, () => !addressBilling()),
    postal: field('postal', 'postal-error', checkPostal,
      () => !addressBilling() && !!POSTAL[fields.country.input.value]),
    name: field('ideal-name', 'ideal-name-error', () => (fields.name.input.value.trim() ? null
      : problem('incomplete_name', 'Your full name is incomplete.', true))),
    bank: field('ideal-bank', 'ideal-bank-error', () => (fields.bank.input.value ? null
      : problem('incomplete_bank', 'Select your bank.', true))),
    sepaName: field('sepa-name', 'sepa-name-error', () => (fields.sepaName.input.value.trim() ? null
      : problem('incomplete_name', 'Your full name is incomplete.', true))),
    sepaEmail: field('sepa-email', 'sepa-email-error', () => {
      const value = fields.sepaEmail.input.value.trim();
      if (!value) return problem('incomplete_email', 'Your email address is incomplete.', true);
      return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value) ? null
        : problem('invalid_email', 'Your email address is invalid.');
    }),
    achName: field('ach-name', 'ach-name-error', () => (fields.achName.input.value.trim() ? null
      : problem('incomplete_name', 'Your full name is incomplete.', true))),
    routing: field('routing-number', 'routing-number-error', () => {
      const value = digitsOf(fields.routing.input.value);
      if (value.length < 9) return problem('incomplete_routing_number', 'Your routing number is incomplete.', true);
      return routingValid(value) ? null : problem('invalid_routing_number', 'Your routing number is invalid.');
    }),
    account: field('account-number', 'account-number-error', () => {
      const value = digitsOf(fields.account.input.value);
      return value.length >= 4 ? null
        : problem('incomplete_account_number', 'Your account number is incomplete.', true);
    }),
    iban: field('iban', 'iban-error', () => {
      const value = ibanOf(fields.iban.input.value);
      if (value.length < 15) return problem('incomplete_iban', 'Your IBAN is incomplete.', true);
      return ibanValid(value) ? null : problem('invalid_iban', 'Your IBAN is invalid.');
    }),
  };
  const FIELDS_OF = {
    card: ['number', 'exp', 'cvc', 'country', 'postal'],
    ideal: ['name', 'bank'],
    sepa_debit: ['sepaName', 'sepaEmail', 'iban'],
    us_bank_account: ['achName', 'routing', 'account'],
  };
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

  /** Formats, checks and moves on as the customer types; `onEdit` hears every edit. */
  function wireFields(onEdit) {
    const number = fields.number.input;
    number.addEventListener('input', () => {
      reformat(number, formatNumber(number.value));
      showBrand();
      liveCheck('number');
      const digits = digitsOf(number.value);
      if (digits.length === maxLength(brandOf(digits))) advance('number', 'exp');
      onEdit();
    });
    const exp = fields.exp.input;
    exp.addEventListener('input', (event) => {
      const deleting = (event.inputType || '').startsWith('delete');
      reformat(exp, formatExpiry(exp.value, deleting));
      liveCheck('exp');
      if (expiryDigits(exp.value).length === 4) advance('exp', 'cvc');
      onEdit();
    });
    const cvc = fields.cvc.input;
    cvc.addEventListener('input', () => {
      const max = brandOf(digitsOf(number.value)).cvc;
      reformat(cvc, digitsOf(cvc.value).slice(0, max));
      liveCheck('cvc');
      if (digitsOf(cvc.value).length === max && fields.postal.active()) advance('cvc', 'postal');
      onEdit();
    });
    const postal = fields.postal.input;
    postal.addEventListener('input', () => {
      if (fields.country.input.value !== 'US') reformat(postal, postal.value.toUpperCase());
      liveCheck('postal');
      onEdit();
    });
    fields.country.input.addEventListener('change', () => {
      showPostal();
      if (postal.value) liveCheck('postal');
      onEdit();
    });
    const iban = fields.iban.input;
    iban.addEventListener('input', () => {
      reformat(iban, ibanOf(iban.value).replace(/(.{4})(?=.)/g, '$1 '));
      // An IBAN's length depends on its country: only an invalid one shows while typing.
      if (ibanOf(iban.value).length >= 15) liveCheck('iban');
      else showProblem('iban', null);
      onEdit();
    });
    // Routing (9) and account (up to 17) numbers are digits only; an invalid routing number
    // shows once all nine are typed.
    for (const [name, max] of [['routing', 9], ['account', 17]]) {
      const input = fields[name].input;
      input.addEventListener('input', () => {
        reformat(input, digitsOf(input.value).slice(0, max));
        liveCheck(name);
        onEdit();
      });
    }
    for (const name of ['name', 'bank', 'sepaName', 'sepaEmail', 'achName']) {
      const input = fields[name].input;
      input.addEventListener(name === 'bank' ? 'change' : 'input', () => {
        liveCheck(name);
        onEdit();
      });
    }
    // Leaving a field with something in it shows what is wrong with it.
    for (const name of Object.keys(fields)) {
      fields[name].input.addEventListener('blur', () => {
        if (fields[name].input.value && fields[name].active()) showProblem(name, fields[name].check());
        onEdit();
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

  /** The IBAN typed, without spaces, upper case. */
  function ibanOf(value) {
    return value.replace(/\s+/g, '').toUpperCase();
  }

  return { ibanOf, fields, FIELDS_OF, showProblem, liveCheck, showBrand, showPostal, wireFields, fillStaticOptions };
}
