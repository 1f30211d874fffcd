//! Memberships: what a subscription to the shop's plan buys. A membership is created
//! `pending` before its subscription, becomes `active` only through the verified `invoice.paid`
//! of its subscription (never because the browser said the payment worked), and `ended` with
//! `customer.subscription.deleted`. The subscription itself (status, period, whether it ends
//! at the period's end) is read from the API by the manage page, not copied here.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{Applied, Orders, OrdersError, new_id, now};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub id: String,
    pub created: i64,
    pub customer: String,
    /// The plan's Price, and what its invoice must come to.
    pub price: String,
    pub amount: i64,
    pub currency: String,
    /// `pending`, `active` or `ended`.
    pub status: String,
    pub subscription: Option<String>,
    /// The last failed payment's message, for the pages.
    pub last_error: Option<String>,
    pub activated_at: Option<i64>,
    /// The `invoice.paid` event that activated it.
    pub activated_by: Option<String>,
}

/// What a new membership is for.
pub struct NewMembership<'a> {
    pub customer: &'a str,
    pub price: &'a str,
    pub amount: i64,
    pub currency: &'a str,
}

impl Orders {
    pub async fn create_membership(
        &self,
        new: &NewMembership<'_>,
    ) -> Result<Membership, OrdersError> {
        let id = new_id("mem");
        let row = (
            id.clone(),
            new.customer.to_owned(),
            new.price.to_owned(),
            new.amount,
            new.currency.to_owned(),
        );
        self.with(move |c| {
            c.execute(
                "INSERT INTO memberships (id, created, customer, price, amount, currency, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending')",
                params![row.0, now(), row.1, row.2, row.3, row.4],
            )?;
            Ok(())
        })
        .await?;
        self.membership(&id)
            .await?
            .ok_or_else(|| OrdersError::Corrupt(format!("{id} vanished")))
    }

    pub async fn membership(&self, id: &str) -> Result<Option<Membership>, OrdersError> {
        let id = id.to_owned();
        self.with(move |c| read_membership(c, "id", &id)).await
    }

    /// Recorded before the first payment is confirmed, so that its `invoice.paid` finds it.
    pub async fn attach_subscription(
        &self,
        id: &str,
        subscription: &str,
    ) -> Result<(), OrdersError> {
        let (id, subscription) = (id.to_owned(), subscription.to_owned());
        self.with(move |c| {
            c.execute(
                "UPDATE memberships SET subscription = ?2 WHERE id = ?1",
                params![id, subscription],
            )?;
            Ok(())
        })
        .await
    }

    /// The message of a failed attempt (`None` clears it when a new attempt starts).
    pub async fn membership_error(&self, id: &str, error: Option<&str>) -> Result<(), OrdersError> {
        let (id, error) = (id.to_owned(), error.map(str::to_owned));
        self.with(move |c| {
            c.execute(
                "UPDATE memberships SET last_error = ?2 WHERE id = ?1 AND status = 'pending'",
                params![id, error],
            )?;
            Ok(())
        })
        .await
    }
}

/// `invoice.paid`: activates the membership of `subscription` if the invoice paid the plan's
/// amount. Renewals of an active membership change nothing.
pub(super) fn paid(
    tx: &Transaction<'_>,
    event_id: &str,
    subscription: &str,
    amount_paid: i64,
    currency: &str,
) -> Result<Applied, OrdersError> {
    let Some(membership) = read_membership(tx, "subscription", subscription)? else {
        return Ok(Applied::UnknownOrder);
    };
    if membership.amount != amount_paid || !membership.currency.eq_ignore_ascii_case(currency) {
        tracing::warn!(
            membership = %membership.id, expected = membership.amount, received = amount_paid,
            "invoice does not match the plan; membership left pending for review"
        );
        return Ok(Applied::AmountMismatch);
    }
    let activated = tx.execute(
        "UPDATE memberships SET status = 'active', activated_at = ?2, activated_by = ?3,
         last_error = NULL WHERE id = ?1 AND status = 'pending'",
        params![membership.id, now(), event_id],
    )?;
    if activated == 1 {
        tracing::info!(membership = %membership.id, %subscription, "membership active");
    }
    Ok(Applied::Done)
}

/// `invoice.payment_failed`: remember that it failed; the membership stays pending. The
/// invoice does not say why: the shop's server, which got the decline from its confirm call,
/// keeps the better message when it has one.
pub(super) fn failed(
    tx: &Transaction<'_>,
    subscription: &str,
    message: &str,
) -> Result<Applied, OrdersError> {
    let changed = tx.execute(
        "UPDATE memberships SET last_error = COALESCE(last_error, ?2)
         WHERE subscription = ?1 AND status = 'pending'",
        params![subscription, message],
    )?;
    Ok(if changed == 0 {
        Applied::UnknownOrder
    } else {
        Applied::Done
    })
}

/// `customer.subscription.deleted`: the subscription is over, and so is the membership.
pub(super) fn ended(tx: &Transaction<'_>, subscription: &str) -> Result<Applied, OrdersError> {
    let changed = tx.execute(
        "UPDATE memberships SET status = 'ended' WHERE subscription = ?1",
        params![subscription],
    )?;
    Ok(if changed == 0 {
        Applied::UnknownOrder
    } else {
        Applied::Done
    })
}

/// The membership whose `column` (`id` or `subscription`, never user input) is `value`.
fn read_membership(
    c: &Connection,
    column: &'static str,
    value: &str,
) -> Result<Option<Membership>, OrdersError> {
    let sql = format!(
        "SELECT id, created, customer, price, amount, currency, status, subscription,
                last_error, activated_at, activated_by
         FROM memberships WHERE {column} = ?1"
    );
    Ok(c.query_row(&sql, params![value], |row| {
        Ok(Membership {
            id: row.get(0)?,
            created: row.get(1)?,
            customer: row.get(2)?,
            price: row.get(3)?,
            amount: row.get(4)?,
            currency: row.get(5)?,
            status: row.get(6)?,
            subscription: row.get(7)?,
            last_error: row.get(8)?,
            activated_at: row.get(9)?,
            activated_by: row.get(10)?,
        })
    })
    .optional()?)
}
