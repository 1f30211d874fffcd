/*
 * The Address Element's countries (address-element.html loads this before address-element.js):
 * which fields each country's addresses have, in the order its post writes them, their
 * labels, which are required, the regions a customer picks from, and the postal-code rule.
 * A country without its own entry gets DEFAULT_LAYOUT, which asks for little and requires
 * only what every address has (a street and a city), so no real address is refused.
 */
'use strict';

const ADDRESS_COUNTRIES = [
  ['AR', 'Argentina'], ['AU', 'Australia'], ['AT', 'Austria'], ['BE', 'Belgium'], ['BR', 'Brazil'],
  ['CA', 'Canada'], ['CL', 'Chile'], ['CN', 'China'], ['CZ', 'Czechia'], ['DK', 'Denmark'],
  ['FI', 'Finland'], ['FR', 'France'], ['DE', 'Germany'], ['GR', 'Greece'], ['HK', 'Hong Kong'],
  ['HU', 'Hungary'], ['IN', 'India'], ['ID', 'Indonesia'], ['IE', 'Ireland'], ['IL', 'Israel'],
  ['IT', 'Italy'], ['JP', 'Japan'], ['LU', 'Luxembourg'], ['MY', 'Malaysia'], ['MX', 'Mexico'],
  ['NL', 'Netherlands'], ['NZ', 'New Zealand'], ['NO', 'Norway'], ['PH', 'Philippines'],
  ['PL', 'Poland'], ['PT', 'Portugal'], ['RO', 'Romania'], ['SG', 'Singapore'],
  ['ZA', 'South Africa'], ['KR', 'South Korea'], ['ES', 'Spain'], ['SE', 'Sweden'],
  ['CH', 'Switzerland'], ['TH', 'Thailand'], ['AE', 'United Arab Emirates'],
  ['GB', 'United Kingdom'], ['US', 'United States'],
];

const US_STATES = [
  ['AL', 'Alabama'], ['AK', 'Alaska'], ['AZ', 'Arizona'], ['AR', 'Arkansas'], ['CA', 'California'],
  ['CO', 'Colorado'], ['CT', 'Connecticut'], ['DE', 'Delaware'], ['DC', 'District of Columbia'],
  ['FL', 'Florida'], ['GA', 'Georgia'], ['HI', 'Hawaii'], ['ID', 'Idaho'], ['IL', 'Illinois'],
  ['IN', 'Indiana'], ['IA', 'Iowa'], ['KS', 'Kansas'], ['KY', 'Kentucky'], ['LA', 'Louisiana'],
  ['ME', 'Maine'], ['MD', 'Maryland'], ['MA', 'Massachusetts'], ['MI', 'Michigan'],
  ['MN', 'Minnesota'], ['MS', 'Mississippi'], ['MO', 'Missouri'], ['MT', 'Montana'],
  ['NE', 'Nebraska'], ['NV', 'Nevada'], ['NH', 'New Hampshire'], ['NJ', 'New Jersey'],
  ['NM', 'New Mexico'], ['NY', 'New York'], ['NC', 'North Carolina'], ['ND', 'North Dakota'],
  ['OH', 'Ohio'], ['OK', 'Oklahoma'], ['OR', 'Oregon'], ['PA', 'Pennsylvania'],
  ['PR', 'Puerto Rico'], ['RI', 'Rhode Island'], ['SC', 'South Carolina'], ['SD', 'South Dakota'],
  ['TN', 'Tennessee'], ['TX', 'Texas'], ['UT', 'Utah'], ['VT', 'Vermont'], ['VA', 'Virginia'],
  ['WA', 'Washington'], ['WV', 'West Virginia'], ['WI', 'Wisconsin'], ['WY', 'Wyoming'],
];
const CA_PROVINCES = [
  ['AB', 'Alberta'], ['BC', 'British Columbia'], ['MB', 'Manitoba'], ['NB', 'New Brunswick'],
  ['NL', 'Newfoundland and Labrador'], ['NT', 'Northwest Territories'], ['NS', 'Nova Scotia'],
  ['NU', 'Nunavut'], ['ON', 'Ontario'], ['PE', 'Prince Edward Island'], ['QC', 'Quebec'],
  ['SK', 'Saskatchewan'], ['YT', 'Yukon'],
];
const AU_STATES = [
  ['ACT', 'Australian Capital Territory'], ['NSW', 'New South Wales'], ['NT', 'Northern Territory'],
  ['QLD', 'Queensland'], ['SA', 'South Australia'], ['TAS', 'Tasmania'], ['VIC', 'Victoria'],
  ['WA', 'Western Australia'],
];

// A field of a layout: its address key, label, whether it is required, and for `state` the
// choices (a select) when the country has a fixed list.
const addressField = (key, label, required, extra) => Object.assign({ key, label, required }, extra);
const LINE1 = addressField('line1', 'Address line 1', true);
const LINE2 = addressField('line2', 'Address line 2', false);

const DEFAULT_LAYOUT = {
  fields: [LINE1, LINE2, addressField('city', 'City', true), addressField('state', 'State, province or region', false),
    addressField('postal_code', 'Postal code', false)],
};

// Postal rules: a pattern, what is too short to judge yet, the noun in messages, and an
// optional normalisation (uppercase, the space UK and Canadian codes are written with).
const spaced = (at) => (v) => {
  const compact = v.replace(/\s+/g, '').toUpperCase();
  return compact.length > at ? `${compact.slice(0, compact.length - at)} ${compact.slice(-at)}` : compact;
};

const ADDRESS_LAYOUTS = {
  US: {
    fields: [LINE1, LINE2, addressField('city', 'City', true), addressField('state', 'State', true, { options: US_STATES }),
      addressField('postal_code', 'ZIP code', true)],
    postal: { pattern: /^\d{5}(-\d{4})?$/, min: 5, noun: 'ZIP code', placeholder: '12345' },
  },
  CA: {
    fields: [LINE1, LINE2, addressField('city', 'City', true), addressField('state', 'Province', true, { options: CA_PROVINCES }),
      addressField('postal_code', 'Postal code', true)],
    postal: { pattern: /^[A-Z]\d[A-Z] \d[A-Z]\d$/, min: 6, noun: 'postal code', placeholder: 'M5T 1T4', normalize: spaced(3) },
  },
  GB: {
    fields: [LINE1, LINE2, addressField('city', 'Town or city', true), addressField('postal_code', 'Postcode', true)],
    postal: { pattern: /^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/, min: 5, noun: 'postcode', placeholder: 'WS11 1DB', normalize: spaced(3) },
  },
  FR: {
    fields: [LINE1, LINE2, addressField('postal_code', 'Postal code', true), addressField('city', 'City', true)],
    postal: { pattern: /^\d{5}$/, min: 5, noun: 'postal code', placeholder: '75001' },
  },
  DE: {
    fields: [LINE1, LINE2, addressField('postal_code', 'Postal code', true), addressField('city', 'City', true)],
    postal: { pattern: /^\d{5}$/, min: 5, noun: 'postal code', placeholder: '10115' },
  },
  NL: {
    fields: [LINE1, LINE2, addressField('postal_code', 'Postal code', true), addressField('city', 'City', true)],
    postal: { pattern: /^\d{4} [A-Z]{2}$/, min: 6, noun: 'postal code', placeholder: '1011 AB', normalize: spaced(2) },
  },
  AU: {
    fields: [LINE1, LINE2, addressField('city', 'Suburb', true), addressField('state', 'State', true, { options: AU_STATES }),
      addressField('postal_code', 'Postcode', true)],
    postal: { pattern: /^\d{4}$/, min: 4, noun: 'postcode', placeholder: '2000' },
  },
  // Japanese addresses run from the largest part to the smallest.
  JP: {
    fields: [addressField('postal_code', 'Postal code', true), addressField('state', 'Prefecture', true),
      addressField('city', 'City', true), LINE1, LINE2],
    postal: { pattern: /^\d{3}-\d{4}$/, min: 7, noun: 'postal code', placeholder: '100-0005',
      normalize: (v) => { const d = v.replace(/\D/g, ''); return d.length === 7 ? `${d.slice(0, 3)}-${d.slice(3)}` : v.trim(); } },
  },
};

const addressLayout = (country) => ADDRESS_LAYOUTS[country] || DEFAULT_LAYOUT;
