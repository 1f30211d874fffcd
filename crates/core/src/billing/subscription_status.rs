//! The subscription's status machine (billing-spec §2.4): where a subscription starts, what
//! its invoices' payments do to it, when an unpaid first invoice expires it, and which
//! statuses an update or a list filter accepts.

use tender_wire::ApiError;

use crate::Timestamp;

wire_enum! {
    /// A subscription's `status`.
    pub enum SubscriptionStatus {
        Incomplete = "incomplete",
        IncompleteExpired = "incomplete_expired",
        Trialing = "trialing",
        Active = "active",
        PastDue = "past_due",
        Unpaid = "unpaid",
        Canceled = "canceled",
        Paused = "paused",
    }
}

wire_enum! {
    /// `payment_behavior` on create: what to do when the first invoice cannot be paid at once.
    pub enum PaymentBehavior {
        AllowIncomplete = "allow_incomplete",
        DefaultIncomplete = "default_incomplete",
        ErrorIfIncomplete = "error_if_incomplete",
        PendingIfIncomplete = "pending_if_incomplete",
    }
}

/// How long a subscription may stay `incomplete` before it expires: 23 hours after creation.
pub const INCOMPLETE_WINDOW: i64 = 23 * 3600;

/// What became of the first invoice's payment when the subscription was created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstPayment {
    /// Nothing to pay: a trial, a $0 price, or `send_invoice`.
    NothingDue,
    /// Not attempted (`default_incomplete`).
    NotAttempted,
    Succeeded,
    /// Declined, or no payment method to try.
    Failed,
    /// The card asks for 3D Secure.
    RequiresAction,
}

/// The status a new subscription starts in, or the 402 that refuses to create it
/// (`error_if_incomplete`). `refusal` is the error the failed payment produced (a card
/// error); a payment that needs authentication is refused with
/// `subscription_payment_intent_requires_action`.
pub fn initial_status(
    behavior: PaymentBehavior,
    trialing: bool,
    payment: FirstPayment,
    refusal: Option<ApiError>,
) -> Result<SubscriptionStatus, ApiError> {
    if trialing {
        return Ok(SubscriptionStatus::Trialing);
    }
    match payment {
        FirstPayment::NothingDue | FirstPayment::Succeeded => Ok(SubscriptionStatus::Active),
        FirstPayment::NotAttempted => Ok(SubscriptionStatus::Incomplete),
        FirstPayment::Failed | FirstPayment::RequiresAction
            if behavior == PaymentBehavior::ErrorIfIncomplete =>
        {
            Err(match (payment, refusal) {
                (FirstPayment::Failed, Some(error)) => error,
                _ => requires_action_refusal(),
            })
        }
        FirstPayment::Failed | FirstPayment::RequiresAction => Ok(SubscriptionStatus::Incomplete),
    }
}

/// `error_if_incomplete` when the first payment needs the customer: 402, nothing created.
fn requires_action_refusal() -> ApiError {
    ApiError::card(
        "subscription_payment_intent_requires_action",
        "Payment for this subscription requires additional user action before it can be \
         completed successfully.",
    )
}

/// The subscription's status once one of its invoices is paid. An unpaid subscription
/// becomes active; a trial stays a trial; a canceled or expired one stays as it is (paying
/// an invoice never reactivates it).
pub fn after_invoice_paid(status: SubscriptionStatus) -> SubscriptionStatus {
    match status {
        SubscriptionStatus::Incomplete
        | SubscriptionStatus::PastDue
        | SubscriptionStatus::Unpaid => SubscriptionStatus::Active,
        other => other,
    }
}

/// The subscription's status when a payment of one of its invoices fails or needs action.
/// The first invoice leaves it `incomplete`; a later one makes an active subscription
/// `past_due`.
pub fn after_invoice_payment_failed(
    status: SubscriptionStatus,
    first_invoice: bool,
) -> SubscriptionStatus {
    match status {
        SubscriptionStatus::Active if !first_invoice => SubscriptionStatus::PastDue,
        other => other,
    }
}

/// When an `incomplete` subscription created at `created` expires.
pub fn expires_at(created: Timestamp) -> Timestamp {
    created.saturating_add(INCOMPLETE_WINDOW)
}

/// Whether an `incomplete` subscription is due to become `incomplete_expired` at `now`.
pub fn is_expired(status: SubscriptionStatus, created: Timestamp, now: Timestamp) -> bool {
    status == SubscriptionStatus::Incomplete && now >= expires_at(created)
}

/// Whether the status is one a subscription never leaves.
pub fn is_ended(status: SubscriptionStatus) -> bool {
    matches!(
        status,
        SubscriptionStatus::Canceled | SubscriptionStatus::IncompleteExpired
    )
}

/// Refuses an update the subscription's status does not allow. `fields` are the top-level
/// parameters the update sets (besides `expand`). An ended subscription takes `metadata`
/// and `cancellation_details` only; an `incomplete` one `metadata` and `default_source`
/// (and, Tender's decision, `default_payment_method` and `description`, which change no
/// billing).
pub fn check_update(status: SubscriptionStatus, fields: &[&str]) -> Result<(), ApiError> {
    let allowed: &[&str] = match status {
        SubscriptionStatus::Canceled | SubscriptionStatus::IncompleteExpired => {
            &["metadata", "cancellation_details"]
        }
        SubscriptionStatus::Incomplete => &[
            "metadata",
            "default_source",
            "default_payment_method",
            "description",
        ],
        _ => return Ok(()),
    };
    match fields.iter().find(|field| !allowed.contains(field)) {
        None => Ok(()),
        Some(field) if is_ended(status) => Err(ApiError::invalid_request(format!(
            "You cannot update a subscription that is `canceled` or `incomplete_expired`. \
             This subscription has a status of `{}`.",
            status.as_str()
        ))
        .with_param(*field)),
        Some(field) => Err(ApiError::invalid_request(format!(
            "A subscription with a status of `incomplete` can only have `metadata` and \
             `default_source` updated; `{field}` cannot be updated until the first invoice \
             is paid."
        ))
        .with_param(*field)),
    }
}

/// Refuses to cancel a subscription that has already ended.
pub fn check_cancelable(status: SubscriptionStatus, id: &str) -> Result<(), ApiError> {
    if is_ended(status) {
        return Err(ApiError::invalid_request(format!(
            "No such subscription: '{id}'; it has a status of `{}` and cannot be canceled \
             again.",
            status.as_str()
        ))
        .with_code("resource_missing")
        .with_status(404));
    }
    Ok(())
}

/// The `status` filter of `GET /v1/subscriptions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    /// No filter: every subscription that has not been canceled.
    NotCanceled,
    All,
    /// `canceled` and `incomplete_expired`.
    Ended,
    Is(SubscriptionStatus),
}

impl StatusFilter {
    /// Reads the parameter; `None` for an unknown value.
    pub fn parse(value: Option<&str>) -> Option<StatusFilter> {
        match value {
            None => Some(StatusFilter::NotCanceled),
            Some("all") => Some(StatusFilter::All),
            Some("ended") => Some(StatusFilter::Ended),
            Some(name) => SubscriptionStatus::ALL
                .into_iter()
                .find(|status| status.as_str() == name)
                .map(StatusFilter::Is),
        }
    }

    pub fn matches(self, status: SubscriptionStatus) -> bool {
        match self {
            StatusFilter::NotCanceled => status != SubscriptionStatus::Canceled,
            StatusFilter::All => true,
            StatusFilter::Ended => is_ended(status),
            StatusFilter::Is(wanted) => status == wanted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SubscriptionStatus::*;
    use super::*;

    #[test]
    fn a_new_subscription_starts_where_its_first_payment_puts_it() {
        let start = |behavior, trialing, payment| initial_status(behavior, trialing, payment, None);
        use PaymentBehavior::*;
        assert_eq!(
            start(DefaultIncomplete, false, FirstPayment::NotAttempted).ok(),
            Some(Incomplete)
        );
        assert_eq!(
            start(DefaultIncomplete, true, FirstPayment::NothingDue).ok(),
            Some(Trialing)
        );
        assert_eq!(
            start(DefaultIncomplete, false, FirstPayment::NothingDue).ok(),
            Some(Active)
        );
        assert_eq!(
            start(AllowIncomplete, false, FirstPayment::Succeeded).ok(),
            Some(Active)
        );
        assert_eq!(
            start(AllowIncomplete, false, FirstPayment::Failed).ok(),
            Some(Incomplete)
        );
        assert_eq!(
            start(AllowIncomplete, false, FirstPayment::RequiresAction).ok(),
            Some(Incomplete)
        );
        assert_eq!(
            start(ErrorIfIncomplete, false, FirstPayment::Succeeded).ok(),
            Some(Active)
        );
    }

    #[test]
    fn error_if_incomplete_refuses_with_the_payments_error_or_requires_action() {
        let decline = ApiError::card("card_declined", "Your card was declined.");
        let refused = initial_status(
            PaymentBehavior::ErrorIfIncomplete,
            false,
            FirstPayment::Failed,
            Some(decline.clone()),
        );
        assert_eq!(refused.err(), Some(decline));
        let refused = initial_status(
            PaymentBehavior::ErrorIfIncomplete,
            false,
            FirstPayment::RequiresAction,
            None,
        )
        .err()
        .map(|error| error.to_object());
        let refused = refused.unwrap_or_default();
        assert_eq!(
            refused["code"],
            "subscription_payment_intent_requires_action"
        );
        assert_eq!(refused["type"], "card_error");
    }

    #[test]
    fn paying_activates_an_unpaid_subscription_and_never_reactivates_an_ended_one() {
        assert_eq!(after_invoice_paid(Incomplete), Active);
        assert_eq!(after_invoice_paid(PastDue), Active);
        assert_eq!(after_invoice_paid(Unpaid), Active);
        assert_eq!(after_invoice_paid(Trialing), Trialing);
        assert_eq!(after_invoice_paid(Canceled), Canceled);
        assert_eq!(after_invoice_paid(IncompleteExpired), IncompleteExpired);
    }

    #[test]
    fn a_failed_payment_leaves_a_first_invoice_incomplete_and_a_later_one_past_due() {
        assert_eq!(after_invoice_payment_failed(Incomplete, true), Incomplete);
        assert_eq!(after_invoice_payment_failed(Active, false), PastDue);
        assert_eq!(after_invoice_payment_failed(Active, true), Active);
        assert_eq!(after_invoice_payment_failed(Canceled, false), Canceled);
    }

    #[test]
    fn an_incomplete_subscription_expires_23_hours_after_creation() {
        let created = 1_000_000;
        assert!(!is_expired(
            Incomplete,
            created,
            created + INCOMPLETE_WINDOW - 1
        ));
        assert!(is_expired(Incomplete, created, created + INCOMPLETE_WINDOW));
        assert!(!is_expired(
            Active,
            created,
            created + 2 * INCOMPLETE_WINDOW
        ));
        assert_eq!(expires_at(created), created + 82_800);
    }

    #[test]
    fn updates_of_ended_and_incomplete_subscriptions_are_limited() {
        assert!(check_update(Active, &["items", "proration_behavior"]).is_ok());
        assert!(check_update(Canceled, &["metadata"]).is_ok());
        let refused = check_update(IncompleteExpired, &["metadata", "items"])
            .err()
            .map(|error| error.to_object())
            .unwrap_or_default();
        assert_eq!(refused["param"], "items");
        assert!(
            refused["message"]
                .as_str()
                .unwrap_or("")
                .contains("`incomplete_expired`")
        );
        assert!(check_update(Incomplete, &["metadata", "default_payment_method"]).is_ok());
        let refused = check_update(Incomplete, &["items"])
            .err()
            .map(|error| error.to_object())
            .unwrap_or_default();
        assert_eq!(refused["param"], "items");
        assert!(check_cancelable(Active, "sub_1").is_ok());
        assert_eq!(
            check_cancelable(Canceled, "sub_1").err().map(|e| e.status),
            Some(404)
        );
    }

    #[test]
    fn the_list_filter_hides_canceled_by_default() {
        let default = StatusFilter::parse(None);
        assert_eq!(default, Some(StatusFilter::NotCanceled));
        let default = default.unwrap_or(StatusFilter::All);
        assert!(!default.matches(Canceled));
        assert!(default.matches(IncompleteExpired));
        assert!(default.matches(Active));
        let ended = StatusFilter::parse(Some("ended")).unwrap_or(StatusFilter::All);
        assert!(
            ended.matches(Canceled) && ended.matches(IncompleteExpired) && !ended.matches(Active)
        );
        assert!(StatusFilter::parse(Some("all")).is_some_and(|f| f.matches(Canceled)));
        assert_eq!(
            StatusFilter::parse(Some("past_due")),
            Some(StatusFilter::Is(PastDue))
        );
        assert_eq!(StatusFilter::parse(Some("nope")), None);
    }
}
