// ---------------------------------------------------------------------------------------
// The global: last, once everything it uses is defined.

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
// The release train of the Stripe.js whose API Tender's SDK follows: `loadStripe` from
// @stripe/stripe-js 10.x compares it with the train it was built for ('endive') and warns
// on every page when they differ. Stripe's v3 script reported the number 3.
Stripe.version = 'endive';
Stripe.tender = true;
window.Stripe = Stripe;
