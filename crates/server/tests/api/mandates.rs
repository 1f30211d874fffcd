//! Mandates (issue #24, decision 23): `GET /v1/mandates/:id` answers the mandate a bank
//! debit's charge names, stored with that charge; its acceptance is the confirmation's (or
//! its ConfirmationToken's) `mandate_data`, with `infer_from_client` filled from the request.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PUBLISHABLE_KEY, TestApp};

async fn get(app: &TestApp, path: &str) -> Value {
    let answer = app.get(path, "").await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer.body
}

/// The mandate `intent`'s latest charge names, by way of the charge.
async fn mandate_of(app: &TestApp, intent: &Value, kind: &str) -> (String, Value) {
    let charge = get(
        app,
        &format!("/v1/charges/{}", intent["latest_charge"].as_str().unwrap()),
    )
    .await;
    let id = charge["payment_method_details"][kind]["mandate"]
        .as_str()
        .unwrap()
        .to_owned();
    let mandate = get(app, &format!("/v1/mandates/{id}")).await;
    (id, mandate)
}

#[tokio::test]
async fn a_sepa_payments_mandate_records_the_acceptance_it_was_confirmed_with() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/v1/payment_intents",
            "amount=1500&currency=eur&payment_method_types[]=sepa_debit&confirm=true\
             &payment_method_data[type]=sepa_debit\
             &payment_method_data[sepa_debit][iban]=DE89370400440532013000\
             &payment_method_data[billing_details][name]=Jenny%20Rosen\
             &mandate_data[customer_acceptance][type]=online\
             &mandate_data[customer_acceptance][accepted_at]=1700000000\
             &mandate_data[customer_acceptance][online][ip_address]=10.1.2.3\
             &mandate_data[customer_acceptance][online][user_agent]=Mozilla%2F5.0",
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    let intent = created.body;
    let (id, mandate) = mandate_of(&app, &intent, "sepa_debit").await;
    assert!(id.starts_with("mandate_"), "{id}");
    assert_eq!(mandate["id"], id.as_str());
    assert_eq!(mandate["object"], "mandate");
    assert_eq!(mandate["livemode"], false);
    assert_eq!(mandate["status"], "active");
    assert_eq!(mandate["type"], "multi_use");
    assert_eq!(mandate["multi_use"], json!({}));
    assert_eq!(mandate["single_use"], Value::Null);
    assert_eq!(mandate["payment_method"], intent["payment_method"]);
    assert_eq!(
        mandate["customer_acceptance"],
        json!({"accepted_at": 1_700_000_000, "offline": null, "type": "online",
               "online": {"ip_address": "10.1.2.3", "user_agent": "Mozilla/5.0"}})
    );
    let details = &mandate["payment_method_details"];
    assert_eq!(details["type"], "sepa_debit");
    let reference = details["sepa_debit"]["reference"].as_str().unwrap();
    assert_eq!(reference.len(), 16, "{reference}");
    assert!(
        reference
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    );
    assert!(
        details["sepa_debit"]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!(
                "/dashboard/payments/{}",
                intent["id"].as_str().unwrap()
            ))
    );

    // Retrieved again: the same record.
    assert_eq!(get(&app, &format!("/v1/mandates/{id}")).await, mandate);
    // async-stripe reads it with the type its `RetrieveMandate` declares.
    let typed: stripe_shared::Mandate =
        crate::sdk_types::parse("GET mandate", &mandate.to_string());
    assert_eq!(typed.id.as_str(), id);
    let sepa = typed.payment_method_details.sepa_debit.unwrap();
    assert_eq!(sepa.reference, reference);
    assert_eq!(
        typed
            .customer_acceptance
            .online
            .unwrap()
            .ip_address
            .as_deref(),
        Some("10.1.2.3")
    );
    app.stop().await;
}

#[tokio::test]
async fn an_ach_token_from_the_browser_infers_the_acceptance_from_its_request() {
    let app = TestApp::spawn().await;
    let token = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::POST,
            "/v1/confirmation_tokens",
            "payment_method_data[type]=us_bank_account\
             &payment_method_data[us_bank_account][routing_number]=110000000\
             &payment_method_data[us_bank_account][account_number]=000123456789\
             &payment_method_data[billing_details][name]=Jenny%20Rosen\
             &mandate_data[customer_acceptance][type]=online\
             &mandate_data[customer_acceptance][online][infer_from_client]=true",
            &[("user-agent", "Mozilla/5.0 (tender test)")],
        )
        .await;
    assert_eq!(token.status, StatusCode::OK, "{:?}", token.body);
    let online = &token.body["mandate_data"]["customer_acceptance"]["online"];
    assert_eq!(online["ip_address"], "127.0.0.1");
    assert_eq!(online["user_agent"], "Mozilla/5.0 (tender test)");
    assert_eq!(online.get("infer_from_client"), None);

    let created = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=2000&currency=usd&payment_method_types[]=us_bank_account&confirm=true\
                 &confirmation_token={}",
                token.body["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    assert_eq!(created.body["status"], "processing");
    let (_, mandate) = mandate_of(&app, &created.body, "us_bank_account").await;
    assert_eq!(mandate["customer_acceptance"]["type"], "online");
    assert_eq!(
        mandate["customer_acceptance"]["online"],
        json!({"ip_address": "127.0.0.1", "user_agent": "Mozilla/5.0 (tender test)"})
    );
    // A one-off debit: the mandate covers this amount only.
    assert_eq!(mandate["type"], "single_use");
    assert_eq!(
        mandate["single_use"],
        json!({"amount": 2000, "currency": "usd"})
    );
    assert_eq!(
        mandate["payment_method_details"],
        json!({"type": "us_bank_account", "us_bank_account": {"collection_method": null}})
    );
    let typed: stripe_shared::Mandate =
        crate::sdk_types::parse("GET mandate", &mandate.to_string());
    assert_eq!(typed.single_use.unwrap().amount, 2000);
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_mandate_is_a_404_naming_the_mandate() {
    let app = TestApp::spawn().await;
    let missing = app.get("/v1/mandates/mandate_nope", "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error("code"), Some("resource_missing"));
    assert_eq!(missing.error("param"), Some("mandate"));
    assert_eq!(
        missing.error("message"),
        Some("No such mandate: 'mandate_nope'")
    );
    // The browser's key may not read one.
    let refused = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::GET,
            "/v1/mandates/mandate_nope",
            "",
            &[],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNAUTHORIZED,
        "{:?}",
        refused.body
    );
    app.stop().await;
}
