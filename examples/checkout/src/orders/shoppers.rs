//! Returning shoppers: the shop's own opaque id for a browser (kept in a cookie) and the
//! Customer it pays as, so that the next visit shows the cards saved on this one. The cookie
//! holds only the shop's id, never the Customer's: a forged cookie names nobody.

use rusqlite::{OptionalExtension, params};

use super::{Orders, OrdersError, new_id, now};

impl Orders {
    /// The Customer of a shopper id, if the shop knows it.
    pub async fn shopper_customer(&self, shopper: &str) -> Result<Option<String>, OrdersError> {
        let shopper = shopper.to_owned();
        self.with(move |c| {
            Ok(c.query_row(
                "SELECT customer FROM shoppers WHERE id = ?1",
                params![shopper],
                |row| row.get(0),
            )
            .optional()?)
        })
        .await
    }

    /// A new shopper id for `customer`.
    pub async fn add_shopper(&self, customer: &str) -> Result<String, OrdersError> {
        let id = new_id("shopper");
        let row = (id.clone(), customer.to_owned());
        self.with(move |c| {
            c.execute(
                "INSERT INTO shoppers (id, customer, created) VALUES (?1, ?2, ?3)",
                params![row.0, row.1, now()],
            )?;
            Ok(())
        })
        .await?;
        Ok(id)
    }
}
