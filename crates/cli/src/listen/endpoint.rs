//! The webhook endpoint `tender listen` relays from, kept from one run to the next.
//!
//! `stripe listen`'s signing secret "will not change between restarts", so developers keep it
//! in a .env file. Tender, like Stripe, shows an endpoint's secret only when the endpoint is
//! created; so `listen` keeps its endpoint and remembers the id and secret in
//! `.tender/listen.json` (one entry per server and account used from this folder). On ^C it
//! disables the endpoint rather than deleting it; the next run points the endpoint at its
//! new relay and enables it again. A run that was killed left its endpoint enabled, pointing
//! at a dead relay: the next run takes it over the same way.
//!
//! A second `listen` while the first still runs gets a temporary endpoint of its own (with
//! its own secret), deleted when it stops; one left behind by a killed run is deleted by the
//! next `listen`. Whether a relay is still running is asked of the relay itself
//! ([`RELAY_GREETING`]). See decision 0011.

use std::path::Path;

use serde_json::{Value, json};

use crate::client::{ApiClient, message};
use crate::locate;

/// What a relay answers to `GET /`, so that another `listen` can tell it is alive.
pub const RELAY_GREETING: &str = "tender listen relay";
const STATE: &str = ".tender/listen.json";
const DESCRIPTION: &str = "tender listen";
const TEMPORARY: &str = "tender listen (temporary)";

pub struct Endpoint {
    pub id: String,
    pub secret: String,
    /// Deleted on exit instead of disabled.
    temporary: bool,
}

/// This folder's endpoint, enabled and pointing at `relay`; made if there is none.
pub async fn take(client: &ApiClient, relay: &str, events: &[String]) -> Result<Endpoint, String> {
    let mut busy = false;
    for kept in saved() {
        let Some(found) = fetch(client, &kept.id).await? else {
            continue;
        };
        let url = found["url"].as_str().unwrap_or_default();
        if found["status"] == "enabled" && relay_alive(url).await {
            busy = true;
            continue;
        }
        let mut form = vec![("url", relay), ("disabled", "false")];
        form.extend(event_form(events));
        expect_ok(
            client
                .post(&format!("/v1/webhook_endpoints/{}", kept.id), &form)
                .await?,
            "cannot take over the endpoint",
        )?;
        return Ok(kept);
    }
    remove_left_behind(client).await?;
    if busy {
        eprintln!(
            "tender: another `tender listen` is running in this folder; this one gets a \
             temporary endpoint with a secret of its own"
        );
    }
    create(client, relay, events, busy).await
}

/// The secret of this folder's endpoint, made (disabled, until a `listen` runs) if needed.
pub async fn secret(client: &ApiClient) -> Result<String, String> {
    for kept in saved() {
        if fetch(client, &kept.id).await?.is_some() {
            return Ok(kept.secret);
        }
    }
    // No relay runs yet: a URL nothing answers on (the discard port), disabled at once; the
    // next `listen` points it at its relay.
    let made = create(client, "http://127.0.0.1:9/", &[], false).await?;
    expect_ok(
        client
            .post(
                &format!("/v1/webhook_endpoints/{}", made.id),
                &[("disabled", "true")],
            )
            .await?,
        "cannot disable the new endpoint",
    )?;
    Ok(made.secret)
}

/// On exit: a temporary endpoint is deleted; the kept one is disabled, unless another
/// `listen` has taken it over meanwhile.
pub async fn release(client: &ApiClient, endpoint: &Endpoint, relay: &str) -> Result<(), String> {
    let path = format!("/v1/webhook_endpoints/{}", endpoint.id);
    if endpoint.temporary {
        return expect_ok(client.delete(&path).await?, "cannot delete the endpoint");
    }
    match fetch(client, &endpoint.id).await? {
        Some(found) if found["url"] == relay => expect_ok(
            client.post(&path, &[("disabled", "true")]).await?,
            "cannot disable the endpoint",
        ),
        _ => Ok(()),
    }
}

async fn create(
    client: &ApiClient,
    relay: &str,
    events: &[String],
    temporary: bool,
) -> Result<Endpoint, String> {
    let description = if temporary { TEMPORARY } else { DESCRIPTION };
    let mut form = vec![("url", relay), ("description", description)];
    form.extend(event_form(events));
    let (status, answer) = client.post("/v1/webhook_endpoints", &form).await?;
    let field = |name: &str| answer[name].as_str().map(str::to_owned);
    let (Some(id), Some(secret), 200) = (field("id"), field("secret"), status) else {
        return Err(format!(
            "cannot register the endpoint: {}",
            message(&answer)
        ));
    };
    let endpoint = Endpoint {
        id,
        secret,
        temporary,
    };
    if !temporary {
        remember(&endpoint)?;
    }
    Ok(endpoint)
}

/// Deletes the temporary endpoints of `listen` runs that were killed.
async fn remove_left_behind(client: &ApiClient) -> Result<(), String> {
    let (status, list) = client.get("/v1/webhook_endpoints?limit=100").await?;
    if status != 200 {
        return Err(format!("cannot list webhook endpoints: {}", message(&list)));
    }
    for endpoint in list["data"].as_array().into_iter().flatten() {
        let (Some(id), Some(url)) = (endpoint["id"].as_str(), endpoint["url"].as_str()) else {
            continue;
        };
        if endpoint["description"] == TEMPORARY && !relay_alive(url).await {
            expect_ok(
                client
                    .delete(&format!("/v1/webhook_endpoints/{id}"))
                    .await?,
                "cannot delete a left-behind endpoint",
            )?;
        }
    }
    Ok(())
}

/// The endpoint, if it exists for this key's account.
async fn fetch(client: &ApiClient, id: &str) -> Result<Option<Value>, String> {
    let (status, answer) = client.get(&format!("/v1/webhook_endpoints/{id}")).await?;
    match status {
        200 => Ok(Some(answer)),
        404 => Ok(None),
        _ => Err(format!("cannot read endpoint {id}: {}", message(&answer))),
    }
}

/// Whether a `tender listen` relay answers at `url`: a short timeout, as a dead relay's port
/// normally refuses at once.
async fn relay_alive(url: &str) -> bool {
    let Ok(http) = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(500))
        .build()
    else {
        return false;
    };
    match http.get(url).send().await {
        Ok(response) => response.text().await.is_ok_and(|t| t == RELAY_GREETING),
        Err(_) => false,
    }
}

fn event_form(events: &[String]) -> Vec<(&'static str, &str)> {
    if events.is_empty() {
        return vec![("enabled_events[]", "*")];
    }
    events
        .iter()
        .map(|e| ("enabled_events[]", e.as_str()))
        .collect()
}

fn expect_ok((status, answer): (u16, Value), what: &str) -> Result<(), String> {
    if status == 200 {
        Ok(())
    } else {
        Err(format!("{what}: {}", message(&answer)))
    }
}

/// The endpoints remembered in this folder, oldest first.
fn saved() -> Vec<Endpoint> {
    let Ok(text) = std::fs::read_to_string(STATE) else {
        return Vec::new();
    };
    let state: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    state["endpoints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            Some(Endpoint {
                id: entry["id"].as_str()?.to_owned(),
                secret: entry["secret"].as_str()?.to_owned(),
                temporary: false,
            })
        })
        .collect()
}

fn remember(endpoint: &Endpoint) -> Result<(), String> {
    let mut entries: Vec<Value> = saved()
        .into_iter()
        .map(|e| json!({"id": e.id, "secret": e.secret}))
        .collect();
    entries.push(json!({"id": endpoint.id, "secret": endpoint.secret}));
    let text = format!("{}\n", json!({"endpoints": entries}));
    locate::write_private(Path::new(STATE), &text).map_err(|e| format!("cannot save {STATE}: {e}"))
}
