//! One module per section of the dashboard; each renders a list and a detail view.

pub mod clocks;
pub mod customers;
pub mod deliveries;
pub mod developers;
pub mod events;
pub mod invoices;
pub mod logs;
pub mod payment;
pub mod payments;
pub mod subscriptions;
pub mod webhooks;

use maud::{Markup, html};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::data::Page;

/// What is percent-encoded in a link's path segment or query value: all but letters, digits,
/// `_`, `-` and `.` (ids stay readable).
pub const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'_').remove(b'-').remove(b'.');

/// `base?k=v&…` with the non-empty filters, percent-encoded.
pub fn url(base: &str, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, COMPONENT)))
        .collect();
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", query.join("&"))
    }
}

/// "Newer" and "Older" links of a list page, keeping its filters.
pub fn pager(
    base: &str,
    filters: &[(&str, &str)],
    previous: Option<&str>,
    next: Option<&str>,
) -> Markup {
    let with = |key: &'static str, id: &str| {
        let mut params = filters.to_vec();
        params.push((key, id));
        url(base, &params)
    };
    html! {
        nav.pager aria-label="Pages" {
            @if let Some(id) = previous { a rel="prev" href=(with("ending_before", id)) { "← Newer" } }
            @if let Some(id) = next { a rel="next" href=(with("starting_after", id)) { "Older →" } }
        }
    }
}

/// The pager of a [`Page`], saying so when a filtered page stopped looking before it filled.
pub fn page_nav(base: &str, filters: &[(&str, &str)], page: &Page) -> Markup {
    html! {
        @if page.window_ended {
            p.note role="status" {
                "Looked at " (super::data::WINDOW) " objects for this filter and found "
                (page.items.len()) " here; more lie beyond them."
            }
        }
        (pager(base, filters, page.previous.as_deref(), page.next.as_deref()))
    }
}

/// A message row for an empty list.
pub fn empty(columns: usize, text: &str) -> Markup {
    html! { tr { td.empty colspan=(columns) { (text) } } }
}
