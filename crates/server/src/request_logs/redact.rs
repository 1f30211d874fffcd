//! What of a request's parameters a log keeps: everything but card numbers, CVCs and secrets.
//!
//! A CVC is left out entirely, key and all: nothing in Tender's bytes is a `cvc` field holding
//! a value, masked or not (the card-data hygiene test, `crates/cli/tests/hygiene.rs`, scans the
//! database for exactly that).
//!
//! Tender never stores a card number or CVC in its objects (only the last four digits), and
//! its logs must not be the exception: a log is shown in the dashboard and kept for days. The
//! rules are by name (`number`, `cvc`, anything named like a secret or a password) and, as a
//! net for what names miss, by value (a run of 13 to 19 digits passing the Luhn check; a
//! secret or restricted API key; a webhook signing secret).

use serde_json::{Map, Value};
use tender_wire::form::{self, Node};

/// What a redacted value is shown as.
pub const REDACTED: &str = "[redacted]";

/// The parameters of a form body or query string as a JSON object, redacted. Input that is
/// not a valid form is summarised rather than kept (it may hold anything).
pub fn redacted_params(input: &[u8]) -> Value {
    match form::decode(input) {
        Ok(fields) => Value::Object(
            fields
                .iter()
                .filter(|(key, _)| !is_cvc(key))
                .map(|(key, node)| (key.clone(), redact_node(key, node)))
                .collect::<Map<_, _>>(),
        ),
        Err(_) if input.is_empty() => Value::Object(Map::new()),
        Err(_) => serde_json::json!({ "(unparsable)": format!("{} bytes", input.len()) }),
    }
}

fn redact_node(key: &str, node: &Node) -> Value {
    match node {
        Node::Leaf(value) => Value::String(redact_value(key, value)),
        Node::Map(fields) => Value::Object(
            fields
                .iter()
                .filter(|(k, _)| !is_cvc(k))
                .map(|(k, n)| (k.clone(), redact_node(k, n)))
                .collect(),
        ),
        Node::List(items) => Value::Array(items.iter().map(|n| redact_node(key, n)).collect()),
    }
}

fn is_cvc(key: &str) -> bool {
    key.eq_ignore_ascii_case("cvc") || key.eq_ignore_ascii_case("cvv")
}

fn redact_value(key: &str, value: &str) -> String {
    let key = key.to_ascii_lowercase();
    if value.is_empty() {
        return String::new();
    }
    if key == "number" || key == "account_number" || looks_like_card_number(value) {
        return mask_keeping_last4(value);
    }
    if key.contains("secret") || key.contains("password") || is_secret_key(value) {
        return REDACTED.to_owned();
    }
    value.to_owned()
}

/// `•` for every character but the last four digits, as a receipt shows a card.
fn mask_keeping_last4(value: &str) -> String {
    let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return REDACTED.to_owned();
    }
    let last4: String = digits[digits.len() - 4..].iter().collect();
    format!("{}{last4}", "•".repeat(digits.len() - 4))
}

/// 13 to 19 digits (spaces and dashes allowed between them) that pass the Luhn check.
fn looks_like_card_number(value: &str) -> bool {
    if !value
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    {
        return false;
    }
    let digits: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn is_secret_key(value: &str) -> bool {
    ["sk_", "rk_", "whsec_"]
        .iter()
        .any(|prefix| value.starts_with(prefix))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_cvcs_and_secrets_are_redacted() {
        let input = b"amount=2000&currency=usd&payment_method_data[card][number]=4242424242424242\
            &payment_method_data[card][cvc]=123&payment_method_data[card][exp_month]=12\
            &client_secret=pi_1_secret_abc&metadata[note]=4000 0000 0000 0002\
            &metadata[key]=sk_test_abc&metadata[order]=1234&expand[]=customer";
        let params = redacted_params(input);
        let card = &params["payment_method_data"]["card"];
        assert_eq!(card["number"], "••••••••••••4242");
        assert_eq!(card.get("cvc"), None, "a CVC is left out, key and all");
        assert_eq!(card["exp_month"], "12");
        assert_eq!(params["client_secret"], REDACTED);
        assert_eq!(params["metadata"]["note"], "••••••••••••0002");
        assert_eq!(params["metadata"]["key"], REDACTED);
        assert_eq!(params["metadata"]["order"], "1234");
        assert_eq!(params["amount"], "2000");
        assert_eq!(params["expand"], serde_json::json!(["customer"]));
        let text = params.to_string();
        assert!(!text.contains("4242424242424242") && !text.contains("123\""));
    }

    #[test]
    fn digits_that_fail_luhn_and_bad_forms_are_kept_or_summarised() {
        let params = redacted_params(b"description=4242424242424241");
        assert_eq!(params["description"], "4242424242424241");
        let params = redacted_params(b"a[=1");
        assert_eq!(params["(unparsable)"], "4 bytes");
        assert_eq!(redacted_params(b""), serde_json::json!({}));
    }
}
