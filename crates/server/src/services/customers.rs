//! Customers as other objects use them.

use tender_core::customer::Customer;
use tender_wire::{ApiError, IdIn};

use crate::ctx::Ctx;
use crate::resources::{Loaded, Resource};

/// A live (not deleted) customer, or `resource_missing`.
pub async fn load_customer(
    ctx: &Ctx,
    id: &str,
    named: IdIn<'_>,
) -> Result<Loaded<Customer>, ApiError> {
    match ctx.find(id).await? {
        Some(record) if record.kind == Customer::OBJECT && !record.deleted => {
            Loaded::from_record(&record)
        }
        _ => Err(ApiError::resource_missing("customer", id, named)),
    }
}
