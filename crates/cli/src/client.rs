//! A minimal client of Tender's own API, for the commands that drive a running server.

use serde_json::Value;

/// Calls the API at `base` with a secret key.
pub struct ApiClient {
    base: String,
    key: String,
    http: reqwest::Client,
    /// Where `base` came from, said when it cannot be reached.
    hint: String,
}

impl ApiClient {
    pub fn new(base: &str, key: &str) -> ApiClient {
        ApiClient {
            base: base.trim_end_matches('/').to_owned(),
            key: key.to_owned(),
            http: reqwest::Client::new(),
            hint: String::new(),
        }
    }

    /// Adds `hint` to the error when Tender cannot be reached.
    pub fn with_hint(mut self, hint: String) -> ApiClient {
        self.hint = hint;
        self
    }

    fn unreachable(&self, error: reqwest::Error) -> String {
        format!("cannot reach Tender at {}: {error}{}", self.base, self.hint)
    }

    /// `POST path` with a form body; the status and JSON answer (errors included).
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Result<(u16, Value), String> {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| self.unreachable(e))?;
        let status = response.status().as_u16();
        let json = response.json().await.map_err(|e| e.to_string())?;
        Ok((status, json))
    }

    /// `GET path` (query string included); the status and JSON answer.
    pub async fn get(&self, path: &str) -> Result<(u16, Value), String> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .map_err(|e| self.unreachable(e))?;
        let status = response.status().as_u16();
        let json = response.json().await.map_err(|e| e.to_string())?;
        Ok((status, json))
    }

    /// Any call: `form` goes in the body of a POST and in the query string otherwise; the
    /// status and JSON answer.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(String, String)],
        idempotency_key: Option<&str>,
    ) -> Result<(u16, Value), String> {
        let encoded = form
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut url = format!("{}{path}", self.base);
        let mut request = if method == reqwest::Method::POST {
            self.http
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encoded)
        } else {
            if !encoded.is_empty() {
                url = format!("{url}?{encoded}");
            }
            self.http.request(method, url)
        };
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        let response = request
            .bearer_auth(&self.key)
            .send()
            .await
            .map_err(|e| self.unreachable(e))?;
        let status = response.status().as_u16();
        let json = response.json().await.map_err(|e| e.to_string())?;
        Ok((status, json))
    }

    pub async fn delete(&self, path: &str) -> Result<(u16, Value), String> {
        let response = self
            .http
            .delete(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .map_err(|e| self.unreachable(e))?;
        let status = response.status().as_u16();
        let json = response.json().await.map_err(|e| e.to_string())?;
        Ok((status, json))
    }
}

/// Percent-encodes a form key or value (brackets included; Tender decodes either way).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `error.message` of an answer, or the whole answer.
pub fn message(answer: &Value) -> String {
    answer["error"]["message"]
        .as_str()
        .map_or_else(|| answer.to_string(), str::to_owned)
}
