// Merchant code typed against js/stripe.d.ts (checked by test/types.test.js with tsc --strict):
// the Payment Element's guide flow, the Card Element family, tokens, subscription mode and
// the Address Element, saved cards (a CustomerSession).
import type {
  AddressElementChangeEvent, CardElementChangeEvent, PaymentElementChangeEvent, StripeConstructor,
} from '../../../js/stripe.js';

declare const Stripe: StripeConstructor;

export async function guide(): Promise<string | undefined> {
  const stripe = Stripe('pk_test_x');
  const version: string = Stripe.version;
  stripe.registerAppInfo({ name: 'my-plugin', version: '1.0.0' });
  const elements = stripe.elements({ mode: 'subscription', amount: 1500, currency: 'eur' });
  elements.create('payment', { layout: 'accordion' }).mount('#payment-element');
  await elements.update({ amount: 3000 });
  const { error: submitError } = await elements.submit();
  if (submitError) return submitError.message;
  const { error, confirmationToken } = await stripe.createConfirmationToken({ elements });
  if (error) return error.message;
  return confirmationToken.id + version;
}

export async function cardElement(clientSecret: string): Promise<string> {
  const stripe = Stripe('pk_test_x');
  const elements = stripe.elements();
  const card = elements.create('card', { hidePostalCode: false, style: { base: { color: '#32325d' } } });
  card.mount('#card-element');
  card.on('change', (event: CardElementChangeEvent) => {
    if (event.error) console.log(event.error.message, event.brand, event.complete);
  });
  card.update({ hidePostalCode: true });
  const { token, error: tokenError } = await stripe.createToken(card, { name: 'Jenny Rosen' });
  if (tokenError) return tokenError.message ?? '';
  const used: boolean = token.used;
  const paid = await stripe.confirmCardPayment(clientSecret, {
    payment_method: { card, billing_details: { name: 'Jenny Rosen' } },
  }, { handleActions: true });
  if (paid.error) return paid.error.code ?? '';
  const withToken = await stripe.confirmCardPayment(clientSecret, { payment_method: { card: { token: token.id } } });
  const made = await stripe.createPaymentMethod({ type: 'card', card });
  const older = await stripe.createPaymentMethod('card', card, { billing_details: { email: 'a@b.c' } });
  const saved = await stripe.confirmCardSetup('seti_1_secret_x', { payment_method: 'pm_1' });
  const number = elements.create('cardNumber', { showIcon: true });
  elements.getElement('cardExpiry')?.clear();
  const acted = await stripe.handleCardAction(clientSecret);
  return [paid.paymentIntent.status, withToken.paymentIntent?.id, made.paymentMethod?.id,
    older.paymentMethod?.card?.last4, saved.setupIntent?.status, acted.paymentIntent?.status,
    String(used), typeof number.mount].join(' ');
}

export async function addressElement(): Promise<string> {
  const stripe = Stripe('pk_test_x');
  const elements = stripe.elements({ mode: 'payment', amount: 1099, currency: 'usd' });
  const address = elements.create('address', {
    mode: 'shipping', allowedCountries: ['US', 'GB'], fields: { phone: 'always' },
    validation: { phone: { required: 'always' } }, display: { name: 'split' },
    defaultValues: { name: 'Jenny Rosen', address: { country: 'US', postal_code: '94107' } },
  });
  address.mount('#address-element');
  address.on('change', (event: AddressElementChangeEvent) => {
    if (event.complete) console.log(event.elementMode, event.value.address.postal_code);
  });
  const { complete, value } = await address.getValue();
  elements.getElement('address')?.clear();
  const { error } = await elements.submit();
  return [complete, value.name, value.address.country, error?.message].join(' ');
}

export function savedCards(customerSessionClientSecret: string): void {
  const stripe = Stripe('pk_test_x');
  const elements = stripe.elements({ mode: 'payment', amount: 1099, currency: 'usd', customerSessionClientSecret });
  const payment = elements.create('payment');
  payment.mount('#payment-element');
  payment.on('change', (event: PaymentElementChangeEvent) => {
    const saved = event.value.payment_method;
    if (saved) console.log(saved.id, saved.card.brand, saved.card.last4, saved.card.exp_month);
  });
}
