//! Payment methods as other objects use them: resolving one a request names (a stored one or
//! a `pm_card_*` test id), writing it back (spent or not), and attaching it to a customer.
//!
//! A payment method that was detached, or used once without being saved to a customer, is
//! *spent*: Stripe refuses to attach or use it again. Tender marks its record `deleted`, which
//! keeps it readable by id and out of every list, exactly the visibility Stripe gives it.

use tender_core::card;
use tender_core::confirmation::PaymentMethodEffects;
use tender_core::event_kind::EventKind;
use tender_core::payment_method::PaymentMethod;
use tender_store::Write;
use tender_wire::{ApiError, IdIn};

use crate::ctx::Ctx;
use crate::resources::{Loaded, Resource, new_id, persist, to_value};
use crate::services::customers::load_customer;
use crate::services::facts::record_off_session_setup;

/// A payment method named in a request: a stored one, or a fresh one minted from a
/// `pm_card_*` test id (each use mints a new one, as on Stripe).
pub struct NamedPaymentMethod {
    pub object: PaymentMethod,
    /// `None` for a freshly minted one.
    pub version: Option<i64>,
    pub spent: bool,
    /// The stored card token it was minted from, marked used: written with it.
    pub redeemed_token: Option<Write>,
}

impl NamedPaymentMethod {
    pub async fn resolve(ctx: &Ctx, id: &str, named: IdIn<'_>) -> Result<Self, ApiError> {
        if let Some(test_card) = card::lookup_test_payment_method(id) {
            return Ok(NamedPaymentMethod {
                object: PaymentMethod::from_test_payment_method(
                    new_id::<PaymentMethod>(),
                    test_card,
                    &ctx.fingerprint_key(),
                    ctx.now,
                ),
                version: None,
                spent: false,
                redeemed_token: None,
            });
        }
        match ctx.find(id).await? {
            Some(record) if record.kind == PaymentMethod::OBJECT => {
                let loaded = Loaded::<PaymentMethod>::from_record(&record)?;
                Ok(NamedPaymentMethod {
                    object: loaded.object,
                    version: Some(loaded.version),
                    spent: record.deleted,
                    redeemed_token: None,
                })
            }
            _ => Err(ApiError::resource_missing("payment_method", id, named)),
        }
    }

    /// The write storing the current state (spent or not).
    pub fn write(&self, ctx: &Ctx) -> Result<Write, ApiError> {
        let mut write = persist(ctx.account_id(), &self.object, self.version)?;
        write.record.deleted = self.spent;
        Ok(write)
    }

    /// The writes storing a payment method made by this request: itself, and the card token
    /// it was redeemed from, if any.
    pub fn new_writes(&self, ctx: &Ctx) -> Result<Vec<Write>, ApiError> {
        let mut writes = vec![self.write(ctx)?];
        writes.extend(self.redeemed_token.clone());
        Ok(writes)
    }
}

fn spent_error() -> ApiError {
    ApiError::invalid_request(
        "This PaymentMethod was previously used without being attached to a Customer or was \
         detached from a Customer, and may not be used again.",
    )
}

/// Attaches a payment method (or a `pm_card_*` test id) to a customer that the caller has
/// checked exists. Returns the payment method's id and the writes (none if it already was
/// attached to this customer). Test decline cards fail here, as Stripe verifies on attach.
pub async fn attach_for_customer(
    ctx: &Ctx,
    payment_method: &str,
    customer: &str,
    param: &str,
) -> Result<(String, Vec<Write>), ApiError> {
    let mut named = NamedPaymentMethod::resolve(ctx, payment_method, IdIn::Param(param)).await?;
    let (id, writes) = attach_named(ctx, &mut named, customer)?;
    Ok((id, writes))
}

pub fn attach_named(
    ctx: &Ctx,
    named: &mut NamedPaymentMethod,
    customer: &str,
) -> Result<(String, Vec<Write>), ApiError> {
    if named.spent {
        return Err(spent_error());
    }
    match named.object.customer.as_deref() {
        Some(current) if current == customer => return Ok((named.object.id.clone(), Vec::new())),
        Some(_) => {
            return Err(ApiError::invalid_request(
                "The payment method you provided has already been attached to a customer.",
            ));
        }
        None => {}
    }
    if let Some(decline) = named
        .object
        .card_behavior(&ctx.fingerprint_key())
        .and_then(|behavior| behavior.verification_decline())
    {
        return Err(decline.to_error());
    }
    named.object.customer = Some(customer.to_owned());
    let value = to_value(&named.object)?;
    let writes = vec![
        named.write(ctx)?,
        ctx.event(
            EventKind::PaymentMethodAttached,
            value,
            Some(serde_json::json!({ "customer": null })),
        )?,
    ];
    Ok((named.object.id.clone(), writes))
}

/// Detaches a payment method from its customer: it is spent (never usable again, as on
/// Stripe), `payment_method.detached` is sent, and the customer's invoice default, if it was
/// this one, is cleared. The writes include the payment method's.
pub async fn detach_named(
    ctx: &Ctx,
    named: &mut NamedPaymentMethod,
) -> Result<Vec<Write>, ApiError> {
    let Some(customer) = named.object.customer.take().filter(|_| !named.spent) else {
        return Err(ApiError::invalid_request(
            "The payment method you provided is not attached to a customer so detachment \
             is impossible.",
        ));
    };
    named.spent = true;
    let mut writes = vec![
        named.write(ctx)?,
        ctx.event(
            EventKind::PaymentMethodDetached,
            to_value(&named.object)?,
            Some(serde_json::json!({ "customer": customer })),
        )?,
    ];
    // The customer's default for invoices, if it was this one, is cleared.
    if let Ok(mut owner) = load_customer(ctx, &customer, IdIn::Param("customer")).await {
        let before = to_value(&owner.object)?;
        if owner.object.forget_payment_method(&named.object.id) {
            let after = to_value(&owner.object)?;
            let previous = tender_core::event::previous_attributes(&before, &after);
            writes.push(owner.update(ctx.account_id())?);
            writes.push(ctx.event(EventKind::CustomerUpdated, after, previous)?);
        }
    }
    Ok(writes)
}

/// Carries out what core decided about a confirmation's payment method
/// ([`PaymentMethodEffects`]). Returns the writes that precede the intent's (the off-session
/// fact) and the `payment_method.attached` event, which follows the intent's events. The
/// caller writes the payment method itself.
pub async fn apply_payment_method_effects(
    ctx: &Ctx,
    pm: &mut NamedPaymentMethod,
    effects: &PaymentMethodEffects,
) -> Result<(Vec<Write>, Option<Write>), ApiError> {
    let mut attached = None;
    if let Some(customer) = &effects.attach_to {
        pm.object.customer = Some(customer.clone());
        attached = Some(ctx.event(
            EventKind::PaymentMethodAttached,
            to_value(&pm.object)?,
            Some(serde_json::json!({ "customer": null })),
        )?);
    }
    if effects.spent {
        pm.spent = true;
    }
    let mut writes = Vec::new();
    if effects.set_up_for_off_session {
        writes.extend(record_off_session_setup(ctx, &pm.object.id).await?);
    }
    Ok((writes, attached))
}
