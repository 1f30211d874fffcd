//! What `POST /v1/invoices` takes: a one-off draft for a customer.

use tender_wire::{ApiError, MetadataUpdate, Params};

/// `POST /v1/invoices`: a draft one-off invoice.
#[derive(Clone, Debug)]
pub struct InvoiceCreate {
    pub customer: String,
    pub collection_method: String,
    pub days_until_due: Option<i64>,
    pub description: Option<String>,
    pub metadata: Option<MetadataUpdate>,
    pub auto_advance: bool,
    /// `pending_invoice_items_behavior=include`: the customer's pending items join it.
    pub include_pending_items: bool,
}

impl InvoiceCreate {
    pub fn take(p: &mut Params) -> Result<InvoiceCreate, ApiError> {
        for key in [
            "subscription",
            "from_invoice",
            "discounts",
            "default_tax_rates",
        ] {
            if p.contains(key) {
                return Err(ApiError::invalid_request(format!(
                    "Tender does not support `{key}` on invoices (see docs/COMPATIBILITY.md)."
                ))
                .with_param(key));
            }
        }
        let customer = p.string("customer")?.ok_or_else(|| {
            ApiError::invalid_request("Must provide customer or from_invoice.")
                .with_code("parameter_missing")
                .with_param("customer")
        })?;
        let collection_method = p
            .enumeration(
                "collection_method",
                &["charge_automatically", "send_invoice"],
            )?
            .unwrap_or_else(|| "charge_automatically".to_owned());
        let days_until_due = p.integer("days_until_due")?;
        if collection_method == "send_invoice"
            && days_until_due.is_none()
            && !p.contains("due_date")
        {
            return Err(ApiError::invalid_request(
                "Invoices with `collection_method=send_invoice` must have `days_until_due` or \
                 `due_date`.",
            )
            .with_param("days_until_due"));
        }
        if collection_method == "charge_automatically" && days_until_due.is_some() {
            return Err(ApiError::invalid_request(
                "`days_until_due` can only be set when `collection_method` is `send_invoice`.",
            )
            .with_param("days_until_due"));
        }
        p.ignore(&["due_date", "currency"]);
        let include = p
            .enumeration("pending_invoice_items_behavior", &["exclude", "include"])?
            .is_some_and(|b| b == "include");
        Ok(InvoiceCreate {
            customer,
            collection_method,
            days_until_due,
            description: p.string("description")?,
            metadata: p.metadata("metadata")?,
            auto_advance: p.boolean("auto_advance")?.unwrap_or(false),
            include_pending_items: include,
        })
    }
}
