// ---------------------------------------------------------------------------------------
// The Card Element family: `card` (number, expiry, CVC and postal code in one row), and the
// split `cardNumber`, `cardExpiry`, `cardCvc`. Each is its own iframe on Tender's origin
// (card-element.html). The split ones are one card: the number's iframe, which does the
// requests, reads the expiry and CVC from its sibling iframes directly (same origin), never
// through this page.

const CARD_TYPES = ['card', 'cardNumber', 'cardExpiry', 'cardCvc'];

class CardElement extends FrameElement {
  get _frameKind() { return 'card'; }

  _frameConfig() {
    const o = this._options;
    return {
      key: this._elements._stripe._key,
      type: this._type,
      style: o.style,
      value: o.value,
      hidePostalCode: !!o.hidePostalCode,
      hideIcon: !!o.hideIcon,
      showIcon: !!o.showIcon,
      placeholder: o.placeholder,
      disabled: !!o.disabled,
      userAgent: this._elements._stripe._userAgent(),
    };
  }

  /** The iframe that holds the number (this one, or the group's cardNumber), ready. */
  _cardHolder(caller) {
    const holder = this._type === 'card' || this._type === 'cardNumber' ? this
      : this._elements.getElement('cardNumber');
    if (!holder || !holder._frame) {
      throw new IntegrationError(`${caller}: the card or cardNumber Element must be created ` +
        'and mounted first.');
    }
    return holder;
  }

  /** Names of the sibling iframes the number's iframe reads (split elements only). */
  _siblings() {
    if (this._type === 'card') return {};
    const name = (type) => {
      const element = this._elements.getElement(type);
      return element && element._frame ? element._frame.name : null;
    };
    return { cardExpiry: name('cardExpiry'), cardCvc: name('cardCvc') };
  }

  /** Asks the number's iframe to do something with the whole card. */
  _withCard(caller, method, args) {
    const holder = this._cardHolder(caller);
    return holder._call(method, Object.assign({ siblings: holder._siblings() }, args));
  }
}

/** A Card Element of the Elements group the merchant passed, or null. */
function asCardElement(value) {
  return value instanceof CardElement ? value : null;
}
