//! `tender fixtures FILE.json`: runs the API calls of a fixtures file in the format of the
//! Stripe CLI's `stripe fixtures`, to seed products, customers, payment methods and payments.
//!
//! The file: `{"_meta": {"template_version": 0}, "fixtures": [{"name", "path", "method",
//! "params", "expected_error_type"?, "idempotency_key"?}, …]}`. A string in `path`, `params`
//! or `idempotency_key` may refer to an earlier fixture's answer, `${customer:id}`,
//! `${pi:charges.data.0.id}` (dots walk objects and array indexes), or to the environment,
//! `${.env:VAR}`, each with an optional default, `${name:path|default}`. Parameters become a
//! form as the Stripe CLI builds it (`metadata[order]=1`, `items[0][price]=…`).
//!
//! Unlike the Stripe CLI, a reference that resolves to nothing fails the run (naming it)
//! instead of sending its text, and the file's `env` block (which the Stripe CLI writes into
//! an existing `.env`) is not applied: the command says so (decision 0020).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::client::{ApiClient, message};

/// The newest `template_version` the Stripe CLI (and so this command) knows.
const TEMPLATE_VERSION: u64 = 0;

#[derive(Deserialize)]
struct FixtureFile {
    #[serde(rename = "_meta", default)]
    meta: Meta,
    fixtures: Vec<Fixture>,
    #[serde(default)]
    env: Map<String, Value>,
}

#[derive(Deserialize, Default)]
struct Meta {
    #[serde(default)]
    template_version: u64,
}

#[derive(Deserialize)]
struct Fixture {
    name: String,
    path: String,
    #[serde(default = "post")]
    method: String,
    #[serde(default)]
    params: Map<String, Value>,
    #[serde(default)]
    expected_error_type: Option<String>,
    #[serde(default)]
    idempotency_key: Option<String>,
}

fn post() -> String {
    "post".into()
}

pub async fn run(client: &ApiClient, file: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let parsed: FixtureFile = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a fixtures file: {e}", file.display()))?;
    if parsed.meta.template_version > TEMPLATE_VERSION {
        return Err(format!(
            "fixture template_version {} is not supported (the newest is {TEMPLATE_VERSION})",
            parsed.meta.template_version
        ));
    }
    if !parsed.env.is_empty() {
        eprintln!("tender: the file's `env` block is not applied (write the values yourself)");
    }
    let mut answers: HashMap<String, Value> = HashMap::new();
    for fixture in &parsed.fixtures {
        let answer = run_one(client, fixture, &answers)
            .await
            .map_err(|e| format!("fixture {:?}: {e}", fixture.name))?;
        answers.insert(fixture.name.clone(), answer);
    }
    Ok(())
}

async fn run_one(
    client: &ApiClient,
    fixture: &Fixture,
    answers: &HashMap<String, Value>,
) -> Result<Value, String> {
    let method = match fixture.method.to_ascii_lowercase().as_str() {
        "post" => reqwest::Method::POST,
        "get" => reqwest::Method::GET,
        "delete" => reqwest::Method::DELETE,
        other => return Err(format!("unknown method {other:?} (post, get or delete)")),
    };
    let path = resolve(&fixture.path, answers)?;
    if !path.starts_with("/v1/") {
        return Err(format!("path {path:?} does not start with /v1/"));
    }
    let mut form = Vec::new();
    flatten(&fixture.params, "", answers, &mut form)?;
    let key = match &fixture.idempotency_key {
        Some(key) => Some(resolve(key, answers)?),
        None => None,
    };
    let (status, answer) = client
        .call(method.clone(), &path, &form, key.as_deref())
        .await?;
    let error_type = answer["error"]["type"].as_str();
    if (200..300).contains(&status) {
        println!(
            "{:<20} {method} {path} -> {}",
            fixture.name,
            answer["id"].as_str().unwrap_or("ok")
        );
    } else if error_type.is_some() && error_type == fixture.expected_error_type.as_deref() {
        println!(
            "{:<20} {method} {path} -> {status} {} (expected)",
            fixture.name,
            error_type.unwrap_or_default()
        );
    } else {
        return Err(format!("{method} {path} -> {status}: {}", message(&answer)));
    }
    Ok(answer)
}

/// The form pairs of `params` under `prefix` (`""` at the top), as the Stripe CLI builds
/// them: nested objects as `a[b]`, arrays as `a[0]`, `null` left out.
fn flatten(
    params: &Map<String, Value>,
    prefix: &str,
    answers: &HashMap<String, Value>,
    form: &mut Vec<(String, String)>,
) -> Result<(), String> {
    for (key, value) in params {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}[{key}]")
        };
        flatten_value(value, name, answers, form)?;
    }
    Ok(())
}

fn flatten_value(
    value: &Value,
    name: String,
    answers: &HashMap<String, Value>,
    form: &mut Vec<(String, String)>,
) -> Result<(), String> {
    match value {
        Value::Null => {}
        Value::Object(map) => flatten(map, &name, answers, form)?,
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten_value(item, format!("{name}[{i}]"), answers, form)?;
            }
        }
        Value::String(text) => form.push((name, resolve(text, answers)?)),
        Value::Bool(b) => form.push((name, b.to_string())),
        Value::Number(n) => form.push((name, number(n))),
    }
    Ok(())
}

/// `25.0` is sent as `25` (JSON numbers are floats to the Stripe CLI too), `3.5` as is.
fn number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        _ => n.to_string(),
    }
}

/// `text` with each `${name:path|default}` replaced by what it names.
fn resolve(text: &str, answers: &HashMap<String, Value>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed reference in {text:?}"))?;
        out.push_str(&lookup(&after[..end], answers)?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// One reference's value: `name:path` or `.env:VAR`, then `|default` when it has none.
fn lookup(reference: &str, answers: &HashMap<String, Value>) -> Result<String, String> {
    let (query, default) = match reference.split_once('|') {
        Some((query, default)) => (query, Some(default)),
        None => (reference, None),
    };
    let (name, path) = query
        .split_once(':')
        .ok_or_else(|| format!("reference ${{{reference}}} is not ${{name:path}}"))?;
    let found = if name == ".env" {
        std::env::var(path).ok().filter(|v| !v.is_empty())
    } else {
        let answer = answers.get(name).ok_or_else(|| {
            format!("reference ${{{reference}}} names no earlier fixture {name:?}")
        })?;
        walk(answer, path)
    };
    found
        .or_else(|| default.map(str::to_owned))
        .ok_or_else(|| format!("reference ${{{reference}}} resolves to nothing"))
}

/// The scalar at `path` (`a.b.0.c`) of `value`, as form text.
fn walk(value: &Value, path: &str) -> Option<String> {
    let mut at = value;
    for segment in path.split('.') {
        at = match at {
            Value::Object(map) => map.get(segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    match at {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(number(n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    fn answers() -> HashMap<String, Value> {
        HashMap::from([
            (
                "customer".to_owned(),
                json!({"id": "cus_1", "address": {"city": "Paris"}}),
            ),
            (
                "pi".to_owned(),
                json!({"charges": {"data": [{"id": "ch_1"}]}, "amount": 2000}),
            ),
        ])
    }

    #[test]
    fn references_resolve_from_answers_environment_and_defaults() {
        let answers = answers();
        assert_eq!(resolve("${customer:id}", &answers).unwrap(), "cus_1");
        assert_eq!(
            resolve("/v1/customers/${customer:id}/x", &answers).unwrap(),
            "/v1/customers/cus_1/x"
        );
        assert_eq!(
            resolve("${customer:address.city}", &answers).unwrap(),
            "Paris"
        );
        assert_eq!(
            resolve("${pi:charges.data.0.id}", &answers).unwrap(),
            "ch_1"
        );
        assert_eq!(resolve("${pi:amount}", &answers).unwrap(), "2000");
        assert_eq!(
            resolve("${pi:nope|fallback}", &answers).unwrap(),
            "fallback"
        );
        assert_eq!(
            resolve("${.env:PATH}", &answers).unwrap(),
            std::env::var("PATH").unwrap()
        );
        assert_eq!(
            resolve("${.env:TENDER_SURELY_UNSET_VARIABLE|x}", &answers).unwrap(),
            "x"
        );
        assert!(
            resolve("${pi:nope}", &answers)
                .unwrap_err()
                .contains("nothing")
        );
        assert!(
            resolve("${later:id}", &answers)
                .unwrap_err()
                .contains("later")
        );
        assert!(resolve("${customer:id", &answers).is_err());
    }

    #[test]
    fn params_flatten_as_the_stripe_cli_does() {
        let params = json!({
            "amount": 2000,
            "rate": 2.50,
            "round": 25.0,
            "confirm": true,
            "skip": null,
            "customer": "${customer:id}",
            "metadata": {"order": "42"},
            "payment_method_types": ["card"],
            "items": [{"price": "price_1", "quantity": 2}],
        });
        let mut form = Vec::new();
        flatten(params.as_object().unwrap(), "", &answers(), &mut form).unwrap();
        form.sort();
        let expected = [
            ("amount", "2000"),
            ("confirm", "true"),
            ("customer", "cus_1"),
            ("items[0][price]", "price_1"),
            ("items[0][quantity]", "2"),
            ("metadata[order]", "42"),
            ("payment_method_types[0]", "card"),
            ("rate", "2.5"),
            ("round", "25"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(form, expected);
    }
}
