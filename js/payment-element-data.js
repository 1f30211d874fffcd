/*
 * The Payment Element's static data (payment-element.html): the countries and postal-code
 * rules of its card form, iDEAL's banks, its payment methods' labels, and the appearance
 * API's themes. A classic script loaded before payment-element.js.
 */
'use strict';

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
const METHODS = {
  card: { label: 'Card', icon: 'card' },
  ideal: { label: 'iDEAL', icon: 'ideal' },
  sepa_debit: { label: 'SEPA Debit', icon: 'bank' },
  us_bank_account: { label: 'US bank account', icon: 'bank' },
};

/** ISO 13616: letters as 10–35, the first four characters moved to the end, modulo 97 is 1. */
function ibanValid(iban) {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  let rest = 0;
  for (const ch of iban.slice(4) + iban.slice(0, 4)) {
    const value = parseInt(ch, 36);
    rest = (value >= 10 ? rest * 100 + value : rest * 10 + value) % 97;
  }
  return rest === 1;
}

/** Stripe's SEPA Direct Debit mandate, naming the business. */
function sepaMandate(name) {
  return `By providing your payment information and confirming this payment, you authorise ` +
    `(A) ${name} and Stripe, our payment service provider, to send instructions to your bank ` +
    'to debit your account and (B) your bank to debit your account in accordance with those ' +
    'instructions. As part of your rights, you are entitled to a refund from your bank under ' +
    'the terms and conditions of your agreement with your bank. A refund must be claimed ' +
    'within 8 weeks starting from the date on which your account was debited. Your rights ' +
    'are explained in a statement that you can obtain from your bank. You agree to receive ' +
    'notifications for future debits up to 2 days before they occur.';
}

/** An ABA routing number's checksum: 3, 7, 1 weights over its nine digits, a multiple of 10. */
function routingValid(digits) {
  if (!/^[0-9]{9}$/.test(digits)) return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  return [...digits].reduce((sum, d, i) => sum + weights[i] * Number(d), 0) % 10 === 0;
}

/**
 * Stripe's ACH Direct Debit authorization, naming the business. Tender takes the account's
 * numbers as typed (no Financial Connections, no microdeposits: decision 23).
 */
function achMandate(name) {
  return `By clicking Pay, you authorize ${name} to debit the bank account specified above ` +
    `for any amount owed for charges arising from your use of ${name}'s services and/or ` +
    `purchase of products from ${name}, pursuant to ${name}'s website and terms, until this ` +
    'authorization is revoked. You may amend or cancel this authorization at any time by ' +
    `providing notice to ${name} with 30 (thirty) days notice.`;
}

// Theme presets; `appearance.variables` override them.
const THEMES = {
  stripe: {},
  night: { colorPrimary: '#6b8cff', colorBackground: '#30313d', colorText: '#ffffff', colorDanger: '#fe87a1' },
  flat: { borderRadius: '4px', colorText: '#32325d' },
};
const VARIABLES = ['colorPrimary', 'colorBackground', 'colorText', 'colorDanger', 'colorTextSecondary',
  'colorTextPlaceholder', 'fontFamily', 'fontSizeBase', 'borderRadius', 'spacingUnit'];

/** `appearance.theme` and `appearance.variables` as CSS variables on `root`. */
function applyAppearance(root, appearance) {
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
