// Shared setup for the stripe-node conformance suite.
//
// The suite drives a running Tender server through the unmodified official SDK;
// only host/port/protocol change. Configuration comes from the environment:
//   TENDER_BASE_URL          e.g. http://127.0.0.1:12111 (required)
//   TENDER_SECRET_KEY        secret key of the default account (required)
//   TENDER_PUBLISHABLE_KEY   publishable key of the same account (required)
//   TENDER_SECRET_KEY_2      secret key of a second account (isolation tests are
//                            skipped when it is not set)
import assert from 'node:assert/strict';
import {randomUUID} from 'node:crypto';
import Stripe from 'stripe';

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set; run through scripts/test or export it (see tests/sdk/node/test/helpers.js)`,
    );
  }
  return value;
}

const base = new URL(env('TENDER_BASE_URL'));

export const SECRET_KEY = env('TENDER_SECRET_KEY');
export const PUBLISHABLE_KEY = env('TENDER_PUBLISHABLE_KEY');
export const SECRET_KEY_2 = process.env.TENDER_SECRET_KEY_2 || null;
export const BASE_URL = base.origin;

/** The official client, pointed at Tender with host/port/protocol and nothing else. */
export function makeClient(key) {
  return new Stripe(key, {
    host: base.hostname,
    port: base.port || '80',
    protocol: base.protocol.replace(':', ''),
  });
}

export const stripe = makeClient(SECRET_KEY);
export const stripePk = makeClient(PUBLISHABLE_KEY);
export const stripe2 = SECRET_KEY_2 ? makeClient(SECRET_KEY_2) : null;
export {Stripe};

export const CARD_VISA = {number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123'};
export const CARD_MASTERCARD = {number: '5555555555554444', exp_month: 8, exp_year: 2035, cvc: '314'};

export const CUSTOMER_ID = /^cus_[A-Za-z0-9]+$/;
export const PAYMENT_METHOD_ID = /^pm_[A-Za-z0-9]+$/;
export const REQUEST_ID = /^req_[A-Za-z0-9]+$/;

export function uniqueEmail(tag = 'node') {
  return `${tag}-${randomUUID().replaceAll('-', '').slice(0, 16)}@example.com`;
}

export function newCustomer(params = {}) {
  return stripe.customers.create({email: uniqueEmail(), name: 'Fixture Customer', ...params});
}

export function newCardPm(card = CARD_VISA) {
  return stripePk.paymentMethods.create({type: 'card', card: {...card}});
}

export function assertRecent(created) {
  assert.equal(typeof created, 'number');
  assert.ok(Number.isInteger(created), `created ${created} is not an integer`);
  assert.ok(Math.abs(created - Math.floor(Date.now() / 1000)) <= 300, `created ${created} not recent`);
}

/**
 * Awaits `promise`, expects it to reject with an error of class `cls`
 * (e.g. Stripe.errors.StripeInvalidRequestError), then checks each key in `expected`
 * against the error's property of the same name. Returns the error.
 */
export async function expectError(promise, cls, expected = {}) {
  let caught = null;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, `expected ${cls.name}, but the call succeeded`);
  assert.ok(
    caught instanceof cls,
    `expected ${cls.name}, got ${caught && caught.constructor && caught.constructor.name}: ${caught && caught.message} (status ${caught && caught.statusCode})`,
  );
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(caught[key], value, `error.${key}`);
  }
  return caught;
}
