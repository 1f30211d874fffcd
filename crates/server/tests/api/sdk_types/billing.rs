//! Subscriptions, invoices, their lines and payments, and the Billing events, as async-stripe
//! reads them: the guide's "Create a subscription" path with the SDK's own types.

use stripe_shared::{
    Invoice, InvoiceLineItem, InvoicePayment, InvoiceStatus, PaymentIntent, PaymentIntentStatus,
    Subscription, SubscriptionItem, SubscriptionStatus,
};
use stripe_types::List;

use super::{Sdk, expanded};
use crate::helpers::TestApp;

#[tokio::test]
async fn the_subscription_path_deserializes() {
    let app = TestApp::spawn().await;
    let sdk = Sdk { app: &app };
    let price: stripe_shared::Price = sdk
        .post(
            "/v1/prices",
            "currency=usd&unit_amount=1500&recurring[interval]=month&product_data[name]=Pro",
        )
        .await;
    let customer: stripe_shared::Customer = sdk.post("/v1/customers", "").await;
    let subscription: Subscription = sdk
        .post(
            "/v1/subscriptions",
            &format!(
                "customer={}&items[0][price]={}&items[0][quantity]=2\
                 &payment_behavior=default_incomplete\
                 &payment_settings[save_default_payment_method]=on_subscription\
                 &expand[]=latest_invoice.confirmation_secret&expand[]=latest_invoice.payments",
                customer.id.as_str(),
                price.id.as_str()
            ),
        )
        .await;
    assert_eq!(subscription.status, SubscriptionStatus::Incomplete);
    let item = &subscription.items.data[0];
    assert_eq!(item.quantity, Some(2));
    assert!(item.current_period_end > item.current_period_start);
    let invoice = expanded(&subscription.latest_invoice);
    assert_eq!(invoice.status, Some(InvoiceStatus::Open));
    assert_eq!(invoice.amount_due, 3000);
    let secret = invoice
        .confirmation_secret
        .as_ref()
        .expect("confirmation_secret");
    let payments = invoice.payments.as_ref().expect("payments");
    let intent_id = match &payments.data[0].payment.payment_intent {
        Some(intent) => intent.id().as_str().to_owned(),
        None => panic!("no payment_intent"),
    };
    assert!(secret.client_secret.starts_with(&intent_id));

    let token = sdk.token("4242424242424242").await;
    let intent: PaymentIntent = sdk
        .post(
            &format!("/v1/payment_intents/{intent_id}/confirm"),
            &format!("confirmation_token={}", token.id.as_str()),
        )
        .await;
    assert_eq!(intent.status, PaymentIntentStatus::Succeeded);

    let path = format!("/v1/subscriptions/{}", subscription.id.as_str());
    let active: Subscription = sdk.get(&path, "").await;
    assert_eq!(active.status, SubscriptionStatus::Active);
    let list: List<Subscription> = sdk.get("/v1/subscriptions", "status=all").await;
    assert_eq!(list.data.len(), 1);
    let item_path = format!("/v1/subscription_items/{}", item.id.as_str());
    let fetched: SubscriptionItem = sdk.get(&item_path, "").await;
    assert_eq!(fetched.quantity, Some(2));
    let items: List<SubscriptionItem> = sdk
        .get(
            "/v1/subscription_items",
            &format!("subscription={}", subscription.id.as_str()),
        )
        .await;
    assert_eq!(items.data.len(), 1);

    let invoice_path = format!("/v1/invoices/{}", invoice.id.as_ref().expect("id").as_str());
    let paid: Invoice = sdk.get(&invoice_path, "").await;
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
    assert_eq!(paid.amount_paid, 3000);
    let lines: List<InvoiceLineItem> = sdk.get(&format!("{invoice_path}/lines"), "").await;
    assert_eq!(lines.data[0].amount, 3000);
    let invoices: List<Invoice> = sdk.get("/v1/invoices", "").await;
    assert_eq!(invoices.data.len(), 1);
    let payments: List<InvoicePayment> = sdk
        .get(
            "/v1/invoice_payments",
            &format!("invoice={}", paid.id.as_ref().expect("id").as_str()),
        )
        .await;
    assert_eq!(payments.data[0].amount_paid, Some(3000));

    let canceled: Subscription = sdk.delete(&path).await;
    assert_eq!(canceled.status, SubscriptionStatus::Canceled);

    // Every event, Billing's included, parses as the webhook parser reads it.
    let types = sdk.events().await;
    for expected in [
        "customer.subscription.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
        "invoice_payment.paid",
        "invoice.updated",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    ] {
        assert!(types.iter().any(|t| t == expected), "{expected}: {types:?}");
    }
}
