//! The guide's payment, its Charge and Refunds, and ConfirmationTokens; then every other
//! state a PaymentIntent can be in, as async-stripe reads them.

use reqwest::{Method, StatusCode};
use stripe_payment::ConfirmationToken;
use stripe_shared::{
    Charge, ChargeStatus, Customer, PaymentIntent, PaymentIntentCancellationReason,
    PaymentIntentStatus, Refund,
};
use stripe_types::List;

use super::{Sdk, answer_page, expanded, id_of, stripe_js};
use crate::helpers::{SECRET_KEY, TestApp};

#[tokio::test]
async fn the_guides_payment_its_charge_and_refunds_deserialize() {
    let app = TestApp::spawn().await;
    let sdk = Sdk { app: &app };
    let customer: Customer = sdk
        .post("/v1/customers", "email=jo%40example.com&name=Jo")
        .await;
    let cus = customer.id.as_str();
    let token = sdk.token("4242424242424242").await;
    let ctoken = token.id.as_str();
    let fetched: ConfirmationToken = sdk
        .get(&format!("/v1/confirmation_tokens/{ctoken}"), "")
        .await;
    let preview = fetched.payment_method_preview.unwrap();
    assert_eq!(preview.card.unwrap().last4, "4242");
    assert!(fetched.use_stripe_sdk && fetched.payment_intent.is_none());

    // Create and confirm with every expandable field of the answer expanded.
    let intent: PaymentIntent = sdk
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=2000&currency=usd&confirm=true&automatic_payment_methods[enabled]=true\
                 &confirmation_token={ctoken}&customer={cus}&expand[]=latest_charge\
                 &expand[]=customer&expand[]=payment_method"
            ),
        )
        .await;
    assert_eq!(intent.status, PaymentIntentStatus::Succeeded);
    assert_eq!(intent.amount_received, 2000);
    let charge = expanded(&intent.latest_charge);
    assert_eq!(charge.status, ChargeStatus::Succeeded);
    assert_eq!(charge.amount_captured, 2000);
    assert_eq!(expanded(&intent.customer).id, customer.id);
    let card = expanded(&intent.payment_method).card.as_ref().unwrap();
    assert_eq!((card.last4.as_str(), card.exp_year), ("4242", 2034));
    let (pi, ch) = (intent.id.as_str(), charge.id.as_str());

    let plain: PaymentIntent = sdk.get(&format!("/v1/payment_intents/{pi}"), "").await;
    assert_eq!(id_of(&plain.latest_charge), ch);
    assert_eq!(id_of(&plain.customer), cus);
    let nested: PaymentIntent = sdk
        .get(
            &format!("/v1/payment_intents/{pi}"),
            "expand[]=latest_charge.customer&expand[]=latest_charge.payment_intent",
        )
        .await;
    let charge = expanded(&nested.latest_charge);
    assert_eq!(expanded(&charge.customer).id, customer.id);
    assert_eq!(expanded(&charge.payment_intent).id, intent.id);
    let used: ConfirmationToken = sdk
        .get(&format!("/v1/confirmation_tokens/{ctoken}"), "")
        .await;
    assert_eq!(used.payment_intent.as_deref(), Some(pi));
    // Ids the spec types as plain strings stay strings: expanding them is refused, as on
    // Stripe, rather than answered with an object the SDK's types cannot read.
    for (path, field) in [
        (
            format!("/v1/confirmation_tokens/{ctoken}"),
            "payment_intent",
        ),
        (format!("/v1/charges/{ch}"), "payment_method"),
    ] {
        let (status, error) = sdk
            .error(SECRET_KEY, Method::GET, &path, &format!("expand[]={field}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            error.message.as_deref(),
            Some(format!("This property cannot be expanded ({field}).").as_str())
        );
        assert_eq!(error.param.as_deref(), Some("expand"));
    }

    let charge: Charge = sdk
        .get(
            &format!("/v1/charges/{ch}"),
            "expand[]=payment_intent&expand[]=customer&expand[]=balance_transaction",
        )
        .await;
    assert_eq!(expanded(&charge.payment_intent).amount, 2000);
    // Balance transactions are not simulated: expanding one answers `null`.
    assert!(charge.balance_transaction.is_none());
    let charge: Charge = sdk
        .post(
            &format!("/v1/charges/{ch}"),
            "description=Gift&metadata[order]=6735",
        )
        .await;
    assert_eq!(charge.description.as_deref(), Some("Gift"));
    assert_eq!(charge.metadata["order"], "6735");

    let part: Refund = sdk
        .post(
            "/v1/refunds",
            &format!("charge={ch}&amount=500&reason=requested_by_customer&expand[]=charge"),
        )
        .await;
    assert_eq!(part.amount, 500);
    assert_eq!(expanded(&part.charge).amount_refunded, 500);
    let rest: Refund = sdk
        .post(
            "/v1/refunds",
            &format!("payment_intent={pi}&expand[]=payment_intent"),
        )
        .await;
    assert_eq!(rest.amount, 1500);
    assert_eq!(expanded(&rest.payment_intent).id, intent.id);
    let re = part.id.as_str();
    let part: Refund = sdk
        .get(
            &format!("/v1/refunds/{re}"),
            "expand[]=charge&expand[]=payment_intent",
        )
        .await;
    assert!(expanded(&part.charge).refunded);
    let part: Refund = sdk
        .post(&format!("/v1/refunds/{re}"), "metadata[note]=thanks")
        .await;
    assert_eq!(part.status.as_deref(), Some("succeeded"));
    assert_eq!(id_of(&part.charge), ch);
    let refunds: List<Refund> = sdk
        .get("/v1/refunds", &format!("charge={ch}&expand[]=data.charge"))
        .await;
    assert_eq!(refunds.data.len(), 2);
    let of_charge: List<Refund> = sdk.get(&format!("/v1/charges/{ch}/refunds"), "").await;
    assert_eq!(of_charge.data[1].id, part.id);
    let one: Refund = sdk.get(&format!("/v1/charges/{ch}/refunds/{re}"), "").await;
    assert_eq!(one.amount, 500);
    let charge: Charge = sdk
        .get(&format!("/v1/charges/{ch}"), "expand[]=refunds")
        .await;
    assert!(charge.refunded);
    let listed = charge.refunds.unwrap();
    assert_eq!(listed.data.len(), 2);
    assert_eq!(listed.url, format!("/v1/charges/{ch}/refunds"));

    let intents: List<PaymentIntent> = sdk
        .get(
            "/v1/payment_intents",
            "expand[]=data.latest_charge&expand[]=data.customer&expand[]=data.payment_method",
        )
        .await;
    assert_eq!(
        expanded(&intents.data[0].latest_charge).amount_refunded,
        2000
    );
    let charges: List<Charge> = sdk
        .get(
            "/v1/charges",
            &format!("payment_intent={pi}&expand[]=data.payment_intent&expand[]=data.customer"),
        )
        .await;
    assert_eq!(expanded(&charges.data[0].customer).id, customer.id);

    assert_eq!(
        sdk.events().await,
        [
            "customer.created",
            "payment_intent.created",
            "charge.succeeded",
            "payment_intent.succeeded",
            "charge.updated",
            "refund.created",
            "charge.refunded",
            "refund.created",
            "charge.refunded",
            "refund.updated",
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn every_state_of_a_payment_intent_deserializes() {
    let app = TestApp::spawn().await;
    let sdk = Sdk { app: &app };
    let pay = "amount=1500&currency=usd&payment_method_types[]=card";

    let open: PaymentIntent = sdk.post("/v1/payment_intents", pay).await;
    assert_eq!(open.status, PaymentIntentStatus::RequiresPaymentMethod);
    assert!(open.client_secret.is_some());
    let path = format!("/v1/payment_intents/{}", open.id.as_str());
    let open: PaymentIntent = sdk
        .post(&path, "payment_method=pm_card_visa&description=Socks")
        .await;
    assert_eq!(open.status, PaymentIntentStatus::RequiresConfirmation);
    let canceled: PaymentIntent = sdk
        .post(
            &format!("{path}/cancel"),
            "cancellation_reason=requested_by_customer",
        )
        .await;
    assert_eq!(canceled.status, PaymentIntentStatus::Canceled);
    assert_eq!(
        canceled.cancellation_reason,
        Some(PaymentIntentCancellationReason::RequestedByCustomer)
    );

    // Manual capture: requires_capture, then a partial capture.
    let held: PaymentIntent = sdk
        .post(
            "/v1/payment_intents",
            &format!("{pay}&capture_method=manual&confirm=true&payment_method=pm_card_visa"),
        )
        .await;
    assert_eq!(held.status, PaymentIntentStatus::RequiresCapture);
    assert_eq!(held.amount_capturable, 1500);
    let captured: PaymentIntent = sdk
        .post(
            &format!("/v1/payment_intents/{}/capture", held.id.as_str()),
            "amount_to_capture=1000&expand[]=latest_charge",
        )
        .await;
    assert_eq!(captured.status, PaymentIntentStatus::Succeeded);
    assert_eq!(expanded(&captured.latest_charge).amount_captured, 1000);

    // 3D Secure from the guide's flow (use_stripe_sdk), through the hosted page.
    let token = sdk.token("4000002500003155").await;
    let challenged: PaymentIntent = sdk
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=2000&currency=usd&confirm=true&confirmation_token={}",
                token.id.as_str()
            ),
        )
        .await;
    assert_eq!(challenged.status, PaymentIntentStatus::RequiresAction);
    let action = challenged.next_action.as_ref().unwrap();
    assert_eq!(action.type_, "use_stripe_sdk");
    answer_page(&stripe_js(action.use_stripe_sdk.as_ref()), "complete").await;
    let done: PaymentIntent = sdk
        .get(
            &format!("/v1/payment_intents/{}", challenged.id.as_str()),
            "expand[]=latest_charge",
        )
        .await;
    assert_eq!(done.status, PaymentIntentStatus::Succeeded);
    let details = expanded(&done.latest_charge)
        .payment_method_details
        .as_ref();
    let secure = details
        .unwrap()
        .card
        .as_ref()
        .unwrap()
        .three_d_secure
        .as_ref();
    assert!(secure.is_some());

    // 3D Secure by redirect, failed: the error stays on the intent.
    let redirected: PaymentIntent = sdk
        .post(
            "/v1/payment_intents",
            &format!(
                "{pay}&confirm=true&payment_method=pm_card_threeDSecure2Required\
                 &return_url=https%3A%2F%2Fshop.example%2Fdone"
            ),
        )
        .await;
    let action = redirected.next_action.as_ref().unwrap();
    let redirect = action.redirect_to_url.as_ref().unwrap();
    assert_eq!(
        redirect.return_url.as_deref(),
        Some("https://shop.example/done")
    );
    answer_page(redirect.url.as_deref().unwrap(), "fail").await;
    let failed: PaymentIntent = sdk
        .get(
            &format!("/v1/payment_intents/{}", redirected.id.as_str()),
            "",
        )
        .await;
    assert_eq!(failed.status, PaymentIntentStatus::RequiresPaymentMethod);
    let error = failed.last_payment_error.unwrap();
    assert_eq!(
        error.code.map(|c| c.as_str().to_owned()).as_deref(),
        Some("payment_intent_authentication_failure")
    );
    assert!(error.payment_method.is_some());

    // iDEAL: the bank's page, then the charge's `payment_method_details.ideal`.
    let ideal: PaymentIntent = sdk
        .post(
            "/v1/payment_intents",
            "amount=1500&currency=eur&confirm=true&payment_method_data[type]=ideal\
             &payment_method_data[ideal][bank]=ing&return_url=https%3A%2F%2Fshop.example%2Fr",
        )
        .await;
    let action = ideal.next_action.as_ref().unwrap();
    let url = action
        .redirect_to_url
        .as_ref()
        .unwrap()
        .url
        .clone()
        .unwrap();
    answer_page(&url, "complete").await;
    let paid: PaymentIntent = sdk
        .get(
            &format!("/v1/payment_intents/{}", ideal.id.as_str()),
            "expand[]=latest_charge&expand[]=payment_method",
        )
        .await;
    assert_eq!(paid.status, PaymentIntentStatus::Succeeded);
    let details = expanded(&paid.latest_charge)
        .payment_method_details
        .as_ref();
    let bank = details.unwrap().ideal.as_ref().unwrap();
    assert_eq!(bank.bic.as_ref().map(|b| b.as_str()), Some("INGBNL2A"));
    assert!(expanded(&paid.payment_method).ideal.is_some());

    // A ConfirmationToken made on the server by the test helper.
    let helper: ConfirmationToken = sdk
        .ok(
            SECRET_KEY,
            Method::POST,
            "/v1/test_helpers/confirmation_tokens",
            "payment_method=pm_card_mastercard",
        )
        .await;
    let preview = helper.payment_method_preview.unwrap().card.unwrap();
    assert_eq!(preview.brand, "mastercard");

    let all: List<PaymentIntent> = sdk.get("/v1/payment_intents", "limit=100").await;
    assert_eq!(all.data.len(), 5);
    let [open, held, challenged, redirected, ideal] = [
        vec!["payment_intent.created", "payment_intent.canceled"],
        vec![
            "payment_intent.created",
            "charge.succeeded",
            "payment_intent.amount_capturable_updated",
            "charge.captured",
            "payment_intent.succeeded",
        ],
        vec![
            "payment_intent.created",
            "payment_intent.requires_action",
            "charge.succeeded",
            "payment_intent.succeeded",
        ],
        vec![
            "payment_intent.created",
            "payment_intent.requires_action",
            "payment_intent.payment_failed",
        ],
        vec![
            "payment_intent.created",
            "payment_intent.requires_action",
            "charge.succeeded",
            "payment_intent.succeeded",
        ],
    ];
    assert_eq!(
        sdk.events().await,
        [open, held, challenged, redirected, ideal].concat()
    );
    app.stop().await;
}
