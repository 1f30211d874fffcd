//! Developers: the account's API keys. The secret key is masked until revealed, and revealing
//! is a POST with the CSRF token, so that the key is not in the page until asked for.

use maud::{Markup, html};

use super::super::layout::csrf_field;
use super::super::session::Session;

pub fn page(session: &Session, reveal: bool) -> Markup {
    let account = &session.account;
    let secret = &account.secret_key;
    let masked = format!(
        "{}••••••••{}",
        secret.get(..8).unwrap_or(""),
        secret.get(secret.len().saturating_sub(4)..).unwrap_or("")
    );
    html! {
        div.heading { h1 { "Developers" } p.muted { "API keys of account " span.mono { (account.id) } "." } }
        dl.summary.keys {
            dt { "Publishable key" } dd.mono { (account.publishable_key) }
            dt { "Secret key" }
            dd.mono {
                @if reveal { span #secret-key { (secret) } }
                @else {
                    span #secret-key { (masked) }
                    form.inline method="post" action="/dashboard/developers/reveal" {
                        (csrf_field(session))
                        button type="submit" { "Reveal secret key" }
                    }
                }
            }
        }
        p.muted { "Point Stripe's SDKs at this server with its base URL and the secret key; Stripe.js takes the publishable key." }
    }
}
