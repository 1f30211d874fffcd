//! `/v1/charges` and `/v1/refunds` end to end. Charges are seeded straight into the store (as
//! the PaymentIntent engine would write them), so these tests do not depend on confirming.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tender_core::card::{self, GENERIC_DECLINE, RiskLevel};
use tender_core::charge::{AttemptResult, Charge, ChargeAttempt};
use tender_core::payment_method::PaymentMethod;
use tender_store::{IndexKeys, Record, UnitOfWork, Write};
use tender_wire::Metadata;

use crate::helpers::{SECRET_KEY, TestApp};

/// What to seed.
struct Seed<'a> {
    payment_intent: &'a str,
    customer: Option<&'a str>,
    amount: i64,
    capture: bool,
    declined: bool,
    created: i64,
}

impl Default for Seed<'_> {
    fn default() -> Self {
        Seed {
            payment_intent: "pi_seeded",
            customer: None,
            amount: 1000,
            capture: true,
            declined: false,
            created: 1_794_744_000,
        }
    }
}

async fn default_account(app: &TestApp) -> String {
    app.store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.secret_key == SECRET_KEY)
        .unwrap()
        .id
}

/// The same per-account key the server fingerprints cards with.
fn fingerprint_key(account: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"tender card fingerprint\n");
    hasher.update(account.as_bytes());
    hasher.finalize().into()
}

async fn commit(app: &TestApp, record: Record) {
    app.store
        .commit(UnitOfWork {
            writes: vec![Write {
                record,
                expected_version: None,
            }],
            idempotency: None,
            ..UnitOfWork::default()
        })
        .await
        .unwrap();
}

/// Stores a charge for a `pm_card_visa` attempt in the default account and returns its JSON.
async fn seed_charge(app: &TestApp, seed: Seed<'_>) -> Value {
    let account = default_account(app).await;
    let test = card::lookup_test_payment_method("pm_card_visa").unwrap();
    let pm_id = tender_wire::id::generate("pm");
    let pm = PaymentMethod::from_test_payment_method(
        pm_id,
        test,
        &fingerprint_key(&account),
        seed.created,
    );
    let metadata = Metadata::from([("order".to_owned(), "6735".to_owned())]);
    let result = if seed.declined {
        AttemptResult::Declined(GENERIC_DECLINE)
    } else {
        AttemptResult::Approved {
            risk_level: RiskLevel::Normal,
            risk_score: 20,
        }
    };
    let attempt = ChargeAttempt {
        payment_intent: seed.payment_intent,
        payment_method: &pm,
        customer: seed.customer,
        amount: seed.amount,
        currency: "usd",
        capture: seed.capture,
        result,
        three_d_secure: None,
        description: Some("Seeded"),
        receipt_email: None,
        shipping: None,
        statement_descriptor: None,
        statement_descriptor_suffix: None,
        metadata: &metadata,
    };
    let charge = Charge::for_attempt(tender_wire::id::generate("ch"), &attempt, seed.created);
    let body = serde_json::to_value(&charge).unwrap();
    commit(
        app,
        Record {
            account,
            id: charge.id.clone(),
            kind: "charge".into(),
            created: charge.created,
            version: 1,
            deleted: false,
            index: IndexKeys {
                customer: charge.customer.clone(),
                payment_intent: charge.payment_intent.clone(),
                ..IndexKeys::default()
            },
            body: body.to_string(),
        },
    )
    .await;
    body
}

/// Stores a minimal PaymentIntent record; only `latest_charge` matters to refunds.
async fn seed_intent(app: &TestApp, id: &str, latest_charge: Option<&str>) {
    let body = json!({"id": id, "object": "payment_intent", "amount": 1000, "currency": "usd",
                      "status": "succeeded", "latest_charge": latest_charge});
    commit(
        app,
        Record {
            account: default_account(app).await,
            id: id.to_owned(),
            kind: "payment_intent".into(),
            created: 1_794_744_000,
            version: 1,
            deleted: false,
            index: IndexKeys::default(),
            body: body.to_string(),
        },
    )
    .await;
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

fn ids(list: &Value) -> Vec<String> {
    list["data"].as_array().unwrap().iter().map(id_of).collect()
}

async fn event_types(app: &TestApp) -> Vec<String> {
    let events = app.get("/v1/events", "limit=100").await;
    events.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn retrieve_list_filter_and_expand() {
    let app = TestApp::spawn().await;
    let customer = app.post("/v1/customers", "name=Jo").await;
    let cus = id_of(&customer.body);
    let a = seed_charge(
        &app,
        Seed {
            customer: Some(&cus),
            payment_intent: "pi_a",
            created: 100,
            ..Seed::default()
        },
    )
    .await;
    let b = seed_charge(
        &app,
        Seed {
            payment_intent: "pi_b",
            created: 200,
            ..Seed::default()
        },
    )
    .await;
    let c = seed_charge(
        &app,
        Seed {
            customer: Some(&cus),
            payment_intent: "pi_c",
            created: 300,
            ..Seed::default()
        },
    )
    .await;

    let fetched = app.get(&format!("/v1/charges/{}", id_of(&a)), "").await;
    assert_eq!(fetched.status, StatusCode::OK, "{:?}", fetched.body);
    assert_eq!(fetched.body, a);
    assert_eq!(fetched.body["object"], "charge");

    let all = app.get("/v1/charges", "").await;
    assert_eq!(all.body["url"], "/v1/charges");
    assert_eq!(ids(&all.body), vec![id_of(&c), id_of(&b), id_of(&a)]);
    let mine = app.get("/v1/charges", &format!("customer={cus}")).await;
    assert_eq!(ids(&mine.body), vec![id_of(&c), id_of(&a)]);
    let by_intent = app.get("/v1/charges", "payment_intent=pi_b").await;
    assert_eq!(ids(&by_intent.body), vec![id_of(&b)]);
    let recent = app.get("/v1/charges", "created[gte]=200&limit=1").await;
    assert_eq!(ids(&recent.body), vec![id_of(&c)]);
    assert_eq!(recent.body["has_more"], true);

    let expanded = app
        .get(&format!("/v1/charges/{}", id_of(&a)), "expand[]=customer")
        .await;
    assert_eq!(expanded.body["customer"]["name"], "Jo");

    let missing = app.get("/v1/charges/ch_nope", "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        (missing.error("code"), missing.error("param")),
        (Some("resource_missing"), Some("id"))
    );
    let unknown = app.get("/v1/charges", "bogus=1").await;
    assert_eq!(unknown.error("code"), Some("parameter_unknown"));
    let unknown = app
        .get(&format!("/v1/charges/{}", id_of(&a)), "bogus=1")
        .await;
    assert_eq!(unknown.error("param"), Some("bogus"));

    let legacy = app
        .post("/v1/charges", "amount=1000&currency=usd&source=tok_visa")
        .await;
    assert_eq!(legacy.status, StatusCode::BAD_REQUEST);
    assert_eq!(legacy.error("type"), Some("invalid_request_error"));
    assert!(legacy.error("message").unwrap().contains("PaymentIntent"));
    app.stop().await;
}

#[tokio::test]
async fn update_records_charge_updated() {
    let app = TestApp::spawn().await;
    let charge = seed_charge(&app, Seed::default()).await;
    let path = format!("/v1/charges/{}", id_of(&charge));
    let updated = app
        .post(
            &path,
            "description=Gift&metadata[tier]=gold&fraud_details[user_report]=safe&\
             shipping[name]=Jo&shipping[address][line1]=1+Main",
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(updated.body["description"], "Gift");
    assert_eq!(
        updated.body["metadata"],
        json!({"order": "6735", "tier": "gold"})
    );
    assert_eq!(
        updated.body["fraud_details"],
        json!({"user_report": "safe"})
    );
    assert_eq!(updated.body["shipping"]["address"]["line1"], "1 Main");
    assert_eq!(app.get(&path, "").await.body, updated.body);

    // Nothing changes: no event.
    app.post(&path, "description=Gift").await;
    let events = app.get("/v1/events", "").await;
    let data = events.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["type"], "charge.updated");
    assert_eq!(data[0]["data"]["object"], updated.body);
    let previous = &data[0]["data"]["previous_attributes"];
    assert_eq!(previous["description"], "Seeded");
    assert_eq!(previous["metadata"], json!({"order": "6735"}));
    assert_eq!(previous["fraud_details"], json!({}));
    assert_eq!(previous["shipping"], Value::Null);

    let bad = app.post(&path, "amount=5").await;
    assert_eq!(
        (bad.status, bad.error("code"), bad.error("param")),
        (
            StatusCode::BAD_REQUEST,
            Some("parameter_unknown"),
            Some("amount")
        )
    );
    let bad = app.post(&path, "fraud_details[user_report]=maybe").await;
    assert_eq!(bad.error("param"), Some("fraud_details[user_report]"));
    // An unknown id passed as a parameter is a 400 (404 is for the URL's own object).
    let bad = app.post(&path, "customer=cus_nope").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.error("code"), Some("resource_missing"));
    assert_eq!(bad.error("param"), Some("customer"));
    let missing = app.post("/v1/charges/ch_nope", "description=x").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn partial_full_over_and_repeated_refunds() {
    let app = TestApp::spawn().await;
    let charge = seed_charge(
        &app,
        Seed {
            payment_intent: "pi_r",
            ..Seed::default()
        },
    )
    .await;
    let ch = id_of(&charge);

    let first = app
        .post(
            "/v1/refunds",
            &format!("charge={ch}&amount=300&reason=requested_by_customer&metadata[k]=v"),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert!(id_of(&first.body).starts_with("re_"));
    assert_eq!(first.body["object"], "refund");
    assert_eq!(first.body["status"], "succeeded");
    assert_eq!(first.body["amount"], 300);
    assert_eq!(first.body["charge"], ch.as_str());
    assert_eq!(first.body["payment_intent"], "pi_r");
    assert_eq!(first.body["reason"], "requested_by_customer");
    assert_eq!(first.body["metadata"], json!({"k": "v"}));
    let after = app.get(&format!("/v1/charges/{ch}"), "").await;
    assert_eq!(
        (
            after.body["amount_refunded"].as_i64(),
            after.body["refunded"].as_bool()
        ),
        (Some(300), Some(false))
    );

    let over = app
        .post("/v1/refunds", &format!("charge={ch}&amount=800"))
        .await;
    assert_eq!(over.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        (over.error("code"), over.error("param")),
        (None, Some("amount"))
    );
    assert_eq!(
        over.error("message"),
        Some("Refund amount ($8.00) is greater than unrefunded amount on charge ($7.00)")
    );
    let zero = app
        .post("/v1/refunds", &format!("charge={ch}&amount=0"))
        .await;
    assert_eq!(
        (zero.status, zero.error("param")),
        (StatusCode::BAD_REQUEST, Some("amount"))
    );

    let rest = app
        .post("/v1/refunds", &format!("charge={ch}&expand[]=charge"))
        .await;
    assert_eq!(rest.body["amount"], 700);
    assert_eq!(rest.body["charge"]["refunded"], true);
    assert_eq!(rest.body["charge"]["amount_refunded"], 1000);

    let again = app.post("/v1/refunds", &format!("charge={ch}")).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.error("code"), Some("charge_already_refunded"));
    assert_eq!(
        again.error("message").unwrap(),
        format!("Charge {ch} has already been refunded.")
    );

    let types = event_types(&app).await;
    assert_eq!(
        types,
        vec![
            "charge.refunded",
            "refund.created",
            "charge.refunded",
            "refund.created"
        ]
    );
    let events = app.get("/v1/events", "type=charge.refunded").await;
    let last = &events.body["data"][0]["data"];
    assert_eq!(last["object"]["id"], ch.as_str());
    assert_eq!(
        last["previous_attributes"],
        json!({"amount_refunded": 300, "refunded": false})
    );
    let created = app.get("/v1/events", "type=refund.created").await;
    assert_eq!(
        created.body["data"][1]["data"]["object"]["id"],
        first.body["id"]
    );

    let under_charge = app.get(&format!("/v1/charges/{ch}/refunds"), "").await;
    assert_eq!(
        under_charge.body["url"],
        format!("/v1/charges/{ch}/refunds")
    );
    assert_eq!(
        ids(&under_charge.body),
        vec![id_of(&rest.body), id_of(&first.body)]
    );
    let one = app
        .get(
            &format!("/v1/charges/{ch}/refunds/{}", id_of(&first.body)),
            "",
        )
        .await;
    assert_eq!(one.body, first.body);
    let listed = app
        .get("/v1/refunds", &format!("charge={ch}&limit=1"))
        .await;
    assert_eq!(listed.body["url"], "/v1/refunds");
    assert_eq!(ids(&listed.body), vec![id_of(&rest.body)]);
    let by_intent = app.get("/v1/refunds", "payment_intent=pi_r").await;
    assert_eq!(by_intent.body["data"].as_array().unwrap().len(), 2);
    let none = app.get("/v1/refunds", "payment_intent=pi_other").await;
    assert_eq!(none.body["data"], json!([]));
    let missing = app.get("/v1/charges/ch_nope/refunds", "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn refusals_for_uncaptured_failed_and_bad_requests() {
    let app = TestApp::spawn().await;
    let auth = seed_charge(
        &app,
        Seed {
            capture: false,
            ..Seed::default()
        },
    )
    .await;
    let refused = app
        .post("/v1/refunds", &format!("charge={}", id_of(&auth)))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        (refused.error("code"), refused.error("param")),
        (None, None)
    );
    assert!(refused.error("message").unwrap().contains("uncaptured"));

    let failed = seed_charge(
        &app,
        Seed {
            declined: true,
            ..Seed::default()
        },
    )
    .await;
    assert_eq!(failed["status"], "failed");
    let refused = app
        .post("/v1/refunds", &format!("charge={}", id_of(&failed)))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);

    let neither = app.post("/v1/refunds", "amount=100").await;
    assert_eq!(
        (
            neither.status,
            neither.error("code"),
            neither.error("param")
        ),
        (
            StatusCode::BAD_REQUEST,
            Some("parameter_missing"),
            Some("charge")
        )
    );
    let both = app
        .post("/v1/refunds", "charge=ch_1&payment_intent=pi_1")
        .await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    let unknown = app.post("/v1/refunds", "charge=ch_nope").await;
    assert_eq!(
        (
            unknown.status,
            unknown.error("code"),
            unknown.error("param")
        ),
        (
            StatusCode::BAD_REQUEST,
            Some("resource_missing"),
            Some("charge")
        )
    );
    let bogus = app
        .post("/v1/refunds", &format!("charge={}&bogus=1", id_of(&auth)))
        .await;
    assert_eq!(bogus.error("code"), Some("parameter_unknown"));
    let reason = app
        .post(
            "/v1/refunds",
            &format!("charge={}&reason=because", id_of(&auth)),
        )
        .await;
    assert_eq!(reason.error("param"), Some("reason"));
    assert_eq!(event_types(&app).await, Vec::<String>::new());
    app.stop().await;
}

#[tokio::test]
async fn refund_by_payment_intent() {
    let app = TestApp::spawn().await;
    let charge = seed_charge(
        &app,
        Seed {
            payment_intent: "pi_paid",
            ..Seed::default()
        },
    )
    .await;
    seed_intent(&app, "pi_paid", Some(&id_of(&charge))).await;
    seed_intent(&app, "pi_unpaid", None).await;
    let failed = seed_charge(
        &app,
        Seed {
            payment_intent: "pi_failed",
            declined: true,
            ..Seed::default()
        },
    )
    .await;
    seed_intent(&app, "pi_failed", Some(&id_of(&failed))).await;

    let refund = app
        .post("/v1/refunds", "payment_intent=pi_paid&amount=250")
        .await;
    assert_eq!(refund.status, StatusCode::OK, "{:?}", refund.body);
    assert_eq!(refund.body["charge"], id_of(&charge).as_str());
    assert_eq!(refund.body["payment_intent"], "pi_paid");
    let charge_now = app
        .get(&format!("/v1/charges/{}", id_of(&charge)), "")
        .await;
    assert_eq!(charge_now.body["amount_refunded"], 250);

    for pi in ["pi_unpaid", "pi_failed"] {
        let refused = app
            .post("/v1/refunds", &format!("payment_intent={pi}"))
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            refused.error("message"),
            Some("This PaymentIntent does not have a successful charge to refund.")
        );
    }
    let missing = app.post("/v1/refunds", "payment_intent=pi_nope").await;
    assert_eq!(
        (missing.status, missing.error("param")),
        (StatusCode::BAD_REQUEST, Some("payment_intent"))
    );
    app.stop().await;
}

#[tokio::test]
async fn refund_update_cancel_and_idempotent_replay() {
    let app = TestApp::spawn().await;
    let charge = seed_charge(&app, Seed::default()).await;
    let form = format!("charge={}&amount=100", id_of(&charge));
    let headers = [("idempotency-key", "refund-once")];
    let first = app
        .call_as(SECRET_KEY, Method::POST, "/v1/refunds", &form, &headers)
        .await;
    let replay = app
        .call_as(SECRET_KEY, Method::POST, "/v1/refunds", &form, &headers)
        .await;
    assert_eq!(replay.body, first.body);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    let charge_now = app
        .get(&format!("/v1/charges/{}", id_of(&charge)), "")
        .await;
    assert_eq!(charge_now.body["amount_refunded"], 100);

    let path = format!("/v1/refunds/{}", id_of(&first.body));
    let fetched = app.get(&path, "expand[]=charge").await;
    assert_eq!(fetched.body["charge"]["id"], id_of(&charge).as_str());
    let updated = app.post(&path, "metadata[note]=thanks").await;
    assert_eq!(updated.body["metadata"], json!({"note": "thanks"}));
    let events = app.get("/v1/events", "type=refund.updated").await;
    assert_eq!(
        events.body["data"][0]["data"]["previous_attributes"],
        json!({"metadata": {}})
    );
    let bad = app.post(&path, "amount=5").await;
    assert_eq!(bad.error("code"), Some("parameter_unknown"));

    let cancel = app.post(&format!("{path}/cancel"), "").await;
    assert_eq!(cancel.status, StatusCode::BAD_REQUEST);
    assert!(
        cancel
            .error("message")
            .unwrap()
            .contains("can't be canceled")
    );
    let missing = app.post("/v1/refunds/re_nope/cancel", "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let missing = app.get("/v1/refunds/re_nope", "").await;
    assert_eq!(
        (missing.status, missing.error("param")),
        (StatusCode::NOT_FOUND, Some("id"))
    );
    app.stop().await;
}

#[tokio::test]
async fn another_account_sees_nothing() {
    let app = TestApp::spawn().await;
    let charge = seed_charge(&app, Seed::default()).await;
    let ch = id_of(&charge);
    let refund = app
        .post("/v1/refunds", &format!("charge={ch}&amount=100"))
        .await;
    let other = app.other_account().await;
    // Ids in the URL are 404s; the charge passed as a parameter of a refund is a 400.
    for (method, path, form, status) in [
        (
            Method::GET,
            format!("/v1/charges/{ch}"),
            String::new(),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            format!("/v1/charges/{ch}"),
            "description=x".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!("/v1/charges/{ch}/refunds"),
            String::new(),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/v1/refunds".to_owned(),
            format!("charge={ch}"),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            format!("/v1/refunds/{}", id_of(&refund.body)),
            String::new(),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            format!("/v1/refunds/{}", id_of(&refund.body)),
            "metadata[a]=b".to_owned(),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let answer = app
            .call_as(&other.secret_key, method, &path, &form, &[])
            .await;
        assert_eq!(answer.status, status, "{path}");
        assert_eq!(answer.error("code"), Some("resource_missing"));
    }
    for path in ["/v1/charges", "/v1/refunds"] {
        let list = app
            .call_as(&other.secret_key, Method::GET, path, "", &[])
            .await;
        assert_eq!(list.body["data"], json!([]));
    }
    let mine = app.get(&format!("/v1/charges/{ch}"), "").await;
    assert_eq!(mine.body["amount_refunded"], 100);
    app.stop().await;
}
