//! The resource parameter parsers of `tender-core`, fed from form bytes as the routes feed
//! them: the first byte picks the endpoint (see `ENDPOINTS`, the order fuzz/tools/split_corpus.py
//! uses), the rest is the body. Each parse is followed by `expand` and `finish`, as in the
//! routes, and an accepted parse by the pure step that uses it (build the object, apply the
//! update, validate the card), then serialization. No panic; every refusal is a well-formed
//! 4xx.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tender_core::address::{Address, BillingDetails, Shipping};
use tender_core::confirmation_token::ConfirmationTokenCreate;
use tender_core::customer::{Customer, CustomerChanges};
use tender_core::payment_intent::PaymentIntent;
use tender_core::payment_intent::params as pi;
use tender_core::payment_method::{PaymentMethod, PaymentMethodCreate, PaymentMethodUpdate};
use tender_core::refund::{RefundCreate, RefundUpdate};
use tender_core::setup_intent::SetupIntent;
use tender_core::setup_intent::params as si;
use tender_core::webhook_endpoint::WebhookEndpointChanges;
use tender_core::{charge::ChargeUpdate, intent};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, Params};

/// A fixed clock: the parsers are pure, and card expiry needs a "now".
const NOW: i64 = 1_780_000_000;
const ACCOUNT_SECRET: &[u8] = b"fuzz-account-secret";

/// The endpoint each selector byte stands for (modulo the length).
pub const ENDPOINTS: &[&str] = &[
    "POST /v1/payment_intents",
    "POST /v1/payment_intents/{id}/confirm",
    "POST /v1/payment_intents/{id}",
    "POST /v1/setup_intents",
    "POST /v1/setup_intents/{id}/confirm",
    "POST /v1/setup_intents/{id}",
    "POST /v1/payment_methods",
    "POST /v1/payment_methods/{id}",
    "POST /v1/customers",
    "POST /v1/refunds",
    "POST /v1/refunds/{id}",
    "POST /v1/charges/{id}",
    "POST /v1/webhook_endpoints",
    "POST /v1/webhook_endpoints/{id}",
    "POST /v1/confirmation_tokens",
    "address, billing_details, shipping",
];

fuzz_target!(|data: &[u8]| {
    let Some((selector, form)) = data.split_first() else {
        return;
    };
    let Ok(p) = Params::from_form(form) else {
        return;
    };
    if let Err(error) = parse(usize::from(*selector) % ENDPOINTS.len(), p) {
        tender_fuzz::check_error(&error);
    }
});

/// `expand` and `finish`, as every route ends its parse.
fn end(mut p: Params) -> Result<(), ApiError> {
    Expand::parse(&p.expand()?)?;
    p.finish()
}

fn json<T: serde::Serialize>(value: &T) {
    if let Err(error) = serde_json::to_value(value) {
        panic!("an accepted object does not serialize: {error}");
    }
}

fn parse(endpoint: usize, mut p: Params) -> Result<(), ApiError> {
    match endpoint {
        0 => {
            let create = pi::PaymentIntentCreate::take(&mut p)?;
            end(p)?;
            json(&create.build("pi_fuzz".into(), "pi_fuzz_secret_x".into(), NOW));
            mint(create.confirm_params.payment_method_data)?;
        }
        1 => {
            let confirm = pi::ConfirmParams::take(&mut p)?;
            end(p)?;
            mint(confirm.payment_method_data)?;
        }
        2 => {
            let update = pi::PaymentIntentUpdate::take(&mut p)?;
            end(p)?;
            let mut intent =
                PaymentIntent::new("pi_f".into(), "pi_f_secret_x".into(), 100, "usd", NOW);
            update.apply(&mut intent)?;
            json(&intent);
        }
        3 => {
            let create = si::SetupIntentCreate::take(&mut p)?;
            end(p)?;
            json(&create.build("seti_f".into(), "seti_f_secret_x".into(), NOW));
        }
        4 => {
            let _confirm = si::ConfirmParams::take(&mut p)?;
            end(p)?;
        }
        5 => {
            let update = si::SetupIntentUpdate::take(&mut p)?;
            end(p)?;
            let mut intent = SetupIntent::new("seti_f".into(), "seti_f_secret_x".into(), NOW);
            update.apply(&mut intent)?;
            json(&intent);
        }
        6 => {
            let create = PaymentMethodCreate::take(&mut p)?;
            end(p)?;
            mint(Some(create))?;
        }
        7 => {
            let update = PaymentMethodUpdate::take(&mut p)?;
            end(p)?;
            let mut pm = saved_card()?;
            update.apply(&mut pm, NOW)?;
            json(&pm);
        }
        8 => {
            let changes = CustomerChanges::take(&mut p)?;
            end(p)?;
            let mut customer = Customer::new("cus_f".into(), NOW);
            changes.apply(&mut customer)?;
            json(&customer);
        }
        9 => {
            let _ = RefundCreate::take(&mut p)?;
            end(p)?;
        }
        10 => {
            let _ = RefundUpdate::take(&mut p)?;
            end(p)?;
        }
        11 => {
            let _ = ChargeUpdate::take(&mut p)?;
            end(p)?;
        }
        12 => {
            let changes = WebhookEndpointChanges::take_create(&mut p)?;
            end(p)?;
            let stored = changes.create("we_f".into(), "whsec_f".into(), NOW)?;
            json(&stored.endpoint);
        }
        13 => {
            let changes = WebhookEndpointChanges::take_update(&mut p)?;
            end(p)?;
            let base = WebhookEndpointChanges::take_create(&mut Params::from_form(
                b"url=https%3A%2F%2Fexample.com%2Fhook&enabled_events[]=*",
            )?)?;
            let mut endpoint = base.create("we_f".into(), "whsec_f".into(), NOW)?.endpoint;
            changes.apply(&mut endpoint)?;
            json(&endpoint);
        }
        14 => {
            let create = ConfirmationTokenCreate::take(&mut p)?;
            end(p)?;
            if let Some(pm) = mint(create.payment_method_data.clone())? {
                json(&create.build("ctoken_f".into(), pm, None, NOW).token);
            }
        }
        _ => {
            let _ = Address::take(&mut p, "address")?;
            let _ = BillingDetails::take(&mut p, "billing_details")?;
            let _ = Shipping::take(&mut p, "shipping", true)?;
            let _ = intent::take_payment_method_data(&mut p)?;
            let _ = intent::take_automatic_payment_methods(&mut p)?;
            end(p)?;
        }
    }
    Ok(())
}

/// Tokenises payment method data as confirmation does (card validation included).
fn mint(data: Option<PaymentMethodCreate>) -> Result<Option<PaymentMethod>, ApiError> {
    let Some(data) = data else {
        return Ok(None);
    };
    let pm = data.into_payment_method("pm_f".into(), ACCOUNT_SECRET, NOW)?;
    json(&pm);
    Ok(Some(pm))
}

/// A card saved to a customer, for the update parser to change.
fn saved_card() -> Result<PaymentMethod, ApiError> {
    let mut p = Params::from_form(
        b"type=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123",
    )?;
    let create = PaymentMethodCreate::take(&mut p)?;
    let mut pm = create.into_payment_method("pm_f".into(), ACCOUNT_SECRET, NOW)?;
    pm.customer = Some("cus_f".into());
    Ok(pm)
}
