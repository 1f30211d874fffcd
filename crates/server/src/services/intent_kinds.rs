//! The two intents as the server treats them alike ([`Intent`]): what differs between a
//! PaymentIntent and a SetupIntent, and each one's answer.

use tender_core::charge::Charge;
use tender_core::confirmation::Confirmable;
use tender_core::intent::{IntentCreate, IntentUpdate, Status, Transition};
use tender_core::payment_intent::{self, PaymentIntent, PaymentIntentCreate, PaymentIntentUpdate};
use tender_core::setup_intent::{self, SetupIntent, SetupIntentCreate, SetupIntentUpdate};
use tender_wire::{ApiError, IdIn};

use crate::ctx::Ctx;
use crate::resources::{Loaded, Resource};
use crate::services::confirmation::Base;

/// What differs between a PaymentIntent and a SetupIntent where the server treats them alike:
/// which intent it is, what a publishable key may read of it, where its last error is, and its
/// client secret.
pub trait Intent: Resource + Confirmable<Params: Send + Sync> + Send + Sync {
    /// The fields a publishable key (with the client secret) may read.
    const PUBLISHABLE_FIELDS: &'static [&'static str];
    /// `last_payment_error` or `last_setup_error`.
    const LAST_ERROR: &'static str;
    /// `POST /v1/…_intents`' parameters.
    type Create: IntentCreate<Self> + Send + Sync;
    /// `POST /v1/…_intents/:id`'s parameters.
    type Update: IntentUpdate<Self> + Send + Sync;
    /// The reasons a caller may give when canceling.
    const CANCELLATION_REASONS: &'static [&'static str];
    /// Cancels the stored intent: the transition, and what it is applied over.
    fn cancel(
        ctx: &Ctx,
        loaded: &Loaded<Self>,
        reason: Option<String>,
    ) -> impl Future<Output = Result<(Transition<Self>, Base), ApiError>> + Send;
    /// Parameters a confirmation accepts and ignores (besides Stripe.js's extras).
    const CONFIRM_IGNORED: &'static [&'static str];
    fn client_secret(&self) -> &str;
    /// The invoice this intent pays, and the intent's status: a PaymentIntent made for an
    /// invoice settles it when its payment ends (`services::billing::settle`).
    fn invoice_payment(&self) -> Option<(&str, Status)> {
        None
    }
    /// Whether this is a SetupIntent that has succeeded: it may be a subscription's
    /// `pending_setup_intent`, whose setup its success finishes
    /// (`services::billing::pending_setup`).
    fn is_successful_setup(&self) -> bool {
        false
    }
}

impl Intent for PaymentIntent {
    type Create = PaymentIntentCreate;
    type Update = PaymentIntentUpdate;
    const CANCELLATION_REASONS: &'static [&'static str] = &[
        "duplicate",
        "fraudulent",
        "requested_by_customer",
        "abandoned",
    ];

    /// Canceling an uncaptured payment releases its charge.
    async fn cancel(
        ctx: &Ctx,
        loaded: &Loaded<Self>,
        reason: Option<String>,
    ) -> Result<(Transition<Self>, Base), ApiError> {
        if loaded.object.invoice.is_some() {
            // The invoice's default payment: voiding the invoice cancels it.
            return Err(ApiError::invalid_request(
                "You cannot cancel this PaymentIntent because it has an associated invoice. \
                 Void the invoice instead.",
            ));
        }
        let charge = latest_charge(ctx, &loaded.object).await?;
        let transition =
            loaded
                .object
                .cancel(charge.as_ref().map(|c| &c.object), reason, ctx.now)?;
        let base = Base {
            intent_version: Some(loaded.version),
            charge_version: transition.charge.as_ref().and(charge.map(|c| c.version)),
            prior: Vec::new(),
            mandate_data: None,
        };
        Ok((transition, base))
    }

    const PUBLISHABLE_FIELDS: &'static [&'static str] = payment_intent::PUBLISHABLE_FIELDS;
    const LAST_ERROR: &'static str = "last_payment_error";
    const CONFIRM_IGNORED: &'static [&'static str] = &[
        "mandate",
        "radar_options",
        "payment_details",
        "amount_details",
        "hooks",
        "is_stripe_sdk",
    ];
    fn client_secret(&self) -> &str {
        &self.client_secret
    }

    fn invoice_payment(&self) -> Option<(&str, Status)> {
        self.invoice
            .as_deref()
            .map(|invoice| (invoice, self.status))
    }
}

impl Intent for SetupIntent {
    type Create = SetupIntentCreate;
    type Update = SetupIntentUpdate;
    const CANCELLATION_REASONS: &'static [&'static str] =
        setup_intent::params::CANCELLATION_REASONS;

    async fn cancel(
        _: &Ctx,
        loaded: &Loaded<Self>,
        reason: Option<String>,
    ) -> Result<(Transition<Self>, Base), ApiError> {
        let transition = loaded.object.cancel(reason)?;
        let base = Base {
            intent_version: Some(loaded.version),
            ..Base::default()
        };
        Ok((transition, base))
    }

    const PUBLISHABLE_FIELDS: &'static [&'static str] = setup_intent::PUBLISHABLE_FIELDS;
    const LAST_ERROR: &'static str = "last_setup_error";
    const CONFIRM_IGNORED: &'static [&'static str] = &["is_stripe_sdk"];
    fn client_secret(&self) -> &str {
        &self.client_secret
    }

    fn is_successful_setup(&self) -> bool {
        self.status == Status::Succeeded
    }
}

/// A PaymentIntent's latest charge, with its version.
pub async fn latest_charge(
    ctx: &Ctx,
    intent: &PaymentIntent,
) -> Result<Option<Loaded<Charge>>, ApiError> {
    match &intent.latest_charge {
        Some(charge) => Ok(Some(
            ctx.load::<Charge>(charge, IdIn::Param("charge")).await?,
        )),
        None => Ok(None),
    }
}
