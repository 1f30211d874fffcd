//! The table of every kind of object Tender stores: declared once, with its `object` name
//! (also its record kind and the word in "No such …" errors), its id prefix, where its id and
//! `created` are when not at the top level, the fields Stripe's OpenAPI spec lets `expand[]`
//! replace with the object, and the list columns it fills.

use tender_core::billing::documents::Invoice;
use tender_core::billing::invoice_item::InvoiceItem;
use tender_core::billing::invoice_payment::InvoicePayment;
use tender_core::billing::subscription::Subscription;
use tender_core::charge::Charge;
use tender_core::confirmation_token::StoredConfirmationToken;
use tender_core::customer::Customer;
use tender_core::customer_session::StoredCustomerSession;
use tender_core::event::Event;
use tender_core::mandate::StoredMandate;
use tender_core::payment_intent::PaymentIntent;
use tender_core::payment_method::PaymentMethod;
use tender_core::price::Price;
use tender_core::product::Product;
use tender_core::refund::Refund;
use tender_core::schedule::ScheduledJob;
use tender_core::setup_intent::SetupIntent;
use tender_core::test_clock::TestClock;
use tender_core::token::StoredToken;
use tender_core::webhook_endpoint::StoredWebhookEndpoint;
use tender_store::IndexKeys;

use super::Resource;
use crate::scheduler::SchedulerBackfill;
use crate::services::billing::{SubscriptionItemRecord, SubscriptionSetup, TrialReminder};
use crate::services::catalog::LookupKeyHolder;
use crate::services::facts::{IntentAuthentication, OffSessionSetup};
use crate::services::test_clocks::ClockSlot;

macro_rules! resources {
    ($(
        $ty:ty => $object:literal, $prefix:literal
            $(, at $($field:ident).+)?
            $(, expands [$($path:literal),* $(,)?])?
            $(, index |$it:ident| $index:expr)?;
    )*) => {
        $(
            impl Resource for $ty {
                const OBJECT: &'static str = $object;
                const PREFIX: &'static str = $prefix;
                fn id(&self) -> &str {
                    &self$($(.$field)+)?.id
                }
                fn created(&self) -> i64 {
                    self$($(.$field)+)?.created
                }
                $(
                    fn index(&self) -> IndexKeys {
                        let $it = self;
                        $index
                    }
                )?
            }
        )*

        /// `(object, id prefix, expandable paths)` of every kind.
        const KINDS: &[(&str, &str, &[&str])] = &[
            $(($object, $prefix, &[$($($path),*)?])),*
        ];
    };
}

resources! {
    Customer => "customer", "cus",
        expands ["default_source", "invoice_settings.default_payment_method"],
        index |c| IndexKeys {
            tag: c.email.clone(),
            ..IndexKeys::default()
        };
    // Found by a digest of its client secret; never listed, never read by id on the API.
    StoredCustomerSession => "customer_session", "cuss",
        expands ["customer"];
    PaymentMethod => "payment_method", "pm",
        expands ["customer"],
        index |pm| IndexKeys {
            customer: pm.customer.clone(),
            tag: Some(pm.kind.as_str().to_owned()),
            ..IndexKeys::default()
        };
    // Listed by customer, and by status through the tag (the dashboard's status filter).
    PaymentIntent => "payment_intent", "pi",
        expands ["customer", "invoice", "latest_charge", "payment_method"],
        index |pi| IndexKeys {
            customer: pi.customer.clone(),
            tag: Some(pi.status.as_str().to_owned()),
            ..IndexKeys::default()
        };
    // Listed by customer, and by payment method through the tag.
    SetupIntent => "setup_intent", "seti",
        expands ["customer", "latest_attempt", "mandate", "payment_method", "single_use_mandate"],
        index |si| IndexKeys {
            customer: si.customer.clone(),
            tag: si.payment_method.clone(),
            ..IndexKeys::default()
        };
    StoredConfirmationToken => "confirmation_token", "ctoken", at token,
        expands ["payment_method_preview.customer"];
    StoredToken => "token", "tok", at token;
    // Made with a bank debit's first charge, whose `payment_method_details` names it.
    StoredMandate => "mandate", "mandate";
    Charge => "charge", "ch",
        expands [
            "balance_transaction",
            "customer",
            "failure_balance_transaction",
            "payment_intent",
        ],
        index |ch| IndexKeys {
            customer: ch.customer.clone(),
            payment_intent: ch.payment_intent.clone(),
            ..IndexKeys::default()
        };
    Refund => "refund", "re",
        expands [
            "balance_transaction",
            "charge",
            "failure_balance_transaction",
            "payment_intent",
        ],
        index |re| IndexKeys {
            charge: re.charge.clone(),
            payment_intent: re.payment_intent.clone(),
            ..IndexKeys::default()
        };
    // Listed by type through the tag; by the payment and the customer it concerns (an
    // object's events in the dashboard, without reading every event).
    Event => "event", "evt",
        index |ev| {
            let subject = ev.subject();
            IndexKeys {
                customer: subject.customer,
                payment_intent: subject.payment_intent,
                tag: Some(ev.kind.clone()),
                ..IndexKeys::default()
            }
        };
    StoredWebhookEndpoint => "webhook_endpoint", "we", at endpoint;
    // Listed active or archived (`active` is the most common product filter).
    Product => "product", "prod",
        expands ["default_price"],
        index |p| IndexKeys {
            tag: Some(p.list_tag().to_owned()),
            ..IndexKeys::default()
        };
    // Listed by whether active and by product through the tag (`active:prod_…`): every price
    // list has an `active` filter (`true` unless asked otherwise), so it is one index range.
    Price => "price", "price",
        expands ["product"],
        index |pr| IndexKeys {
            tag: Some(pr.list_tag()),
            ..IndexKeys::default()
        };
    // Listed by customer, and by status through the tag (the list's default hides canceled
    // ones; the expiry sweep reads the incomplete ones).
    Subscription => "subscription", "sub",
        expands ["customer", "default_payment_method", "latest_invoice", "pending_setup_intent"],
        index |s| IndexKeys {
            customer: Some(s.customer.clone()),
            tag: Some(s.status.as_str().to_owned()),
            ..IndexKeys::default()
        };
    // Where an item is: its subscription holds it (`/v1/subscription_items/:id` reads it there).
    SubscriptionItemRecord => "subscription_item", "si";
    TrialReminder => "trial_reminder", "trialreminder";
    SubscriptionSetup => "subscription_setup", "subsetup";
    // Listed by customer, by its PaymentIntent, and by subscription through the tag.
    Invoice => "invoice", "in",
        expands ["customer", "default_payment_method", "payment_intent", "subscription"],
        index |i| IndexKeys {
            customer: Some(i.customer.clone()),
            payment_intent: i.payment_intent.clone(),
            tag: i.subscription.clone(),
            ..IndexKeys::default()
        };
    // Listed by customer, and through the tag by its invoice or as `pending`.
    InvoiceItem => "invoiceitem", "ii",
        expands ["customer", "invoice"],
        index |i| IndexKeys {
            customer: Some(i.customer.clone()),
            tag: Some(i.invoice.clone().unwrap_or_else(|| "pending".to_owned())),
            ..IndexKeys::default()
        };
    // Listed by PaymentIntent, and by invoice through the tag.
    InvoicePayment => "invoice_payment", "inpay",
        expands ["invoice", "payment.payment_intent"],
        index |p| IndexKeys {
            payment_intent: p.payment_intent().map(str::to_owned),
            tag: Some(p.invoice.clone()),
            ..IndexKeys::default()
        };
    LookupKeyHolder => "price_lookup_key", "lookupkey";
    OffSessionSetup => "off_session_setup", "offsessionsetup";
    IntentAuthentication => "intent_authentication", "authenticated";
    ClockSlot => "test_clock_slot", "clockslot";
    SchedulerBackfill => "scheduler_backfill", "schedbackfill";
    // Listed by status through the tag: the scheduler looks for the clocks that are advancing.
    TestClock => "test_helpers.test_clock", "clock",
        index |c| IndexKeys {
            tag: Some(c.status.as_str().to_owned()),
            ..IndexKeys::default()
        };
}

/// A scheduled job is listed by when it is due (its record's `created`), and through the tag
/// by the clock it follows (`wall` for the wall clock): "the jobs of this clock due by T" is
/// then one index range. Never rendered.
impl Resource for ScheduledJob {
    const OBJECT: &'static str = ScheduledJob::OBJECT;
    const PREFIX: &'static str = "job";
    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> i64 {
        self.due
    }
    fn index(&self) -> IndexKeys {
        IndexKeys {
            tag: Some(job_tag(self.clock.as_deref()).to_owned()),
            ..IndexKeys::default()
        }
    }
}

/// The tag of the jobs that follow `clock`, or the wall clock.
pub fn job_tag(clock: Option<&str>) -> &str {
    clock.unwrap_or("wall")
}

/// Whether `path` of an `object` is a field Stripe's OpenAPI spec types as expandable (an id
/// or the object); the ids Tender puts in those fields are always of its own objects. Other fields that hold ids (a charge's `payment_method`, a
/// ConfirmationToken's `payment_intent`) are plain strings in the spec: expanding them is
/// refused, as on Stripe, so an SDK's generated types always read the answer.
pub fn expandable(object: &str, path: &str) -> bool {
    KINDS
        .iter()
        .any(|(kind, _, paths)| *kind == object && paths.contains(&path))
}
