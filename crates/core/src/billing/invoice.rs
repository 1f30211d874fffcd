//! The invoice's status machine and amounts (billing-spec §3.2, §3.3): `draft → open →
//! paid | uncollectible | void`, `uncollectible → paid | void`; `amount_due`, `amount_paid`
//! and `amount_remaining` from the lines.

use tender_wire::ApiError;

wire_enum! {
    /// An invoice's `status`.
    pub enum InvoiceStatus {
        Draft = "draft",
        Open = "open",
        Paid = "paid",
        Uncollectible = "uncollectible",
        Void = "void",
    }
}

wire_enum! {
    /// Why the invoice was made (`billing_reason`); Tender makes these.
    pub enum BillingReason {
        Manual = "manual",
        Subscription = "subscription",
        SubscriptionCreate = "subscription_create",
        SubscriptionCycle = "subscription_cycle",
        SubscriptionUpdate = "subscription_update",
    }
}

/// One line's amount: `unit_amount × quantity`, refused when it does not fit.
pub fn line_amount(unit_amount: i64, quantity: i64, param: &str) -> Result<i64, ApiError> {
    unit_amount
        .checked_mul(quantity)
        .filter(|amount| *amount <= MAX_AMOUNT)
        .ok_or_else(|| {
            ApiError::invalid_request(format!(
                "The amount of this line ({unit_amount} × {quantity}) is larger than the \
                 maximum an invoice can carry ({MAX_AMOUNT})."
            ))
            .with_param(param)
        })
}

/// The largest total Tender accepts on an invoice (Stripe's largest amount, 8 digits).
pub const MAX_AMOUNT: i64 = 99_999_999;

/// An invoice's amounts, always consistent: `amount_remaining = amount_due − amount_paid`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Amounts {
    pub subtotal: i64,
    pub total: i64,
    pub amount_due: i64,
    pub amount_paid: i64,
    pub amount_remaining: i64,
}

impl Amounts {
    /// The amounts of an unpaid invoice with these line amounts (prorations may be
    /// negative). No discounts, taxes or customer balance: the total is the sum of the lines,
    /// and nothing below zero is due (a credit total is due as 0).
    pub fn of_lines(lines: &[i64]) -> Result<Amounts, ApiError> {
        let total = lines
            .iter()
            .try_fold(0i64, |sum, line| sum.checked_add(*line))
            .filter(|total| total.abs() <= MAX_AMOUNT)
            .ok_or_else(|| {
                ApiError::invalid_request(format!(
                    "The invoice's total is larger than the maximum an invoice can carry \
                     ({MAX_AMOUNT})."
                ))
            })?;
        let due = total.max(0);
        Ok(Amounts {
            subtotal: total,
            total,
            amount_due: due,
            amount_paid: 0,
            amount_remaining: due,
        })
    }

    /// The amounts once the invoice is paid in full.
    pub fn paid_in_full(self) -> Amounts {
        Amounts {
            amount_paid: self.amount_due,
            amount_remaining: 0,
            ..self
        }
    }

    /// The amounts of a voided or uncollectible invoice: nothing is left to collect.
    /// (Stripe keeps `amount_remaining` on an uncollectible invoice, which can still be
    /// paid; a void one can not.)
    pub fn voided(self) -> Amounts {
        Amounts {
            amount_remaining: 0,
            ..self
        }
    }
}

/// Finalizes a draft: `draft → open`.
pub fn finalize(status: InvoiceStatus) -> Result<InvoiceStatus, ApiError> {
    match status {
        InvoiceStatus::Draft => Ok(InvoiceStatus::Open),
        _ => Err(ApiError::invalid_request(
            "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
        )
        .with_code("invoice_not_editable")),
    }
}

/// Whether an invoice in `status` can be paid; a draft is finalized first by `/pay`.
pub fn check_payable(status: InvoiceStatus) -> Result<(), ApiError> {
    match status {
        InvoiceStatus::Draft | InvoiceStatus::Open | InvoiceStatus::Uncollectible => Ok(()),
        InvoiceStatus::Paid => {
            Err(ApiError::invalid_request("Invoice is already paid")
                .with_code("invoice_already_paid"))
        }
        InvoiceStatus::Void => Err(ApiError::invalid_request(
            "This invoice can no longer be paid because it has been voided.",
        )
        .with_code("invoice_not_payable")),
    }
}

/// Voids an invoice: `open | uncollectible → void`.
pub fn void(status: InvoiceStatus) -> Result<InvoiceStatus, ApiError> {
    match status {
        InvoiceStatus::Open | InvoiceStatus::Uncollectible => Ok(InvoiceStatus::Void),
        other => Err(unexpected(other, "voided", "open, uncollectible")),
    }
}

/// Marks an invoice uncollectible: `open → uncollectible`.
pub fn mark_uncollectible(status: InvoiceStatus) -> Result<InvoiceStatus, ApiError> {
    match status {
        InvoiceStatus::Open => Ok(InvoiceStatus::Uncollectible),
        other => Err(unexpected(other, "marked uncollectible", "open")),
    }
}

fn unexpected(status: InvoiceStatus, action: &str, allowed: &str) -> ApiError {
    ApiError::invalid_request(format!(
        "This invoice has a status of `{}` and cannot be {action}. Only invoices with one of \
         the following statuses can be {action}: {allowed}.",
        status.as_str()
    ))
    .with_code("invoice_unexpected_state")
}

#[cfg(test)]
mod tests {
    use super::InvoiceStatus::*;
    use super::*;

    #[test]
    fn amounts_sum_the_lines_and_never_ask_for_less_than_zero() {
        let amounts = Amounts::of_lines(&[2000, 500]).unwrap_or_default();
        assert_eq!(
            amounts,
            Amounts {
                subtotal: 2500,
                total: 2500,
                amount_due: 2500,
                amount_paid: 0,
                amount_remaining: 2500,
            }
        );
        let paid = amounts.paid_in_full();
        assert_eq!((paid.amount_paid, paid.amount_remaining), (2500, 0));
        // A proration credit larger than the debit: a negative total, nothing due.
        let credit = Amounts::of_lines(&[-1500, 1000]).unwrap_or_default();
        assert_eq!(
            (credit.total, credit.amount_due, credit.amount_remaining),
            (-500, 0, 0)
        );
        // A trial's $0 invoice.
        assert_eq!(Amounts::of_lines(&[0]).unwrap_or_default().amount_due, 0);
        assert_eq!(
            Amounts::of_lines(&[]).unwrap_or_default(),
            Amounts::default()
        );
        assert!(Amounts::of_lines(&[MAX_AMOUNT, 1]).is_err());
        assert_eq!(amounts.voided().amount_remaining, 0);
    }

    #[test]
    fn a_line_is_unit_amount_times_quantity_within_the_limit() {
        assert_eq!(line_amount(2000, 3, "items[0][quantity]"), Ok(6000));
        let refused = line_amount(99_999_999, 2, "items[0][quantity]").err();
        assert_eq!(
            refused.and_then(|e| e.param).as_deref(),
            Some("items[0][quantity]")
        );
        assert!(line_amount(i64::MAX, 2, "quantity").is_err());
    }

    #[test]
    fn the_status_machine_follows_stripes_transitions() {
        assert_eq!(finalize(Draft), Ok(Open));
        assert!(finalize(Open).is_err());
        for payable in [Draft, Open, Uncollectible] {
            assert!(check_payable(payable).is_ok());
        }
        let paid = check_payable(Paid).err().map(|e| e.message);
        assert_eq!(paid.as_deref(), Some("Invoice is already paid"));
        assert!(check_payable(Void).is_err());
        assert_eq!(void(Open), Ok(Void));
        assert_eq!(void(Uncollectible), Ok(Void));
        assert!(void(Draft).is_err() && void(Paid).is_err() && void(Void).is_err());
        assert_eq!(mark_uncollectible(Open), Ok(Uncollectible));
        let refused = mark_uncollectible(Paid).err().and_then(|e| e.code);
        assert_eq!(refused.as_deref(), Some("invoice_unexpected_state"));
    }
}
