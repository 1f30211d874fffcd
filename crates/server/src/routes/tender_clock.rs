//! `/v1/test_helpers/tender_clock`: a Tender-only test helper that moves the time requests
//! see (`crate::clock`), so that tests reach "23 hours later" without sleeping. Served only
//! by a server started with a test clock; elsewhere the paths are unknown (404), as on
//! Stripe. Not Stripe's test clocks (`/v1/test_helpers/test_clocks`), which simulate time for
//! the objects attached to one clock.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::{Value, json};
use tender_wire::{ApiError, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Reply};
use crate::scheduler::run_due;
use crate::state::AppState;

const PATH: &str = "/v1/test_helpers/tender_clock";
const ADVANCE_PATH: &str = "/v1/test_helpers/tender_clock/advance";

/// At most ten years at once: enough for any period, small enough to never overflow.
const MAX_ADVANCE: i64 = 10 * 366 * 86_400;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/test_helpers/tender_clock", get(retrieve))
        .route("/v1/test_helpers/tender_clock/advance", post(advance))
}

async fn retrieve(api: Api) -> Reply {
    show(&api.ctx, api.params, "GET", PATH).into()
}

/// Moves the clock, then runs the scheduled jobs that fell due meanwhile (unpaid
/// subscriptions expire, periods renew), so the answer comes once the objects show the new
/// time.
async fn advance(api: Api) -> Reply {
    let moved = match move_forward(&api.ctx, api.params) {
        Ok(moved) => moved,
        Err(error) => return Reply::from(Err::<Value, _>(error)),
    };
    if let Err(error) = run_due(&api.ctx.state).await {
        return Reply::from(Err::<Value, _>(error));
    }
    Reply::from(Ok::<_, ApiError>(moved))
}

fn show(ctx: &Ctx, params: Params, method: &str, path: &str) -> Result<Value, ApiError> {
    check_served(ctx, method, path)?;
    params.finish()?;
    Ok(render(ctx))
}

/// Moves the clock `seconds` forward (a positive integer).
fn move_forward(ctx: &Ctx, mut params: Params) -> Result<Value, ApiError> {
    check_served(ctx, "POST", ADVANCE_PATH)?;
    let seconds = params.required_integer("seconds")?;
    params.finish()?;
    if !(1..=MAX_ADVANCE).contains(&seconds) {
        return Err(ApiError::invalid_request(format!(
            "`seconds` must be between 1 and {MAX_ADVANCE}; the clock only moves forward."
        ))
        .with_param("seconds"));
    }
    ctx.state.clock.advance(seconds);
    Ok(render(ctx))
}

fn check_served(ctx: &Ctx, method: &str, path: &str) -> Result<(), ApiError> {
    if ctx.state.clock.is_controllable() {
        Ok(())
    } else {
        Err(ApiError::unrecognized_url(method, path))
    }
}

fn render(ctx: &Ctx) -> Value {
    let clock = &ctx.state.clock;
    json!({
        "object": "tender_clock",
        "now": clock.now(),
        "offset": clock.offset(),
    })
}
