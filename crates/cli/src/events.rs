//! `tender events resend evt_… [--webhook-endpoint we_…]`: the Stripe CLI's `stripe events
//! resend`, on the same endpoint (`POST /v1/events/:id/retry`, decision 0020).

use clap::Subcommand;

use crate::client::{ApiClient, message};

#[derive(Subcommand)]
pub enum EventsCommand {
    /// Deliver an event again: to one webhook endpoint, or to every enabled endpoint
    /// subscribed to its type (`tender listen`'s included). Each resend is a new delivery,
    /// shown by `tender deliveries --event evt_…`.
    Resend {
        /// The event (`evt_…`).
        event: String,
        /// Only this endpoint (`we_…`), even if disabled or not subscribed to the type.
        #[arg(long)]
        webhook_endpoint: Option<String>,
    },
}

pub async fn run(client: &ApiClient, command: EventsCommand) -> Result<(), String> {
    match command {
        EventsCommand::Resend {
            event,
            webhook_endpoint,
        } => resend(client, &event, webhook_endpoint.as_deref()).await,
    }
}

async fn resend(client: &ApiClient, event: &str, endpoint: Option<&str>) -> Result<(), String> {
    let form: Vec<(&str, &str)> = match endpoint {
        Some(endpoint) => vec![("webhook_endpoint", endpoint)],
        // What the Stripe CLI sends without --webhook-endpoint.
        None => vec![("for_stripecli", "true")],
    };
    // The id goes in the path as given: anything but an id is answered 404 by the server.
    let path = format!("/v1/events/{}/retry", encode_segment(event));
    let (status, answer) = client.post(&path, &form).await?;
    if status != 200 {
        return Err(message(&answer));
    }
    println!(
        "{} ({}) resent to {}",
        answer["id"].as_str().unwrap_or(event),
        answer["type"].as_str().unwrap_or(""),
        endpoint.unwrap_or("every endpoint subscribed to it")
    );
    Ok(())
}

/// Keeps a path segment one segment: `/`, `?`, `#` and `%` would change the URL.
fn encode_segment(segment: &str) -> String {
    segment
        .replace('%', "%25")
        .replace('/', "%2F")
        .replace('?', "%3F")
        .replace('#', "%23")
}
