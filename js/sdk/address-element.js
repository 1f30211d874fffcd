// ---------------------------------------------------------------------------------------
// The Address Element: a name and a postal address (and optionally a phone number), in its
// own iframe on Tender's origin (address-element.html), with the fields of the chosen
// country. In `billing` mode the address becomes the payment method's billing details, in
// `shipping` mode the ConfirmationToken's (or PaymentIntent's) shipping: the SDK reads the
// value from this iframe and hands it to the Payment Element's iframe, which makes the request.
// Address autocomplete needs a network service; `autocomplete` is accepted and ignored.

class AddressElement extends FrameElement {
  constructor(elements, type, options) {
    super(elements, type, options);
    if (options.mode !== 'shipping' && options.mode !== 'billing') {
      throw new IntegrationError("elements.create('address'): mode should be 'shipping' or " +
        `'billing'. You specified: ${options.mode}.`);
    }
    if (options.allowedCountries !== undefined && !Array.isArray(options.allowedCountries)) {
      throw new IntegrationError("elements.create('address'): allowedCountries should be an " +
        'array of two-letter country codes.');
    }
  }

  get _frameKind() { return 'address'; }

  /** The mode cannot change once created, as on Stripe. */
  update(options) {
    const next = Object.assign({}, options);
    delete next.mode;
    return super.update(next);
  }

  _frameConfig() {
    const o = this._options;
    return {
      mode: o.mode,
      defaultValues: o.defaultValues,
      fields: o.fields,
      validation: o.validation,
      allowedCountries: o.allowedCountries,
      display: o.display,
      appearance: this._elements._config.appearance,
    };
  }

  /** `{complete, isNewAddress, value}`; incomplete fields show their errors. */
  async getValue() {
    if (!this._frame) {
      throw new IntegrationError('getValue(): the Address Element must be mounted first.');
    }
    return this._call('getValue', {});
  }
}

/**
 * The Elements group's mounted Address Element's contribution to a request made with the
 * Payment Element: `{error}` when it is incomplete, otherwise `{billing}` or `{shipping}` in
 * the API's shape (or nothing without an Address Element).
 */
async function addressParams(elements) {
  const element = elements._created.address;
  if (!element || !element._frame) return {};
  const got = await element._call('submit', {});
  if (got.error) return { error: got.error };
  const v = got.value;
  const details = { name: v.name, address: v.address };
  if (v.phone) details.phone = v.phone;
  return element._options.mode === 'billing' ? { billing: details } : { shipping: details };
}

/** Billing details from the Address Element under the merchant's own (which win). */
function withBilling(data, billing) {
  if (!billing) return data;
  const given = Object.assign({}, data);
  const merchant = given.billing_details || {};
  given.billing_details = Object.assign({}, billing, merchant, {
    address: Object.assign({}, billing.address, merchant.address),
  });
  return given;
}
