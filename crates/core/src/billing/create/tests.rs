#![allow(clippy::expect_used)]

use super::*;

const NOW: Timestamp = 1_800_000_000;

fn parse(form: &str) -> Result<SubscriptionCreate, ApiError> {
    let mut p = Params::from_form(form.as_bytes())?;
    let create = SubscriptionCreate::take(&mut p, NOW)?;
    p.finish()?;
    Ok(create)
}

fn error(form: &str) -> ApiError {
    match parse(form) {
        Ok(create) => panic!("accepted: {create:?}"),
        Err(error) => error,
    }
}

#[test]
fn the_guides_create_parses_with_stripes_defaults() {
    let create = parse(
        "customer=cus_1&items[0][price]=price_1&payment_behavior=default_incomplete\
         &payment_settings[save_default_payment_method]=on_subscription",
    )
    .expect("parses");
    assert_eq!(create.customer, "cus_1");
    assert_eq!(create.items.len(), 1);
    assert!(matches!(&create.items[0].price, ItemPrice::Id(id) if id == "price_1"));
    assert_eq!(create.items[0].quantity, 1);
    assert_eq!(create.items[0].param, "items[0]");
    assert_eq!(create.payment_behavior, PaymentBehavior::DefaultIncomplete);
    assert!(create.save_default_payment_method);
    assert_eq!(create.collection_method, "charge_automatically");
    assert_eq!(create.trial, None);
    assert!(!create.cancel_at_period_end);
}

#[test]
fn payment_behavior_defaults_to_allow_incomplete() {
    let create = parse("customer=cus_1&items[0][price]=price_1").expect("parses");
    assert_eq!(create.payment_behavior, PaymentBehavior::AllowIncomplete);
    assert!(!create.save_default_payment_method);
}

#[test]
fn customer_and_items_are_required() {
    let missing = error("items[0][price]=price_1");
    assert_eq!(missing.param.as_deref(), Some("customer"));
    assert_eq!(missing.message, "Missing required param: customer.");
    let missing = error("customer=cus_1");
    assert_eq!(missing.param.as_deref(), Some("items"));
    let missing = error("customer=cus_1&items[0][quantity]=2");
    assert_eq!(missing.param.as_deref(), Some("items[0][price]"));
}

#[test]
fn price_data_needs_a_product_and_a_recurrence() {
    let create = parse(
        "customer=cus_1&items[0][price_data][currency]=usd&items[0][price_data][product]=prod_1\
         &items[0][price_data][unit_amount]=500&items[0][price_data][recurring][interval]=week",
    )
    .expect("parses");
    match &create.items[0].price {
        ItemPrice::Data { product, terms } => {
            assert_eq!(product, "prod_1");
            assert_eq!(terms.currency, "usd");
            assert!(terms.recurring.is_some());
        }
        other => panic!("{other:?}"),
    }
    let missing = error(
        "customer=cus_1&items[0][price_data][currency]=usd&items[0][price_data][product]=prod_1\
         &items[0][price_data][unit_amount]=500",
    );
    assert_eq!(
        missing.param.as_deref(),
        Some("items[0][price_data][recurring]")
    );
}

#[test]
fn negative_quantities_are_refused() {
    let refused = error("customer=cus_1&items[0][price]=price_1&items[0][quantity]=-1");
    assert_eq!(refused.param.as_deref(), Some("items[0][quantity]"));
}

#[test]
fn one_trial_parameter_at_most() {
    let refused = error(&format!(
        "customer=cus_1&items[0][price]=p&trial_period_days=3&trial_end={}",
        NOW + 100
    ));
    assert_eq!(refused.param.as_deref(), Some("trial_end"));
    let create = parse("customer=cus_1&items[0][price]=p&trial_period_days=14").expect("parses");
    assert_eq!(create.trial, Some(Trial::Days(14)));
    assert_eq!(
        create.trial.expect("a trial").end(NOW),
        Some(NOW + 14 * 86_400)
    );
    assert_eq!(Trial::Days(0).end(NOW), None);
    let create = parse("customer=cus_1&items[0][price]=p&trial_end=now").expect("parses");
    assert_eq!(create.trial.expect("a trial").end(NOW), None);
    let past = error(&format!("customer=cus_1&items[0][price]=p&trial_end={NOW}"));
    assert_eq!(past.param.as_deref(), Some("trial_end"));
    let long = error("customer=cus_1&items[0][price]=p&trial_period_days=731");
    assert_eq!(long.param.as_deref(), Some("trial_period_days"));
}

#[test]
fn days_until_due_goes_with_send_invoice_only() {
    let refused = error("customer=cus_1&items[0][price]=p&days_until_due=30");
    assert_eq!(refused.param.as_deref(), Some("days_until_due"));
    let refused = error("customer=cus_1&items[0][price]=p&collection_method=send_invoice");
    assert_eq!(refused.param.as_deref(), Some("days_until_due"));
    let create =
        parse("customer=cus_1&items[0][price]=p&collection_method=send_invoice&days_until_due=7")
            .expect("parses");
    assert_eq!(create.days_until_due, Some(7));
}

#[test]
fn unsupported_parameters_are_named() {
    let refused = error("customer=cus_1&items[0][price]=p&coupon=FREE");
    assert_eq!(refused.param.as_deref(), Some("coupon"));
    assert!(refused.message.contains("Tender does not support"));
    let refused = error("customer=cus_1&items[0][price]=p&payment_behavior=pending_if_incomplete");
    assert_eq!(refused.param.as_deref(), Some("payment_behavior"));
}

#[test]
fn more_than_twenty_items_are_refused() {
    let items: String = (0..21)
        .map(|i| format!("&items[{i}][price]=price_{i}"))
        .collect();
    let refused = error(&format!("customer=cus_1{items}"));
    assert_eq!(refused.param.as_deref(), Some("items"));
}
