// The Address Element (`elements.create('address')`), as Stripe's "Collect addresses" guide
// uses it: both modes feeding the ConfirmationToken (billing details or shipping), fields and
// postal rules that follow the country, getValue() and change events, and elements.submit()
// refusing an incomplete address.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { elementFrame, fillCard, launch, newPage } from '../lib/browser.js';
import { addressPage } from '../lib/pages.js';
import { startMerchant } from '../lib/servers.js';
import { startTender } from '../lib/tender.js';

const ADDRESS = {
  line1: '185 Berry St', line2: 'Suite 550', city: 'San Francisco', state: 'CA',
  postal_code: '94107', country: 'US',
};

describe('the Address Element', () => {
  let tender;
  let merchant;
  let browser;

  before(async () => {
    tender = await startTender();
    merchant = await startMerchant(tender);
    browser = await launch();
    merchant.pages.set('billing', addressPage(tender.url, {
      mode: 'billing', defaultValues: { name: 'Jenny Rosen', address: { country: 'US' } }, autocomplete: { mode: 'disabled' },
    }));
    merchant.pages.set('shipping', addressPage(tender.url, {
      mode: 'shipping', fields: { phone: 'always' }, validation: { phone: { required: 'always' } },
      allowedCountries: ['US', 'GB', 'FR', 'JP'],
    }));
  });

  after(async () => {
    await browser?.close();
    await merchant?.stop();
    await tender?.stop();
  });

  async function open(name) {
    const page = await newPage(browser, tender);
    await page.goto(`${merchant.url}/pages/${name}`);
    await page.waitForFunction(() => window.ready === 2);
    return { page, frame: elementFrame(page, '#address-element') };
  }

  async function typeUsAddress(frame) {
    await frame.locator('#line1').fill(ADDRESS.line1);
    await frame.locator('#line2').fill(ADDRESS.line2);
    await frame.locator('#city').fill(ADDRESS.city);
    await frame.locator('#state').selectOption(ADDRESS.state);
    await frame.locator('#postal_code').fill(ADDRESS.postal_code);
  }

  const lastChange = (page) => page.evaluate(() => window.changes[window.changes.length - 1]);
  const createToken = (page) => page.evaluate(() => stripe.createConfirmationToken({ elements }));

  test('billing mode: the address is the token\'s and the payment method\'s billing details', async () => {
    const { page, frame } = await open('billing');
    assert.deepEqual(await page.evaluate(() => window.readyEvent), { elementType: 'address' });
    // The default name is filled in; the card fields no longer ask for a country or ZIP.
    assert.equal(await frame.locator('#name').inputValue(), 'Jenny Rosen');
    await elementFrame(page).locator('#address-row').waitFor({ state: 'hidden' });
    await typeUsAddress(frame);
    await page.waitForFunction(() => window.changes.length > 0 && window.changes[window.changes.length - 1].complete);
    const expected = { name: 'Jenny Rosen', address: ADDRESS };
    assert.deepEqual(await lastChange(page), {
      elementType: 'address', elementMode: 'billing', empty: false, complete: true, isNewAddress: true, value: expected,
    });
    assert.deepEqual(await page.evaluate(() => window.address.getValue()),
      { complete: true, isNewAddress: true, value: expected });

    await fillCard(elementFrame(page), { number: '4242424242424242' });
    assert.deepEqual(await page.evaluate(() => elements.submit()), { selectedPaymentMethod: 'card' });
    const { confirmationToken, error } = await createToken(page);
    assert.equal(error, undefined);
    const token = await merchant.stripe.confirmationTokens.retrieve(confirmationToken.id);
    assert.deepEqual(token.payment_method_preview.billing_details,
      { name: 'Jenny Rosen', email: null, phone: null, address: ADDRESS, tax_id: null });
    assert.equal(token.shipping, null);
    const intent = await merchant.stripe.paymentIntents.create({
      amount: 1099, currency: 'usd', payment_method_types: ['card'], confirm: true, confirmation_token: token.id,
    });
    assert.equal(intent.status, 'succeeded');
    const pm = await merchant.stripe.paymentMethods.retrieve(intent.payment_method);
    assert.deepEqual(pm.billing_details.address, ADDRESS);
    assert.equal(pm.billing_details.name, 'Jenny Rosen');
    assert.deepEqual(page.errors, []);
  });

  test('shipping mode: the address and phone become the token\'s shipping', async () => {
    const { page, frame } = await open('shipping');
    // Only the allowed countries are offered; a shipping address leaves the card's own fields.
    assert.deepEqual(await frame.locator('#country option').evaluateAll((os) => os.map((o) => o.value)),
      ['FR', 'JP', 'GB', 'US']);
    assert.equal(await elementFrame(page).locator('#address-row').isVisible(), true);
    await frame.locator('#name').fill('Jenny Rosen');
    await typeUsAddress(frame);
    await frame.locator('#phone').fill('+1 415 555 0100');
    await fillCard(elementFrame(page), { number: '4242424242424242' });
    const { confirmationToken, error } = await createToken(page);
    assert.equal(error, undefined);
    const token = await merchant.stripe.confirmationTokens.retrieve(confirmationToken.id);
    assert.deepEqual({ name: token.shipping.name, phone: token.shipping.phone, address: token.shipping.address },
      { name: 'Jenny Rosen', phone: '+1 415 555 0100', address: ADDRESS });
    // The card's billing details keep the card's own country and ZIP, not the shipping address.
    assert.deepEqual(token.payment_method_preview.billing_details.address,
      { line1: null, line2: null, city: null, state: null, postal_code: '94111', country: 'US' });
    const intent = await merchant.stripe.paymentIntents.create({
      amount: 1099, currency: 'usd', payment_method_types: ['card'], confirm: true, confirmation_token: token.id,
    });
    assert.deepEqual(intent.shipping.address, ADDRESS);
    assert.equal(intent.shipping.name, 'Jenny Rosen');
    assert.deepEqual(page.errors, []);
  });

  test('the country decides the fields, their order and the postal code rule', async () => {
    const { page, frame } = await open('shipping');
    const labels = () => frame.locator('label').allTextContents();
    const postalError = () => frame.locator('#postal_code-error').textContent();
    assert.deepEqual(await labels(), ['Full name', 'Country or region', 'Address line 1',
      'Address line 2 (optional)', 'City', 'State', 'ZIP code', 'Phone number']);
    await frame.locator('#postal_code').fill('SW1A 1AA');
    await frame.locator('#postal_code').blur();
    assert.equal(await postalError(), 'Your ZIP code is invalid.');

    // Great Britain: no state, a postcode; the same text is now valid (and a lowercase one is
    // written the British way).
    await frame.locator('#country').selectOption('GB');
    assert.deepEqual(await labels(), ['Full name', 'Country or region', 'Address line 1',
      'Address line 2 (optional)', 'Town or city', 'Postcode', 'Phone number']);
    assert.equal(await frame.locator('#state').count(), 0);
    assert.equal(await postalError(), '');
    await frame.locator('#postal_code').fill('sw1a1aa');
    await frame.locator('#postal_code').blur();
    assert.equal(await frame.locator('#postal_code').inputValue(), 'SW1A 1AA');
    await frame.locator('#postal_code').fill('94107');
    await frame.locator('#postal_code').blur();
    assert.equal(await postalError(), 'Your postcode is invalid.');

    // France writes the postal code before the city; Japan starts with it.
    await frame.locator('#country').selectOption('FR');
    assert.deepEqual((await labels()).slice(4, 6), ['Postal code', 'City']);
    assert.equal(await postalError(), '', 'five digits are a French postal code');
    await frame.locator('#country').selectOption('JP');
    assert.deepEqual((await labels()).slice(2, 5), ['Postal code', 'Prefecture', 'City']);
    assert.equal(await postalError(), 'Your postal code is incomplete.');

    // The change event follows: a complete Japanese address.
    await frame.locator('#name').fill('Taro Yamada');
    await frame.locator('#postal_code').fill('1000005');
    await frame.locator('#state').fill('Tokyo');
    await frame.locator('#city').fill('Chiyoda-ku');
    await frame.locator('#line1').fill('1-1 Marunouchi');
    await frame.locator('#line2').fill('');
    await frame.locator('#phone').fill('+81 3 1234 5678');
    await page.waitForFunction(() => window.changes[window.changes.length - 1].complete);
    assert.deepEqual((await lastChange(page)).value, {
      name: 'Taro Yamada', phone: '+81 3 1234 5678',
      address: { line1: '1-1 Marunouchi', line2: null, city: 'Chiyoda-ku', state: 'Tokyo', postal_code: '100-0005', country: 'JP' },
    });
    assert.deepEqual(page.errors, []);
  });

  test('elements.submit() refuses an incomplete address and shows why in the iframe', async () => {
    const { page, frame } = await open('shipping');
    await fillCard(elementFrame(page), { number: '4242424242424242' });
    await frame.locator('#name').fill('Jenny Rosen');
    const submitted = await page.evaluate(() => elements.submit());
    assert.deepEqual(submitted, {
      error: { type: 'validation_error', code: 'incomplete_line1', message: 'Your address is incomplete.' },
    });
    assert.equal(await frame.locator('#line1-error').textContent(), 'Your address is incomplete.');
    assert.equal(await frame.locator('#city-error').textContent(), 'Your city is incomplete.');
    assert.equal(await frame.locator('#phone-error').textContent(), 'Your phone number is incomplete.');
    assert.equal(await frame.locator('#name-error').textContent(), '');
    // No token either, and getValue says so.
    assert.equal((await createToken(page)).error.code, 'incomplete_line1');
    const value = await page.evaluate(() => window.address.getValue());
    assert.equal(value.complete, false);
    assert.equal(value.value.name, 'Jenny Rosen');
    // clear() empties it, with a change event saying so.
    await page.evaluate(() => window.address.clear());
    await page.waitForFunction(() => window.changes[window.changes.length - 1].empty);
    assert.equal(await frame.locator('#name').inputValue(), '');
    // An Address Element needs a mode; a destroyed one frees its type.
    const refused = await page.evaluate(() => {
      try {
        elements.create('address', {});
        return null;
      } catch (e) {
        return e.message;
      }
    });
    assert.match(refused, /Can only create one Element of type address/);
    const recreated = await page.evaluate(() => {
      window.address.destroy();
      try {
        elements.create('address', { mode: 'pickup' });
      } catch (e) {
        return e.message;
      }
      return null;
    });
    assert.match(recreated, /mode should be 'shipping' or 'billing'/);
    assert.deepEqual(page.errors, []);
  });
});
