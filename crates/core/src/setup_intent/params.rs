//! SetupIntent parameters: every create/update/confirm parameter of API 2026-10-28 is
//! accepted (spec §5); those without an effect in Tender are stored and echoed, or dropped,
//! never refused as unknown.

use serde_json::Value;
use tender_wire::{ApiError, Field, Metadata, MetadataUpdate, Params};

use super::{SetupIntent, Status, Usage};
use crate::confirmation::{ConfirmRequest, IntentKind};
use crate::intent;
use crate::payment_intent::AutomaticPaymentMethods;
use crate::payment_method::PaymentMethodCreate;

/// Payment method types Tender can set up: cards. (Setting up iDEAL yields a SEPA Direct
/// Debit method on Stripe, which Tender does not have.)
pub const SUPPORTED_TYPES: &[&str] = &["card"];

/// The reasons a caller may give when canceling.
pub const CANCELLATION_REASONS: &[&str] = &["abandoned", "duplicate", "requested_by_customer"];

const FLOW_DIRECTIONS: &[&str] = &["inbound", "outbound"];

/// Accepted and dropped on create and update: Tender has no Connect, payment method
/// configurations or single-use mandates to apply them to.
const IGNORED: &[&str] = &[
    "payment_method_configuration",
    "single_use",
    "attach_to_self",
    "customer_account",
];

/// What a confirmation carries, on `POST …/confirm` or on create with `confirm=true`: the
/// parameters every confirmation reads, and a SetupIntent's own.
#[derive(Clone, Debug, Default)]
pub struct ConfirmParams {
    pub request: ConfirmRequest,
    pub request_three_d_secure: Option<String>,
}

impl ConfirmParams {
    /// Writes the confirmation's own parameters onto the intent.
    pub fn apply_to(&self, intent: &mut SetupIntent) {
        if let Some(request) = &self.request_three_d_secure {
            intent::set_request_three_d_secure(&mut intent.payment_method_options, request);
        }
    }

    pub fn take(p: &mut Params) -> Result<ConfirmParams, ApiError> {
        Ok(ConfirmParams {
            request: ConfirmRequest::take(p, IntentKind::Setup)?,
            request_three_d_secure: take_payment_method_options(p)?,
        })
    }
}

/// Reads `payment_method_options`: `card[request_three_d_secure]` has an effect; the rest
/// (`card[mandate_options]`, `card[network]`, other methods' options) is accepted and
/// ignored.
fn take_payment_method_options(p: &mut Params) -> Result<Option<String>, ApiError> {
    let Some(mut options) = p.object("payment_method_options")? else {
        return Ok(None);
    };
    match options.object("card")? {
        Some(mut card) => {
            card.enumeration("request_three_d_secure", intent::REQUEST_THREE_D_SECURE)
        }
        None => Ok(None),
    }
}

fn take_flow_directions(p: &mut Params) -> Result<Option<Vec<String>>, ApiError> {
    let Some(directions) = p.string_list("flow_directions")? else {
        return Ok(None);
    };
    for (i, direction) in directions.iter().enumerate() {
        if !FLOW_DIRECTIONS.contains(&direction.as_str()) {
            return Err(ApiError::invalid_request(format!(
                "Invalid flow_directions[{i}]: must be one of `inbound`, or `outbound` \
                 (received `{direction}`)"
            ))
            .with_param(format!("flow_directions[{i}]")));
        }
    }
    Ok(Some(directions))
}

fn take_payment_method_types(p: &mut Params) -> Result<Option<Vec<String>>, ApiError> {
    let types = p.string_list("payment_method_types")?;
    if let Some(types) = &types {
        intent::check_payment_method_types(types, SUPPORTED_TYPES)?;
    }
    Ok(types)
}

/// `POST /v1/setup_intents`.
#[derive(Clone, Debug)]
pub struct SetupIntentCreate {
    pub automatic_payment_methods: Option<AutomaticPaymentMethods>,
    pub payment_method_types: Option<Vec<String>>,
    pub confirm: bool,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub metadata: Metadata,
    pub on_behalf_of: Option<String>,
    pub usage: Usage,
    pub flow_directions: Option<Vec<String>>,
    pub excluded_payment_method_types: Option<Value>,
    pub confirm_params: ConfirmParams,
}

impl SetupIntentCreate {
    pub fn take(p: &mut Params) -> Result<SetupIntentCreate, ApiError> {
        let automatic_payment_methods = intent::take_automatic_payment_methods(p)?;
        let payment_method_types = take_payment_method_types(p)?;
        if automatic_payment_methods
            .as_ref()
            .is_some_and(|a| a.enabled)
            && payment_method_types.is_some()
        {
            return Err(ApiError::invalid_request(
                "You may only specify one of these parameters: automatic_payment_methods, \
                 payment_method_types.",
            )
            .with_param("payment_method_types"));
        }
        let mut metadata = Metadata::new();
        if let Some(update) = p.metadata("metadata")? {
            update.apply(&mut metadata, "metadata")?;
        }
        let create = SetupIntentCreate {
            automatic_payment_methods,
            payment_method_types,
            confirm: p.boolean("confirm")?.unwrap_or(false),
            customer: p.string("customer")?,
            description: p.string("description")?,
            metadata,
            on_behalf_of: p.string("on_behalf_of")?,
            usage: p
                .enumeration("usage", Usage::VALUES)?
                .map(|u| Usage::parse(&u))
                .unwrap_or_default(),
            flow_directions: take_flow_directions(p)?,
            excluded_payment_method_types: p.opaque("excluded_payment_method_types")?,
            confirm_params: ConfirmParams::take(p)?,
        };
        p.ignore(IGNORED);
        if !create.confirm
            && let Some(param) = create.confirm_params.request.confirm_only()
        {
            return Err(ApiError::invalid_request(format!(
                "The parameter `{param}` can only be used when `confirm` is `true`."
            ))
            .with_param(param));
        }
        Ok(create)
    }

    /// The new intent, before confirmation. A payment method given without `confirm` (by id
    /// or as data, which the caller mints) leaves it `requires_confirmation`.
    pub fn build(&self, id: String, client_secret: String, now: crate::Timestamp) -> SetupIntent {
        let mut intent = SetupIntent::new(id, client_secret, now);
        let types = self
            .payment_method_types
            .clone()
            .unwrap_or_else(|| vec!["card".to_owned()]);
        intent.automatic_payment_methods = intent::new_automatic_payment_methods(
            self.automatic_payment_methods.as_ref(),
            self.payment_method_types.is_some(),
            true,
        );
        let request = self.confirm_params.request_three_d_secure.as_deref();
        intent.payment_method_options =
            super::payment_method_options(&types, request.unwrap_or("automatic"));
        intent.payment_method_types = types;
        intent.customer = self.customer.clone();
        intent.description = self.description.clone();
        intent.metadata = self.metadata.clone();
        intent.on_behalf_of = self.on_behalf_of.clone();
        intent.usage = self.usage;
        intent.flow_directions = self.flow_directions.clone();
        intent.excluded_payment_method_types = self.excluded_payment_method_types.clone();
        if !self.confirm
            && (self.confirm_params.request.payment_method.is_some()
                || self.confirm_params.request.payment_method_data.is_some())
        {
            intent.status = Status::RequiresConfirmation;
        }
        intent
    }
}

/// `POST /v1/setup_intents/:id`.
#[derive(Clone, Debug, Default)]
pub struct SetupIntentUpdate {
    pub customer: Option<Field<String>>,
    pub description: Option<Field<String>>,
    pub metadata: Option<MetadataUpdate>,
    /// A payment method id; the caller resolves test ids (and mints `payment_method_data`)
    /// into a stored id before applying.
    pub payment_method: Option<String>,
    pub payment_method_data: Option<PaymentMethodCreate>,
    pub payment_method_types: Option<Vec<String>>,
    pub flow_directions: Option<Vec<String>>,
    pub request_three_d_secure: Option<String>,
    pub excluded_payment_method_types: Option<Value>,
}

fn present<T>(field: Field<T>) -> Option<Field<T>> {
    (!field.is_absent()).then_some(field)
}

impl SetupIntentUpdate {
    pub fn take(p: &mut Params) -> Result<SetupIntentUpdate, ApiError> {
        let update = SetupIntentUpdate {
            customer: present(p.string_field("customer")?),
            description: present(p.string_field("description")?),
            metadata: p.metadata("metadata")?,
            payment_method: p.string("payment_method")?,
            payment_method_data: intent::take_payment_method_data(p)?,
            payment_method_types: take_payment_method_types(p)?,
            flow_directions: take_flow_directions(p)?,
            request_three_d_secure: take_payment_method_options(p)?,
            excluded_payment_method_types: p.opaque("excluded_payment_method_types")?,
        };
        p.ignore(IGNORED);
        Ok(update)
    }

    /// The first parameter that changes how the payment method is set up, which only an
    /// open intent allows.
    fn setup_field(&self) -> Option<&'static str> {
        [
            ("customer", self.customer.is_some()),
            ("payment_method", self.payment_method.is_some()),
            ("payment_method_data", self.payment_method_data.is_some()),
            ("payment_method_types", self.payment_method_types.is_some()),
            ("flow_directions", self.flow_directions.is_some()),
            (
                "payment_method_options",
                self.request_three_d_secure.is_some(),
            ),
            (
                "excluded_payment_method_types",
                self.excluded_payment_method_types.is_some(),
            ),
        ]
        .into_iter()
        .find_map(|(field, given)| given.then_some(field))
    }

    /// Applies the update. The setup may change while the intent is open; afterwards only
    /// the descriptive fields may (a merchant labels a saved card after the fact), and a
    /// refusal names the field, as Stripe's does.
    pub fn apply(&self, intent: &mut SetupIntent) -> Result<(), ApiError> {
        if let Some(field) = self.setup_field()
            && !intent.status.is_open()
        {
            return Err(ApiError::invalid_request(format!(
                "This SetupIntent's {field} could not be updated because it has a status of \
                 {}. You may only update the {field} of a SetupIntent with one of the \
                 following statuses: requires_payment_method, requires_confirmation, \
                 requires_action.",
                intent.status.as_str()
            ))
            .with_param(field)
            .with_code("setup_intent_unexpected_state"));
        }
        if let Some(update) = &self.metadata {
            update.apply(&mut intent.metadata, "metadata")?;
        }
        if let Some(description) = &self.description {
            intent.description = description.clone().set();
        }
        if let Some(customer) = &self.customer {
            intent.customer = customer.clone().set();
        }
        if let Some(types) = &self.payment_method_types {
            intent.payment_method_types = types.clone();
            intent.automatic_payment_methods = None;
        }
        if let Some(directions) = &self.flow_directions {
            intent.flow_directions = Some(directions.clone());
        }
        if let Some(excluded) = &self.excluded_payment_method_types {
            intent.excluded_payment_method_types = Some(excluded.clone());
        }
        if self.request_three_d_secure.is_some() || self.payment_method_types.is_some() {
            intent.payment_method_options = intent::render_payment_method_options_again(
                &intent.payment_method_options,
                &intent.payment_method_types,
                self.request_three_d_secure.as_deref(),
                false,
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
