//! `tender listen --forward-to URL`: like `stripe listen`. It points a webhook endpoint at a
//! small relay inside this process, prints the endpoint's signing secret, and relays every
//! delivery — body and `Stripe-Signature` unchanged, so the receiver verifies it with that
//! secret — to the receiver, printing one line per event. The receiver's status goes back to
//! Tender, so a failing receiver gets Tender's retries. The endpoint, and so its secret, is
//! kept from one run to the next ([`endpoint`]).

mod endpoint;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use clap::Args;
use serde_json::Value;

use crate::ApiArgs;
use crate::serve::shutdown_signal;

#[derive(Args)]
pub struct ListenArgs {
    /// Where to forward events, e.g. http://localhost:4242/webhook.
    #[arg(long, required_unless_present = "print_secret")]
    forward_to: Option<String>,
    /// Only these event types (comma-separated); all by default.
    #[arg(long, value_delimiter = ',')]
    events: Vec<String>,
    /// Print the signing secret and exit (e.g. to write a .env file).
    #[arg(long)]
    print_secret: bool,
    #[command(flatten)]
    api: ApiArgs,
}

struct Relay {
    forward_to: String,
    http: reqwest::Client,
}

pub async fn listen(args: ListenArgs) -> Result<(), String> {
    let client = args.api.client().await?;
    // `--print-secret` wins over `--forward-to`: print, change nothing, exit.
    let Some(forward_to) = args.forward_to.filter(|_| !args.print_secret) else {
        println!("{}", endpoint::secret(&client).await?);
        return Ok(());
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot open the relay: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let relay = Arc::new(Relay {
        forward_to: forward_to.clone(),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?,
    });
    let app = Router::new()
        .route(
            "/",
            post(relay_delivery).get(|| async { endpoint::RELAY_GREETING }),
        )
        .with_state(relay);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let relay_url = format!("http://127.0.0.1:{port}/");
    let taken = endpoint::take(&client, &relay_url, &args.events).await;
    let endpoint = match taken {
        Ok(endpoint) => endpoint,
        Err(error) => {
            server.abort();
            return Err(error);
        }
    };
    println!(
        "Ready! Your webhook signing secret is {} (^C to quit)",
        endpoint.secret
    );
    println!(
        "Forwarding {} to {forward_to}",
        if args.events.is_empty() {
            "all events".to_owned()
        } else {
            args.events.join(", ")
        }
    );

    shutdown_signal().await;
    server.abort();
    endpoint::release(&client, &endpoint, &relay_url).await
}

async fn relay_delivery(
    State(relay): State<Arc<Relay>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let event_type = event["type"].as_str().unwrap_or("?");
    let event_id = event["id"].as_str().unwrap_or("?");
    println!("{}  --> {event_type} [{event_id}]", clock());
    let mut request = relay
        .http
        .post(&relay.forward_to)
        .header("content-type", "application/json; charset=utf-8")
        .body(body);
    if let Some(signature) = headers.get("stripe-signature") {
        request = request.header("stripe-signature", signature.clone());
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            println!(
                "{}  <-- [{}] POST {} [{event_id}]",
                clock(),
                status.as_u16(),
                relay.forward_to
            );
            StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY)
        }
        Err(error) => {
            println!(
                "{}  <-- [ERROR] POST {}: {error} [{event_id}]",
                clock(),
                relay.forward_to
            );
            StatusCode::BAD_GATEWAY
        }
    }
}

/// `HH:MM:SS` in UTC, for the log lines.
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}
