//! `POST /v1/payment_methods/:id`: the update parameters and how they apply to a payment
//! method saved to a customer.
//!
//! Apart from creation because an update is its own small contract: only a few fields may
//! change (a card's expiry, billing details, metadata, `allow_redisplay`), all or nothing, and
//! it reports the `previous_attributes` of the event.

use serde_json::Value;
use tender_wire::{ApiError, Field, MetadataUpdate, Params};

use super::{AllowRedisplay, PaymentMethod};
use crate::Timestamp;
use crate::address::{BillingDetails, BillingDetailsUpdate};
use crate::card;
use crate::event::previous_attributes;

/// `card[…]` of an update: only the expiry may change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CardUpdate {
    pub exp_month: Option<i64>,
    pub exp_year: Option<i64>,
}

/// `POST /v1/payment_methods/:id` parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentMethodUpdate {
    pub allow_redisplay: Option<AllowRedisplay>,
    pub billing_details: Field<BillingDetailsUpdate>,
    pub card: Option<CardUpdate>,
    pub metadata: Option<MetadataUpdate>,
}

impl PaymentMethodUpdate {
    /// Takes the parameters it knows from `p`; the caller handles `expand` and finishes.
    pub fn take(p: &mut Params) -> Result<PaymentMethodUpdate, ApiError> {
        let card = match p.object("card")? {
            None => None,
            Some(mut card) => {
                let update = CardUpdate {
                    exp_month: card.integer("exp_month")?,
                    exp_year: card.integer("exp_year")?,
                };
                card.finish()?;
                Some(update)
            }
        };
        Ok(PaymentMethodUpdate {
            allow_redisplay: AllowRedisplay::take(p)?,
            billing_details: BillingDetailsUpdate::take(p, "billing_details")?,
            card,
            metadata: p.metadata("metadata")?,
        })
    }

    /// Applies the update, all or nothing, and returns the `previous_attributes` of the
    /// `payment_method.updated` event (`None` when nothing changed).
    ///
    /// Stripe only updates payment methods saved to a customer.
    pub fn apply(&self, pm: &mut PaymentMethod, now: Timestamp) -> Result<Option<Value>, ApiError> {
        if pm.customer.is_none() {
            return Err(ApiError::invalid_request(
                "You must save this PaymentMethod to a customer before you can update it.",
            ));
        }
        let mut next = pm.clone();
        if let Some(allow_redisplay) = self.allow_redisplay {
            next.allow_redisplay = allow_redisplay;
        }
        match &self.billing_details {
            Field::Absent => {}
            Field::Clear => next.billing_details = BillingDetails::default(),
            Field::Set(update) => update.apply(&mut next.billing_details),
        }
        if let Some(update) = &self.card {
            let Some(card) = next.card.as_mut() else {
                return Err(ApiError::invalid_request(format!(
                    "You cannot update `card` on a PaymentMethod of type `{}`.",
                    pm.kind.as_str()
                ))
                .with_param("card"));
            };
            let month = update.exp_month.unwrap_or(card.exp_month);
            let year = update.exp_year.unwrap_or(card.exp_year);
            (card.exp_month, card.exp_year) = card::validate_expiry(month, year, now)?;
        }
        if let Some(update) = &self.metadata {
            update.apply(&mut next.metadata, "metadata")?;
        }
        let before = serde_json::to_value(&*pm).map_err(|_| ApiError::internal())?;
        let after = serde_json::to_value(&next).map_err(|_| ApiError::internal())?;
        *pm = next;
        Ok(previous_attributes(&before, &after))
    }
}
