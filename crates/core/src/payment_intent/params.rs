//! PaymentIntent parameters: every create/confirm parameter of API 2026-10-28 is accepted
//! (spec §3.3); those without an effect in Tender are stored and echoed, never refused.

use serde_json::Value;
use tender_wire::{ApiError, Field, Metadata, Params};

use super::{AutomaticPaymentMethods, CaptureMethod, ConfirmationMethod, PaymentIntent, Status};
use crate::address::Shipping;
use crate::confirmation::{ConfirmRequest, IntentKind};
use crate::intent::{self, Usage};
use crate::money::{self, Currency};

const SETUP_FUTURE_USAGE: &[&str] = &["on_session", "off_session"];
/// Payment method types Tender can process.
pub const SUPPORTED_TYPES: &[&str] = &["card", "ideal", "sepa_debit", "us_bank_account"];

/// What a confirmation carries, on `POST …/confirm` or on create with `confirm=true`: the
/// parameters every confirmation reads, and a PaymentIntent's own.
#[derive(Clone, Debug, Default)]
pub struct ConfirmParams {
    pub request: ConfirmRequest,
    pub setup_future_usage: Option<Field<Usage>>,
    pub shipping: Option<Field<Shipping>>,
    pub receipt_email: Option<Field<String>>,
    pub capture_method: Option<CaptureMethod>,
    pub request_three_d_secure: Option<String>,
}

impl ConfirmParams {
    /// Takes the confirmation parameters. On create they are only allowed with `confirm=true`.
    pub fn take(p: &mut Params) -> Result<ConfirmParams, ApiError> {
        let request = ConfirmRequest::take(p, IntentKind::Payment)?;
        let (request_three_d_secure, options_capture) = take_payment_method_options(p)?;
        let capture_method = p
            .enumeration("capture_method", CaptureMethod::VALUES)?
            .map(|c| CaptureMethod::parse(&c))
            .or(options_capture);
        Ok(ConfirmParams {
            request,
            setup_future_usage: present(
                p.enumeration_field("setup_future_usage", SETUP_FUTURE_USAGE)?
                    .map(|usage| Usage::parse(&usage)),
            ),
            shipping: present(Shipping::take_field(p, "shipping", true)?),
            receipt_email: present(p.string_field("receipt_email")?),
            capture_method,
            request_three_d_secure,
        })
    }

    /// Writes the confirmation's own parameters onto the intent (before the token's values,
    /// which may not contradict them, and before the payment method is chosen).
    pub fn apply_to(&self, intent: &mut PaymentIntent) {
        if let Some(usage) = &self.setup_future_usage {
            intent.setup_future_usage = usage.clone().set();
        }
        if let Some(shipping) = &self.shipping {
            intent.shipping = shipping.clone().set();
        }
        if let Some(email) = &self.receipt_email {
            intent.receipt_email = email.clone().set();
        }
        if let Some(capture) = self.capture_method {
            intent.capture_method = capture;
        }
        if let Some(request) = &self.request_three_d_secure {
            intent::set_request_three_d_secure(&mut intent.payment_method_options, request);
        }
    }
}

/// Reads `payment_method_options`: `card[request_three_d_secure]` and `card[capture_method]`
/// have effects; the rest of Stripe's per-method options are accepted and ignored.
fn take_payment_method_options(
    p: &mut Params,
) -> Result<(Option<String>, Option<CaptureMethod>), ApiError> {
    let Some(mut options) = p.object("payment_method_options")? else {
        return Ok((None, None));
    };
    let mut request = None;
    let mut capture = None;
    if let Some(mut card) = options.object("card")? {
        request = card.enumeration("request_three_d_secure", intent::REQUEST_THREE_D_SECURE)?;
        capture = card
            .enumeration("capture_method", &["manual"])?
            .map(|c| CaptureMethod::parse(&c));
    }
    Ok((request, capture))
}

fn present<T>(field: Field<T>) -> Option<Field<T>> {
    (!field.is_absent()).then_some(field)
}

/// `POST /v1/payment_intents`.
#[derive(Clone, Debug)]
pub struct PaymentIntentCreate {
    pub amount: i64,
    pub currency: Currency,
    pub automatic_payment_methods: Option<AutomaticPaymentMethods>,
    pub payment_method_types: Option<Vec<String>>,
    pub capture_method: Option<CaptureMethod>,
    pub confirm: bool,
    pub confirmation_method: ConfirmationMethod,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub metadata: Metadata,
    pub statement_descriptor: Option<String>,
    pub statement_descriptor_suffix: Option<String>,
    pub transfer_group: Option<String>,
    pub on_behalf_of: Option<String>,
    pub application_fee_amount: Option<i64>,
    pub transfer_data: Option<Value>,
    pub excluded_payment_method_types: Option<Value>,
    pub confirm_params: ConfirmParams,
}

impl PaymentIntentCreate {
    pub fn take(p: &mut Params) -> Result<PaymentIntentCreate, ApiError> {
        let amount = p.required_integer("amount")?;
        let currency = money::currency(&p.required_string("currency")?, "currency")?;
        currency.check_amount(amount, "amount")?;
        let automatic_payment_methods = intent::take_automatic_payment_methods(p)?;
        let payment_method_types = p.string_list("payment_method_types")?;
        if let Some(types) = &payment_method_types {
            check_types(types)?;
        }
        let payment_method_types = match p.string_list("allowed_payment_method_types")? {
            None => payment_method_types,
            Some(allowed) => {
                let exclusive = [
                    ("payment_method_types", payment_method_types.is_some()),
                    (
                        "automatic_payment_methods",
                        automatic_payment_methods.is_some(),
                    ),
                    (
                        "excluded_payment_method_types",
                        p.contains("excluded_payment_method_types"),
                    ),
                    (
                        "payment_method_configuration",
                        p.contains("payment_method_configuration"),
                    ),
                ];
                if let Some((other, _)) = exclusive.iter().find(|(_, given)| *given) {
                    return Err(ApiError::invalid_request(format!(
                        "You may only specify one of these parameters: \
                         allowed_payment_method_types, {other}."
                    ))
                    .with_param("allowed_payment_method_types"));
                }
                Some(super::allowed_payment_method_types(
                    &allowed,
                    currency.code,
                )?)
            }
        };
        let confirmation_method = match p
            .enumeration("confirmation_method", &["automatic", "manual"])?
            .as_deref()
        {
            Some("manual") => ConfirmationMethod::Manual,
            _ => ConfirmationMethod::Automatic,
        };
        if automatic_payment_methods
            .as_ref()
            .is_some_and(|a| a.enabled)
        {
            if payment_method_types.is_some() {
                return Err(ApiError::invalid_request(
                    "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.",
                )
                .with_param("payment_method_types"));
            }
            if confirmation_method == ConfirmationMethod::Manual {
                return Err(ApiError::invalid_request(
                    "You may only specify one of these parameters: automatic_payment_methods, confirmation_method.",
                )
                .with_param("confirmation_method"));
            }
        }
        let confirm = p.boolean("confirm")?.unwrap_or(false);
        let mut metadata = Metadata::new();
        if let Some(update) = p.metadata("metadata")? {
            update.apply(&mut metadata, "metadata")?;
        }
        let create = PaymentIntentCreate {
            amount,
            currency,
            automatic_payment_methods,
            payment_method_types,
            capture_method: None,
            confirm,
            confirmation_method,
            customer: p.string("customer")?,
            description: p.string("description")?,
            metadata,
            statement_descriptor: p.string("statement_descriptor")?,
            statement_descriptor_suffix: p.string("statement_descriptor_suffix")?,
            transfer_group: p.string("transfer_group")?,
            on_behalf_of: p.string("on_behalf_of")?,
            application_fee_amount: p.integer("application_fee_amount")?,
            transfer_data: p.opaque("transfer_data")?,
            excluded_payment_method_types: p.opaque("excluded_payment_method_types")?,
            confirm_params: ConfirmParams::take(p)?,
        };
        // Accepted and ignored: Tender has no Connect, Radar sessions, mandates or payment
        // method configurations to apply them to.
        p.ignore(&[
            "mandate",
            "radar_options",
            "payment_method_configuration",
            "amount_details",
            "hooks",
            "payment_details",
            "customer_account",
        ]);
        if !confirm && let Some(param) = create.confirm_params.request.confirm_only() {
            return Err(ApiError::invalid_request(format!(
                "The parameter `{param}` can only be used when `confirm` is `true`."
            ))
            .with_param(param));
        }
        let mut create = create;
        create.capture_method = create.confirm_params.capture_method;
        Ok(create)
    }

    /// The new intent, before confirmation.
    pub fn build(&self, id: String, client_secret: String, now: crate::Timestamp) -> PaymentIntent {
        let mut intent =
            PaymentIntent::new(id, client_secret, self.amount, self.currency.code, now);
        let types = match &self.payment_method_types {
            Some(types) => types.clone(),
            None => super::eligible_payment_method_types(self.currency.code),
        };
        intent.automatic_payment_methods = intent::new_automatic_payment_methods(
            self.automatic_payment_methods.as_ref(),
            self.payment_method_types.is_some(),
            self.confirmation_method == ConfirmationMethod::Automatic,
        );
        let confirm = &self.confirm_params;
        let request = confirm.request_three_d_secure.as_deref();
        intent.payment_method_options =
            super::payment_method_options(&types, request.unwrap_or("automatic"));
        intent.payment_method_types = types;
        intent.capture_method = self.capture_method.unwrap_or_default();
        intent.confirmation_method = self.confirmation_method;
        intent.customer = self.customer.clone();
        intent.description = self.description.clone();
        intent.metadata = self.metadata.clone();
        intent.statement_descriptor = self.statement_descriptor.clone();
        intent.statement_descriptor_suffix = self.statement_descriptor_suffix.clone();
        intent.transfer_group = self.transfer_group.clone();
        intent.on_behalf_of = self.on_behalf_of.clone();
        intent.application_fee_amount = self.application_fee_amount;
        intent.transfer_data = self.transfer_data.clone();
        intent.excluded_payment_method_types = self.excluded_payment_method_types.clone();
        if let Some(Field::Set(usage)) = &confirm.setup_future_usage {
            intent.setup_future_usage = Some(*usage);
        }
        if let Some(Field::Set(shipping)) = &confirm.shipping {
            intent.shipping = Some(shipping.clone());
        }
        if let Some(Field::Set(email)) = &confirm.receipt_email {
            intent.receipt_email = Some(email.clone());
        }
        if confirm.request.payment_method.is_some() && !self.confirm {
            intent.status = Status::RequiresConfirmation;
        }
        intent
    }
}

fn check_types(types: &[String]) -> Result<(), ApiError> {
    intent::check_payment_method_types(types, SUPPORTED_TYPES)
}

/// `POST /v1/payment_intents/:id`.
#[derive(Clone, Debug, Default)]
pub struct PaymentIntentUpdate {
    pub amount: Option<i64>,
    pub currency: Option<Currency>,
    pub customer: Option<Field<String>>,
    pub description: Option<Field<String>>,
    pub metadata: Option<tender_wire::MetadataUpdate>,
    pub payment_method: Option<String>,
    pub payment_method_types: Option<Vec<String>>,
    pub receipt_email: Option<Field<String>>,
    pub setup_future_usage: Option<Field<Usage>>,
    pub shipping: Option<Field<Shipping>>,
    pub statement_descriptor: Option<Field<String>>,
    pub statement_descriptor_suffix: Option<Field<String>>,
    pub capture_method: Option<CaptureMethod>,
    pub request_three_d_secure: Option<String>,
    pub transfer_group: Option<Field<String>>,
}

impl PaymentIntentUpdate {
    pub fn take(p: &mut Params) -> Result<PaymentIntentUpdate, ApiError> {
        let (request_three_d_secure, options_capture) = take_payment_method_options(p)?;
        let payment_method_types = p.string_list("payment_method_types")?;
        if let Some(types) = &payment_method_types {
            check_types(types)?;
        }
        let update = PaymentIntentUpdate {
            amount: p.integer("amount")?,
            currency: p
                .string("currency")?
                .map(|c| money::currency(&c, "currency"))
                .transpose()?,
            customer: present(p.string_field("customer")?),
            description: present(p.string_field("description")?),
            metadata: p.metadata("metadata")?,
            payment_method: p.string("payment_method")?,
            payment_method_types,
            receipt_email: present(p.string_field("receipt_email")?),
            setup_future_usage: present(
                p.enumeration_field("setup_future_usage", SETUP_FUTURE_USAGE)?
                    .map(|usage| Usage::parse(&usage)),
            ),
            shipping: present(Shipping::take_field(p, "shipping", true)?),
            statement_descriptor: present(p.string_field("statement_descriptor")?),
            statement_descriptor_suffix: present(p.string_field("statement_descriptor_suffix")?),
            capture_method: p
                .enumeration("capture_method", CaptureMethod::VALUES)?
                .map(|c| CaptureMethod::parse(&c))
                .or(options_capture),
            request_three_d_secure,
            transfer_group: present(p.string_field("transfer_group")?),
        };
        p.ignore(&[
            "application_fee_amount",
            "transfer_data",
            "amount_details",
            "hooks",
            "payment_details",
            "payment_method_configuration",
            "payment_method_data",
            "excluded_payment_method_types",
        ]);
        Ok(update)
    }

    /// Applies the update. Payment details may change while the intent is open; descriptive
    /// fields also once it is authorized or succeeded; nothing once it is processing or
    /// canceled. A refused payment field is named, as Stripe does.
    pub fn apply(&self, intent: &mut PaymentIntent) -> Result<(), ApiError> {
        let payment_fields = [
            ("amount", self.amount.is_some()),
            ("currency", self.currency.is_some()),
            ("customer", self.customer.is_some()),
            ("payment_method", self.payment_method.is_some()),
            ("payment_method_types", self.payment_method_types.is_some()),
            ("capture_method", self.capture_method.is_some()),
            ("setup_future_usage", self.setup_future_usage.is_some()),
            (
                "payment_method_options",
                self.request_three_d_secure.is_some(),
            ),
        ];
        match intent.status {
            Status::RequiresPaymentMethod
            | Status::RequiresConfirmation
            | Status::RequiresAction => {}
            Status::RequiresCapture | Status::Succeeded => {
                if let Some((field, _)) = payment_fields.iter().find(|(_, touched)| *touched) {
                    return Err(ApiError::invalid_request(format!(
                        "This PaymentIntent's {field} could not be updated because it has a \
                         status of {}. You may only update the {field} of a PaymentIntent with \
                         one of the following statuses: requires_payment_method, \
                         requires_confirmation, requires_action.",
                        intent.status.as_str()
                    ))
                    .with_param(*field)
                    .with_code("payment_intent_unexpected_state"));
                }
            }
            Status::Processing | Status::Canceled => {
                return Err(ApiError::invalid_request(format!(
                    "You cannot update this PaymentIntent because it has a status of {}.",
                    intent.status.as_str()
                ))
                .with_code("payment_intent_unexpected_state"));
            }
        }
        let currency = match &self.currency {
            Some(currency) => *currency,
            None => money::currency(&intent.currency, "currency")?,
        };
        if let Some(amount) = self.amount {
            currency.check_amount(amount, "amount")?;
            intent.amount = amount;
        } else if self.currency.is_some() {
            currency.check_amount(intent.amount, "amount")?;
        }
        intent.currency = currency.code.to_owned();
        if let Some(customer) = &self.customer {
            intent.customer = customer.clone().set();
        }
        set(&mut intent.description, &self.description);
        if let Some(update) = &self.metadata {
            update.apply(&mut intent.metadata, "metadata")?;
        }
        if let Some(types) = &self.payment_method_types {
            intent.payment_method_types = types.clone();
            intent.automatic_payment_methods = None;
        }
        set(&mut intent.receipt_email, &self.receipt_email);
        set(&mut intent.setup_future_usage, &self.setup_future_usage);
        if let Some(shipping) = &self.shipping {
            intent.shipping = shipping.clone().set();
        }
        set(&mut intent.statement_descriptor, &self.statement_descriptor);
        set(
            &mut intent.statement_descriptor_suffix,
            &self.statement_descriptor_suffix,
        );
        set(&mut intent.transfer_group, &self.transfer_group);
        if let Some(capture) = self.capture_method {
            intent.capture_method = capture;
        }
        if self.request_three_d_secure.is_some() || self.payment_method_types.is_some() {
            intent.payment_method_options = intent::render_payment_method_options_again(
                &intent.payment_method_options,
                &intent.payment_method_types,
                self.request_three_d_secure.as_deref(),
                true,
            );
        }
        if let Some(pm) = &self.payment_method {
            // A new payment method always needs a new confirmation.
            intent.payment_method = Some(pm.clone());
            intent.status = Status::RequiresConfirmation;
            intent.next_action = None;
        }
        Ok(())
    }
}

fn set<T: Clone>(target: &mut Option<T>, field: &Option<Field<T>>) {
    if let Some(field) = field {
        *target = field.clone().set();
    }
}
