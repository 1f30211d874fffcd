//! What a verified webhook event does to the orders, applied inside the transaction that
//! records the event's id.

use rusqlite::{Transaction, params};

use super::{OrdersError, memberships, now, read_order};

/// What a webhook event does to the orders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// `payment_intent.succeeded`: pay and fulfil the order, if the amount is the order's.
    Paid {
        order_id: String,
        payment_intent: String,
        amount_received: i64,
        currency: String,
    },
    /// `payment_intent.payment_failed`: remember why, the order stays pending.
    Failed { order_id: String, message: String },
    /// `invoice.paid`: activate the membership of the subscription, if the amount is the plan's.
    MembershipPaid {
        subscription: String,
        amount_paid: i64,
        currency: String,
    },
    /// `invoice.payment_failed`: remember why, the membership stays pending.
    MembershipFailed {
        subscription: String,
        message: String,
    },
    /// `customer.subscription.deleted`: the membership ends.
    MembershipEnded { subscription: String },
}

/// What applying an event did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// The event id was seen before: nothing changed.
    Duplicate,
    /// The event names no order (or membership) of this shop (another integration's payment).
    UnknownOrder,
    /// The amount received is not the order's: left pending for a human to look at.
    AmountMismatch,
}

pub(super) fn apply(
    tx: &Transaction<'_>,
    event_id: &str,
    effect: Effect,
) -> Result<Applied, OrdersError> {
    match effect {
        Effect::Paid {
            order_id,
            payment_intent,
            amount_received,
            currency,
        } => {
            let Some(order) = read_order(tx, &order_id)? else {
                return Ok(Applied::UnknownOrder);
            };
            if order.amount != amount_received || !order.currency.eq_ignore_ascii_case(&currency) {
                tracing::warn!(
                    order = %order_id, expected = order.amount, received = amount_received,
                    "payment does not match the order; left pending for review"
                );
                return Ok(Applied::AmountMismatch);
            }
            // An order already paid keeps its record of when and by what.
            tx.execute(
                "UPDATE orders SET status = 'paid', paid_at = ?2, payment_intent = ?3,
                 last_error = NULL WHERE id = ?1 AND status = 'pending'",
                params![order_id, now(), payment_intent],
            )?;
            // A second, different event for the same order (two PaymentIntents for one
            // order, say) must not ship twice either.
            let shipped = tx.execute(
                "INSERT INTO fulfilments (order_id, event_id, payment_intent, fulfilled)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (order_id) DO NOTHING",
                params![order_id, event_id, payment_intent, now()],
            )?;
            if shipped == 1 {
                tracing::info!(order = %order_id, %payment_intent, "order paid: fulfilling");
            }
            Ok(Applied::Done)
        }
        Effect::Failed { order_id, message } => {
            let changed = tx.execute(
                "UPDATE orders SET last_error = ?2 WHERE id = ?1 AND status = 'pending'",
                params![order_id, message],
            )?;
            Ok(if changed == 0 {
                Applied::UnknownOrder
            } else {
                Applied::Done
            })
        }
        Effect::MembershipPaid {
            subscription,
            amount_paid,
            currency,
        } => memberships::paid(tx, event_id, &subscription, amount_paid, &currency),
        Effect::MembershipFailed {
            subscription,
            message,
        } => memberships::failed(tx, &subscription, &message),
        Effect::MembershipEnded { subscription } => memberships::ended(tx, &subscription),
    }
}
