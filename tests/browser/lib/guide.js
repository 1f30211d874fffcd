// Stripe's "Finalize payments on the server" guide (fixtures/finalize-payments-on-the-server.md),
// turned into the files an integrator would write: its checkout page (HTML and JS) and its
// Express + stripe-node server. The code is the guide's own; what changes is listed in CHANGES.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GUIDE = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/finalize-payments-on-the-server.md');

/** The fenced code blocks, in order. */
export function blocks() {
  const text = readFileSync(GUIDE, 'utf8');
  return [...text.matchAll(/^```\n([\s\S]*?)^```$/gm)].map((m) => unwrapComments(m[1]));
}

/**
 * The stored page wrapped long lines at 80 columns, which pushed the end of some `//`
 * comments onto a line of their own (e.g. "key in production"). Code in the blocks is
 * indented and top-level statements are not wrapped, so an unindented line right after a
 * long comment line is the comment's continuation.
 */
function unwrapComments(code) {
  const out = [];
  for (const line of code.split('\n')) {
    const previous = out[out.length - 1];
    if (previous !== undefined && previous.includes('//') && previous.length >= 70 &&
        /^[A-Za-z`]/.test(line) && !/^(const|let|var|app|function|async|if|}|\/\/)/.test(line)) {
      out[out.length - 1] = `${previous} ${line}`;
    } else {
      out.push(line);
    }
  }
  return out.join('\n');
}

export function find(all, needle) {
  const found = all.filter((b) => b.includes(needle));
  if (found.length !== 1) throw new Error(`guide: expected one code block with ${needle}, found ${found.length}`);
  return found[0];
}

/** Replaces exactly one occurrence, so a changed guide fails loudly instead of silently. */
export function replaceOnce(text, from, to) {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`guide: expected one "${from}", found ${count}`);
  return text.replace(from, to);
}

/**
 * What the test changes, and why:
 * - `<script src>`: Tender's SDK instead of js.stripe.com (the point of the exercise);
 * - stripe-node's host/port/protocol: Tender instead of api.stripe.com;
 * - the server's `client_secret` key is renamed `clientSecret`: the guide's client reads
 *   `response.clientSecret` but its server answers `client_secret` (a mismatch in the guide);
 * - `app.listen(3000)` listens on a free port;
 * - the guide leaves "show error"/"show success" as comments in handleServerResponse; each
 *   gets one line: the guide's own `handleError`, or `showSuccess` defined below. The
 *   server's error is shown from `response.error.raw`: the guide's server sends stripe-node's
 *   error object (`res.json({error: err})`), whose `message` is a non-enumerable property
 *   of Error and so is lost in JSON; stripe-node keeps the API's error under `raw`.
 */
export function guidePage(tenderUrl) {
  const all = blocks();
  const head = replaceOnce(find(all, '<head>'), 'https://js.stripe.com/v3/', `${tenderUrl}/v3/`);
  const form = find(all, '<form id="payment-form">');
  let next = find(all, 'const handleServerResponse');
  next = replaceOnce(next, '// Show error from server on payment form', '// Show error from server on payment form\n handleError(response.error.raw || response.error);');
  next = replaceOnce(next, '// Show error from Stripe.js in payment form', '// Show error from Stripe.js in payment form\n handleError(error);');
  next = replaceOnce(next, '// Actions handled, show success message', '// Actions handled, show success message\n showSuccess();');
  next = replaceOnce(next, '// No actions needed, show success message', '// No actions needed, show success message\n showSuccess();');
  const script = [
    find(all, "Stripe('pk_test_"),
    find(all, 'const elements = stripe.elements(options);'),
    find(all, "form.addEventListener('submit'"),
    next,
    // The integrator's success message (the guide leaves it to you).
    `const showSuccess = () => {
  document.querySelector('#error-message').textContent = '';
  const status = document.createElement('p');
  status.id = 'payment-status';
  status.textContent = 'Payment succeeded';
  form.after(status);
};`,
  ].join('\n\n');
  return `<!DOCTYPE html>\n<html lang="en">\n${head}\n<body>\n${form}\n<script>\n${script}\n</script>\n</body>\n</html>\n`;
}

export function guideServer(tender) {
  let server = find(blocks(), 'require("stripe")');
  server = replaceOnce(server, 'require("stripe")("sk_test_BQokikJOvBiI2HlWgH4olfQ2")',
    `require("stripe")("sk_test_BQokikJOvBiI2HlWgH4olfQ2", {host: "127.0.0.1", port: ${tender.port}, protocol: "http"})`);
  server = replaceOnce(server, 'client_secret: intent.client_secret', 'clientSecret: intent.client_secret');
  server = replaceOnce(server, 'app.listen(3000,', 'app.listen(process.env.PORT,');
  return server;
}
