#![allow(clippy::expect_used)]

use tender_wire::Params;

use super::*;
use crate::billing::renewal::tests::monthly;
use crate::price::Interval;

/// 1 Jan 2027 00:00 UTC.
const JAN_1: Timestamp = 1_798_761_600;
const FEB_1: Timestamp = JAN_1 + 31 * 86_400;

fn changes(form: &str) -> Vec<ItemChange> {
    let mut p = Params::from_form(form.as_bytes()).expect("form");
    p.object_list("items")
        .expect("items")
        .expect("some items")
        .into_iter()
        .map(take_item_change)
        .collect::<Result<_, _>>()
        .expect("changes")
}

/// A price like the subscription's (`price_1`, $20 a month), with another id and amount.
fn price(id: &str, unit_amount: i64) -> Price {
    let mut price = monthly("active", JAN_1, FEB_1).items.data[0].price.clone();
    price.id = id.to_owned();
    price.unit_amount = Some(unit_amount);
    price
}

fn apply(form: &str, prices: &[Option<Price>]) -> Result<(Subscription, Vec<ItemDiff>), ApiError> {
    let mut sub = monthly("active", JAN_1, FEB_1);
    let mut next = 0;
    let diffs = apply_item_changes(&mut sub, &changes(form), prices, JAN_1 + 86_400, || {
        next += 1;
        format!("si_new{next}")
    })?;
    Ok((sub, diffs))
}

#[test]
fn changing_an_items_price_keeps_the_item_and_its_period() {
    let (sub, diffs) = apply(
        "items[0][id]=si_1&items[0][price]=price_2",
        &[Some(price("price_2", 5000))],
    )
    .expect("applied");
    let item = &sub.items.data[0];
    assert_eq!(
        (item.id.as_str(), item.price.id.as_str(), item.quantity),
        ("si_1", "price_2", 1)
    );
    assert_eq!(item.plan["id"], "price_2");
    assert_eq!(item.plan["amount"], 5000);
    assert_eq!(
        (item.current_period_start, item.current_period_end),
        (JAN_1, FEB_1)
    );
    assert_eq!(diffs.len(), 1);
    let before = diffs[0].before.as_ref().expect("before");
    let after = diffs[0].after.as_ref().expect("after");
    assert_eq!(
        (before.price.id.as_str(), after.price.id.as_str()),
        ("price_1", "price_2")
    );
    assert!(diffs[0].changes_billing());
}

#[test]
fn an_item_without_an_id_is_added_in_the_current_period() {
    let (sub, diffs) = apply(
        "items[0][price]=price_2&items[0][quantity]=3&items[0][metadata][seat]=extra",
        &[Some(price("price_2", 500))],
    )
    .expect("applied");
    assert_eq!(sub.items.data.len(), 2);
    let added = &sub.items.data[1];
    assert_eq!(added.id, "si_new1");
    assert_eq!(added.quantity, 3);
    assert_eq!(added.subscription, "sub_1");
    assert_eq!(
        added.metadata.get("seat").map(String::as_str),
        Some("extra")
    );
    assert_eq!(
        (added.current_period_start, added.current_period_end),
        (JAN_1, FEB_1)
    );
    assert_eq!(added.created, JAN_1 + 86_400);
    assert_eq!(diffs[0].before, None);
    assert_eq!(diffs[0].after.as_ref().map(|b| b.quantity), Some(3));
}

#[test]
fn deleting_an_item_removes_it_but_never_the_last_one() {
    let (sub, diffs) = apply(
        "items[0][id]=si_1&items[0][deleted]=true&items[1][price]=price_2",
        &[None, Some(price("price_2", 500))],
    )
    .expect("applied");
    let ids: Vec<&str> = sub.items.data.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, vec!["si_new1"]);
    assert_eq!(diffs[0].after, None);
    assert_eq!(diffs[0].item, "si_1");

    let error = apply("items[0][id]=si_1&items[0][deleted]=true", &[None]).expect_err("refused");
    assert_eq!(error.param.as_deref(), Some("items"));
}

#[test]
fn two_items_of_one_price_are_refused_with_stripes_message() {
    let error =
        apply("items[0][price]=price_1", &[Some(price("price_1", 2000))]).expect_err("refused");
    assert_eq!(
        error.message,
        "Cannot add multiple subscription items with the same plan: price_1"
    );
    assert_eq!(error.param.as_deref(), Some("items"));
}

#[test]
fn another_currency_or_interval_is_refused_and_nothing_changes() {
    let mut euro = price("price_eur", 2000);
    euro.currency = "eur".to_owned();
    let error =
        apply("items[0][id]=si_1&items[0][price]=price_eur", &[Some(euro)]).expect_err("refused");
    assert!(
        error.message.contains("Found mismatch in currency field"),
        "{}",
        error.message
    );

    let mut yearly = price("price_year", 20_000);
    if let Some(recurring) = yearly.recurring.as_mut() {
        recurring.interval = Interval::Year;
    }
    let mut sub = monthly("active", JAN_1, FEB_1);
    let error = apply_item_changes(
        &mut sub,
        &changes("items[0][id]=si_1&items[0][price]=price_year"),
        &[Some(yearly)],
        JAN_1,
        || "si_x".to_owned(),
    )
    .expect_err("refused");
    assert!(
        error.message.contains("billing interval"),
        "{}",
        error.message
    );
    assert_eq!(sub.items.data[0].price.id, "price_1", "nothing changed");
}

#[test]
fn an_unknown_item_names_its_id_parameter() {
    let error = apply("items[0][id]=si_other&items[0][quantity]=2", &[None]).expect_err("refused");
    assert_eq!(
        error.message,
        "Subscription item si_other does not belong to this subscription."
    );
    assert_eq!(error.param.as_deref(), Some("items[0][id]"));
}

#[test]
fn a_metadata_change_bills_nothing() {
    let (_, diffs) = apply("items[0][id]=si_1&items[0][metadata][a]=b", &[None]).expect("applied");
    assert!(!diffs[0].changes_billing());
}

#[test]
fn parsing_refuses_both_price_forms_and_negative_quantities() {
    let mut p = Params::from_form(
        b"items[0][id]=si_1&items[0][price]=price_2&items[0][price_data][product]=prod_1",
    )
    .expect("form");
    let item = p
        .object_list("items")
        .expect("items")
        .expect("some")
        .remove(0);
    let error = take_item_change(item).expect_err("refused");
    assert_eq!(error.param.as_deref(), Some("items[0][price]"));

    let mut p = Params::from_form(b"items[0][id]=si_1&items[0][quantity]=-1").expect("form");
    let item = p
        .object_list("items")
        .expect("items")
        .expect("some")
        .remove(0);
    let error = take_item_change(item).expect_err("refused");
    assert_eq!(error.param.as_deref(), Some("items[0][quantity]"));

    let mut p = Params::from_form(b"items[0][quantity]=2").expect("form");
    let item = p
        .object_list("items")
        .expect("items")
        .expect("some")
        .remove(0);
    let error = take_item_change(item).expect_err("an added item needs a price");
    assert_eq!(error.param.as_deref(), Some("items[0][price]"));
}
