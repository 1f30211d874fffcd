// The "Create a subscription" tab of Stripe's "Finalize payments on the server" guide. The
// stored guide (fixtures/) is its "Accept a payment" tab; the subscription tab is the same page
// and client code with the changes Stripe's subscription guides make, as
// ../shared/reference/billing-spec.md §4 reconstructs them:
// - the client: `mode: 'subscription'` instead of `'payment'`, and the server endpoint
//   `/create-confirm-subscription` instead of `/create-confirm-intent`;
// - the server: create a Customer, a Subscription for the price (`default_incomplete`,
//   `save_default_payment_method: 'on_subscription'`, the first invoice's `payments` and
//   `confirmation_secret` expanded), then confirm the first invoice's PaymentIntent
//   (`latest_invoice.payments.data[0].payment.payment_intent`) with the ConfirmationToken and
//   answer its `client_secret` and `status`, as the payment tab does;
// - "Handle post-payment events": a webhook endpoint verified with
//   `stripe.webhooks.constructEvent` on the raw body, which provisions on `invoice.paid`.
// Everything else is the payment tab's code with lib/guide.js's changes (URLs, port, the
// `clientSecret` key the guide's client reads).
import { guidePage, guideServer, replaceOnce } from './guide.js';

export function subscriptionPage(tenderUrl) {
  let page = guidePage(tenderUrl);
  page = replaceOnce(page, "mode: 'payment'", "mode: 'subscription'");
  page = replaceOnce(page, '"/create-confirm-intent"', '"/create-confirm-subscription"');
  return page;
}

/** `priceId`: the Price the merchant sells, pasted in as the guide's `{{PRICE_ID}}`. */
export function subscriptionServer(tender, priceId) {
  let server = guideServer(tender);
  const start = server.indexOf("app.post('/create-confirm-intent'");
  const end = server.indexOf('app.listen(');
  if (start < 0 || end < start) throw new Error('guide: the server\'s route was not found');
  const route = `app.post('/create-confirm-subscription', async (req, res) => {
 try {
 const customer = await stripe.customers.create();
 const subscription = await stripe.subscriptions.create({
 customer: customer.id,
 items: [{ price: '${priceId}' }],
 payment_behavior: 'default_incomplete',
 payment_settings: { save_default_payment_method: 'on_subscription' },
 expand: ['latest_invoice.confirmation_secret', 'latest_invoice.payments'],
 });
 // Get the PaymentIntent ID that you must use to confirm a payment from latest_invoice.payments
 const paymentIntentId = subscription.latest_invoice.payments.data[0].payment.payment_intent;
 const intent = await stripe.paymentIntents.confirm(paymentIntentId, {
 confirmation_token: req.body.confirmationTokenId, // the ConfirmationToken ID sent by your client
 });
 res.json({
 clientSecret: intent.client_secret,
 status: intent.status
 });
 } catch (err) {
 res.json({
 error: err
 })
 }
});

`;
  server = server.slice(0, start) + route + server.slice(end);
  // Before express.json(): the signature covers the raw body.
  const webhook = `const endpointSecret = process.env.STRIPE_WEBHOOK_SECRET;
const received = [];
app.post('/webhook', express.raw({type: 'application/json'}), (request, response) => {
 let event;
 try {
 event = stripe.webhooks.constructEvent(request.body, request.headers['stripe-signature'], endpointSecret);
 } catch (err) {
 response.status(400).send(\`Webhook Error: \${err.message}\`);
 return;
 }
 switch (event.type) {
 case 'invoice.paid':
 // Continue to provision the subscription as payments continue to be made.
 received.push({type: event.type, invoice: event.data.object.id,
 subscription: event.data.object.parent?.subscription_details?.subscription});
 break;
 case 'invoice.payment_failed':
 received.push({type: event.type, invoice: event.data.object.id,
 subscription: event.data.object.parent?.subscription_details?.subscription});
 break;
 default:
 // Unexpected event type
 }
 response.send();
});
// For the test only: what the endpoint provisioned.
app.get('/received', (request, response) => response.json(received));

`;
  return replaceOnce(server, 'app.use(express.json());', `${webhook}app.use(express.json());`);
}
