/*
 * What the iframes on Tender's origin share (payment-element.html, card-element.html): the
 * check that a frame talks only to the page that framed it, the messages between them, and
 * the card rules (brands, formatting, the checks and their messages). Tender's API is in
 * api.js, loaded after this (it uses `API_BASE`). Classic scripts: their declarations are
 * visible to the frame's own script, loaded last, and to nothing outside the frame.
 */
'use strict';

/**
 * The merchant origin this frame may talk to: the one named in its URL, which must also be
 * the page that framed it; null when it is not framed, or is framed by another origin
 * (a page may not borrow a frame by claiming someone else's origin).
 */
function framingOrigin() {
  const named = new URLSearchParams(location.search).get('origin');
  const ancestors = location.ancestorOrigins;
  if (window.parent === window || !named || named === 'null' ||
      (ancestors && ancestors.length > 0 && ancestors[0] !== named)) {
    return null;
  }
  return named;
}

const API_BASE = location.origin + location.pathname.replace(/\/v3\/[^/]*$/, '');

/** Posts to the page that framed this frame (`parent`, and only it), on `channel`. */
function sender(channel, parent) {
  return (message) => window.parent.postMessage(Object.assign({ channel }, message), parent);
}

/**
 * Answers the page that framed this frame on `channel`: `init` configures (the first makes
 * the frame `ready`); `call` runs `calls[method]` and answers with its result (`name` words an
 * unexpected failure), each call carrying the SDK's current `userAgent` for `onUserAgent`;
 * `focus` and `blur` move the focus; the rest goes to `other`. Reports focus, blur and Escape
 * of the frame as a whole, then says it has loaded: call it once the fields are wired.
 */
function serveFrame({ channel, parent, send, name, configure, calls, focus, onUserAgent, other }) {
  let ready = false;
  window.addEventListener('message', async (event) => {
    if (event.source !== window.parent || event.origin !== parent) return;
    const m = event.data;
    if (!m || m.channel !== channel) return;
    if (m.type === 'init') {
      configure(m.config);
      if (!ready) {
        ready = true;
        send({ type: 'ready' });
      }
    } else if (m.type === 'call') {
      if (m.args && typeof m.args.userAgent === 'string') onUserAgent(m.args.userAgent);
      let result;
      try {
        result = calls[m.method] ? await calls[m.method](m.args || {})
          : { error: { type: 'invalid_request_error', message: `Unknown call ${m.method}.` } };
      } catch (e) {
        result = { error: { type: 'api_error', message: `The ${name} failed unexpectedly.` } };
      }
      send({ type: 'result', id: m.id, result });
    } else if (m.type === 'focus') {
      focus();
    } else if (m.type === 'blur') {
      if (document.activeElement) document.activeElement.blur();
    } else {
      other(m);
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
  document.getElementById('form').addEventListener('submit', (event) => event.preventDefault());
  send({ type: 'loaded' });
}

// ---------------------------------------------------------------------------------------
// Talking to Tender (api.js, loaded next): card data leaves a frame only in those requests.

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


// ---------------------------------------------------------------------------------------
// Cards: icons, brands, formatting, checks.

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
  bank: '<svg viewBox="0 0 24 16" fill="none"><path d="M3 6.5L12 2l9 4.5H3z" stroke="currentColor" stroke-width="1.3" stroke-linejoin="round"/><path d="M5.5 7.5v5m4.3-5v5m4.4-5v5m4.3-5v5M3 14h18" stroke="currentColor" stroke-width="1.3" stroke-linecap="round"/></svg>',
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

/** What is wrong with a card number as typed, or null. */
function numberProblem(text) {
  const digits = digitsOf(text);
  const brand = brandOf(digits);
  if (brand.lengths.includes(digits.length) && luhn(digits)) return null;
  if (digits.length < maxLength(brand)) {
    return problem('incomplete_number', 'Your card number is incomplete.', true);
  }
  return problem('invalid_number', 'Your card number is invalid.');
}

/** What is wrong with an expiry as typed (MM / YY), or null. */
function expiryProblem(text) {
  const d = expiryDigits(text);
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

/** What is wrong with a security code, given the card number it goes with, or null. */
function cvcProblem(text, numberText) {
  const needed = brandOf(digitsOf(numberText || '')).cvc;
  if (digitsOf(text).length < needed) {
    return problem('incomplete_cvc', "Your card's security code is incomplete.", true);
  }
  return null;
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

