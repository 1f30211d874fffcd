//! A small Stripe-API client for the harness: form posts and reads with either key, and the
//! answers as JSON. Connection failures are returned, not retried: retrying is the caller's
//! business (it is what the harness tests).

use std::time::Duration;

use serde_json::Value;

/// Which key a request carries.
#[derive(Clone, Copy, Debug)]
pub enum Key {
    Secret,
    Publishable,
}

/// What came back from one request.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `error.code` of an error answer.
    pub fn error_code(&self) -> Option<&str> {
        self.body["error"]["code"].as_str()
    }
}

#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    pub secret_key: String,
    pub publishable_key: String,
}

impl Api {
    pub fn new(secret_key: &str, publishable_key: &str) -> Result<Api, String> {
        let http = reqwest::Client::builder()
            // A request the server never answers is a hang: the harness reports it.
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Api {
            http,
            secret_key: secret_key.to_owned(),
            publishable_key: publishable_key.to_owned(),
        })
    }

    fn bearer(&self, key: Key) -> String {
        match key {
            Key::Secret => format!("Bearer {}", self.secret_key),
            Key::Publishable => format!("Bearer {}", self.publishable_key),
        }
    }

    /// `POST base+path` with a form body (already encoded) and an optional idempotency key.
    pub async fn post(
        &self,
        base: &str,
        path: &str,
        key: Key,
        form: &str,
        idempotency_key: Option<&str>,
    ) -> Result<Answer, reqwest::Error> {
        let mut request = self
            .http
            .post(format!("{base}{path}"))
            .header("authorization", self.bearer(key))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned());
        if let Some(idempotency_key) = idempotency_key {
            request = request.header("idempotency-key", idempotency_key);
        }
        answer(request.send().await?).await
    }

    pub async fn get(&self, base: &str, path: &str) -> Result<Answer, reqwest::Error> {
        let request = self
            .http
            .get(format!("{base}{path}"))
            .header("authorization", self.bearer(Key::Secret));
        answer(request.send().await?).await
    }

    /// Every object of a list endpoint (`path`, with filters or not), oldest last as Stripe
    /// pages.
    pub async fn list_all(&self, base: &str, path: &str) -> Result<Vec<Value>, String> {
        let mut all: Vec<Value> = Vec::new();
        let separator = if path.contains('?') { '&' } else { '?' };
        loop {
            let mut page_path = format!("{path}{separator}limit=100");
            if let Some(last) = all.last().and_then(|o| o["id"].as_str()) {
                page_path.push_str("&starting_after=");
                page_path.push_str(last);
            }
            let answer = self
                .get(base, &page_path)
                .await
                .map_err(|e| format!("GET {page_path}: {e}"))?;
            if !answer.ok() {
                return Err(format!(
                    "GET {page_path}: HTTP {}: {}",
                    answer.status, answer.body
                ));
            }
            let data = answer.body["data"].as_array().cloned().unwrap_or_default();
            let more = answer.body["has_more"].as_bool().unwrap_or(false);
            all.extend(data);
            if !more {
                return Ok(all);
            }
        }
    }
}

async fn answer(response: reqwest::Response) -> Result<Answer, reqwest::Error> {
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    // A body that is not JSON is kept as a string so the report can show it.
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Ok(Answer { status, body })
}
