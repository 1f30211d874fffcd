use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tender_checkout::{Checkout, Config, Rules};
use tender_server::{DispatcherConfig, RetrySchedule, Server};
use tender_store::Store;
use tender_store::sqlite::SqliteStore;

pub const SECRET_KEY: &str = "sk_test_checkoutflows";
pub const PUBLISHABLE_KEY: &str = "pk_test_checkoutflows";

/// Tender and the shop, wired together.
pub struct Shop {
    pub tender: String,
    pub url: String,
    pub webhook_secret: String,
    pub http: reqwest::Client,
    server: Option<Server>,
    checkout: Option<Checkout>,
    files: Vec<PathBuf>,
}

fn temp_file(name: &str) -> PathBuf {
    let suffix = tender_checkout::orders::new_id("t").to_lowercase();
    std::env::temp_dir().join(format!("{name}-{suffix}.db"))
}

/// One answer: status and JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Shop {
    pub async fn start() -> Shop {
        Shop::start_with(Rules::default()).await
    }

    pub async fn start_with(rules: Rules) -> Shop {
        let tender_db = temp_file("checkout-tender");
        let store = SqliteStore::open(&tender_db, Default::default()).expect("sqlite store");
        store.migrate().await.expect("migrate");
        let config = tender_server::Config {
            listen: "127.0.0.1:0".into(),
            database_url: String::new(),
            secret_key: Some(SECRET_KEY.into()),
            publishable_key: Some(PUBLISHABLE_KEY.into()),
            webhooks: Some(DispatcherConfig {
                schedule: RetrySchedule::parse("100ms,200ms").expect("schedule"),
                timeout: Duration::from_secs(2),
                poll: Duration::from_millis(50),
                batch: 32,
                ..DispatcherConfig::default()
            }),
            // A SEPA debit settles a second after its confirmation.
            settle: tender_server::SettleSpeed::Fast,
            ..tender_server::Config::default()
        };
        let server = Server::start_with_store(&config, std::sync::Arc::new(store))
            .await
            .expect("tender starts");
        let tender = format!("http://{}", server.addr);
        let http = reqwest::Client::new();

        // The shop's address is needed to register its endpoint, whose secret the shop needs.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let endpoint = http
            .post(format!("{tender}/v1/webhook_endpoints"))
            .bearer_auth(SECRET_KEY)
            .form(&[
                ("url", format!("http://{addr}/webhook")),
                ("enabled_events[]", "*".to_owned()),
                ("api_version", tender_checkout::api_version()),
            ])
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        let webhook_secret = endpoint["secret"].as_str().expect("whsec").to_owned();

        let orders_db = temp_file("checkout-orders");
        let shop_config = Config {
            secret_key: SECRET_KEY.into(),
            publishable_key: PUBLISHABLE_KEY.into(),
            webhook_secret: webhook_secret.clone(),
            api_base: format!("{tender}/"),
            js_url: format!("{tender}/v3/"),
            listen: addr.to_string(),
            public_url: None,
            database: orders_db.clone(),
            rules,
        };
        let checkout = tender_checkout::serve(listener, &shop_config)
            .await
            .expect("shop starts");
        Shop {
            tender,
            url: checkout.url.clone(),
            webhook_secret,
            http,
            server: Some(server),
            checkout: Some(checkout),
            files: vec![tender_db, orders_db],
        }
    }

    /// A ConfirmationToken for a card, made as the browser SDK makes it: publishable key in
    /// the form, card fields, and the Elements' context.
    pub async fn token(&self, number: &str) -> String {
        self.token_for(number, "payment").await
    }

    pub async fn token_for(&self, number: &str, mode: &str) -> String {
        self.card_token(number, mode, "usd").await
    }

    /// A card's token for a payment in `currency`.
    pub async fn token_in(&self, number: &str, currency: &str) -> String {
        self.card_token(number, "payment", currency).await
    }

    async fn card_token(&self, number: &str, mode: &str, currency: &str) -> String {
        let mut form = vec![
            ("key", PUBLISHABLE_KEY),
            ("payment_method_data[type]", "card"),
            ("payment_method_data[card][number]", number),
            ("payment_method_data[card][exp_month]", "12"),
            ("payment_method_data[card][exp_year]", "2034"),
            ("payment_method_data[card][cvc]", "123"),
            ("client_context[mode]", mode),
        ];
        if mode == "payment" || mode == "subscription" {
            form.push(("client_context[currency]", currency));
        }
        // What the SDK's Elements in subscription mode imply, as Stripe.js's do.
        if mode == "subscription" {
            form.push(("client_context[setup_future_usage]", "off_session"));
        }
        let answer = self
            .http
            .post(format!("{}/v1/confirmation_tokens", self.tender))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        let token: Value = answer.json().await.unwrap();
        token["id"].as_str().unwrap().to_owned()
    }

    /// A ConfirmationToken for a SEPA debit of a euro payment, with the online acceptance
    /// of the mandate the Payment Element sends.
    pub async fn sepa_token(&self, iban: &str) -> String {
        let form = [
            ("key", PUBLISHABLE_KEY),
            ("payment_method_data[type]", "sepa_debit"),
            ("payment_method_data[sepa_debit][iban]", iban),
            ("payment_method_data[billing_details][name]", "Jenny Rosen"),
            (
                "payment_method_data[billing_details][email]",
                "jenny@example.com",
            ),
            ("mandate_data[customer_acceptance][type]", "online"),
            (
                "mandate_data[customer_acceptance][online][infer_from_client]",
                "true",
            ),
            ("client_context[mode]", "payment"),
            ("client_context[currency]", "eur"),
        ];
        let answer = self
            .http
            .post(format!("{}/v1/confirmation_tokens", self.tender))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        let token: Value = answer.json().await.unwrap();
        token["id"].as_str().unwrap().to_owned()
    }

    /// A JSON POST to the shop, as its pages make them.
    pub async fn post(&self, path: &str, body: Value) -> Answer {
        let response = self
            .http
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        Answer {
            status,
            body: response.json().await.unwrap(),
        }
    }

    /// The guide's call: `{confirmationTokenId, cart}` to /create-confirm-intent.
    pub async fn pay(&self, token: &str, cart: Value, order_id: Option<&str>) -> Answer {
        self.post(
            "/create-confirm-intent",
            json!({"confirmationTokenId": token, "cart": cart, "orderId": order_id}),
        )
        .await
    }

    pub async fn order(&self, id: &str) -> Value {
        let url = format!("{}/api/orders/{id}", self.url);
        self.http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Waits for the webhook to settle the order.
    pub async fn until_order(&self, id: &str, done: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..200 {
            let order = self.order(id).await;
            if done(&order) {
                return order;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("order {id} never got there: {}", self.order(id).await);
    }

    pub async fn until_paid(&self, id: &str) -> Value {
        self.until_order(id, |o| o["status"] == "paid").await
    }

    /// The payments API with the secret key.
    pub async fn api_get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.tender))
            .bearer_auth(SECRET_KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Every PaymentIntent of the account.
    pub async fn payment_intents(&self) -> Vec<Value> {
        let list = self.api_get("/v1/payment_intents?limit=100").await;
        list["data"].as_array().unwrap().clone()
    }

    /// Plays the customer on Tender's hosted 3D Secure page: `complete` or `fail`.
    pub async fn authenticate(&self, client_secret: &str, result: &str) {
        let id = client_secret.split("_secret_").next().unwrap();
        let intent = self.api_get(&format!("/v1/payment_intents/{id}")).await;
        let url = intent["next_action"]["use_stripe_sdk"]["stripe_js"]
            .as_str()
            .unwrap_or_else(|| panic!("no challenge page: {intent}"));
        let (path, _) = url.split_once('?').unwrap();
        let done = self
            .http
            .post(format!("{path}/complete"))
            .form(&[("client_secret", client_secret), ("result", result)])
            .send()
            .await
            .unwrap();
        assert_eq!(done.status(), StatusCode::OK);
    }

    /// A raw delivery to the shop's webhook endpoint.
    pub async fn deliver(&self, payload: &str, signature: Option<&str>) -> StatusCode {
        let mut request = self
            .http
            .post(format!("{}/webhook", self.url))
            .header("content-type", "application/json")
            .body(payload.to_owned());
        if let Some(signature) = signature {
            request = request.header("stripe-signature", signature);
        }
        request.send().await.unwrap().status()
    }

    pub async fn stop(mut self) {
        if let Some(checkout) = self.checkout.take() {
            checkout.shutdown().await.unwrap();
        }
        if let Some(server) = self.server.take() {
            server.shutdown().await.unwrap();
        }
        for file in &self.files {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// A cart of `quantity` items of `product`.
pub fn cart(product: &str, quantity: u32) -> Value {
    json!({"items": [{"product": product, "quantity": quantity}]})
}
