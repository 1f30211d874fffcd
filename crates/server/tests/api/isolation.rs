//! Isolation and keys (issue #8, item 5): one account's secret key reaches nothing of another
//! account's; a publishable key reaches only the client endpoints, and there only the intent
//! whose client secret it presents, in Stripe's reduced view.
//!
//! The SDK suites (`tests/sdk/*/test_isolation.*`) cover customers and one payment method; these
//! cover every resource and ids used as parameters here, and the publishable key on every
//! route in [`publishable`].

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Answer, PUBLISHABLE_KEY, TestApp};

mod publishable;

const CARD: &str = "type=card&card[number]=4242424242424242&card[exp_month]=12\
                    &card[exp_year]=2034&card[cvc]=123";
const CARD_DATA: &str = "payment_method_data[type]=card\
                         &payment_method_data[card][number]=4242424242424242\
                         &payment_method_data[card][exp_month]=12\
                         &payment_method_data[card][exp_year]=2034";

fn id(answer: &Answer) -> String {
    assert!(answer.status.is_success(), "{:?}", answer.body);
    answer.body["id"].as_str().unwrap().to_owned()
}

fn ids(list: &Answer) -> Vec<String> {
    assert_eq!(list.status, StatusCode::OK, "{:?}", list.body);
    list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Stripe's answer for an id in the URL that the caller cannot see: 404 `resource_missing`
/// naming `param`.
fn assert_missing(answer: &Answer, param: &str, what: &str) {
    assert_missing_with(answer, StatusCode::NOT_FOUND, param, what);
}

/// Stripe's answer for an id passed as a parameter that the caller cannot see: 400
/// `resource_missing` naming the parameter.
fn assert_missing_param(answer: &Answer, param: &str, what: &str) {
    assert_missing_with(answer, StatusCode::BAD_REQUEST, param, what);
}

fn assert_missing_with(answer: &Answer, status: StatusCode, param: &str, what: &str) {
    assert_eq!(answer.status, status, "{what}: {:?}", answer.body);
    assert_eq!(
        answer.error("type"),
        Some("invalid_request_error"),
        "{what}"
    );
    assert_eq!(answer.error("code"), Some("resource_missing"), "{what}");
    assert_eq!(answer.error("param"), Some(param), "{what}");
    assert!(
        answer.error("message").unwrap().starts_with("No such "),
        "{what}: {:?}",
        answer.body
    );
}

/// Everything account A owns, made through the API.
struct Objects {
    customer: String,
    attached_pm: String,
    loose_pm: String,
    intent: String,
    intent_secret: String,
    charge: String,
    refund: String,
    setup_intent: String,
    setup_secret: String,
    token: String,
    endpoint: String,
    events: Vec<String>,
}

async fn objects_of_a(app: &TestApp) -> Objects {
    let pk = |path: &'static str, form: String| async move {
        app.call_as(PUBLISHABLE_KEY, Method::POST, path, &form, &[])
            .await
    };
    let customer = id(&app
        .post("/v1/customers", "name=Alice&metadata[tier]=gold")
        .await);
    let attached_pm = id(&pk("/v1/payment_methods", CARD.into()).await);
    let attached = app
        .post(
            &format!("/v1/payment_methods/{attached_pm}/attach"),
            &format!("customer={customer}"),
        )
        .await;
    assert_eq!(attached.status, StatusCode::OK, "{:?}", attached.body);
    let loose_pm = id(&pk("/v1/payment_methods", CARD.into()).await);
    let intent = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=5000&currency=usd&customer={customer}&payment_method={attached_pm}\
                 &confirm=true&payment_method_types[]=card&metadata[order]=1"
            ),
        )
        .await;
    assert_eq!(intent.body["status"], "succeeded", "{:?}", intent.body);
    let charge = intent.body["latest_charge"].as_str().unwrap().to_owned();
    let refund = id(&app
        .post("/v1/refunds", &format!("charge={charge}&amount=100"))
        .await);
    let setup = app
        .post("/v1/setup_intents", &format!("customer={customer}"))
        .await;
    let token = id(&pk("/v1/confirmation_tokens", CARD_DATA.into()).await);
    let endpoint = id(&app
        .post(
            "/v1/webhook_endpoints",
            "url=https%3A%2F%2Fa.example%2Fhook&enabled_events[]=*",
        )
        .await);
    let events = ids(&app.get("/v1/events", "limit=100").await);
    assert!(events.len() >= 5, "{events:?}");
    Objects {
        customer,
        attached_pm,
        loose_pm,
        intent_secret: intent.body["client_secret"].as_str().unwrap().to_owned(),
        intent: intent.body["id"].as_str().unwrap().to_owned(),
        charge,
        refund,
        setup_secret: setup.body["client_secret"].as_str().unwrap().to_owned(),
        setup_intent: id(&setup),
        token,
        endpoint,
        events,
    }
}

#[tokio::test]
async fn another_secret_key_reaches_nothing_of_this_account() {
    let app = TestApp::spawn_without_webhooks().await;
    let a = objects_of_a(&app).await;
    let b = app.other_account().await;
    let as_b = |method: Method, path: String, form: String| {
        let key = b.secret_key.clone();
        let app = &app;
        async move { app.call_as(&key, method, &path, &form, &[]).await }
    };
    use Method as M;
    let (cus, pm, pi, ch, re) = (&a.customer, &a.attached_pm, &a.intent, &a.charge, &a.refund);
    let (seti, we) = (&a.setup_intent, &a.endpoint);
    // Every route that names one of A's objects in its path: retrieve, update, delete and
    // every action. The param is the one Tender names (Stripe's `id` for the path's object).
    let by_path: Vec<(Method, String, &str, &str)> = vec![
        (M::GET, format!("/v1/customers/{cus}"), "", "id"),
        (
            M::POST,
            format!("/v1/customers/{cus}"),
            "name=Mallory",
            "id",
        ),
        (M::DELETE, format!("/v1/customers/{cus}"), "", "id"),
        (
            M::GET,
            format!("/v1/customers/{cus}/payment_methods"),
            "",
            "customer",
        ),
        (
            M::GET,
            format!("/v1/customers/{cus}/payment_methods/{pm}"),
            "",
            "customer",
        ),
        (
            M::GET,
            format!("/v1/payment_methods/{pm}"),
            "",
            "payment_method",
        ),
        (
            M::POST,
            format!("/v1/payment_methods/{pm}"),
            "metadata[x]=y",
            "payment_method",
        ),
        (
            M::POST,
            format!("/v1/payment_methods/{pm}/detach"),
            "",
            "payment_method",
        ),
        (M::GET, format!("/v1/payment_intents/{pi}"), "", "intent"),
        (
            M::POST,
            format!("/v1/payment_intents/{pi}"),
            "description=x",
            "intent",
        ),
        (
            M::POST,
            format!("/v1/payment_intents/{pi}/confirm"),
            "",
            "intent",
        ),
        (
            M::POST,
            format!("/v1/payment_intents/{pi}/capture"),
            "",
            "intent",
        ),
        (
            M::POST,
            format!("/v1/payment_intents/{pi}/cancel"),
            "",
            "intent",
        ),
        (M::GET, format!("/v1/charges/{ch}"), "", "id"),
        (M::POST, format!("/v1/charges/{ch}"), "description=x", "id"),
        (M::GET, format!("/v1/charges/{ch}/refunds"), "", "charge"),
        (
            M::GET,
            format!("/v1/charges/{ch}/refunds/{re}"),
            "",
            "charge",
        ),
        (M::GET, format!("/v1/refunds/{re}"), "", "id"),
        (M::POST, format!("/v1/refunds/{re}"), "metadata[x]=y", "id"),
        (M::POST, format!("/v1/refunds/{re}/cancel"), "", "id"),
        (M::GET, format!("/v1/setup_intents/{seti}"), "", "intent"),
        (
            M::POST,
            format!("/v1/setup_intents/{seti}"),
            "description=x",
            "intent",
        ),
        (
            M::POST,
            format!("/v1/setup_intents/{seti}/confirm"),
            "",
            "intent",
        ),
        (
            M::POST,
            format!("/v1/setup_intents/{seti}/cancel"),
            "",
            "intent",
        ),
        (
            M::GET,
            format!("/v1/confirmation_tokens/{}", a.token),
            "",
            "confirmation_token",
        ),
        (M::GET, format!("/v1/webhook_endpoints/{we}"), "", "id"),
        (
            M::POST,
            format!("/v1/webhook_endpoints/{we}"),
            "disabled=true",
            "id",
        ),
        (M::DELETE, format!("/v1/webhook_endpoints/{we}"), "", "id"),
    ];
    let mut by_path = by_path;
    for event in &a.events {
        by_path.push((M::GET, format!("/v1/events/{event}"), "", "id"));
    }
    for (method, path, form, param) in by_path {
        let answer = as_b(method.clone(), path.clone(), form.into()).await;
        assert_missing(&answer, param, &format!("{method} {path}"));
    }

    // A's ids as parameters of B's own requests.
    let b_customer = id(&as_b(M::POST, "/v1/customers".into(), "name=Bob".into()).await);
    let b_pm = id(&app
        .call_as(
            &b.publishable_key,
            M::POST,
            "/v1/payment_methods",
            CARD,
            &[],
        )
        .await);
    let pay = "amount=1000&currency=usd&payment_method_types[]=card";
    let by_param: Vec<(&str, String, &str)> = vec![
        (
            "/v1/payment_intents",
            format!("{pay}&customer={cus}"),
            "customer",
        ),
        (
            "/v1/payment_intents",
            format!("{pay}&payment_method={}", a.loose_pm),
            "payment_method",
        ),
        (
            "/v1/payment_intents",
            format!("{pay}&confirm=true&payment_method={}", a.loose_pm),
            "payment_method",
        ),
        (
            "/v1/payment_intents",
            format!("{pay}&confirm=true&confirmation_token={}", a.token),
            "confirmation_token",
        ),
        ("/v1/setup_intents", format!("customer={cus}"), "customer"),
        (
            "/v1/setup_intents",
            format!("payment_method={}&confirm=true", a.loose_pm),
            "payment_method",
        ),
        ("/v1/refunds", format!("charge={ch}"), "charge"),
        (
            "/v1/refunds",
            format!("payment_intent={pi}"),
            "payment_intent",
        ),
        (
            "/v1/customers",
            format!("payment_method={}", a.loose_pm),
            "payment_method",
        ),
        (
            "/v1/test_helpers/confirmation_tokens",
            format!("payment_method={}", a.loose_pm),
            "payment_method",
        ),
    ];
    for (path, form, param) in by_param {
        let answer = as_b(M::POST, path.into(), form.clone()).await;
        assert_missing_param(&answer, param, &format!("POST {path} {form}"));
    }
    let answer = as_b(
        M::POST,
        format!("/v1/payment_methods/{}/attach", a.loose_pm),
        format!("customer={b_customer}"),
    )
    .await;
    assert_missing(&answer, "payment_method", "attach A's payment method");
    let answer = as_b(
        M::POST,
        format!("/v1/payment_methods/{b_pm}/attach"),
        format!("customer={cus}"),
    )
    .await;
    assert_missing_param(&answer, "customer", "attach to A's customer");
    let answer = app
        .call_as(
            &b.publishable_key,
            M::POST,
            "/v1/confirmation_tokens",
            &format!("payment_method={}", a.loose_pm),
            &[],
        )
        .await;
    assert_missing_param(
        &answer,
        "payment_method",
        "B's token from A's payment method",
    );
    // B's own intent expands its own customer; A's stays out of reach.
    let mine = as_b(
        M::POST,
        "/v1/payment_intents".into(),
        format!("{pay}&customer={b_customer}&expand[]=customer"),
    )
    .await;
    assert_eq!(
        mine.body["customer"]["id"],
        b_customer.as_str(),
        "{:?}",
        mine.body
    );

    // Lists: none of A's objects, whatever the filter or cursor.
    let mut seen = BTreeSet::new();
    for (path, query) in [
        ("/v1/customers", String::new()),
        ("/v1/payment_methods", String::new()),
        ("/v1/payment_methods", format!("customer={cus}")),
        ("/v1/payment_intents", String::new()),
        ("/v1/payment_intents", format!("customer={cus}")),
        ("/v1/charges", String::new()),
        ("/v1/charges", format!("payment_intent={pi}")),
        ("/v1/refunds", String::new()),
        ("/v1/refunds", format!("charge={ch}")),
        ("/v1/setup_intents", String::new()),
        ("/v1/setup_intents", format!("customer={cus}")),
        ("/v1/events", String::new()),
        ("/v1/events", "type=payment_intent.succeeded".into()),
        ("/v1/webhook_endpoints", String::new()),
    ] {
        let list = as_b(M::GET, path.into(), format!("limit=100&{query}")).await;
        seen.extend(ids(&list));
    }
    let theirs: BTreeSet<String> = [
        &a.customer,
        &a.attached_pm,
        &a.loose_pm,
        &a.intent,
        &a.charge,
        &a.refund,
        &a.setup_intent,
        &a.token,
        &a.endpoint,
    ]
    .into_iter()
    .cloned()
    .chain(a.events.iter().cloned())
    .collect();
    assert!(seen.contains(&b_customer), "B's lists work: {seen:?}");
    assert_eq!(seen.intersection(&theirs).count(), 0, "{seen:?}");
    for (path, cursor) in [
        ("/v1/customers", cus),
        ("/v1/payment_intents", pi),
        ("/v1/events", &a.events[0]),
    ] {
        let page = as_b(M::GET, path.into(), format!("starting_after={cursor}")).await;
        assert_missing_param(&page, "starting_after", path);
    }

    // B's publishable key with A's intent and its true client secret: still not B's intent.
    let answer = app
        .call_as(
            &b.publishable_key,
            M::GET,
            &format!("/v1/payment_intents/{pi}"),
            &format!("client_secret={}", a.intent_secret),
            &[],
        )
        .await;
    assert_missing(&answer, "intent", "A's intent through B's publishable key");
    let answer = app
        .call_as(
            &b.publishable_key,
            M::POST,
            &format!("/v1/setup_intents/{seti}/confirm"),
            &format!("client_secret={}&{CARD_DATA}", a.setup_secret),
            &[],
        )
        .await;
    assert_missing(
        &answer,
        "intent",
        "A's setup intent through B's publishable key",
    );

    // Nothing of A's changed.
    let customer = app.get(&format!("/v1/customers/{cus}"), "").await;
    assert_eq!(customer.body["name"], "Alice");
    assert_eq!(customer.body.get("deleted"), None);
    let endpoint = app.get(&format!("/v1/webhook_endpoints/{we}"), "").await;
    assert_eq!(endpoint.body["status"], "enabled");
    let charge = app.get(&format!("/v1/charges/{ch}"), "").await;
    assert_eq!(charge.body["amount_refunded"], 100);
    let intent = app.get(&format!("/v1/payment_intents/{pi}"), "").await;
    assert_eq!(intent.body["description"], Value::Null);
    let setup = app.get(&format!("/v1/setup_intents/{seti}"), "").await;
    assert_eq!(setup.body["status"], "requires_payment_method");
    let pm = app.get(&format!("/v1/payment_methods/{pm}"), "").await;
    assert_eq!(pm.body["customer"], cus.as_str());
    app.stop().await;
}
