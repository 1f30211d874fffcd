//! The membership's test clock: each membership's customer lives on a Stripe test clock of its
//! own, so that the manage page can show what a month brings without waiting a month — a
//! renewal paid off-session, or, once the card on file starts failing, a renewal declined and
//! the subscription `past_due`. This is test-mode tooling (Stripe's test clocks work the same
//! way): a real shop creates its customers without a clock.

use std::time::Duration;

use stripe_billing::invoice::ListInvoice;
use stripe_billing::subscription::UpdateSubscription;
use stripe_billing::test_helpers_test_clock::{
    AdvanceTestHelpersTestClock, CreateTestHelpersTestClock, RetrieveTestHelpersTestClock,
};
use stripe_core::customer::CreateCustomer;
use stripe_payment::payment_method::AttachPaymentMethod;
use stripe_shared::{Invoice, TestHelpersTestClockStatus};

use crate::payments::{Gateway, PaymentError};

/// Past a period's end by the renewal invoice's hour as a draft, when it is charged.
const PAST_RENEWAL: i64 = 2 * 3600;

/// How long advancing waits for the clock to be ready again.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// An invoice as the manage page lists it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct InvoiceLine {
    pub id: String,
    pub created: i64,
    pub amount_due: i64,
    pub status: String,
    pub billing_reason: String,
}

impl Gateway {
    /// A customer on a new test clock frozen at the current time; answers both ids.
    pub async fn create_customer_on_clock(
        &self,
        email: Option<&str>,
    ) -> Result<(String, String), PaymentError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let clock = CreateTestHelpersTestClock::new(now)
            .name("tender-checkout membership")
            .send(&self.client)
            .await?;
        let mut request = CreateCustomer::new()
            .description("tender-checkout member")
            .test_clock(clock.id.as_str());
        if let Some(email) = email {
            request = request.email(email);
        }
        let customer = request.send(&self.client).await?;
        Ok((customer.id.to_string(), clock.id.to_string()))
    }

    /// The clock's frozen time.
    pub async fn clock_time(&self, clock: &str) -> Result<i64, PaymentError> {
        Ok(RetrieveTestHelpersTestClock::new(clock)
            .send(&self.client)
            .await?
            .frozen_time)
    }

    /// Moves `clock` just past `period_end` (and the renewal's draft hour), then waits until
    /// it is ready: the renewal has been billed and paid, or declined.
    pub async fn advance_past(&self, clock: &str, period_end: i64) -> Result<i64, PaymentError> {
        let target = period_end + PAST_RENEWAL;
        AdvanceTestHelpersTestClock::new(clock, target)
            .send(&self.client)
            .await?;
        let started = std::time::Instant::now();
        while started.elapsed() < READY_WITHIN {
            let now = RetrieveTestHelpersTestClock::new(clock)
                .send(&self.client)
                .await?;
            if now.status == TestHelpersTestClockStatus::Ready {
                return Ok(now.frozen_time);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(PaymentError::Unavailable(format!(
            "the test clock {clock} is still advancing"
        )))
    }

    /// The card on file starts declining: a declining test card becomes the subscription's
    /// default payment method, as if the member's card had been cancelled.
    pub async fn make_card_fail(
        &self,
        customer: &str,
        subscription: &str,
    ) -> Result<(), PaymentError> {
        let card = AttachPaymentMethod::new("pm_card_chargeCustomerFail")
            .customer(customer)
            .send(&self.client)
            .await?;
        UpdateSubscription::new(subscription)
            .default_payment_method(card.id.as_str())
            .send(&self.client)
            .await?;
        Ok(())
    }

    /// The subscription's invoices, newest first.
    pub async fn invoices(&self, subscription: &str) -> Result<Vec<InvoiceLine>, PaymentError> {
        let list = ListInvoice::new()
            .subscription(subscription)
            .limit(24)
            .send(&self.client)
            .await?;
        Ok(list.data.iter().map(line).collect())
    }
}

fn line(invoice: &Invoice) -> InvoiceLine {
    InvoiceLine {
        id: invoice
            .id
            .as_ref()
            .map(|id| id.to_string())
            .unwrap_or_default(),
        created: invoice.created,
        amount_due: invoice.amount_due,
        status: invoice
            .status
            .as_ref()
            .map_or("", |status| status.as_str())
            .to_owned(),
        billing_reason: invoice
            .billing_reason
            .as_ref()
            .map_or("", |reason| reason.as_str())
            .to_owned(),
    }
}
