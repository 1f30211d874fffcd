//! Customers (deleted ones too), PaymentMethods and webhook endpoints, as async-stripe reads
//! them.

use reqwest::Method;
use stripe_core::customer::RetrieveCustomerReturned;
use stripe_misc::{DeletedWebhookEndpoint, WebhookEndpoint};
use stripe_payment::ConfirmationToken;
use stripe_shared::{Customer, DeletedCustomer, PaymentMethod, PaymentMethodType};
use stripe_types::List;

use super::{Sdk, expanded, id_of};
use crate::helpers::{PUBLISHABLE_KEY, TestApp};

const CARD: &str = "type=card&card[number]=4242424242424242&card[exp_month]=12\
                    &card[exp_year]=2034&card[cvc]=123\
                    &billing_details[name]=Jo&billing_details[address][country]=NL";

#[tokio::test]
async fn customers_and_payment_methods_deserialize() {
    let app = TestApp::spawn().await;
    let sdk = Sdk { app: &app };
    let customer: Customer = sdk
        .post(
            "/v1/customers",
            "email=jo%40example.com&name=Jo&phone=%2B31201234567&description=Regular\
             &address[line1]=Dam%201&address[city]=Amsterdam&address[country]=NL\
             &shipping[name]=Jo&shipping[address][line1]=Dam%201&shipping[phone]=%2B3120\
             &preferred_locales[]=nl&preferred_locales[]=en&metadata[tier]=gold\
             &tax_exempt=none&balance=-500&invoice_settings[footer]=Thanks",
        )
        .await;
    assert_eq!(customer.email.as_deref(), Some("jo@example.com"));
    assert_eq!(customer.balance, Some(-500));
    let cus = customer.id.as_str();

    let card: PaymentMethod = sdk.post("/v1/payment_methods", CARD).await;
    assert_eq!(card.type_, PaymentMethodType::Card);
    assert!(card.customer.is_none());
    let from_browser: PaymentMethod = sdk
        .ok(PUBLISHABLE_KEY, Method::POST, "/v1/payment_methods", CARD)
        .await;
    assert_eq!(from_browser.card.unwrap().fingerprint, None);
    let ideal: PaymentMethod = sdk
        .post("/v1/payment_methods", "type=ideal&ideal[bank]=rabobank")
        .await;
    assert_eq!(ideal.type_, PaymentMethodType::Ideal);

    let pm = card.id.as_str();
    let attached: PaymentMethod = sdk
        .post(
            &format!("/v1/payment_methods/{pm}/attach"),
            &format!("customer={cus}&expand[]=customer"),
        )
        .await;
    assert_eq!(expanded(&attached.customer).id, customer.id);
    let updated: PaymentMethod = sdk
        .post(
            &format!("/v1/payment_methods/{pm}"),
            "billing_details[email]=jo%40example.com&card[exp_month]=11",
        )
        .await;
    assert_eq!(updated.card.unwrap().exp_month, 11);
    let fetched: PaymentMethod = sdk.get(&format!("/v1/payment_methods/{pm}"), "").await;
    assert_eq!(id_of(&fetched.customer), cus);
    let of_customer: PaymentMethod = sdk
        .get(&format!("/v1/customers/{cus}/payment_methods/{pm}"), "")
        .await;
    assert_eq!(of_customer.id, card.id);

    // A ConfirmationToken made from the saved card, its preview's customer expanded.
    let token: ConfirmationToken = sdk
        .post(
            "/v1/confirmation_tokens",
            &format!("payment_method={pm}&expand[]=payment_method_preview.customer"),
        )
        .await;
    let preview = token.payment_method_preview.as_ref().unwrap();
    assert_eq!(expanded(&preview.customer).id, customer.id);

    let customer: Customer = sdk
        .post(
            &format!("/v1/customers/{cus}"),
            &format!(
                "invoice_settings[default_payment_method]={pm}\
                 &expand[]=invoice_settings.default_payment_method"
            ),
        )
        .await;
    let settings = customer.invoice_settings.as_ref().unwrap();
    assert_eq!(expanded(&settings.default_payment_method).id, card.id);
    assert_eq!(settings.footer.as_deref(), Some("Thanks"));
    let retrieved: RetrieveCustomerReturned = sdk
        .get(&format!("/v1/customers/{cus}"), "expand[]=default_source")
        .await;
    let RetrieveCustomerReturned::Customer(retrieved) = retrieved else {
        panic!("a live customer reads as deleted")
    };
    assert_eq!(retrieved.metadata.unwrap()["tier"], "gold");
    assert!(retrieved.default_source.is_none());

    let customers: List<Customer> = sdk
        .get(
            "/v1/customers",
            "email=jo%40example.com&expand[]=data.invoice_settings.default_payment_method",
        )
        .await;
    assert_eq!(customers.data.len(), 1);
    assert_eq!(customers.url, "/v1/customers");
    let methods: List<PaymentMethod> = sdk
        .get(
            "/v1/payment_methods",
            &format!("customer={cus}&type=card&expand[]=data.customer"),
        )
        .await;
    assert_eq!(expanded(&methods.data[0].customer).id, customer.id);
    let methods: List<PaymentMethod> = sdk
        .get(&format!("/v1/customers/{cus}/payment_methods"), "")
        .await;
    assert_eq!(methods.data.len(), 1);

    let detached: PaymentMethod = sdk
        .post(&format!("/v1/payment_methods/{pm}/detach"), "")
        .await;
    assert!(detached.customer.is_none());

    let deleted: DeletedCustomer = sdk.delete(&format!("/v1/customers/{cus}")).await;
    assert_eq!(deleted.id, customer.id);
    let retrieved: RetrieveCustomerReturned = sdk.get(&format!("/v1/customers/{cus}"), "").await;
    assert!(
        matches!(retrieved, RetrieveCustomerReturned::DeletedCustomer(d) if d.id == customer.id)
    );

    assert_eq!(
        sdk.events().await,
        [
            "customer.created",
            "payment_method.attached",
            "payment_method.updated",
            "customer.updated",
            "payment_method.detached",
            // The detached card was the customer's default for invoices: cleared.
            "customer.updated",
            "customer.deleted",
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn webhook_endpoints_deserialize() {
    let app = TestApp::spawn_without_webhooks().await;
    let sdk = Sdk { app: &app };
    let created: WebhookEndpoint = sdk
        .post(
            "/v1/webhook_endpoints",
            "url=https%3A%2F%2Fshop.example%2Fhook&enabled_events[]=payment_intent.succeeded\
             &enabled_events[]=charge.refunded&description=Shop&metadata[env]=ci",
        )
        .await;
    assert!(created.secret.as_deref().unwrap().starts_with("whsec_"));
    assert_eq!(created.status, "enabled");
    assert_eq!(created.enabled_events.len(), 2);
    let we = created.id.as_str();
    let path = format!("/v1/webhook_endpoints/{we}");

    let fetched: WebhookEndpoint = sdk.get(&path, "").await;
    assert_eq!(fetched.secret, None);
    assert_eq!(fetched.metadata["env"], "ci");
    let disabled: WebhookEndpoint = sdk.post(&path, "disabled=true&enabled_events[]=*").await;
    assert_eq!(disabled.status, "disabled");
    assert_eq!(disabled.enabled_events, ["*"]);
    let list: List<WebhookEndpoint> = sdk.get("/v1/webhook_endpoints", "").await;
    assert_eq!(list.data.len(), 1);
    assert_eq!(list.url, "/v1/webhook_endpoints");
    let deleted: DeletedWebhookEndpoint = sdk.delete(&path).await;
    assert_eq!(deleted.id, created.id);
    app.stop().await;
}
