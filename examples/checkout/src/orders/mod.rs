//! Orders in a SQLite file. An order is created `pending` before any payment and becomes
//! `paid` only through a verified `payment_intent.succeeded` webhook: the browser saying
//! "it worked" proves nothing, and a customer can close the tab before it says anything.
//!
//! Webhooks are at-least-once: Stripe (and Tender) may deliver an event again, and anyone
//! holding a captured delivery can replay it. Each event's effect is applied in the same
//! transaction that records its id, so an event id seen before changes nothing.

mod events;
mod memberships;
mod shoppers;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rand::Rng;
use rand::distr::Alphanumeric;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::catalog::Quote;

pub use events::{Applied, Effect};
pub use memberships::{Membership, NewMembership};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS orders (
    id             TEXT PRIMARY KEY,
    created        INTEGER NOT NULL,
    flow           TEXT NOT NULL,
    quote          TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    status         TEXT NOT NULL,
    payment_intent TEXT,
    last_error     TEXT,
    paid_at        INTEGER
);
-- Events already acted on, by id: a re-delivered or replayed event is recognised here.
CREATE TABLE IF NOT EXISTS webhook_events (
    id       TEXT PRIMARY KEY,
    type     TEXT NOT NULL,
    received INTEGER NOT NULL
);
-- What the warehouse would ship: at most one row per order, whatever the events say.
CREATE TABLE IF NOT EXISTS fulfilments (
    order_id       TEXT PRIMARY KEY REFERENCES orders(id),
    event_id       TEXT NOT NULL,
    payment_intent TEXT NOT NULL,
    fulfilled      INTEGER NOT NULL
);
-- A membership is `pending` until the verified `invoice.paid` of its subscription's invoice.
CREATE TABLE IF NOT EXISTS memberships (
    id             TEXT PRIMARY KEY,
    created        INTEGER NOT NULL,
    customer       TEXT NOT NULL,
    price          TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    status         TEXT NOT NULL,
    subscription   TEXT UNIQUE,
    last_error     TEXT,
    activated_at   INTEGER,
    activated_by   TEXT
);
-- A browser's shopper id (its cookie) and the Customer it pays as.
CREATE TABLE IF NOT EXISTS shoppers (
    id       TEXT PRIMARY KEY,
    customer TEXT NOT NULL,
    created  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS saved_cards (
    id           TEXT PRIMARY KEY,
    customer     TEXT NOT NULL,
    setup_intent TEXT NOT NULL,
    created      INTEGER NOT NULL
);
";

#[derive(Debug, thiserror::Error)]
pub enum OrdersError {
    #[error("orders database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("orders database: {0}")]
    Corrupt(String),
    #[error("orders database: the worker stopped")]
    Worker,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Order {
    pub id: String,
    pub created: i64,
    /// Which integration path took it (`server-confirm`, `two-step`, …).
    pub flow: String,
    /// `pending` or `paid`.
    pub status: String,
    pub amount: i64,
    pub currency: String,
    pub quote: Quote,
    pub payment_intent: Option<String>,
    /// The last failed attempt's message, for the order page.
    pub last_error: Option<String>,
    pub paid_at: Option<i64>,
    pub fulfilment: Option<Fulfilment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fulfilment {
    pub event_id: String,
    pub payment_intent: String,
    pub fulfilled: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SavedCard {
    pub id: String,
    pub customer: String,
    pub setup_intent: String,
}

#[derive(Clone)]
pub struct Orders {
    connection: Arc<Mutex<Connection>>,
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `ord_` and 14 random characters.
pub fn new_id(prefix: &str) -> String {
    let random: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(14)
        .map(char::from)
        .collect();
    format!("{prefix}_{random}")
}

fn to_json(quote: &Quote) -> Result<String, OrdersError> {
    serde_json::to_string(quote).map_err(|e| OrdersError::Corrupt(e.to_string()))
}

impl Orders {
    pub fn open(path: &Path) -> Result<Orders, OrdersError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| OrdersError::Corrupt(format!("{}: {e}", dir.display())))?;
        }
        let connection = Connection::open(path)?;
        // WAL: the order page reads while a webhook writes.
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.execute_batch(SCHEMA)?;
        Ok(Orders {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    /// Runs `work` on the connection off the async runtime (SQLite calls block).
    async fn with<T, F>(&self, work: F) -> Result<T, OrdersError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, OrdersError> + Send + 'static,
    {
        let connection = self.connection.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = connection
                .lock()
                .map_err(|_| OrdersError::Corrupt("a writer panicked".into()))?;
            work(&mut guard)
        })
        .await
        .map_err(|_| OrdersError::Worker)?
    }

    pub async fn create(&self, flow: &str, quote: &Quote) -> Result<Order, OrdersError> {
        let id = new_id("ord");
        let (order_id, flow, json) = (id.clone(), flow.to_owned(), to_json(quote)?);
        let (amount, currency) = (quote.total, quote.currency.clone());
        self.with(move |c| {
            c.execute(
                "INSERT INTO orders (id, created, flow, quote, amount, currency, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending')",
                params![order_id, now(), flow, json, amount, currency],
            )?;
            Ok(())
        })
        .await?;
        self.get(&id)
            .await?
            .ok_or_else(|| OrdersError::Corrupt(format!("{id} vanished")))
    }

    pub async fn get(&self, id: &str) -> Result<Option<Order>, OrdersError> {
        let id = id.to_owned();
        self.with(move |c| read_order(c, &id)).await
    }

    /// A new attempt at a pending order, with the cart as it is now.
    pub async fn reprice(&self, id: &str, quote: &Quote) -> Result<(), OrdersError> {
        let (id, json) = (id.to_owned(), to_json(quote)?);
        let (amount, currency) = (quote.total, quote.currency.clone());
        self.with(move |c| {
            c.execute(
                "UPDATE orders SET quote = ?2, amount = ?3, currency = ?4, last_error = NULL
                 WHERE id = ?1 AND status = 'pending'",
                params![id, json, amount, currency],
            )?;
            Ok(())
        })
        .await
    }

    /// Records the PaymentIntent paying for the order (for retries and the order page).
    pub async fn attach_intent(
        &self,
        id: &str,
        payment_intent: &str,
        error: Option<&str>,
    ) -> Result<(), OrdersError> {
        let (id, pi) = (id.to_owned(), payment_intent.to_owned());
        let error = error.map(str::to_owned);
        self.with(move |c| {
            c.execute(
                "UPDATE orders SET payment_intent = ?2, last_error = ?3 WHERE id = ?1",
                params![id, pi, error],
            )?;
            Ok(())
        })
        .await
    }

    /// Applies a verified webhook event once: its id and its effect commit together.
    pub async fn apply_event(
        &self,
        event_id: &str,
        event_type: &str,
        effect: Effect,
    ) -> Result<Applied, OrdersError> {
        let (event_id, event_type) = (event_id.to_owned(), event_type.to_owned());
        self.with(move |c| {
            let tx = c.transaction()?;
            let fresh = tx.execute(
                "INSERT INTO webhook_events (id, type, received) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO NOTHING",
                params![event_id, event_type, now()],
            )?;
            if fresh == 0 {
                return Ok(Applied::Duplicate);
            }
            let applied = events::apply(&tx, &event_id, effect)?;
            tx.commit()?;
            Ok(applied)
        })
        .await
    }

    pub async fn save_card(
        &self,
        customer: &str,
        setup_intent: &str,
    ) -> Result<SavedCard, OrdersError> {
        let card = SavedCard {
            id: new_id("card"),
            customer: customer.to_owned(),
            setup_intent: setup_intent.to_owned(),
        };
        let row = card.clone();
        self.with(move |c| {
            c.execute(
                "INSERT INTO saved_cards (id, customer, setup_intent, created)
                 VALUES (?1, ?2, ?3, ?4)",
                params![row.id, row.customer, row.setup_intent, now()],
            )?;
            Ok(())
        })
        .await?;
        Ok(card)
    }

    pub async fn saved_card(&self, id: &str) -> Result<Option<SavedCard>, OrdersError> {
        let id = id.to_owned();
        self.with(move |c| {
            Ok(c.query_row(
                "SELECT id, customer, setup_intent FROM saved_cards WHERE id = ?1",
                params![id],
                |row| {
                    Ok(SavedCard {
                        id: row.get(0)?,
                        customer: row.get(1)?,
                        setup_intent: row.get(2)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }
}

fn read_order(c: &Connection, id: &str) -> Result<Option<Order>, OrdersError> {
    let row = c
        .query_row(
            "SELECT o.id, o.created, o.flow, o.status, o.amount, o.currency, o.quote,
                    o.payment_intent, o.last_error, o.paid_at,
                    f.event_id, f.payment_intent, f.fulfilled
             FROM orders o LEFT JOIN fulfilments f ON f.order_id = o.id
             WHERE o.id = ?1",
            params![id],
            |row| {
                let fulfilment = match row.get::<_, Option<String>>(10)? {
                    Some(event_id) => Some(Fulfilment {
                        event_id,
                        payment_intent: row.get(11)?,
                        fulfilled: row.get(12)?,
                    }),
                    None => None,
                };
                let order = Order {
                    id: row.get(0)?,
                    created: row.get(1)?,
                    flow: row.get(2)?,
                    status: row.get(3)?,
                    amount: row.get(4)?,
                    currency: row.get(5)?,
                    // Filled in below: JSON errors are not SQLite errors.
                    quote: Quote::default(),
                    payment_intent: row.get(7)?,
                    last_error: row.get(8)?,
                    paid_at: row.get(9)?,
                    fulfilment,
                };
                Ok((order, row.get::<_, String>(6)?))
            },
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((mut order, quote)) => {
            order.quote =
                serde_json::from_str(&quote).map_err(|e| OrdersError::Corrupt(e.to_string()))?;
            Ok(Some(order))
        }
    }
}
