//! SetupIntent rules: publishable-key access, which statuses may be canceled or changed, a
//! card set up without a customer, list filters and parameter checks.

use reqwest::{Method, StatusCode};

use super::{CARD_ONLY, customer, event_types};
use crate::helpers::{Answer, PUBLISHABLE_KEY, TestApp, answer_hosted_page};

#[tokio::test]
async fn publishable_key_needs_the_client_secret() {
    let app = TestApp::spawn().await;
    let cus = customer(&app).await;
    let created = app
        .post(
            "/v1/setup_intents",
            &format!("customer={cus}&metadata[k]=v&description=Card"),
        )
        .await;
    let id = created.body["id"].as_str().unwrap();
    let secret = created.body["client_secret"].as_str().unwrap();
    let path = format!("/v1/setup_intents/{id}");
    let client = &app;
    let pk = |method: Method, path: String, form: String| async move {
        client
            .call_as(PUBLISHABLE_KEY, method, &path, &form, &[])
            .await
    };
    let read = pk(Method::GET, path.clone(), format!("client_secret={secret}")).await;
    assert_eq!(read.status, StatusCode::OK, "{:?}", read.body);
    let keys: Vec<&str> = read
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        vec![
            "id",
            "object",
            "cancellation_reason",
            "client_secret",
            "created",
            "description",
            "last_setup_error",
            "livemode",
            "next_action",
            "payment_method",
            "payment_method_types",
            "status",
            "usage"
        ]
    );
    let wrong = pk(
        Method::GET,
        path.clone(),
        "client_secret=seti_x_secret_y".into(),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.error("param"), Some("client_secret"));
    assert_eq!(wrong.error("code"), Some("setup_intent_invalid_parameter"));
    let missing = pk(Method::GET, path.clone(), String::new()).await;
    assert_eq!(missing.error("code"), Some("parameter_missing"));

    let card = "payment_method_data[type]=card&payment_method_data[card][number]=4242424242424242\
                &payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2034\
                &use_stripe_sdk=true";
    let confirm = format!("{path}/confirm");
    let refused = pk(
        Method::POST,
        confirm.clone(),
        format!("{card}&client_secret=seti_x_secret_y"),
    )
    .await;
    assert_eq!(refused.error("param"), Some("client_secret"));
    let confirmed = pk(
        Method::POST,
        confirm,
        format!("{card}&client_secret={secret}"),
    )
    .await;
    assert_eq!(
        confirmed.body["status"], "succeeded",
        "{:?}",
        confirmed.body
    );
    assert_eq!(confirmed.body.get("customer"), None);
    // Everything else stays secret-key only.
    let update = pk(
        Method::POST,
        path.clone(),
        format!("client_secret={secret}"),
    )
    .await;
    assert_eq!(update.status, StatusCode::UNAUTHORIZED, "{:?}", update.body);
    app.stop().await;
}

#[tokio::test]
async fn cancel_only_open_intents() {
    let app = TestApp::spawn().await;
    let open = app.post("/v1/setup_intents", "").await;
    let id = open.body["id"].as_str().unwrap();
    let bad_reason = app
        .post(
            &format!("/v1/setup_intents/{id}/cancel"),
            "cancellation_reason=fraudulent",
        )
        .await;
    assert_eq!(bad_reason.error("param"), Some("cancellation_reason"));
    let canceled = app
        .post(
            &format!("/v1/setup_intents/{id}/cancel"),
            "cancellation_reason=requested_by_customer",
        )
        .await;
    assert_eq!(canceled.body["status"], "canceled", "{:?}", canceled.body);
    assert_eq!(
        canceled.body["cancellation_reason"],
        "requested_by_customer"
    );
    for (path, form) in [
        (format!("/v1/setup_intents/{id}/cancel"), ""),
        (
            format!("/v1/setup_intents/{id}/confirm"),
            "payment_method=pm_card_visa",
        ),
        (
            format!("/v1/setup_intents/{id}"),
            "payment_method=pm_card_visa",
        ),
    ] {
        let refused = app.post(&path, form).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(
            refused.error("code"),
            Some("setup_intent_unexpected_state"),
            "{path}"
        );
    }
    // Descriptive fields may still change.
    let labeled = app
        .post(&format!("/v1/setup_intents/{id}"), "metadata[note]=dup")
        .await;
    assert_eq!(labeled.body["metadata"]["note"], "dup");

    let done = app
        .post(
            "/v1/setup_intents",
            &format!("payment_method=pm_card_visa&confirm=true&{CARD_ONLY}"),
        )
        .await;
    let done_id = done.body["id"].as_str().unwrap();
    let refused = app
        .post(&format!("/v1/setup_intents/{done_id}/cancel"), "")
        .await;
    assert_eq!(refused.error("code"), Some("setup_intent_unexpected_state"));
    let types = event_types(&app).await;
    assert_eq!(
        types
            .iter()
            .filter(|t| *t == "setup_intent.canceled")
            .count(),
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn a_card_set_up_without_customer_can_be_attached_afterwards() {
    let app = TestApp::spawn().await;
    let pm = app
        .post(
            "/v1/payment_methods",
            "type=card&card[number]=4000002500003155&card[exp_month]=12&card[exp_year]=2034",
        )
        .await;
    let pm = pm.body["id"].as_str().unwrap();
    let form = format!("payment_method={pm}&confirm=true&{CARD_ONLY}");
    let intent = app.post("/v1/setup_intents", &form).await;
    assert_eq!(
        intent.body["status"], "requires_action",
        "{:?}",
        intent.body
    );
    let url = intent.body["next_action"]["use_stripe_sdk"]["stripe_js"]
        .as_str()
        .or_else(|| intent.body["next_action"]["redirect_to_url"]["url"].as_str())
        .unwrap()
        .to_owned();
    assert!(
        answer_hosted_page(&url, "complete")
            .await
            .status()
            .is_success()
    );
    let cus = customer(&app).await;
    let attach = app
        .post(
            &format!("/v1/payment_methods/{pm}/attach"),
            &format!("customer={cus}"),
        )
        .await;
    assert_eq!(attach.status, StatusCode::OK, "{:?}", attach.body);
    assert_eq!(attach.body["customer"], cus.as_str());
    // Set up for off-session use: the regulatory card pays off session without a challenge.
    let paid = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=1000&currency=usd&customer={cus}&payment_method={pm}&off_session=true\
                 &confirm=true&payment_method_types[]=card"
            ),
        )
        .await;
    assert_eq!(paid.body["status"], "succeeded", "{:?}", paid.body);
    app.stop().await;
}

#[tokio::test]
async fn list_filters_and_parameters() {
    let app = TestApp::spawn().await;
    let (a, b) = (customer(&app).await, customer(&app).await);
    let pm = app
        .post(
            "/v1/payment_methods",
            "type=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034",
        )
        .await;
    let pm = pm.body["id"].as_str().unwrap();
    let with_pm = app
        .post(
            "/v1/setup_intents",
            &format!("customer={a}&payment_method={pm}&flow_directions[]=inbound"),
        )
        .await;
    assert_eq!(with_pm.body["status"], "requires_confirmation");
    assert_eq!(
        with_pm.body["flow_directions"],
        serde_json::json!(["inbound"])
    );
    app.post("/v1/setup_intents", &format!("customer={b}"))
        .await;
    // Accepted and ignored, never refused as unknown.
    let extras = app
        .post(
            "/v1/setup_intents",
            "single_use[amount]=100&single_use[currency]=usd&attach_to_self=false\
             &payment_method_configuration=pmc_1&on_behalf_of=acct_1\
             &payment_method_options[card][mandate_options][reference]=x",
        )
        .await;
    assert_eq!(extras.status, StatusCode::OK, "{:?}", extras.body);
    assert_eq!(extras.body["on_behalf_of"], "acct_1");

    let ids = |answer: Answer| -> Vec<String> {
        answer.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(app.get("/v1/setup_intents", "").await).len(), 3);
    let by_customer = ids(app.get("/v1/setup_intents", &format!("customer={a}")).await);
    assert_eq!(by_customer, vec![with_pm.body["id"].as_str().unwrap()]);
    let by_pm = ids(app
        .get("/v1/setup_intents", &format!("payment_method={pm}"))
        .await);
    assert_eq!(by_pm, by_customer);
    let created = with_pm.body["created"].as_i64().unwrap();
    let since = format!("created[gte]={created}");
    assert!(ids(app.get("/v1/setup_intents", &since).await).contains(&by_customer[0]));
    let before = format!("created[lt]={created}");
    assert!(ids(app.get("/v1/setup_intents", &before).await).is_empty());
    assert_eq!(ids(app.get("/v1/setup_intents", "limit=1").await).len(), 1);

    for (method, path, form, param) in [
        (Method::POST, "/v1/setup_intents", "bogus=1", "bogus"),
        (Method::GET, "/v1/setup_intents", "bogus=1", "bogus"),
        (
            Method::POST,
            "/v1/setup_intents",
            "usage=sometimes",
            "usage",
        ),
        (
            Method::POST,
            "/v1/setup_intents",
            "return_url=https%3A%2F%2Fx.example",
            "return_url",
        ),
        (
            Method::POST,
            "/v1/setup_intents",
            "payment_method_types[]=ideal",
            "payment_method_types[0]",
        ),
    ] {
        let refused = app.call(method, path, form).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{form}");
        assert_eq!(refused.error("param"), Some(param), "{form}");
    }
    let unknown = app.post("/v1/setup_intents", "bogus=1").await;
    assert_eq!(unknown.error("code"), Some("parameter_unknown"));
    let missing = app.get("/v1/setup_intents/seti_nope", "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // Server-side confirmation with automatic payment methods needs a return_url.
    let no_return = app
        .post(
            "/v1/setup_intents",
            "payment_method=pm_card_visa&confirm=true",
        )
        .await;
    assert!(no_return.error("message").unwrap().contains("return_url"));
    app.stop().await;
}
