// Type declarations for Tender's browser SDK (served at /v3/stripe.d.ts): the part of
// Stripe.js that Tender implements (Elements with the Payment Element and the Card Element
// family, ConfirmationTokens, card confirmations, Tokens). Names and shapes follow @stripe/stripe-js, so code
// typed against Stripe's declarations type-checks against these for the supported surface.

export type Intent = 'payment' | 'setup';

/** An error as Stripe.js returns it; API errors keep every field the API sent. */
export interface StripeError {
  type:
    | 'validation_error'
    | 'card_error'
    | 'invalid_request_error'
    | 'api_error'
    | 'api_connection_error'
    | 'authentication_error'
    | 'idempotency_error'
    | 'rate_limit_error';
  code?: string;
  decline_code?: string;
  advice_code?: string;
  message?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: PaymentIntent;
  setup_intent?: SetupIntent;
  payment_method?: PaymentMethod;
  [field: string]: unknown;
}

/** API objects as a publishable key sees them; see Tender's API for every field. */
export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status:
    | 'requires_payment_method'
    | 'requires_confirmation'
    | 'requires_action'
    | 'processing'
    | 'requires_capture'
    | 'canceled'
    | 'succeeded';
  client_secret: string | null;
  payment_method: string | null;
  payment_method_types: string[];
  next_action: NextAction | null;
  last_payment_error: StripeError | null;
  [field: string]: unknown;
}

export interface SetupIntent {
  id: string;
  object: 'setup_intent';
  status: PaymentIntent['status'];
  client_secret: string | null;
  payment_method: string | null;
  payment_method_types: string[];
  usage: 'on_session' | 'off_session';
  next_action: NextAction | null;
  last_setup_error: StripeError | null;
  [field: string]: unknown;
}

export type NextAction =
  | { type: 'redirect_to_url'; redirect_to_url: { url: string; return_url: string | null } }
  | { type: 'use_stripe_sdk'; use_stripe_sdk: { type: string; stripe_js: string; source?: string } };

export interface BillingDetails {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  address?: Address | null;
}

export interface Address {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  state?: string | null;
  postal_code?: string | null;
  country?: string | null;
}

export interface PaymentMethod {
  id: string;
  object: 'payment_method';
  type: 'card' | 'ideal' | string;
  billing_details: BillingDetails;
  card?: { brand: string; last4: string; exp_month: number; exp_year: number; [field: string]: unknown };
  [field: string]: unknown;
}

/** A card Token (`tok_…`) from stripe.createToken: single use, redeemed on your server. */
export interface Token {
  id: string;
  object: 'token';
  type: 'card';
  card: {
    id: string;
    object: 'card';
    brand: string;
    last4: string;
    exp_month: number;
    exp_year: number;
    funding: string;
    country: string | null;
    name: string | null;
    address_zip: string | null;
    cvc_check: string | null;
    [field: string]: unknown;
  };
  client_ip: string | null;
  created: number;
  livemode: boolean;
  used: boolean;
}

export interface ConfirmationToken {
  id: string;
  object: 'confirmation_token';
  created: number;
  expires_at: number | null;
  livemode: boolean;
  payment_intent: string | null;
  setup_intent: string | null;
  payment_method_preview: Omit<PaymentMethod, 'id' | 'object'>;
  return_url: string | null;
  setup_future_usage: 'on_session' | 'off_session' | null;
  shipping: { name: string; address: Address; phone?: string | null } | null;
  use_stripe_sdk: boolean;
  [field: string]: unknown;
}

// ---------------------------------------------------------------------------------------
// Appearance

export interface Appearance {
  theme?: 'stripe' | 'night' | 'flat';
  /** CSS values; numbers are taken as pixels for sizes. */
  variables?: {
    colorPrimary?: string;
    colorBackground?: string;
    colorText?: string;
    colorDanger?: string;
    colorTextSecondary?: string;
    colorTextPlaceholder?: string;
    /** A font available on the customer's device (web fonts are not loaded). */
    fontFamily?: string;
    fontSizeBase?: string;
    borderRadius?: string | number;
    spacingUnit?: string | number;
  };
}

// ---------------------------------------------------------------------------------------
// Elements

interface ElementsOptionsBase {
  appearance?: Appearance;
  /** Accepted for compatibility; Tender's element is in English. */
  locale?: string;
  loader?: 'auto' | 'always' | 'never';
  fonts?: unknown[];
  /**
   * A CustomerSession's `client_secret` (`POST /v1/customer_sessions`, made by your server):
   * the Payment Element lists that customer's saved cards and offers to save or remove them,
   * as the session's `components.payment_element.features` allow.
   */
  customerSessionClientSecret?: string;
  customer_session_client_secret?: string;
}

/**
 * Deferred mode: collect payment details before the intent exists. `subscription` collects
 * like `payment` (the first invoice's amount) and implies `setupFutureUsage: 'off_session'`.
 */
export interface ElementsOptionsMode extends ElementsOptionsBase {
  mode: 'payment' | 'setup' | 'subscription';
  /** Required in `payment` and `subscription` modes, in the currency's smallest unit. */
  amount?: number;
  currency?: string;
  setupFutureUsage?: 'off_session' | 'on_session' | null;
  setup_future_usage?: 'off_session' | 'on_session' | null;
  captureMethod?: 'automatic' | 'automatic_async' | 'manual';
  capture_method?: 'automatic' | 'automatic_async' | 'manual';
  /** `card`, and `ideal` for EUR payments; by default what the amount and currency allow. */
  paymentMethodTypes?: string[];
  payment_method_types?: string[];
  /** Needed for stripe.createPaymentMethod. */
  paymentMethodCreation?: 'manual';
}

/** Intent-first mode: the intent says what to collect. */
export interface ElementsOptionsClientSecret extends ElementsOptionsBase {
  clientSecret: string;
}

/** Only Card Elements: neither a mode nor a client secret is needed. */
export type ElementsOptionsCardOnly = ElementsOptionsBase;

export type ElementsOptions = ElementsOptionsMode | ElementsOptionsClientSecret | ElementsOptionsCardOnly;

export interface ElementsUpdateOptions {
  mode?: 'payment' | 'setup' | 'subscription';
  amount?: number;
  currency?: string;
  setupFutureUsage?: 'off_session' | 'on_session' | null;
  captureMethod?: 'automatic' | 'automatic_async' | 'manual';
  paymentMethodTypes?: string[];
  appearance?: Appearance;
}

export interface PaymentElementOptions {
  layout?:
    | 'tabs'
    | 'accordion'
    | 'auto'
    | {
        type: 'tabs' | 'accordion' | 'auto';
        defaultCollapsed?: boolean;
        radios?: boolean;
        spacedAccordionItems?: boolean;
      };
  defaultValues?: {
    billingDetails?: { name?: string; address?: { country?: string; postal_code?: string } };
  };
  /** Named in the consent text shown when a card is saved for later payments. */
  business?: { name: string };
  /** `auto` (default) shows the consent text when a card is saved for later payments. */
  terms?: { card?: 'auto' | 'always' | 'never' };
}

export interface PaymentElementChangeEvent {
  elementType: 'payment';
  empty: boolean;
  complete: boolean;
  collapsed: boolean;
  /** `payment_method` is set when a saved card (CustomerSession) is chosen. */
  value: { type: string | undefined; payment_method?: SavedPaymentMethod };
}

/** A saved card as the Payment Element shows it: nothing but what recognises it. */
export interface SavedPaymentMethod {
  id: string;
  object: 'payment_method';
  type: 'card';
  allow_redisplay: 'always' | 'limited' | 'unspecified';
  created: number;
  card: { brand: string; display_brand: string; last4: string; exp_month: number; exp_year: number };
}

export interface PaymentElement {
  mount(domElement: string | HTMLElement): void;
  unmount(): void;
  destroy(): void;
  update(options: Partial<PaymentElementOptions>): PaymentElement;
  focus(): PaymentElement;
  blur(): PaymentElement;
  clear(): PaymentElement;
  collapse(): PaymentElement;
  on(event: 'change', handler: (event: PaymentElementChangeEvent) => void): PaymentElement;
  on(event: 'ready' | 'focus' | 'blur' | 'escape' | 'loaderstart', handler: (event: { elementType: 'payment' }) => void): PaymentElement;
  on(event: 'loaderror', handler: (event: { elementType: 'payment'; error: StripeError }) => void): PaymentElement;
  once(event: string, handler: (event: any) => void): PaymentElement;
  off(event: string, handler?: (event: any) => void): PaymentElement;
}

// ---------------------------------------------------------------------------------------
// The Card Element family

export type CardElementType = 'card' | 'cardNumber' | 'cardExpiry' | 'cardCvc';

/** Stripe's `style` option: the states Tender styles, and the properties it applies. */
export interface CardElementStyle {
  base?: {
    color?: string;
    fontFamily?: string;
    fontSize?: string;
    iconColor?: string;
    '::placeholder'?: { color?: string };
  };
  invalid?: { color?: string };
}

export interface CardElementOptions {
  style?: CardElementStyle;
  /** `card` only: the postal code field's starting value. */
  value?: { postalCode?: string };
  /** `card` only. */
  hidePostalCode?: boolean;
  /** `card` only. */
  hideIcon?: boolean;
  /** `cardNumber` only. */
  showIcon?: boolean;
  /** Accepted; Tender draws one icon style. */
  iconStyle?: 'default' | 'solid';
  /** Split Elements only. */
  placeholder?: string;
  disabled?: boolean;
}

export interface CardElementChangeEvent {
  elementType: CardElementType;
  empty: boolean;
  complete: boolean;
  error: { type: 'validation_error'; code: string; message: string } | undefined;
  /** `card` and `cardNumber`: visa, mastercard, amex, discover, diners, jcb, unionpay, unknown. */
  brand?: string;
  /** `card` only. */
  value?: { postalCode: string };
}

export interface CardElement {
  mount(domElement: string | HTMLElement): void;
  unmount(): void;
  destroy(): void;
  update(options: Partial<CardElementOptions>): CardElement;
  focus(): CardElement;
  blur(): CardElement;
  clear(): CardElement;
  on(event: 'change', handler: (event: CardElementChangeEvent) => void): CardElement;
  on(event: 'ready' | 'focus' | 'blur' | 'escape' | 'loaderstart', handler: (event: { elementType: CardElementType }) => void): CardElement;
  once(event: string, handler: (event: any) => void): CardElement;
  off(event: string, handler?: (event: any) => void): CardElement;
}

/** The card data an intent confirmation or a PaymentMethod takes from a Card Element. */
export interface CardPaymentMethodData {
  card: CardElement | { token: string };
  billing_details?: BillingDetails;
  metadata?: Record<string, string>;
}

export interface ConfirmCardData {
  /** A Card Element (with billing details), a Token, or an existing PaymentMethod's id. */
  payment_method?: string | CardPaymentMethodData;
  return_url?: string;
  shipping?: { name: string; address: Address; phone?: string | null };
  receipt_email?: string;
  setup_future_usage?: 'off_session' | 'on_session' | null;
  [param: string]: unknown;
}

export interface CreateTokenCardData {
  name?: string;
  address_line1?: string;
  address_line2?: string;
  address_city?: string;
  address_state?: string;
  address_zip?: string;
  address_country?: string;
  currency?: string;
}

// ---------------------------------------------------------------------------------------
// The Address Element

export interface AddressElementOptions {
  mode: 'shipping' | 'billing';
  /** `ISO 3166-1 alpha-2` codes; the select offers only these. */
  allowedCountries?: string[];
  /** Accepted and ignored: Tender offers no address autocomplete (it needs a network service). */
  autocomplete?: { mode: 'automatic' | 'disabled' | 'google_maps_api'; apiKey?: string };
  defaultValues?: {
    name?: string | null;
    firstName?: string | null;
    lastName?: string | null;
    phone?: string | null;
    address?: Partial<Address> & { country: string };
  };
  /** `phone: 'always'` shows a phone field (hidden otherwise). */
  fields?: { phone?: 'always' | 'never' | 'auto' };
  /** `phone.required: 'always'` makes the phone field required. */
  validation?: { phone?: { required: 'always' | 'never' | 'auto' } };
  display?: { name?: 'full' | 'split' | 'organization' };
}

export interface AddressElementValue {
  name: string;
  firstName?: string;
  lastName?: string;
  phone?: string | null;
  address: {
    line1: string | null;
    line2: string | null;
    city: string | null;
    state: string | null;
    postal_code: string | null;
    country: string;
  };
}

export interface AddressElementChangeEvent {
  elementType: 'address';
  elementMode: 'shipping' | 'billing';
  empty: boolean;
  complete: boolean;
  isNewAddress: boolean;
  value: AddressElementValue;
}

export interface AddressElement {
  mount(target: string | HTMLElement): AddressElement;
  unmount(): void;
  destroy(): void;
  update(options: Partial<Omit<AddressElementOptions, 'mode'>>): AddressElement;
  focus(): AddressElement;
  blur(): AddressElement;
  clear(): AddressElement;
  /** Validates (showing the errors in the iframe) and reads the address. */
  getValue(): Promise<{ complete: boolean; isNewAddress: boolean; value: AddressElementValue }>;
  on(event: 'change', handler: (event: AddressElementChangeEvent) => void): AddressElement;
  on(event: 'ready' | 'focus' | 'blur' | 'escape' | 'loaderstart', handler: (event: { elementType: 'address' }) => void): AddressElement;
  once(event: string, handler: (event: any) => void): AddressElement;
  off(event: string, handler?: (event: any) => void): AddressElement;
}

export interface StripeElements {
  create(type: 'payment', options?: PaymentElementOptions): PaymentElement;
  create(type: CardElementType, options?: CardElementOptions): CardElement;
  /** Billing mode: the address is the payment method's billing details; shipping mode: the `shipping`. */
  create(type: 'address', options: AddressElementOptions): AddressElement;
  getElement(type: 'payment'): PaymentElement | null;
  getElement(type: 'address'): AddressElement | null;
  getElement(type: CardElementType): CardElement | null;
  update(options: ElementsUpdateOptions): Promise<void>;
  fetchUpdates(): Promise<{ error?: StripeError }>;
  /** Validates the Payment Element and the Address Element; `selectedPaymentMethod` is absent without a Payment Element. */
  submit(): Promise<{ error: StripeError; selectedPaymentMethod?: undefined } | { error?: undefined; selectedPaymentMethod?: string }>;
}

// ---------------------------------------------------------------------------------------
// Stripe

export interface ConfirmParams {
  return_url?: string;
  payment_method?: string;
  payment_method_data?: { billing_details?: BillingDetails; metadata?: Record<string, string>; allow_redisplay?: string };
  shipping?: { name: string; address: Address; phone?: string | null };
  receipt_email?: string;
  setup_future_usage?: 'off_session' | 'on_session' | null;
  [param: string]: unknown;
}

type Result<K extends string, T> = ({ [key in K]: T } & { error?: undefined }) | ({ [key in K]?: undefined } & { error: StripeError });

export interface Stripe {
  elements(options?: ElementsOptions): StripeElements;
  createConfirmationToken(options: {
    elements: StripeElements;
    params?: {
      payment_method_data?: { billing_details?: BillingDetails; metadata?: Record<string, string>; allow_redisplay?: string };
      shipping?: { name: string; address: Address; phone?: string | null };
      return_url?: string;
      setup_future_usage?: 'off_session' | 'on_session';
    };
  }): Promise<Result<'confirmationToken', ConfirmationToken>>;
  createPaymentMethod(options: {
    elements: StripeElements;
    params?: { billing_details?: BillingDetails; metadata?: Record<string, string>; allow_redisplay?: string };
  }): Promise<Result<'paymentMethod', PaymentMethod>>;
  createPaymentMethod(options: {
    type: 'card';
    card: CardElement;
    billing_details?: BillingDetails;
    metadata?: Record<string, string>;
  }): Promise<Result<'paymentMethod', PaymentMethod>>;
  /** The older signature. */
  createPaymentMethod(
    type: 'card',
    card: CardElement,
    data?: { billing_details?: BillingDetails; metadata?: Record<string, string> },
  ): Promise<Result<'paymentMethod', PaymentMethod>>;
  confirmCardPayment(
    clientSecret: string,
    data?: ConfirmCardData,
    options?: { handleActions?: boolean },
  ): Promise<Result<'paymentIntent', PaymentIntent>>;
  confirmCardSetup(
    clientSecret: string,
    data?: ConfirmCardData,
    options?: { handleActions?: boolean },
  ): Promise<Result<'setupIntent', SetupIntent>>;
  createToken(card: CardElement, data?: CreateTokenCardData): Promise<Result<'token', Token>>;
  /** Names the library or plugin using the SDK; sent in `payment_user_agent`. */
  registerAppInfo(info: { name: string; version?: string; url?: string; partner_id?: string }): void;
  confirmPayment(options: {
    elements?: StripeElements;
    clientSecret?: string;
    confirmParams?: ConfirmParams;
    redirect?: 'always';
  }): Promise<{ error: StripeError }>;
  confirmPayment(options: {
    elements?: StripeElements;
    clientSecret?: string;
    confirmParams?: ConfirmParams;
    redirect: 'if_required';
  }): Promise<Result<'paymentIntent', PaymentIntent>>;
  confirmSetup(options: {
    elements?: StripeElements;
    clientSecret?: string;
    confirmParams?: ConfirmParams;
    redirect?: 'always';
  }): Promise<{ error: StripeError }>;
  confirmSetup(options: {
    elements?: StripeElements;
    clientSecret?: string;
    confirmParams?: ConfirmParams;
    redirect: 'if_required';
  }): Promise<Result<'setupIntent', SetupIntent>>;
  handleNextAction(options: { clientSecret: string }): Promise<
    | { paymentIntent: PaymentIntent; setupIntent?: undefined; error?: undefined }
    | { setupIntent: SetupIntent; paymentIntent?: undefined; error?: undefined }
    | { error: StripeError; paymentIntent?: undefined; setupIntent?: undefined }
  >;
  handleCardAction(clientSecret: string): Promise<Result<'paymentIntent', PaymentIntent>>;
  retrievePaymentIntent(clientSecret: string): Promise<Result<'paymentIntent', PaymentIntent>>;
  retrieveSetupIntent(clientSecret: string): Promise<Result<'setupIntent', SetupIntent>>;
}

export interface StripeConstructorOptions {
  /** Accepted for compatibility. */
  locale?: string;
  apiVersion?: string;
  stripeAccount?: string;
  betas?: string[];
}

export interface StripeConstructor {
  (publishableKey: string, options?: StripeConstructorOptions): Stripe;
  new (publishableKey: string, options?: StripeConstructorOptions): Stripe;
  /** The Stripe.js release train whose API the SDK follows (`'endive'`), as loadStripe checks. */
  readonly version: string;
}

declare global {
  interface Window {
    Stripe?: StripeConstructor;
  }
  const Stripe: StripeConstructor;
}
