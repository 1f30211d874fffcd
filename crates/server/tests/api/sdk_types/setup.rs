//! SetupIntents in every state, as async-stripe reads them.

use stripe_shared::{
    Customer, PaymentMethod, SetupIntent, SetupIntentCancellationReason, SetupIntentStatus,
};
use stripe_types::List;

use super::{Sdk, answer_page, expanded, id_of, stripe_js};
use crate::helpers::TestApp;

#[tokio::test]
async fn every_state_of_a_setup_intent_deserializes() {
    let app = TestApp::spawn().await;
    let sdk = Sdk { app: &app };
    let customer: Customer = sdk.post("/v1/customers", "email=jo%40example.com").await;
    let cus = customer.id.as_str();

    let saved: SetupIntent = sdk
        .post(
            "/v1/setup_intents",
            &format!(
                "customer={cus}&payment_method=pm_card_visa&confirm=true\
                 &payment_method_types[]=card&expand[]=customer&expand[]=payment_method"
            ),
        )
        .await;
    assert_eq!(saved.status, SetupIntentStatus::Succeeded);
    assert_eq!(saved.usage, "off_session");
    assert_eq!(expanded(&saved.customer).id, customer.id);
    let card = expanded(&saved.payment_method);
    assert_eq!(id_of(&card.customer), cus);
    let seti = saved.id.as_str();
    // Attempts and mandates are not simulated: expanding them answers `null`.
    let plain: SetupIntent = sdk
        .get(
            &format!("/v1/setup_intents/{seti}"),
            "expand[]=latest_attempt&expand[]=mandate&expand[]=single_use_mandate",
        )
        .await;
    assert_eq!(id_of(&plain.payment_method), card.id.as_str());
    assert!(plain.latest_attempt.is_none() && plain.mandate.is_none());

    // Open, updated, then canceled.
    let open: SetupIntent = sdk
        .post("/v1/setup_intents", "usage=on_session&description=Later")
        .await;
    assert_eq!(open.status, SetupIntentStatus::RequiresPaymentMethod);
    let path = format!("/v1/setup_intents/{}", open.id.as_str());
    let open: SetupIntent = sdk.post(&path, "metadata[step]=2").await;
    assert_eq!(open.metadata.as_ref().unwrap()["step"], "2");
    let canceled: SetupIntent = sdk
        .post(&format!("{path}/cancel"), "cancellation_reason=abandoned")
        .await;
    assert_eq!(canceled.status, SetupIntentStatus::Canceled);
    assert_eq!(
        canceled.cancellation_reason,
        Some(SetupIntentCancellationReason::Abandoned)
    );

    // 3D Secure: requires_action, then the hosted page.
    let challenged: SetupIntent = sdk
        .post(
            "/v1/setup_intents",
            &format!(
                "customer={cus}&payment_method=pm_card_authenticationRequiredOnSetup\
                 &confirm=true&use_stripe_sdk=true"
            ),
        )
        .await;
    assert_eq!(challenged.status, SetupIntentStatus::RequiresAction);
    let action = challenged.next_action.as_ref().unwrap();
    assert_eq!(action.type_, "use_stripe_sdk");
    answer_page(&stripe_js(action.use_stripe_sdk.as_ref()), "fail").await;
    let failed: SetupIntent = sdk
        .get(
            &format!("/v1/setup_intents/{}", challenged.id.as_str()),
            "expand[]=payment_method",
        )
        .await;
    assert_eq!(failed.status, SetupIntentStatus::RequiresPaymentMethod);
    let error = failed.last_setup_error.unwrap();
    assert_eq!(
        error.code.map(|c| c.as_str().to_owned()).as_deref(),
        Some("setup_intent_authentication_failure")
    );

    // Confirmed later with a ConfirmationToken.
    let token = sdk.token("4000000000003220").await;
    let confirmed: SetupIntent = sdk
        .post(
            &format!("/v1/setup_intents/{}/confirm", failed.id.as_str()),
            &format!("confirmation_token={}", token.id.as_str()),
        )
        .await;
    assert_eq!(confirmed.status, SetupIntentStatus::RequiresAction);
    let action = confirmed.next_action.as_ref().unwrap();
    answer_page(&stripe_js(action.use_stripe_sdk.as_ref()), "complete").await;

    let list: List<SetupIntent> = sdk
        .get(
            "/v1/setup_intents",
            &format!("customer={cus}&expand[]=data.payment_method&expand[]=data.customer"),
        )
        .await;
    assert_eq!(list.data.len(), 2);
    assert_eq!(list.data[0].status, SetupIntentStatus::Succeeded);
    let cards: List<PaymentMethod> = sdk
        .get(&format!("/v1/customers/{cus}/payment_methods"), "")
        .await;
    assert_eq!(cards.data.len(), 2);
    assert_eq!(
        sdk.events().await,
        [
            "customer.created",
            "setup_intent.created",
            "setup_intent.succeeded",
            "payment_method.attached",
            "setup_intent.created",
            "setup_intent.canceled",
            "setup_intent.created",
            "setup_intent.requires_action",
            "setup_intent.setup_failed",
            "setup_intent.requires_action",
            "setup_intent.succeeded",
            "payment_method.attached",
        ]
    );
    app.stop().await;
}
