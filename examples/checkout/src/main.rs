//! `checkout`: the shop on its own, against Stripe or a Tender started separately.
//!
//! ```sh
//! STRIPE_SECRET_KEY=sk_test_… STRIPE_PUBLISHABLE_KEY=pk_test_… STRIPE_WEBHOOK_SECRET=whsec_… \
//!     cargo run -p tender-checkout
//! ```
//!
//! `tender dev` does all of this (Tender, keys, webhook endpoint, shop) in one command.

use std::io::IsTerminal;
use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("CHECKOUT_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let result = match tender_checkout::Config::from_env() {
        Ok(config) => tender_checkout::run(&config).await,
        Err(error) => Err(error.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("checkout: {error}");
            ExitCode::FAILURE
        }
    }
}
