/*
 * Tender's API as the browser calls it, shared by the SDK (joined into /v3/ after base.js)
 * and the Elements' iframes (served as /v3/api.js, after frame-common.js): Stripe's form
 * encoding, and one call that resolves `{object}` or `{error}`. Whoever loads it first
 * declares `API_BASE`.
 */

/** Stripe's form encoding: nested objects as a[b][c], arrays as a[0]; null is left out. */
function formEncode(value, prefix, out) {
  out = out || new URLSearchParams();
  if (value === undefined || value === null) return out;
  if (Array.isArray(value)) {
    value.forEach((item, i) => formEncode(item, `${prefix}[${i}]`, out));
  } else if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      formEncode(item, prefix ? `${prefix}[${key}]` : key, out);
    }
  } else {
    out.append(prefix, String(value));
  }
  return out;
}

/** One API call; resolves `{object}` or `{error}` (the API's error, fields intact). */
async function api(method, path, params) {
  const query = formEncode(params);
  let url = API_BASE + path;
  const init = { method, credentials: 'omit' };
  if (method === 'GET') url += '?' + query;
  else init.body = query;
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    return {
      error: {
        type: 'api_connection_error',
        message: 'We could not reach the payment server. Check your connection and try again.',
      },
    };
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) { /* not JSON: reported below */ }
  if (response.ok && body) return { object: body };
  return {
    error: (body && body.error) ||
      { type: 'api_error', message: `Unexpected answer from the server (HTTP ${response.status}).` },
  };
}

