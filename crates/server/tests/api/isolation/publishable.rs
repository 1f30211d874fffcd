//! The publishable key: which routes it reaches, which intent a client secret opens, and what
//! of an intent it reads.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::{CARD, CARD_DATA, id, ids};
use crate::helpers::{PUBLISHABLE_KEY, TestApp};

/// Which key a route takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// Secret key only: a publishable key gets `secret_key_required`.
    Secret,
    /// Stripe.js's endpoints: a publishable key works (with the client secret where needed).
    Client,
    /// Not an API route: no key at all (health, the browser SDK, the hosted 3DS page).
    Open,
}

/// Every route Tender serves and the key it takes. `routes_match_the_source` fails when a
/// route is added to `src/routes` without being classified here.
const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/healthz", Access::Open),
    ("GET", "/v3", Access::Open),
    ("GET", "/v3/", Access::Open),
    ("GET", "/v3/payment-element.html", Access::Open),
    ("GET", "/v3/payment-element.js", Access::Open),
    ("GET", "/v3/payment-element-layout.js", Access::Open),
    ("GET", "/v3/payment-element-data.js", Access::Open),
    ("GET", "/v3/payment-element-fields.js", Access::Open),
    ("GET", "/v3/payment-element-saved.js", Access::Open),
    ("GET", "/v3/card-element.html", Access::Open),
    ("GET", "/v3/card-element.js", Access::Open),
    ("GET", "/v3/address-element.html", Access::Open),
    ("GET", "/v3/address-element.js", Access::Open),
    ("GET", "/v3/address-countries.js", Access::Open),
    ("GET", "/v3/frame-common.js", Access::Open),
    ("GET", "/v3/api.js", Access::Open),
    ("GET", "/v3/stripe.d.ts", Access::Open),
    ("GET", "/authenticate/{account}/{intent}", Access::Open),
    (
        "POST",
        "/authenticate/{account}/{intent}/complete",
        Access::Open,
    ),
    ("POST", "/v1/customers", Access::Secret),
    ("GET", "/v1/customers", Access::Secret),
    ("GET", "/v1/customers/{id}", Access::Secret),
    ("POST", "/v1/customers/{id}", Access::Secret),
    ("DELETE", "/v1/customers/{id}", Access::Secret),
    (
        "GET",
        "/v1/customers/{customer}/payment_methods",
        Access::Secret,
    ),
    (
        "GET",
        "/v1/customers/{customer}/payment_methods/{id}",
        Access::Secret,
    ),
    ("POST", "/v1/customer_sessions", Access::Secret),
    ("GET", "/v1/elements/customer_session", Access::Client),
    (
        "POST",
        "/v1/elements/customer_session/payment_methods/{id}/detach",
        Access::Client,
    ),
    ("POST", "/v1/payment_methods", Access::Client),
    ("GET", "/v1/payment_methods", Access::Secret),
    ("GET", "/v1/payment_methods/{id}", Access::Secret),
    ("POST", "/v1/payment_methods/{id}", Access::Secret),
    ("POST", "/v1/payment_methods/{id}/attach", Access::Secret),
    ("POST", "/v1/payment_methods/{id}/detach", Access::Secret),
    ("POST", "/v1/products", Access::Secret),
    ("GET", "/v1/products", Access::Secret),
    ("GET", "/v1/products/{id}", Access::Secret),
    ("POST", "/v1/products/{id}", Access::Secret),
    ("DELETE", "/v1/products/{id}", Access::Secret),
    ("POST", "/v1/prices", Access::Secret),
    ("GET", "/v1/prices", Access::Secret),
    ("GET", "/v1/prices/{id}", Access::Secret),
    ("POST", "/v1/prices/{id}", Access::Secret),
    ("POST", "/v1/subscriptions", Access::Secret),
    ("GET", "/v1/subscriptions", Access::Secret),
    ("GET", "/v1/subscriptions/search", Access::Secret),
    ("GET", "/v1/invoices/search", Access::Secret),
    ("GET", "/v1/subscriptions/{id}", Access::Secret),
    ("POST", "/v1/subscriptions/{id}", Access::Secret),
    ("DELETE", "/v1/subscriptions/{id}", Access::Secret),
    ("GET", "/v1/subscription_items", Access::Secret),
    ("POST", "/v1/subscription_items", Access::Secret),
    ("GET", "/v1/subscription_items/{id}", Access::Secret),
    ("POST", "/v1/subscription_items/{id}", Access::Secret),
    ("DELETE", "/v1/subscription_items/{id}", Access::Secret),
    ("GET", "/v1/invoices", Access::Secret),
    ("POST", "/v1/invoices", Access::Secret),
    ("POST", "/v1/invoices/{id}", Access::Secret),
    ("POST", "/v1/invoices/{id}/finalize", Access::Secret),
    ("POST", "/v1/invoiceitems", Access::Secret),
    ("GET", "/v1/invoiceitems", Access::Secret),
    ("GET", "/v1/invoiceitems/{id}", Access::Secret),
    ("DELETE", "/v1/invoiceitems/{id}", Access::Secret),
    ("GET", "/v1/invoices/{id}", Access::Secret),
    ("GET", "/v1/invoices/{id}/lines", Access::Secret),
    ("POST", "/v1/invoices/{id}/pay", Access::Secret),
    ("POST", "/v1/invoices/{id}/void", Access::Secret),
    (
        "POST",
        "/v1/invoices/{id}/mark_uncollectible",
        Access::Secret,
    ),
    ("GET", "/v1/invoice_payments", Access::Secret),
    ("GET", "/v1/invoice_payments/{id}", Access::Secret),
    ("GET", "/v1/mandates/{id}", Access::Secret),
    ("GET", "/v1/events", Access::Secret),
    ("GET", "/v1/events/{id}", Access::Secret),
    ("POST", "/v1/charges", Access::Secret),
    ("GET", "/v1/charges", Access::Secret),
    ("GET", "/v1/charges/{id}", Access::Secret),
    ("POST", "/v1/charges/{id}", Access::Secret),
    ("GET", "/v1/charges/{id}/refunds", Access::Secret),
    ("GET", "/v1/charges/{charge}/refunds/{id}", Access::Secret),
    ("POST", "/v1/refunds", Access::Secret),
    ("GET", "/v1/refunds", Access::Secret),
    ("GET", "/v1/refunds/{id}", Access::Secret),
    ("POST", "/v1/refunds/{id}", Access::Secret),
    ("POST", "/v1/refunds/{id}/cancel", Access::Secret),
    ("POST", "/v1/payment_intents", Access::Secret),
    ("GET", "/v1/payment_intents", Access::Secret),
    ("GET", "/v1/payment_intents/{id}", Access::Client),
    ("POST", "/v1/payment_intents/{id}", Access::Secret),
    ("POST", "/v1/payment_intents/{id}/confirm", Access::Client),
    ("POST", "/v1/payment_intents/{id}/capture", Access::Secret),
    ("POST", "/v1/payment_intents/{id}/cancel", Access::Secret),
    ("POST", "/v1/setup_intents", Access::Secret),
    ("GET", "/v1/setup_intents", Access::Secret),
    ("GET", "/v1/setup_intents/{id}", Access::Client),
    ("POST", "/v1/setup_intents/{id}", Access::Secret),
    ("POST", "/v1/setup_intents/{id}/confirm", Access::Client),
    ("POST", "/v1/setup_intents/{id}/cancel", Access::Secret),
    ("POST", "/v1/confirmation_tokens", Access::Client),
    ("GET", "/v1/confirmation_tokens/{id}", Access::Secret),
    ("POST", "/v1/tokens", Access::Client),
    ("GET", "/v1/tokens/{id}", Access::Secret),
    (
        "POST",
        "/v1/test_helpers/confirmation_tokens",
        Access::Secret,
    ),
    ("POST", "/v1/webhook_endpoints", Access::Secret),
    ("GET", "/v1/webhook_endpoints", Access::Secret),
    ("GET", "/v1/webhook_endpoints/{id}", Access::Secret),
    ("POST", "/v1/webhook_endpoints/{id}", Access::Secret),
    ("DELETE", "/v1/webhook_endpoints/{id}", Access::Secret),
    ("GET", "/v1/test_helpers/tender_clock", Access::Secret),
    ("POST", "/v1/test_helpers/test_clocks", Access::Secret),
    ("GET", "/v1/test_helpers/test_clocks", Access::Secret),
    ("GET", "/v1/test_helpers/test_clocks/{id}", Access::Secret),
    (
        "DELETE",
        "/v1/test_helpers/test_clocks/{id}",
        Access::Secret,
    ),
    (
        "POST",
        "/v1/test_helpers/test_clocks/{id}/advance",
        Access::Secret,
    ),
    ("GET", "/v1/charges/search", Access::Secret),
    ("GET", "/v1/customers/search", Access::Secret),
    ("GET", "/v1/payment_intents/search", Access::Secret),
    ("GET", "/v1/prices/search", Access::Secret),
    ("GET", "/v1/products/search", Access::Secret),
    ("POST", "/v1/test_helpers/faults", Access::Secret),
    ("GET", "/v1/test_helpers/faults", Access::Secret),
    ("DELETE", "/v1/test_helpers/faults", Access::Secret),
    ("GET", "/v1/test_helpers/faults/{id}", Access::Secret),
    ("DELETE", "/v1/test_helpers/faults/{id}", Access::Secret),
    ("POST", "/v1/test_helpers/accounts/reset", Access::Secret),
    ("POST", "/v1/events/{id}/retry", Access::Secret),
    (
        "POST",
        "/v1/test_helpers/tender_clock/advance",
        Access::Secret,
    ),
];

/// `(method, path)` of every `.route(...)` in `src/routes`, read from the source.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let mut files = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/routes"
    ))];
    let mut found = BTreeSet::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for (start, _) in source.match_indices(".route(") {
            // The call's text, up to its closing parenthesis.
            let rest = &source[start + ".route(".len()..];
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .unwrap()
                .0;
            let call = &rest[..end];
            let route = call.split('"').nth(1).unwrap();
            let handlers = &call[call.find(',').unwrap()..];
            for method in ["get", "post", "delete", "put", "patch"] {
                for (at, _) in handlers.match_indices(&format!("{method}(")) {
                    let before = handlers[..at].chars().last().unwrap_or(' ');
                    if !(before.is_alphanumeric() || before == '_' || before == ':') {
                        found.insert((method.to_uppercase(), route.to_owned()));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn routes_match_the_source() {
    let table: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(method, path, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    assert_eq!(table.len(), ROUTES.len(), "a route is listed twice");
    assert_eq!(routes_in_source(), table);
}

#[tokio::test]
async fn a_publishable_key_reaches_only_the_client_endpoints() {
    let app = TestApp::spawn_without_webhooks().await;
    let refusal = "This API call cannot be made with a publishable API key. Please use a secret \
                   API key. You can find a list of your API keys at \
                   https://dashboard.stripe.com/account/apikeys.";
    for (method, path, access) in ROUTES {
        if *access != Access::Secret {
            continue;
        }
        let method: Method = method.parse().unwrap();
        let path = path
            .replace("{id}", "x_1")
            .replace("{customer}", "cus_1")
            .replace("{charge}", "ch_1");
        // As a Bearer header, and as Stripe.js sends it: `key=pk_…` among the parameters.
        let header = app
            .call_as(PUBLISHABLE_KEY, method.clone(), &path, "", &[])
            .await;
        let param = app
            .call_as(
                "",
                method.clone(),
                &path,
                &format!("key={PUBLISHABLE_KEY}"),
                &[],
            )
            .await;
        for answer in [header, param] {
            let what = format!("{method} {path}");
            assert_eq!(
                answer.status,
                StatusCode::UNAUTHORIZED,
                "{what}: {:?}",
                answer.body
            );
            assert_eq!(
                answer.error("type"),
                Some("invalid_request_error"),
                "{what}"
            );
            assert_eq!(answer.error("code"), Some("secret_key_required"), "{what}");
            assert_eq!(answer.error("message"), Some(refusal), "{what}");
        }
    }

    // The client endpoints work with the publishable key, as Stripe.js calls them.
    let pk = |method: Method, path: String, form: String| {
        let app = &app;
        async move {
            app.call_as(PUBLISHABLE_KEY, method, &path, &form, &[])
                .await
        }
    };
    let pm = pk(Method::POST, "/v1/payment_methods".into(), CARD.into()).await;
    assert_eq!(pm.body["card"]["last4"], "4242", "{:?}", pm.body);
    let token = pk(
        Method::POST,
        "/v1/confirmation_tokens".into(),
        CARD_DATA.into(),
    )
    .await;
    assert_eq!(
        token.body["object"], "confirmation_token",
        "{:?}",
        token.body
    );
    let intent = app
        .post(
            "/v1/payment_intents",
            "amount=1500&currency=usd&payment_method_types[]=card",
        )
        .await;
    let (pi, secret) = (id(&intent), intent.body["client_secret"].as_str().unwrap());
    let read = pk(
        Method::GET,
        format!("/v1/payment_intents/{pi}"),
        format!("client_secret={secret}"),
    )
    .await;
    assert_eq!(
        read.body["status"], "requires_payment_method",
        "{:?}",
        read.body
    );
    let paid = pk(
        Method::POST,
        format!("/v1/payment_intents/{pi}/confirm"),
        format!("client_secret={secret}&{CARD_DATA}"),
    )
    .await;
    assert_eq!(paid.body["status"], "succeeded", "{:?}", paid.body);
    let setup = app
        .post("/v1/setup_intents", "payment_method_types[]=card")
        .await;
    let (seti, secret) = (id(&setup), setup.body["client_secret"].as_str().unwrap());
    let read = pk(
        Method::GET,
        format!("/v1/setup_intents/{seti}"),
        format!("client_secret={secret}"),
    )
    .await;
    assert_eq!(
        read.body["status"], "requires_payment_method",
        "{:?}",
        read.body
    );
    let saved = pk(
        Method::POST,
        format!("/v1/setup_intents/{seti}/confirm"),
        format!("client_secret={secret}&{CARD_DATA}"),
    )
    .await;
    assert_eq!(saved.body["status"], "succeeded", "{:?}", saved.body);
    app.stop().await;
}

#[tokio::test]
async fn a_client_secret_opens_only_its_own_intent() {
    let app = TestApp::spawn_without_webhooks().await;
    let form = "amount=1500&currency=usd&payment_method_types[]=card";
    let first = app.post("/v1/payment_intents", form).await;
    let second = app.post("/v1/payment_intents", form).await;
    let setup = app
        .post("/v1/setup_intents", "payment_method_types[]=card")
        .await;
    let pi = id(&first);
    let secret = first.body["client_secret"].as_str().unwrap().to_owned();
    let other = second.body["client_secret"].as_str().unwrap().to_owned();
    let seti_secret = setup.body["client_secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with(&format!("{pi}_secret_")), "{secret}");

    let mut last = secret.clone();
    let flipped = if last.ends_with('a') { 'b' } else { 'a' };
    last.pop();
    last.push(flipped);
    let wrong = [
        other.clone(),                         // another intent's secret
        seti_secret.clone(),                   // a setup intent's
        format!("{secret}x"),                  // longer
        secret[..secret.len() - 1].to_owned(), // shorter
        last,                                  // last character changed
        secret.to_uppercase(),                 // case changed
        format!("{pi}_secret_"),               // the prefix alone
        format!(
            "{pi}_secret_{}",
            &other[other.find("_secret_").unwrap() + 8..]
        ),
        "x".into(),
        "%20".into(),           // a lone space
        format!("%20{secret}"), // padded
    ];
    for candidate in &wrong {
        for (method, path) in [
            (Method::GET, format!("/v1/payment_intents/{pi}")),
            (Method::POST, format!("/v1/payment_intents/{pi}/confirm")),
        ] {
            let form = match method {
                Method::GET => format!("client_secret={candidate}"),
                _ => format!("client_secret={candidate}&{CARD_DATA}"),
            };
            let answer = app
                .call_as(PUBLISHABLE_KEY, method.clone(), &path, &form, &[])
                .await;
            let what = format!("{method} {path} with {candidate}");
            assert_eq!(
                answer.status,
                StatusCode::BAD_REQUEST,
                "{what}: {:?}",
                answer.body
            );
            assert_eq!(answer.error("param"), Some("client_secret"), "{what}");
            assert_eq!(
                answer.error("code"),
                Some("payment_intent_invalid_parameter"),
                "{what}"
            );
            assert_eq!(
                answer.error("message"),
                Some(
                    "The client_secret provided does not match the client_secret associated \
                     with the PaymentIntent."
                ),
                "{what}"
            );
        }
    }
    // Missing, empty, or not a string: refused before any comparison.
    for (form, code) in [
        (String::new(), "parameter_missing"),
        ("client_secret=".into(), "parameter_invalid_empty"),
        (format!("client_secret[]={secret}"), ""),
        (format!("client_secret[a]={secret}"), ""),
    ] {
        let answer = app
            .call_as(
                PUBLISHABLE_KEY,
                Method::GET,
                &format!("/v1/payment_intents/{pi}"),
                &form,
                &[],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{form}: {:?}",
            answer.body
        );
        // A hash or an array where a string belongs: Tender's wire error, without a code.
        let code = Some(code).filter(|c| !c.is_empty());
        assert_eq!(answer.error("code"), code, "{form}: {:?}", answer.body);
        assert_eq!(answer.error("param"), Some("client_secret"), "{form}");
    }
    // None of that touched the intent; its own secret still works.
    let intent = app.get(&format!("/v1/payment_intents/{pi}"), "").await;
    assert_eq!(intent.body["status"], "requires_payment_method");
    assert_eq!(intent.body["latest_charge"], Value::Null);
    let charges = app.get("/v1/charges", "").await;
    assert_eq!(ids(&charges), Vec::<String>::new());
    let read = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::GET,
            &format!("/v1/payment_intents/{pi}"),
            &format!("client_secret={secret}"),
            &[],
        )
        .await;
    assert_eq!(read.status, StatusCode::OK);
    // The secret key needs no client secret, and a wrong one does not matter to it.
    let read = app
        .get(
            &format!("/v1/payment_intents/{pi}"),
            &format!("client_secret={other}"),
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{:?}", read.body);
    app.stop().await;
}

/// The keys of a JSON object, in order.
fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

/// The PaymentIntent fields a publishable key reads: spec §3.9's list ("retrievable with
/// publishable key") plus `amount_details`, `excluded_payment_method_types` and
/// `payment_method_configuration_details`, configuration Stripe.js reads, which Tender adds.
/// No `metadata`, `customer`, `latest_charge`, `statement_descriptor`, `amount_received`…
const PUBLISHABLE_INTENT: &[&str] = &[
    "id",
    "object",
    "amount",
    "amount_details",
    "automatic_payment_methods",
    "canceled_at",
    "cancellation_reason",
    "capture_method",
    "client_secret",
    "confirmation_method",
    "created",
    "currency",
    "description",
    "excluded_payment_method_types",
    "last_payment_error",
    "livemode",
    "next_action",
    "payment_method",
    "payment_method_configuration_details",
    "payment_method_types",
    "processing",
    "receipt_email",
    "setup_future_usage",
    "shipping",
    "status",
];

#[tokio::test]
async fn publishable_views_carry_no_secret_fields() {
    let app = TestApp::spawn_without_webhooks().await;
    let customer = id(&app
        .post("/v1/customers", "name=Alice&metadata[tier]=gold")
        .await);
    let create = format!(
        "amount=2000&currency=usd&payment_method_types[]=card&customer={customer}\
         &metadata[order]=secret-order&description=Order+7&statement_descriptor_suffix=SHOP\
         &receipt_email=a%40example.com"
    );
    let intent = app.post("/v1/payment_intents", &create).await;
    let (pi, secret) = (id(&intent), intent.body["client_secret"].as_str().unwrap());
    let pk = |method: Method, path: String, form: String| {
        let app = &app;
        async move {
            app.call_as(PUBLISHABLE_KEY, method, &path, &form, &[])
                .await
        }
    };
    let path = format!("/v1/payment_intents/{pi}");
    let read = pk(Method::GET, path.clone(), format!("client_secret={secret}")).await;
    assert_eq!(keys(&read.body), PUBLISHABLE_INTENT);
    assert_eq!(read.body["description"], "Order 7");

    // A declined confirmation: the error's intent and its last_payment_error are reduced too.
    let declined = pk(
        Method::POST,
        format!("{path}/confirm"),
        format!(
            "client_secret={secret}&{}",
            CARD_DATA.replace("4242424242424242", "4000000000000002")
        ),
    )
    .await;
    assert_eq!(
        declined.status,
        StatusCode::PAYMENT_REQUIRED,
        "{:?}",
        declined.body
    );
    let embedded = &declined.body["error"]["payment_intent"];
    assert_eq!(keys(embedded), PUBLISHABLE_INTENT, "{:?}", declined.body);
    let failed_pm =
        &declined.body["error"]["payment_intent"]["last_payment_error"]["payment_method"];
    assert_eq!(failed_pm["card"]["last4"], "0002", "{:?}", declined.body);
    assert_eq!(failed_pm.get("metadata"), None);
    assert_eq!(failed_pm["card"].get("fingerprint"), None);
    let text = declined.body.to_string();
    for secret_value in ["secret-order", &customer, "SHOP", "gold"] {
        assert!(!text.contains(secret_value), "{secret_value} in {text}");
    }

    // A successful confirmation with `expand[]=payment_method`, as Stripe.js sends it.
    let paid = pk(
        Method::POST,
        format!("{path}/confirm"),
        format!("client_secret={secret}&{CARD_DATA}&expand[]=payment_method"),
    )
    .await;
    assert_eq!(paid.body["status"], "succeeded", "{:?}", paid.body);
    assert_eq!(keys(&paid.body), PUBLISHABLE_INTENT);
    let pm = &paid.body["payment_method"];
    assert_eq!(pm["card"]["last4"], "4242", "{pm}");
    assert_eq!(pm.get("metadata"), None, "{pm}");
    assert_eq!(pm["card"].get("fingerprint"), None, "{pm}");
    // The expansion stops at the payment method: the customer it is attached to stays secret.
    let saved = id(&app
        .call_as(
            PUBLISHABLE_KEY,
            Method::POST,
            "/v1/payment_methods",
            CARD,
            &[],
        )
        .await);
    let attached = app
        .post(
            &format!("/v1/payment_methods/{saved}/attach"),
            &format!("customer={customer}"),
        )
        .await;
    assert_eq!(attached.status, StatusCode::OK, "{:?}", attached.body);
    let again = app
        .post(
            "/v1/payment_intents",
            &format!("{create}&payment_method={saved}"),
        )
        .await;
    let (pi, secret) = (id(&again), again.body["client_secret"].as_str().unwrap());
    let path = format!("/v1/payment_intents/{pi}");
    for expand in ["customer", "latest_charge", "payment_method.customer"] {
        let answer = pk(
            Method::GET,
            path.clone(),
            format!("client_secret={secret}&expand[]={expand}"),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{expand}: {:?}",
            answer.body
        );
        assert_eq!(answer.error("param"), Some("expand"), "{expand}");
        assert!(!answer.body.to_string().contains("gold"), "{expand}");
    }
    let read = pk(
        Method::GET,
        path.clone(),
        format!("client_secret={secret}&expand[]=payment_method"),
    )
    .await;
    assert_eq!(keys(&read.body), PUBLISHABLE_INTENT);
    assert_eq!(read.body["payment_method"]["id"], saved.as_str());
    assert_eq!(read.body["payment_method"].get("metadata"), None);
    // Nor does a ConfirmationToken made from the saved card open its customer.
    let token = pk(
        Method::POST,
        "/v1/confirmation_tokens".into(),
        format!("payment_method={saved}&expand[]=payment_method_preview.customer"),
    )
    .await;
    assert_eq!(token.status, StatusCode::BAD_REQUEST, "{:?}", token.body);
    assert_eq!(token.error("param"), Some("expand"));
    assert!(!token.body.to_string().contains("gold"));
    app.stop().await;
}
