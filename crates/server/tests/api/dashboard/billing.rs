//! Subscriptions, invoices and test clocks in the dashboard: lists and pages, a test clock
//! advanced by a month from the page (CSRF first, the API's limits and messages), isolation
//! between accounts, and escaping of what the merchant's customers control.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use super::Browser;
use crate::billing_subscriptions::{Shop, customer_with_card, get};
use crate::catalog_prices::id;
use crate::helpers::{SECRET_KEY, TestApp};

/// 1 Jan 2027 00:00 UTC, and a month on.
const JAN_1: i64 = 1_798_761_600;
const FEB_1: i64 = JAN_1 + 31 * 86_400;

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A clock at `JAN_1`, a customer on it with a card, and a subscription to two of a
/// `interval`ly price of $20.00, with `extra` parameters: (clock, subscription).
async fn subscribed_on_a_clock(app: &TestApp, interval: &str, extra: &str) -> (String, Value) {
    let clock = app
        .post(
            "/v1/test_helpers/test_clocks",
            &format!("frozen_time={JAN_1}&name=Renewals"),
        )
        .await;
    assert_eq!(clock.status, StatusCode::OK, "{:?}", clock.body);
    let clock = id(&clock.body);
    let price = app
        .post(
            "/v1/prices",
            &format!(
                "currency=usd&unit_amount=2000&recurring[interval]={interval}\
                 &product_data[name]=Gold"
            ),
        )
        .await;
    let customer = app
        .post(
            "/v1/customers",
            &format!("email=clock%40example.com&test_clock={clock}"),
        )
        .await;
    let shop = Shop {
        customer: id(&customer.body),
        price: id(&price.body),
    };
    customer_with_card(app, &shop, "pm_card_visa").await;
    let subscription = app
        .post(
            "/v1/subscriptions",
            &format!(
                "customer={}&items[0][price]={}&items[0][quantity]=2{extra}",
                shop.customer, shop.price
            ),
        )
        .await;
    assert_eq!(
        subscription.status,
        StatusCode::OK,
        "{:?}",
        subscription.body
    );
    assert_eq!(subscription.body["status"], "active");
    (clock, subscription.body)
}

/// Waits until the clock is ready again.
async fn ready(app: &TestApp, clock: &str) -> Value {
    for _ in 0..200 {
        let now = get(app, &format!("/v1/test_helpers/test_clocks/{clock}")).await;
        if now["status"] == "ready" {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the clock never became ready");
}

#[tokio::test]
async fn subscriptions_and_invoices_are_listed_shown_and_a_clock_advanced_a_month() {
    let app = TestApp::spawn().await;
    let (clock, sub) = subscribed_on_a_clock(&app, "month", "&description=Gold%20plan").await;
    let sub_id = id(&sub);
    let customer = sub["customer"].as_str().unwrap().to_owned();
    let first_invoice = sub["latest_invoice"].as_str().unwrap().to_owned();
    let browser = Browser::signed_in(&app, SECRET_KEY).await;

    // The list shows subscriptions on test clocks too; filters narrow it.
    let list = browser.get("/dashboard/subscriptions").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body
            .contains(&format!("/dashboard/subscriptions/{sub_id}"))
    );
    assert!(
        list.body.contains("$20.00 / month × 2"),
        "price and quantity"
    );
    let canceled = browser
        .get("/dashboard/subscriptions?status=canceled")
        .await;
    assert!(!canceled.body.contains(&sub_id));
    let by_customer = browser
        .get(&format!("/dashboard/subscriptions?customer={customer}"))
        .await;
    assert!(by_customer.body.contains(&sub_id));
    let other_customer = browser
        .get("/dashboard/subscriptions?customer=cus_nobody")
        .await;
    assert!(!other_customer.body.contains(&sub_id));

    // The customer's page lists it; "go to" finds subscriptions and invoices.
    let customer_page = browser
        .get(&format!("/dashboard/customers/{customer}"))
        .await;
    assert!(
        customer_page
            .body
            .contains(&format!("/dashboard/subscriptions/{sub_id}"))
    );
    let go = browser.get(&format!("/dashboard/go?id={sub_id}")).await;
    assert_eq!(go.location(), format!("/dashboard/subscriptions/{sub_id}"));
    let go = browser
        .get(&format!("/dashboard/go?id={first_invoice}"))
        .await;
    assert_eq!(
        go.location(),
        format!("/dashboard/invoices/{first_invoice}")
    );

    // Its page: status, items, period, its first invoice, its events, its clock.
    let path = format!("/dashboard/subscriptions/{sub_id}");
    let page = browser.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let invoice_link = format!("/dashboard/invoices/{first_invoice}");
    for expected in [
        "Gold plan",
        invoice_link.as_str(),
        "customer.subscription.created",
        "Advance one month",
        clock.as_str(),
        "Renewals",
        "2027-01-01 00:00:00 UTC",
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }

    // The invoice's page: amounts, lines, its payment.
    let payments = get(&app, &format!("/v1/payment_intents?customer={customer}")).await;
    let pi = payments["data"][0]["id"]
        .as_str()
        .expect("the first invoice's payment");
    let invoice_page = browser
        .get(&format!("/dashboard/invoices/{first_invoice}"))
        .await;
    assert_eq!(invoice_page.status, StatusCode::OK);
    assert!(
        invoice_page
            .body
            .contains(&format!("href=\"/dashboard/payments/{pi}\""))
    );
    assert!(
        invoice_page
            .body
            .contains("<dd id=\"amount-due\">$40.00</dd>")
    );
    assert!(
        invoice_page
            .body
            .contains("<dd id=\"amount-paid\">$40.00</dd>")
    );
    assert!(
        invoice_page
            .body
            .contains("<dd id=\"amount-remaining\">$0.00</dd>")
    );
    assert!(invoice_page.body.contains("invoice.paid"));
    // And the payment's page links back to its invoice.
    let payment_page = browser.get(&format!("/dashboard/payments/{pi}")).await;
    assert!(
        payment_page
            .body
            .contains(&format!("href=\"/dashboard/invoices/{first_invoice}\""))
    );
    let invoices = browser.get("/dashboard/invoices?status=paid").await;
    assert!(invoices.body.contains(&first_invoice));
    let drafts = browser.get("/dashboard/invoices?status=draft").await;
    assert!(!drafts.body.contains(&first_invoice));

    // Advancing needs the session's token: without it nothing moves.
    let advance = format!("/dashboard/test_clocks/{clock}/advance");
    let refused = browser.post(&advance, &format!("back={sub_id}")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = browser.post(&advance, "csrf=forged").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let unmoved = get(&app, &format!("/v1/test_helpers/test_clocks/{clock}")).await;
    assert_eq!(unmoved["frozen_time"], JAN_1);
    assert_eq!(unmoved["status"], "ready");

    // With it: a month on, through the API's command; back to the subscription's page.
    let moved = browser
        .post(&advance, &format!("csrf={}&back={sub_id}", page.csrf()))
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(moved.location(), path);
    let clock_now = ready(&app, &clock).await;
    assert_eq!(clock_now["frozen_time"], FEB_1);
    let events = app
        .get("/v1/events", "type=test_helpers.test_clock.advancing")
        .await;
    assert_eq!(events.body["data"].as_array().unwrap().len(), 1);
    // The renewal invoice (a draft for its first hour) is on the page now.
    let renewals = get(&app, &format!("/v1/invoices?subscription={sub_id}")).await;
    let renewals = renewals["data"].as_array().unwrap();
    assert_eq!(renewals.len(), 2, "{renewals:?}");
    assert_eq!(renewals[0]["billing_reason"], "subscription_cycle");
    let renewal = id(&renewals[0]);
    let page = browser.get(&path).await;
    assert!(
        page.body
            .contains(&format!("/dashboard/invoices/{renewal}"))
    );
    assert!(page.body.contains("2027-02-01 00:00:00 UTC"));

    // The clocks' list and the clock's page.
    let clocks = browser.get("/dashboard/test_clocks").await;
    assert!(
        clocks
            .body
            .contains(&format!("/dashboard/test_clocks/{clock}"))
    );
    let clock_page = browser
        .get(&format!("/dashboard/test_clocks/{clock}"))
        .await;
    assert!(
        clock_page
            .body
            .contains(&format!("/dashboard/subscriptions/{sub_id}"))
    );
    app.stop().await;
}

#[tokio::test]
async fn an_advance_beyond_stripes_limit_is_refused_with_the_apis_message() {
    let app = TestApp::spawn().await;
    // A daily subscription: a clock may move at most two days.
    let (clock, sub) = subscribed_on_a_clock(&app, "day", "").await;
    let browser = Browser::signed_in(&app, SECRET_KEY).await;
    let page = browser
        .get(&format!("/dashboard/subscriptions/{}", id(&sub)))
        .await;
    let refused = browser
        .post(
            &format!("/dashboard/test_clocks/{clock}/advance"),
            &format!("csrf={}", page.csrf()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let api = app
        .post(
            &format!("/v1/test_helpers/test_clocks/{clock}/advance"),
            &format!("frozen_time={FEB_1}"),
        )
        .await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    let message = api.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("two intervals"), "{message}");
    assert!(refused.body.contains(message), "the API's own message");
    let unmoved = get(&app, &format!("/v1/test_helpers/test_clocks/{clock}")).await;
    assert_eq!(unmoved["frozen_time"], JAN_1);
    app.stop().await;
}

#[tokio::test]
async fn another_accounts_subscriptions_invoices_and_clocks_are_not_found() {
    let app = TestApp::spawn().await;
    let (clock, sub) = subscribed_on_a_clock(&app, "month", "").await;
    let sub_id = id(&sub);
    let invoice = sub["latest_invoice"].as_str().unwrap().to_owned();
    let other = app.other_account().await;
    let browser = Browser::signed_in(&app, &other.secret_key).await;
    let by_customer = format!(
        "/dashboard/subscriptions?customer={}",
        sub["customer"].as_str().unwrap()
    );
    for list in [
        "/dashboard/subscriptions?status=all",
        "/dashboard/invoices",
        "/dashboard/test_clocks",
        by_customer.as_str(),
    ] {
        let page = browser.get(list).await;
        assert_eq!(page.status, StatusCode::OK, "{list}");
        for id in [&sub_id, &invoice, &clock] {
            assert!(!page.body.contains(id.as_str()), "{list} shows {id}");
        }
    }
    for detail in [
        format!("/dashboard/subscriptions/{sub_id}"),
        format!("/dashboard/invoices/{invoice}"),
        format!("/dashboard/test_clocks/{clock}"),
    ] {
        let page = browser.get(&detail).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{detail}");
        assert!(!page.body.contains("$20.00"), "{detail}");
    }
    // Nor can it move the other account's clock, with its own valid token.
    let own = browser.get("/dashboard/subscriptions").await;
    let refused = browser
        .post(
            &format!("/dashboard/test_clocks/{clock}/advance"),
            &format!("csrf={}", own.csrf()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    let unmoved = get(&app, &format!("/v1/test_helpers/test_clocks/{clock}")).await;
    assert_eq!(unmoved["frozen_time"], JAN_1);
    assert_eq!(unmoved["status"], "ready");
    app.stop().await;
}

#[tokio::test]
async fn subscription_and_invoice_text_is_escaped() {
    let app = TestApp::spawn().await;
    let script = "<script>alert(1)</script>";
    let img = "\"><img src=x onerror=alert(2)>";
    let (_, sub) = subscribed_on_a_clock(
        &app,
        "month",
        &format!(
            "&description={}&metadata[{}]={}",
            enc(script),
            enc(img),
            enc(script)
        ),
    )
    .await;
    let invoice = sub["latest_invoice"].as_str().unwrap().to_owned();
    let updated = app
        .post(
            &format!("/v1/invoices/{invoice}"),
            &format!(
                "metadata[note]={}&metadata[{}]={}",
                enc(img),
                enc(script),
                enc(img)
            ),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    let browser = Browser::signed_in(&app, SECRET_KEY).await;
    for path in [
        "/dashboard/subscriptions".to_owned(),
        format!("/dashboard/subscriptions/{}", id(&sub)),
        "/dashboard/invoices".to_owned(),
        format!("/dashboard/invoices/{invoice}"),
        format!("/dashboard/customers/{}", sub["customer"].as_str().unwrap()),
    ] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains(script), "{path} has a raw <script>");
        assert!(!page.body.contains("<img"), "{path} has a raw <img>");
    }
    let shown = browser
        .get(&format!("/dashboard/subscriptions/{}", id(&sub)))
        .await;
    assert!(shown.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        shown
            .body
            .contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;")
    );
    let shown = browser.get(&format!("/dashboard/invoices/{invoice}")).await;
    assert!(
        shown
            .body
            .contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;")
    );
    app.stop().await;
}
