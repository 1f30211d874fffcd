//! Every object Tender serves deserializes with async-stripe's generated types (issue #20,
//! item 8). Those types come from Stripe's OpenAPI specification: a field the spec requires
//! that is missing, or a value of the wrong JSON type, fails the whole response. So "has every
//! field the spec requires" is checked here rather than hoped for.
//!
//! Bodies are parsed from the bytes Tender sends with `miniserde::json::from_str`, the call
//! async-stripe's client makes on every response (and its webhook parser on every event), into
//! the type each request of the SDK declares as its output. Pinned to async-stripe
//! 1.0.0-rc.10 (the workspace's version). The flows live in [`payments`], [`setup`],
//! [`objects`] and [`catalog`]; [`details`] fills the optional parts; [`errors`] parses error bodies.

use reqwest::{Method, StatusCode};
use stripe_types::{AsCursorOpt, Expandable};

use crate::helpers::{PUBLISHABLE_KEY, SECRET_KEY, TestApp};

mod billing;
mod catalog;
mod details;
mod errors;
mod objects;
mod payments;
mod setup;

/// A card for `payment_method_data` / ConfirmationTokens.
pub const CARD_DATA: &str = "payment_method_data[type]=card\
                             &payment_method_data[card][number]=4242424242424242\
                             &payment_method_data[card][exp_month]=12\
                             &payment_method_data[card][exp_year]=2034\
                             &payment_method_data[card][cvc]=123";

/// Requests whose bodies are read as async-stripe reads them.
pub struct Sdk<'a> {
    pub app: &'a TestApp,
}

impl Sdk<'_> {
    /// A successful answer to a request with the secret key, as the SDK's type `T`.
    pub async fn post<T: miniserde::Deserialize>(&self, path: &str, form: &str) -> T {
        self.ok(SECRET_KEY, Method::POST, path, form).await
    }

    pub async fn get<T: miniserde::Deserialize>(&self, path: &str, query: &str) -> T {
        self.ok(SECRET_KEY, Method::GET, path, query).await
    }

    pub async fn delete<T: miniserde::Deserialize>(&self, path: &str) -> T {
        self.ok(SECRET_KEY, Method::DELETE, path, "").await
    }

    pub async fn ok<T: miniserde::Deserialize>(
        &self,
        key: &str,
        method: Method,
        path: &str,
        form: &str,
    ) -> T {
        let (status, text) = self.send(key, method.clone(), path, form).await;
        assert!(
            status.is_success(),
            "{method} {path} {form}: {status} {text}"
        );
        parse(&format!("{method} {path} {form}"), &text)
    }

    /// An error answer, parsed as the SDK's client parses every non-2xx body.
    pub async fn error(
        &self,
        key: &str,
        method: Method,
        path: &str,
        form: &str,
    ) -> (StatusCode, stripe_shared::ApiErrors) {
        let (status, text) = self.send(key, method.clone(), path, form).await;
        assert!(
            !status.is_success(),
            "{method} {path} {form}: {status} {text}"
        );
        let error: stripe_shared::Error = parse(&format!("{method} {path} {form}"), &text);
        (status, *error.error)
    }

    /// A ConfirmationToken made as Stripe.js makes it: publishable key, card data.
    pub async fn token(&self, number: &str) -> stripe_payment::ConfirmationToken {
        let form = CARD_DATA.replace("4242424242424242", number)
            + "&return_url=https%3A%2F%2Fshop.example%2Fdone";
        self.ok(
            PUBLISHABLE_KEY,
            Method::POST,
            "/v1/confirmation_tokens",
            &form,
        )
        .await
    }

    /// The raw body, as the SDK receives it (not re-serialized).
    pub async fn send(
        &self,
        key: &str,
        method: Method,
        path: &str,
        form: &str,
    ) -> (StatusCode, String) {
        let app = self.app;
        let mut url = format!("{}{}", app.base, path);
        let request = if method == Method::POST {
            app.client
                .request(method, &url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form.to_owned())
        } else {
            if !form.is_empty() {
                url = format!("{url}?{form}");
            }
            app.client.request(method, &url)
        };
        let response = request.bearer_auth(key).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Every event the account recorded, read back one by one and parsed as
    /// `stripe_webhook::Webhook` parses a delivery: the event, then `data.object` as the type
    /// its `type` names (a `charge.*` event's object must be a whole `Charge`). Lists are
    /// parsed as `List<Event>` page by page. Returns the types, oldest first.
    pub async fn events(&self) -> Vec<String> {
        let mut types = Vec::new();
        let mut after = String::new();
        loop {
            let page: stripe_types::List<stripe_shared::Event> =
                self.get("/v1/events", &format!("limit=100{after}")).await;
            for event in &page.data {
                let path = format!("/v1/events/{}", event.id.as_str());
                let (status, text) = self.send(SECRET_KEY, Method::GET, &path, "").await;
                assert_eq!(status, StatusCode::OK, "{text}");
                let parsed = stripe_webhook::Webhook::insecure(&text).unwrap_or_else(|e| {
                    panic!("{} does not parse: {e:?}: {text}", event.id.as_str())
                });
                assert!(
                    !matches!(parsed.data.object, stripe_webhook::EventObject::Unknown(_)),
                    "{} parsed as an unknown object: {text}",
                    parsed.type_.as_str()
                );
                assert_eq!(parsed.type_.as_str(), event.type_.as_str());
                types.push(event.type_.as_str().to_owned());
            }
            match page.data.last() {
                Some(last) if page.has_more => {
                    after = format!("&starting_after={}", last.id.as_str());
                }
                _ => break,
            }
        }
        types.reverse();
        types
    }
}

/// Parses `text` as async-stripe's client does; `what` names the request on failure.
pub fn parse<T: miniserde::Deserialize>(what: &str, text: &str) -> T {
    miniserde::json::from_str(text).unwrap_or_else(|_| {
        panic!(
            "{what}: the body does not deserialize as {}: {text}",
            std::any::type_name::<T>()
        )
    })
}

/// The object of an expanded field; panics if it is still an id (or absent).
pub fn expanded<T: stripe_types::Object>(field: &Option<Expandable<T>>) -> &T {
    match field {
        Some(Expandable::Object(object)) => object,
        Some(Expandable::Id(_)) => panic!("{} not expanded", std::any::type_name::<T>()),
        None => panic!("{} absent", std::any::type_name::<T>()),
    }
}

/// The id of a field that was not expanded.
pub fn id_of<T: stripe_types::Object>(field: &Option<Expandable<T>>) -> String {
    match field {
        Some(Expandable::Id(id)) => id.as_cursor_opt().unwrap().to_owned(),
        Some(Expandable::Object(_)) => panic!("{} expanded", std::any::type_name::<T>()),
        None => panic!("{} absent", std::any::type_name::<T>()),
    }
}

/// The URL of the hosted 3D Secure page in `next_action.use_stripe_sdk.stripe_js`, which the
/// SDK types as free-form JSON.
pub fn stripe_js(intent_action: Option<&miniserde::json::Value>) -> String {
    use miniserde::json::Value;
    let Some(Value::Object(sdk)) = intent_action else {
        panic!("no use_stripe_sdk: {intent_action:?}")
    };
    match sdk.get("stripe_js") {
        Some(Value::String(url)) => url.clone(),
        other => panic!("stripe_js: {other:?}"),
    }
}

/// Answers a hosted page (3D Secure or a bank's) with `result`, without following redirects.
pub async fn answer_page(url: &str, result: &str) {
    let (path, query) = url.split_once('?').unwrap();
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{path}/complete"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("{query}&result={result}"))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success() || answer.status().is_redirection());
}
