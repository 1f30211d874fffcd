//! The shop's configuration: Stripe keys and addresses from the environment (the names every
//! Stripe integration uses), and the business rules. Nothing here knows about Tender beyond
//! its default address: point `STRIPE_API_BASE` and `STRIPE_JS_URL` at Stripe and the same
//! binary takes real test-mode payments.

use std::path::PathBuf;

use crate::rules::Rules;

/// Where the shop runs when nothing says otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4242";
/// Tender's default address; async-stripe needs the trailing `/` (it appends `v1/...`).
pub const DEFAULT_API_BASE: &str = "http://127.0.0.1:12111/";
pub const DEFAULT_JS_URL: &str = "http://127.0.0.1:12111/v3/";

#[derive(Clone, Debug)]
pub struct Config {
    /// `sk_…`: used only on the server (async-stripe).
    pub secret_key: String,
    /// `pk_…`: handed to the browser for `Stripe(pk)`.
    pub publishable_key: String,
    /// `whsec_…` of the endpoint that points at `/webhook`.
    pub webhook_secret: String,
    /// The API the server calls, ending in `/`.
    pub api_base: String,
    /// The `<script src>` of Stripe.js (or Tender's SDK).
    pub js_url: String,
    /// `host:port` to listen on; port 0 picks a free port (tests).
    pub listen: String,
    /// The shop's own address as customers reach it (return URLs); by default the bound address.
    pub public_url: Option<String>,
    /// The orders database (a SQLite file, created if missing).
    pub database: PathBuf,
    pub rules: Rules,
}

/// A required variable is missing or a value does not parse.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is not set")]
    Missing(&'static str),
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
}

impl Config {
    /// Reads `STRIPE_SECRET_KEY`, `STRIPE_PUBLISHABLE_KEY`, `STRIPE_WEBHOOK_SECRET` (required),
    /// `STRIPE_API_BASE`, `STRIPE_JS_URL`, `CHECKOUT_LISTEN`, `CHECKOUT_PUBLIC_URL`,
    /// `CHECKOUT_DATABASE` and the rule variables of [`Rules::from_env`].
    pub fn from_env() -> Result<Config, ConfigError> {
        let required = |name: &'static str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or(ConfigError::Missing(name))
        };
        let optional = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        Ok(Config {
            secret_key: required("STRIPE_SECRET_KEY")?,
            publishable_key: required("STRIPE_PUBLISHABLE_KEY")?,
            webhook_secret: required("STRIPE_WEBHOOK_SECRET")?,
            api_base: api_base(&optional("STRIPE_API_BASE", DEFAULT_API_BASE)),
            js_url: optional("STRIPE_JS_URL", DEFAULT_JS_URL),
            listen: optional("CHECKOUT_LISTEN", DEFAULT_LISTEN),
            public_url: std::env::var("CHECKOUT_PUBLIC_URL")
                .ok()
                .filter(|v| !v.is_empty()),
            database: PathBuf::from(optional("CHECKOUT_DATABASE", ".tender/checkout.db")),
            rules: Rules::from_env()?,
        })
    }
}

/// async-stripe builds `{base}v1/...`: a base without its trailing `/` would lose a path
/// prefix or glue `v1` onto the port, so one is added.
pub fn api_base(base: &str) -> String {
    if base.ends_with('/') {
        base.to_owned()
    } else {
        format!("{base}/")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn api_base_always_ends_with_a_slash() {
        assert_eq!(
            api_base("http://127.0.0.1:12111"),
            "http://127.0.0.1:12111/"
        );
        assert_eq!(
            api_base("https://api.stripe.com/"),
            "https://api.stripe.com/"
        );
        assert_eq!(api_base("http://h/tender"), "http://h/tender/");
    }
}
