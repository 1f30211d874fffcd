//! Returning shoppers on the checkout page. The first visit gets a Customer and a cookie
//! naming the shop's own shopper id for it; every visit gets a CustomerSession for that
//! Customer, whose client secret lets the Payment Element show the cards saved last time,
//! offer to save a new one, and remove one. Payments from the page are made as that
//! Customer, so a card saved while paying is saved to it.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::{App, Failure};

/// The cookie holding the shop's shopper id (never the Customer's id).
const SHOPPER_COOKIE: &str = "shop_shopper";
/// A year: the shop remembers a browser as long as the cookie lives.
const COOKIE_SECONDS: u32 = 365 * 24 * 3600;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionAnswer {
    customer_session_client_secret: String,
}

/// `POST /api/customer-session`: the page's CustomerSession, and on a first visit the cookie.
pub async fn customer_session(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let (customer, new_shopper) = match customer_of(&app, &headers).await? {
        Some(customer) => (customer, None),
        None => {
            let customer = app.gateway.create_customer(None).await?;
            let shopper = app.orders.add_shopper(&customer).await?;
            (customer, Some(shopper))
        }
    };
    let secret = app.gateway.customer_session(&customer).await?;
    let mut response = Json(SessionAnswer {
        customer_session_client_secret: secret,
    })
    .into_response();
    if let Some(shopper) = new_shopper {
        let cookie = format!(
            "{SHOPPER_COOKIE}={shopper}; Path=/; HttpOnly; SameSite=Lax; Max-Age={COOKIE_SECONDS}"
        );
        let value = HeaderValue::from_str(&cookie).map_err(|_| {
            Failure::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side. Please try again.",
            )
        })?;
        response.headers_mut().insert(SET_COOKIE, value);
    }
    Ok(response)
}

/// The Customer of the request's shopper cookie, if the shop knows it.
pub async fn customer_of(app: &App, headers: &HeaderMap) -> Result<Option<String>, Failure> {
    match shopper_id(headers) {
        Some(shopper) => Ok(app.orders.shopper_customer(&shopper).await?),
        None => Ok(None),
    }
}

/// The shopper id in the `Cookie` header(s).
fn shopper_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SHOPPER_COOKIE)
        .map(|(_, value)| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shopper_id_is_read_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            HeaderValue::from_static("a=1; shop_shopper=shopper_x; b=2"),
        );
        assert_eq!(shopper_id(&headers).as_deref(), Some("shopper_x"));
        let mut other = HeaderMap::new();
        other.append(COOKIE, HeaderValue::from_static("shop_shopperx=1"));
        assert_eq!(shopper_id(&other), None);
    }
}
