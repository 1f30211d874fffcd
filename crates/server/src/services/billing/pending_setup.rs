//! A subscription's `pending_setup_intent` as the server keeps it (the rules are in
//! `tender_core::billing::pending_setup`): made with the subscription, in its unit of work; and
//! finished in the unit of work that makes the SetupIntent succeed (a confirmation, or the end
//! of 3D Secure), which finds the subscription through a [`SubscriptionSetup`] record.

use tender_core::billing::pending_setup::{complete_pending_setup, pending_setup_intent};
use tender_core::billing::subscription::Subscription;
use tender_core::event::previous_attributes;
use tender_core::event_kind::EventKind;
use tender_core::setup_intent::SetupIntent;
use tender_store::Write;
use tender_wire::{ApiError, IdIn, id};

use super::SubscriptionSetup;
use super::staged::Staged;
use crate::ctx::Ctx;
use crate::resources::{Loaded, insert, new_id, to_value};

/// Makes the pending SetupIntent of `subscription` (not yet written), with its
/// `setup_intent.created` and the record that ties it to the subscription.
pub fn create(
    ctx: &Ctx,
    subscription: &mut Subscription,
    writes: &mut Vec<Write>,
) -> Result<(), ApiError> {
    let intent_id = new_id::<SetupIntent>();
    let intent = pending_setup_intent(
        intent_id.clone(),
        id::client_secret(&intent_id),
        &subscription.customer,
        subscription.payment_settings.payment_method_types.clone(),
        // Intents keep real times, even for a customer on a test clock (as on Stripe).
        ctx.wall,
    );
    writes.push(insert(ctx.account_id(), &intent)?);
    writes.push(ctx.event(EventKind::SetupIntentCreated, to_value(&intent)?, None)?);
    writes.push(insert(
        ctx.account_id(),
        &SubscriptionSetup {
            id: SubscriptionSetup::id_for(&intent_id),
            subscription: subscription.id.clone(),
            created: ctx.wall,
        },
    )?);
    subscription.pending_setup_intent = Some(intent_id);
    Ok(())
}

/// Finishes the setup of the subscription that waits for SetupIntent `setup_intent`, which
/// has just succeeded with `payment_method`: nothing when no subscription waits for it.
pub async fn complete(
    ctx: &Ctx,
    setup_intent: &str,
    payment_method: Option<&str>,
    writes: &mut Vec<Write>,
) -> Result<(), ApiError> {
    let Some(record) = ctx.find(&SubscriptionSetup::id_for(setup_intent)).await? else {
        return Ok(());
    };
    let link = Loaded::<SubscriptionSetup>::from_record(&record)?.object;
    let mut subscription =
        Staged::<Subscription>::find(ctx, &link.subscription, writes, IdIn::Param("subscription"))
            .await?;
    let before = to_value(&subscription.object)?;
    if !complete_pending_setup(&mut subscription.object, setup_intent, payment_method) {
        return Ok(());
    }
    let json = subscription.write(ctx, writes)?;
    let after = to_value(&subscription.object)?;
    if let Some(previous) = previous_attributes(&before, &after) {
        writes.push(ctx.event_json(
            EventKind::CustomerSubscriptionUpdated,
            json,
            Some(previous),
        )?);
    }
    Ok(())
}
