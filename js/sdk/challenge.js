// ---------------------------------------------------------------------------------------
// The 3D Secure modal: Tender's hosted challenge page in an iframe over the merchant page.

function challenge(pageUrl) {
  const url = webUrl(pageUrl);
  return new Promise((resolve) => {
    const previousFocus = document.activeElement;
    const overlay = document.createElement('div');
    overlay.setAttribute('role', 'dialog');
    overlay.setAttribute('aria-modal', 'true');
    overlay.setAttribute('aria-label', 'Authenticate your payment');
    overlay.className = '__TenderChallenge';
    overlay.style.cssText = 'position:fixed!important;inset:0!important;z-index:2147483647!important;' +
      'display:flex!important;align-items:center;justify-content:center;margin:0;padding:16px;' +
      'background:rgba(10,12,20,.55);box-sizing:border-box;';
    const box = document.createElement('div');
    // A first guess at the page's height; the page reports its own once it has laid out.
    box.style.cssText = 'position:relative;width:min(480px,100%);height:min(300px,100%);' +
      'background:#fff;border-radius:12px;overflow:hidden;box-shadow:0 20px 60px rgba(0,0,0,.35);';
    const frame = document.createElement('iframe');
    frame.title = '3D Secure authentication';
    frame.src = url.href;
    frame.style.cssText = 'border:0;width:100%;height:100%;display:block;';
    const close = document.createElement('button');
    close.type = 'button';
    close.setAttribute('aria-label', 'Cancel authentication');
    close.textContent = '\u00d7';
    close.style.cssText = 'position:absolute;top:8px;right:10px;width:32px;height:32px;border:0;' +
      'border-radius:16px;background:transparent;color:#697386;font:24px/32px system-ui,sans-serif;' +
      'cursor:pointer;';
    box.append(frame, close);
    overlay.append(box);

    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      window.removeEventListener('message', onMessage);
      document.removeEventListener('keydown', onKey, true);
      overlay.remove();
      if (previousFocus && previousFocus.focus) previousFocus.focus();
      resolve();
    };
    // Only the page we opened, from its own origin, can end the challenge or size the modal.
    // Focus is in that page, so it forwards Escape itself (tender:3ds-cancel).
    const onMessage = (event) => {
      if (event.source !== frame.contentWindow || event.origin !== url.origin) return;
      const data = event.data || {};
      if (data.type === 'tender:3ds-complete') finish();
      else if (data.type === 'tender:3ds-cancel' && !close.disabled) cancel();
      else if (data.type === 'tender:3ds-size' && Number.isFinite(data.height) && data.height > 0) {
        box.style.height = `min(${Math.ceil(data.height)}px,100%)`;
      }
    };
    // Closing the modal abandons the challenge: it fails, as on Stripe.
    const cancel = async () => {
      close.disabled = true;
      const secret = url.searchParams.get('client_secret') || '';
      try {
        await fetch(`${url.origin}${url.pathname}/complete`, {
          method: 'POST',
          credentials: 'omit',
          body: new URLSearchParams({ client_secret: secret, result: 'fail' }),
        });
      } catch (e) { /* the intent is re-read either way */ }
      finish();
    };
    const onKey = (event) => {
      if (event.key === 'Escape' && !close.disabled) cancel();
    };
    close.addEventListener('click', cancel);
    window.addEventListener('message', onMessage);
    document.addEventListener('keydown', onKey, true);
    document.body.append(overlay);
    frame.focus();
  });
}

