//! The expiry of unpaid subscriptions: an `incomplete` subscription whose first invoice is
//! not paid 23 hours after its creation becomes `incomplete_expired`, its open invoice is
//! voided and the invoice's PaymentIntent canceled, in one unit of work. Run by the
//! housekeeping loop every minute and, on a server with a test clock, each time the clock is
//! advanced (so a test sees the expiry as soon as it moves the time); [`run_due`] runs it with
//! the renewals (`renewal.rs`).

use std::sync::Arc;

use tender_core::billing::documents::Invoice;
use tender_core::billing::invoice::InvoiceStatus;
use tender_core::billing::subscription::Subscription;
use tender_core::billing::subscription_status::{
    INCOMPLETE_WINDOW, SubscriptionStatus, is_expired,
};
use tender_core::event::previous_attributes;
use tender_core::event_kind::EventKind;
use tender_store::{Account, CreatedRange, Cursor, ListQuery, TagFilter};
use tender_wire::{ApiError, IdIn, Params};

use super::invoices::void_invoice;
use super::staged::Staged;
use crate::ctx::Ctx;
use crate::pipeline::{Command, Effect, mutate_without_key};
use crate::resources::{Resource, to_value};
use crate::state::AppState;
use crate::store_error;

/// How many subscriptions one listing reads.
const PAGE: usize = 100;

/// Runs what fell due in every account: unpaid subscriptions expire, ended periods renew.
/// Returns how many subscriptions were looked at.
pub async fn run_due(state: &Arc<AppState>) -> Result<usize, ApiError> {
    let accounts = state.store.accounts().await.map_err(store_error)?;
    let mut seen = 0;
    for account in accounts {
        let account = Arc::new(account);
        seen += expire_due_in(state, account.clone()).await?;
        seen += super::renewal::renew_due_in(state, account).await?;
    }
    Ok(seen)
}

async fn expire_due_in(state: &Arc<AppState>, account: Arc<Account>) -> Result<usize, ApiError> {
    let deadline = state.clock.now() - INCOMPLETE_WINDOW;
    let mut query = ListQuery {
        account: account.id.clone(),
        kind: Subscription::OBJECT.to_owned(),
        tag: Some(TagFilter::Exact(
            SubscriptionStatus::Incomplete.as_str().to_owned(),
        )),
        created: CreatedRange {
            lte: Some(deadline),
            ..CreatedRange::default()
        },
        limit: PAGE,
        ..ListQuery::default()
    };
    let mut seen = 0;
    loop {
        let page = state.store.list(&query).await.map_err(store_error)?;
        let more = page.len() > PAGE;
        for record in page.iter().take(PAGE) {
            let ctx = Ctx::for_job(state.clone(), account.clone());
            let params = Params::from_form(b"")?;
            // Each expiry is its own unit of work; one that loses a race is decided again.
            let _ = mutate_without_key::<Expire>(&ctx, params, record.id.clone()).await;
            seen += 1;
        }
        match page.get(PAGE - 1) {
            Some(last) if more => query.cursor = Some(Cursor::After(last.id.clone())),
            _ => return Ok(seen),
        }
    }
}

/// Expires one subscription, if it is still unpaid and due.
struct Expire {
    id: String,
}

impl Command for Expire {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(params: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        params.finish()?;
        Ok(Expire { id })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut writes = Vec::new();
        let mut subscription =
            Staged::<Subscription>::find(ctx, &self.id, &writes, IdIn::Url("subscription")).await?;
        let object = &subscription.object;
        if !is_expired(object.status, object.created, ctx.now) {
            return Ok(Effect::ok_json("{}".to_owned(), writes));
        }
        let before = to_value(&subscription.object)?;
        subscription
            .object
            .end(SubscriptionStatus::IncompleteExpired, None, ctx.now);
        let json = subscription.write(ctx, &mut writes)?;
        if let Some(invoice_id) = subscription.object.latest_invoice.clone() {
            let mut invoice =
                Staged::<Invoice>::find(ctx, &invoice_id, &writes, IdIn::Param("invoice")).await?;
            if invoice.object.status == InvoiceStatus::Open {
                void_invoice(ctx, &mut invoice, &mut writes).await?;
            }
        }
        let after = to_value(&subscription.object)?;
        writes.push(ctx.event_json(
            EventKind::CustomerSubscriptionUpdated,
            json,
            previous_attributes(&before, &after),
        )?);
        Ok(Effect::ok_json("{}".to_owned(), writes))
    }
}
