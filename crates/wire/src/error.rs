//! Stripe's error object (spec §2): `{"error": {"type", "code", "message", "param", …}}`.

use serde_json::{Map, Value, json};

/// The `type` of an error. These are the only values API v1 uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    ApiError,
    CardError,
    IdempotencyError,
    InvalidRequestError,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::ApiError => "api_error",
            ErrorType::CardError => "card_error",
            ErrorType::IdempotencyError => "idempotency_error",
            ErrorType::InvalidRequestError => "invalid_request_error",
        }
    }
}

/// Where a request named an id, which decides the status when the id is unknown: Stripe
/// answers 404 only for the object in the URL (`GET /v1/customers/cus_nope`), and 400 for an
/// unknown id passed as a parameter (`customer=cus_nope`). Both name the parameter in `param`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdIn<'a> {
    /// The URL's own object; the name is the one Stripe reports (`id`, `intent`, …).
    Url(&'a str),
    /// A parameter of the request (`customer`, `payment_method`, `starting_after`, …).
    Param(&'a str),
}

impl<'a> IdIn<'a> {
    pub fn param(self) -> &'a str {
        match self {
            IdIn::Url(name) | IdIn::Param(name) => name,
        }
    }

    fn missing_status(self) -> u16 {
        match self {
            IdIn::Url(_) => 404,
            IdIn::Param(_) => 400,
        }
    }
}

/// An error as the API answers it: an HTTP status and Stripe's error object.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub error_type: ErrorType,
    pub code: Option<String>,
    pub decline_code: Option<String>,
    pub advice_code: Option<String>,
    pub message: String,
    pub param: Option<String>,
    /// Objects Stripe embeds in some errors: `payment_intent`, `setup_intent`,
    /// `payment_method` (full objects) and `charge` (an id).
    pub embedded: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: u16, error_type: ErrorType, message: impl Into<String>) -> Self {
        ApiError {
            status,
            error_type,
            code: None,
            decline_code: None,
            advice_code: None,
            message: message.into(),
            param: None,
            embedded: Map::new(),
        }
    }

    /// 400 `invalid_request_error` without a code.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        ApiError::new(400, ErrorType::InvalidRequestError, message)
    }

    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    pub fn with_embedded(mut self, key: &str, value: Value) -> Self {
        self.embedded.insert(key.to_owned(), value);
        self
    }

    pub fn unknown_parameter(param: &str) -> Self {
        ApiError::invalid_request(format!("Received unknown parameter: {param}"))
            .with_param(param)
            .with_code("parameter_unknown")
    }

    pub fn missing_parameter(param: &str) -> Self {
        ApiError::invalid_request(format!("Missing required param: {param}."))
            .with_param(param)
            .with_code("parameter_missing")
    }

    pub fn invalid_integer(param: &str, value: &str) -> Self {
        ApiError::invalid_request(format!("Invalid integer: {value}"))
            .with_param(param)
            .with_code("parameter_invalid_integer")
    }

    pub fn invalid_empty(param: &str) -> Self {
        ApiError::invalid_request(format!(
            "You passed an empty string for '{param}'. We assume empty values are an attempt to \
             unset a parameter; however '{param}' cannot be unset. You should remove '{param}' \
             from your request or supply a non-empty value."
        ))
        .with_param(param)
        .with_code("parameter_invalid_empty")
    }

    /// `resource_missing` for an id that does not exist in the caller's account: 404 for the
    /// object the URL names, 400 for an id passed as a parameter (as Stripe answers).
    pub fn resource_missing(object: &str, id: &str, named: IdIn<'_>) -> Self {
        ApiError::invalid_request(format!("No such {object}: '{id}'"))
            .with_status(named.missing_status())
            .with_param(named.param())
            .with_code("resource_missing")
    }

    /// 404 for a path no route matches.
    pub fn unrecognized_url(method: &str, path: &str) -> Self {
        ApiError::invalid_request(format!(
            "Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or \
             we can help at https://support.stripe.com/."
        ))
        .with_status(404)
    }

    /// 401 for a missing or unknown key.
    pub fn authentication(message: impl Into<String>) -> Self {
        ApiError::invalid_request(message).with_status(401)
    }

    /// 500 `api_error`: something failed on our side; the message never leaks internals.
    pub fn internal() -> Self {
        ApiError::new(
            500,
            ErrorType::ApiError,
            "An unknown error occurred while processing the request. Please retry.",
        )
    }

    /// A 402 `card_error`.
    pub fn card(code: &str, message: impl Into<String>) -> Self {
        ApiError::new(402, ErrorType::CardError, message).with_code(code)
    }

    /// True for errors raised while reading parameters, which Stripe does not save under an
    /// idempotency key (the request never began executing).
    pub fn is_parameter_error(&self) -> bool {
        self.status == 400 && self.error_type == ErrorType::InvalidRequestError
    }

    /// The error object without the `{"error": …}` envelope (as in `last_payment_error`).
    pub fn to_object(&self) -> Value {
        let mut error = Map::new();
        if let Some(code) = &self.code {
            error.insert("code".into(), json!(code));
            error.insert(
                "doc_url".into(),
                json!(format!(
                    "https://stripe.com/docs/error-codes/{}",
                    code.replace('_', "-")
                )),
            );
        }
        if let Some(decline_code) = &self.decline_code {
            error.insert("decline_code".into(), json!(decline_code));
        }
        if let Some(advice_code) = &self.advice_code {
            error.insert("advice_code".into(), json!(advice_code));
        }
        error.insert("message".into(), json!(self.message));
        if let Some(param) = &self.param {
            error.insert("param".into(), json!(param));
        }
        for (key, value) in &self.embedded {
            error.insert(key.clone(), value.clone());
        }
        error.insert("type".into(), json!(self.error_type.as_str()));
        Value::Object(error)
    }

    /// The response body: `{"error": {…}}`.
    pub fn to_body(&self) -> Value {
        json!({ "error": self.to_object() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_stripe_shape() {
        let body = ApiError::missing_parameter("amount").to_body();
        assert_eq!(
            body,
            json!({"error": {
                "code": "parameter_missing",
                "doc_url": "https://stripe.com/docs/error-codes/parameter-missing",
                "message": "Missing required param: amount.",
                "param": "amount",
                "type": "invalid_request_error"
            }})
        );
    }

    #[test]
    fn omits_absent_fields() {
        let body = ApiError::invalid_request("x").to_body();
        assert_eq!(
            body,
            json!({"error": {"message": "x", "type": "invalid_request_error"}})
        );
    }
}
