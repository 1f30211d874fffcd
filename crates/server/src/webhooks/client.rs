//! The HTTP client deliveries go out on: TLS, connection reuse, and errors worded for
//! `tender deliveries`.

use std::path::Path;

use super::DispatcherConfig;

/// Stripe's own webhook user agent: some receivers log or route on it.
const USER_AGENT: &str = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";

/// The client for `config`. `https://` receivers are verified against the system's root
/// certificates (as Stripe verifies against public CAs), plus those of `config.ca_file`, so
/// that a receiver with a certificate from a local test CA can be trusted without trusting it
/// system-wide. Fails when that file cannot be read or holds no certificate: a node that would
/// fail every https delivery should not start.
pub fn build(config: &DispatcherConfig) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .timeout(config.timeout)
        // A redirect is a failed attempt on Stripe: it does not follow it.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        // At most `per_endpoint` requests run at once to one endpoint; keeping that many
        // connections open lets a keep-alive receiver take every delivery on them.
        .pool_max_idle_per_host(config.per_endpoint.max(1));
    if let Some(file) = &config.ca_file {
        for certificate in extra_roots(file)? {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder
        .build()
        .map_err(|e| format!("cannot set up the webhook client: {}", chain(&e)))
}

/// The certificates of a PEM file (one or several).
fn extra_roots(file: &Path) -> Result<Vec<reqwest::Certificate>, String> {
    let shown = file.display();
    let pem = std::fs::read(file).map_err(|e| format!("cannot read CA file {shown}: {e}"))?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("CA file {shown} is not PEM: {}", chain(&e)))?;
    if certificates.is_empty() {
        return Err(format!("CA file {shown} holds no certificate"));
    }
    Ok(certificates)
}

/// Why an attempt got no answer, as `tender deliveries` shows it.
pub fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out".to_owned();
    }
    let refused = innermost(error)
        .downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
    if refused {
        "connection refused".to_owned()
    } else if error.is_connect() {
        // A failed TLS handshake (an untrusted certificate, a wrong host name) is a connect
        // error too: its cause is the part worth showing.
        format!("connection failed: {}", innermost(error))
    } else {
        chain(error)
    }
}

/// The last error of `error`'s source chain.
fn innermost<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> &'a (dyn std::error::Error + 'static) {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current
}

/// `error` and its causes, `: `-separated (reqwest's own message names only the first).
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut current = error.source();
    while let Some(source) = current {
        let part = source.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        current = source.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with_ca(file: &Path) -> DispatcherConfig {
        DispatcherConfig {
            ca_file: Some(file.to_owned()),
            ..DispatcherConfig::default()
        }
    }

    #[test]
    fn a_missing_or_empty_ca_file_stops_the_start() {
        let missing = std::env::temp_dir().join("tender-no-such-ca.pem");
        let error = build(&config_with_ca(&missing)).err().unwrap_or_default();
        assert!(error.starts_with("cannot read CA file"), "{error}");

        let empty =
            std::env::temp_dir().join(format!("tender-empty-ca-{}.pem", std::process::id()));
        std::fs::write(&empty, "no certificate here\n").unwrap_or_default();
        let error = build(&config_with_ca(&empty)).err().unwrap_or_default();
        let _ = std::fs::remove_file(&empty);
        assert!(error.ends_with("holds no certificate"), "{error}");
    }

    #[test]
    fn without_a_ca_file_the_client_builds() {
        assert!(build(&DispatcherConfig::default()).is_ok());
    }
}
