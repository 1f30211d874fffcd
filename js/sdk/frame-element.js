// ---------------------------------------------------------------------------------------
// What every Element is: an iframe on Tender's origin, driven by postMessage. A subclass
// names its frame (`_frameKind`, `FRAMES`), its type, and what the frame is told
// (`_frameConfig`).

let frameCount = 0;
const STATE_CLASSES = ['StripeElement--empty', 'StripeElement--complete', 'StripeElement--focus',
  'StripeElement--invalid'];

class FrameElement {
  constructor(elements, type, options) {
    this._elements = elements;
    this._type = type;
    this._options = options;
    this._handlers = {};
    this._frame = null;
    this._container = null;
    this._calls = new Map();
    this._seq = 0;
    this._ready = null; // resolves once the iframe has rendered
    this._destroyed = false;
    this._onMessage = this._onMessage.bind(this);
  }

  mount(target) {
    if (this._destroyed) {
      throw new IntegrationError('This Element has already been destroyed. Please create a new one.');
    }
    if (this._frame) {
      throw new IntegrationError('This Element is already mounted. Use `unmount()` to unmount ' +
        'the Element before re-mounting.');
    }
    const container = typeof target === 'string' ? document.querySelector(target) : target;
    if (!container || !(container instanceof Element)) {
      throw new IntegrationError(`The selector you specified (${target}) applies to no DOM ` +
        'elements that are currently on the page. Make sure the element exists on the page ' +
        'before calling mount().');
    }
    const frame = document.createElement('iframe');
    frame.name = `__privateTenderFrame${++frameCount}`;
    frame.title = 'Secure payment input frame';
    frame.setAttribute('frameborder', '0');
    frame.setAttribute('allowtransparency', 'true');
    frame.setAttribute('scrolling', 'no');
    frame.setAttribute('allow', 'payment *');
    // The iframe only accepts messages from, and only answers, the origin named here.
    frame.src = `${FRAMES[this._frameKind].url}?origin=${encodeURIComponent(location.origin)}` +
      `&type=${encodeURIComponent(this._type)}`;
    // Wider than the container by the focus ring's width, so rings are not clipped.
    frame.style.cssText = 'border:0!important;margin:-4px!important;padding:0!important;' +
      'width:calc(100% + 8px)!important;min-width:100%!important;display:block!important;' +
      'overflow:hidden!important;background:transparent!important;color-scheme:normal;height:1px;';
    const wrapper = document.createElement('div');
    wrapper.className = '__TenderElement';
    wrapper.style.cssText = 'margin:0!important;padding:0!important;border:0!important;' +
      'display:block!important;background:transparent!important;position:relative!important;';
    wrapper.append(frame);
    let markReady;
    this._ready = new Promise((resolve) => { markReady = resolve; });
    this._markReady = markReady;
    this._frame = frame;
    this._wrapper = wrapper;
    this._container = container;
    container.classList.add('StripeElement', 'StripeElement--empty');
    window.addEventListener('message', this._onMessage);
    container.append(wrapper);
    this._emit('loaderstart', { elementType: this._type });
    return this;
  }

  unmount() {
    if (!this._frame) return this;
    window.removeEventListener('message', this._onMessage);
    this._wrapper.remove();
    this._container.classList.remove('StripeElement', ...STATE_CLASSES);
    this._frame = this._wrapper = this._container = null;
    for (const resolve of this._calls.values()) {
      resolve({ error: { type: 'validation_error', message: 'The Element was unmounted.' } });
    }
    this._calls.clear();
    return this;
  }

  destroy() {
    this.unmount();
    this._destroyed = true;
    this._elements._forget(this);
    return this;
  }

  on(event, handler) {
    (this._handlers[event] = this._handlers[event] || []).push(handler);
    return this;
  }

  once(event, handler) {
    const wrapped = (payload) => {
      this.off(event, wrapped);
      handler(payload);
    };
    return this.on(event, wrapped);
  }

  off(event, handler) {
    const list = this._handlers[event] || [];
    this._handlers[event] = handler ? list.filter((h) => h !== handler) : [];
    return this;
  }

  /** Element options (layout, style, value…); `elements.update` for amount and the like. */
  update(options) {
    Object.assign(this._options, options || {});
    this._configure();
    return this;
  }

  get _frameKind() { return 'payment'; }

  focus() { this._post({ type: 'focus' }); return this; }
  blur() { this._post({ type: 'blur' }); return this; }
  clear() { this._post({ type: 'clear' }); return this; }
  collapse() { this._post({ type: 'collapse' }); return this; }

  _emit(event, payload) {
    for (const handler of (this._handlers[event] || []).slice()) {
      try {
        handler(payload);
      } catch (e) {
        setTimeout(() => { throw e; }); // a merchant handler's error must not break us
      }
    }
  }

  _post(message) {
    if (this._frame && this._frame.contentWindow) {
      const channel = FRAMES[this._frameKind].channel;
      this._frame.contentWindow.postMessage(Object.assign({ channel }, message), TENDER_ORIGIN);
    }
  }

  /** Asks the iframe to do something; resolves with its answer. */
  async _call(method, args) {
    if (!this._frame) {
      throw new IntegrationError(`The ${this._type} Element is not mounted.`);
    }
    const loaded = await this._elements._loaded;
    if (loaded.error) return { error: loaded.error }; // the intent could not be read
    await this._ready;
    return new Promise((resolve) => {
      const id = ++this._seq;
      this._calls.set(id, resolve);
      // Libraries register themselves after creating Elements: the user agent goes with each call.
      const userAgent = this._elements._stripe._userAgent();
      this._post({ type: 'call', id, method, args: Object.assign({ userAgent }, args) });
    });
  }

  async _configure() {
    if (!this._frame) return;
    const loaded = await this._elements._loaded;
    if (loaded.error) return;
    await this._call('configure', { config: this._frameConfig() });
  }

  _onMessage(event) {
    // Only our iframe, served from Tender's origin, speaks to us.
    if (!this._frame || event.source !== this._frame.contentWindow || event.origin !== TENDER_ORIGIN) return;
    const m = event.data;
    if (!m || m.channel !== FRAMES[this._frameKind].channel) return;
    switch (m.type) {
      case 'loaded':
        this._elements._loaded.then((loaded) => {
          if (loaded.error) {
            this._emit('loaderror', { elementType: this._type, error: loaded.error });
            return;
          }
          this._post({ type: 'init', config: this._frameConfig() });
        });
        break;
      case 'ready':
        this._markReady();
        this._emit('ready', { elementType: this._type });
        break;
      case 'resize':
        if (Number.isFinite(m.height)) this._frame.style.height = `${Math.ceil(m.height)}px`;
        break;
      case 'change':
        this._setClasses(m.event, m.invalid);
        this._emit('change', Object.assign({ elementType: this._type }, m.event));
        break;
      case 'focus':
      case 'blur':
        if (this._container) this._container.classList.toggle('StripeElement--focus', m.type === 'focus');
        this._emit(m.type, { elementType: this._type });
        break;
      case 'escape':
        this._emit('escape', { elementType: this._type });
        break;
      case 'result': {
        const resolve = this._calls.get(m.id);
        if (resolve) {
          this._calls.delete(m.id);
          resolve(m.result);
        }
        break;
      }
      default:
    }
  }

  /** Stripe's state classes on the container, for merchants who style them. */
  _setClasses(state, invalid) {
    if (!this._container) return;
    const list = this._container.classList;
    list.toggle('StripeElement--empty', !!state.empty);
    list.toggle('StripeElement--complete', !!state.complete);
    list.toggle('StripeElement--invalid', !!invalid);
  }
}


/** The Payment Element: every payment method the Elements group allows, in tabs or an accordion. */
class PaymentElement extends FrameElement {
  _frameConfig() {
    return this._elements._frameConfig(this._options);
  }
}
