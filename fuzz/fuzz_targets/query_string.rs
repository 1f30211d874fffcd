//! The query-string decoder as a list endpoint reads it: decode, then pagination, `created`,
//! `expand[]=data.…` and the filters the list endpoints take, then `finish`. Retrieve
//! endpoints read only `expand`. No panic; every refusal is a well-formed 4xx; an accepted
//! page obeys the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tender_wire::Params;
use tender_wire::expand::Expand;
use tender_wire::list::{ListParams, MAX_LIMIT, Page};

fuzz_target!(|data: &[u8]| {
    if tender_fuzz::decode_checked(data).is_none() {
        return;
    }
    let Ok(params) = Params::from_form(data) else {
        panic!("decode accepted but from_form refused");
    };
    if let Err(error) = list(params.clone()) {
        tender_fuzz::check_error(&error);
    }
    if let Err(error) = retrieve(params) {
        tender_fuzz::check_error(&error);
    }
});

fn list(mut p: Params) -> Result<(), tender_wire::ApiError> {
    let page = ListParams::take(&mut p)?;
    assert!(
        (1..=MAX_LIMIT).contains(&page.limit),
        "limit {}",
        page.limit
    );
    if let Page::StartingAfter(id) | Page::EndingBefore(id) = &page.page {
        assert!(!id.is_empty(), "an empty cursor was accepted");
    }
    let expand = Expand::parse(&p.expand()?)?.for_list_items()?;
    for field in expand.fields() {
        assert!(!field.is_empty());
        let _ = expand.under(field);
    }
    // The filters of /v1/events, /v1/customers, /v1/payment_methods, /v1/refunds, …
    let _ = p.string("type")?;
    let _ = p.string_list("types")?;
    let _ = p.string("email")?;
    let _ = p.string("customer")?;
    let _ = p.string("payment_intent")?;
    let _ = p.string("charge")?;
    let _ = p.enumeration(
        "status",
        &["requires_payment_method", "succeeded", "canceled"],
    )?;
    p.ignore(&["delivery_success", "test_clock"]);
    p.finish()
}

fn retrieve(mut p: Params) -> Result<(), tender_wire::ApiError> {
    let paths = p.expand()?;
    let expand = Expand::parse(&paths)?;
    assert!(expand.fields().len() <= paths.len());
    let _ = p.string("client_secret")?;
    p.finish()
}
