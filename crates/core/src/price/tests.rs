#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use tender_wire::{ApiError, Params};

use super::amount::{Amount, parse_decimal};
use super::filter::PriceFilter;
use super::params::{PriceCreate, PriceUpdate, ProductSource};
use super::*;

fn create(form: &str) -> Result<PriceCreate, ApiError> {
    crate::take_form(form, PriceCreate::take)
}

fn price(form: &str) -> Price {
    create(form)
        .unwrap()
        .build("price_1".into(), "prod_1".into(), 7)
        .unwrap()
}

fn error(form: &str) -> (Option<String>, Option<String>, String) {
    let e = create(form).unwrap_err();
    (e.param, e.code, e.message)
}

#[test]
fn type_is_derived_from_recurring() {
    let once = price("product=prod_1&currency=usd&unit_amount=500");
    assert_eq!(once.kind, PriceType::OneTime);
    assert_eq!(once.recurring, None);
    let monthly = price("product=prod_1&currency=USD&unit_amount=500&recurring[interval]=month");
    assert_eq!(monthly.kind, PriceType::Recurring);
    assert_eq!(monthly.currency, "usd");
    let recurring = monthly.recurring.unwrap();
    assert_eq!(recurring.interval, Interval::Month);
    assert_eq!(recurring.interval_count, 1);
    assert_eq!(recurring.usage_type, "licensed");
}

#[test]
fn renders_every_key_as_stripe_does() {
    let value = serde_json::to_value(price(
        "product=prod_1&currency=usd&unit_amount=2000&recurring[interval]=year&lookup_key=gold\
         &nickname=Gold&metadata[tier]=1",
    ))
    .unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "object",
            "active",
            "billing_scheme",
            "created",
            "currency",
            "custom_unit_amount",
            "livemode",
            "lookup_key",
            "metadata",
            "nickname",
            "product",
            "recurring",
            "tax_behavior",
            "tiers_mode",
            "transform_quantity",
            "type",
            "unit_amount",
            "unit_amount_decimal",
        ]
    );
    assert_eq!(value["unit_amount_decimal"], json!("2000"));
    assert_eq!(value["type"], "recurring");
    assert_eq!(value["tax_behavior"], "unspecified");
    assert_eq!(
        value["recurring"],
        json!({"interval": "year", "interval_count": 1, "meter": null,
               "trial_period_days": null, "usage_type": "licensed"})
    );
    assert_eq!(value["lookup_key"], "gold");
    assert_eq!(value["metadata"], json!({"tier": "1"}));
    assert_eq!(value["custom_unit_amount"], Value::Null);
}

#[test]
fn decimal_amounts_normalize_and_whole_ones_set_unit_amount() {
    assert_eq!(
        parse_decimal("12.50", "p").unwrap(),
        Amount::Fraction("12.5".into())
    );
    assert_eq!(parse_decimal("0012.000", "p").unwrap(), Amount::Units(12));
    assert_eq!(
        parse_decimal("0.000000000001", "p").unwrap(),
        Amount::Fraction("0.000000000001".into())
    );
    for bad in [
        "",
        ".5",
        "1.",
        "-1",
        "1e3",
        "1.0000000000001",
        "9999999999999",
    ] {
        assert!(parse_decimal(bad, "p").is_err(), "{bad}");
    }
    let half = price("product=prod_1&currency=usd&unit_amount_decimal=0.5");
    assert_eq!(half.unit_amount, None);
    assert_eq!(half.unit_amount_decimal.as_deref(), Some("0.5"));
    let whole = price("product=prod_1&currency=usd&unit_amount_decimal=300");
    assert_eq!(whole.unit_amount, Some(300));
    let free = price("product=prod_1&currency=usd&unit_amount=0");
    assert_eq!(free.unit_amount, Some(0));
}

#[test]
fn custom_unit_amount_is_one_time_and_ordered() {
    let custom = price(
        "product=prod_1&currency=usd&custom_unit_amount[enabled]=true\
         &custom_unit_amount[minimum]=100&custom_unit_amount[preset]=500",
    );
    assert_eq!(custom.unit_amount, None);
    assert_eq!(custom.unit_amount_decimal, None);
    assert_eq!(
        custom.custom_unit_amount,
        Some(CustomUnitAmount {
            maximum: None,
            minimum: Some(100),
            preset: Some(500)
        })
    );
    let (param, _, _) = error(
        "product=prod_1&currency=usd&custom_unit_amount[enabled]=true&recurring[interval]=month",
    );
    assert_eq!(param.as_deref(), Some("custom_unit_amount"));
    let (param, _, _) = error(
        "product=prod_1&currency=usd&custom_unit_amount[enabled]=true\
         &custom_unit_amount[minimum]=900&custom_unit_amount[preset]=500",
    );
    assert_eq!(param.as_deref(), Some("custom_unit_amount[preset]"));
}

#[test]
fn refuses_what_stripe_refuses_naming_the_parameter() {
    let (param, code, _) = error("product=prod_1&unit_amount=5");
    assert_eq!(
        (param.as_deref(), code.as_deref()),
        (Some("currency"), Some("parameter_missing"))
    );
    let (param, _, message) =
        error("product=prod_1&currency=usd&unit_amount=5&unit_amount_decimal=5");
    assert_eq!(param.as_deref(), Some("unit_amount"));
    assert_eq!(
        message,
        "You may only specify one of these parameters: unit_amount, unit_amount_decimal."
    );
    let (param, _, _) =
        error("product=prod_1&currency=usd&unit_amount=5&recurring[interval]=fortnight");
    assert_eq!(param.as_deref(), Some("recurring[interval]"));
    let (param, code, _) =
        error("product=prod_1&currency=usd&unit_amount=5&recurring[interval_count]=2");
    assert_eq!(
        (param.as_deref(), code.as_deref()),
        (Some("recurring[interval]"), Some("parameter_missing"))
    );
    let (param, _, _) = error(
        "product=prod_1&currency=usd&unit_amount=5&recurring[interval]=month&recurring[interval_count]=37",
    );
    assert_eq!(param.as_deref(), Some("recurring[interval_count]"));
    assert!(create("product=p&currency=usd&unit_amount=5&recurring[interval]=week&recurring[interval_count]=156").is_ok());
    assert!(create("product=p&currency=usd&unit_amount=5&recurring[interval]=day&recurring[interval_count]=1096").is_err());
    let (param, _, _) = error(
        "product=prod_1&currency=usd&unit_amount=5&recurring[interval]=month&recurring[usage_type]=metered",
    );
    assert_eq!(param.as_deref(), Some("recurring[usage_type]"));
    let (param, _, _) = error("product=prod_1&currency=usd&unit_amount=-1");
    assert_eq!(param.as_deref(), Some("unit_amount"));
    let (param, _, _) = error("product=prod_1&currency=usd&unit_amount=1000000000000");
    assert_eq!(param.as_deref(), Some("unit_amount"));
    let (param, _, _) = error("product=prod_1&currency=usd");
    assert_eq!(param.as_deref(), Some("unit_amount"));
    let (param, _, _) = error("product=prod_1&currency=usd&unit_amount=1&billing_scheme=tiered");
    assert_eq!(param.as_deref(), Some("billing_scheme"));
    let (param, _, _) = error("product=prod_1&currency=usd&unit_amount=1&tiers[0][up_to]=inf");
    assert_eq!(param.as_deref(), Some("tiers"));
    let (param, _, message) = error("currency=usd&unit_amount=1");
    assert_eq!(param, None);
    assert_eq!(
        message,
        "You must specify either `product` or `product_data` when creating a price."
    );
    let (param, _, _) = error("product=prod_1&product_data[name]=x&currency=usd&unit_amount=1");
    assert_eq!(param.as_deref(), Some("product"));
    let (param, _, _) = error("product_data[active]=true&currency=usd&unit_amount=1");
    assert_eq!(param.as_deref(), Some("product_data[name]"));
    let long = "k".repeat(201);
    let (param, _, _) = error(&format!(
        "product=p&currency=usd&unit_amount=1&lookup_key={long}"
    ));
    assert_eq!(param.as_deref(), Some("lookup_key"));
}

#[test]
fn product_data_describes_a_new_product() {
    let create =
        create("product_data[name]=Gold&product_data[metadata][a]=b&currency=eur&unit_amount=9")
            .unwrap();
    let ProductSource::New(data) = create.product else {
        panic!("a new product")
    };
    assert_eq!(data.name, "Gold");
    assert!(data.metadata.is_some());
}

fn update(form: &str) -> PriceUpdate {
    crate::take_form(form, PriceUpdate::take).unwrap()
}

#[test]
fn updates_change_only_what_may_change() {
    let mut p = price("product=prod_1&currency=usd&unit_amount=5&lookup_key=a&nickname=N");
    update("active=false&lookup_key=&nickname=&metadata[x]=1&tax_behavior=inclusive")
        .apply(&mut p)
        .unwrap();
    assert!(!p.active);
    assert_eq!(p.lookup_key, None);
    assert_eq!(p.nickname, None);
    assert_eq!(p.tax_behavior.as_deref(), Some("inclusive"));
    let fixed = update("tax_behavior=exclusive").apply(&mut p).unwrap_err();
    assert_eq!(fixed.param.as_deref(), Some("tax_behavior"));
    update("tax_behavior=inclusive").apply(&mut p).unwrap();
    let mut amounts = Params::from_form(b"unit_amount=6").unwrap();
    PriceUpdate::take(&mut amounts).unwrap();
    let immutable = amounts.finish().unwrap_err();
    assert_eq!(immutable.code.as_deref(), Some("parameter_unknown"));
    assert_eq!(immutable.param.as_deref(), Some("unit_amount"));
}

fn filter(query: &str) -> PriceFilter {
    crate::take_form(query, PriceFilter::take).unwrap()
}

/// Whether `price` passes `filter` as the store applies it: the tag, then every body field.
fn passes(filter: &PriceFilter, price: &Price) -> bool {
    let (tag, exact) = filter.tag();
    let tag_ok = if exact {
        price.list_tag() == tag
    } else {
        price.list_tag().starts_with(&tag)
    };
    let body = serde_json::to_value(price).unwrap();
    tag_ok
        && filter.body_fields().iter().all(|(path, value)| {
            path.split('.').try_fold(&body, |v, key| v.get(key)) == Some(value)
        })
        && filter
            .lookup_keys
            .as_ref()
            .is_none_or(|keys| price.lookup_key.as_ref().is_some_and(|k| keys.contains(k)))
}

#[test]
fn list_filters_default_to_active_prices() {
    let monthly =
        price("product=prod_1&currency=usd&unit_amount=5&recurring[interval]=month&lookup_key=m");
    let mut archived = price("product=prod_1&currency=eur&unit_amount=5");
    archived.active = false;
    assert!(passes(&filter(""), &monthly));
    assert!(!passes(&filter(""), &archived));
    assert!(passes(&filter("active=false"), &archived));
    assert!(passes(
        &filter("product=prod_1&type=recurring&currency=USD"),
        &monthly
    ));
    assert!(!passes(&filter("product=prod_2"), &monthly));
    assert!(!passes(&filter("type=one_time"), &monthly));
    assert!(passes(
        &filter("recurring[interval]=month&recurring[usage_type]=licensed"),
        &monthly
    ));
    assert!(!passes(&filter("recurring[interval]=year"), &monthly));
    assert!(!passes(&filter("recurring[interval]=month"), &archived));
    assert!(passes(&filter("lookup_keys[]=m&lookup_keys[]=n"), &monthly));
    assert!(!passes(&filter("lookup_keys[]=n"), &monthly));
    assert_eq!(
        filter("product=prod_1").tag(),
        ("active:prod_1".to_owned(), true)
    );
    assert_eq!(
        filter("active=false").tag(),
        ("inactive:".to_owned(), false)
    );
    assert_eq!(
        filter("type=one_time&currency=eur&recurring[interval]=week").body_fields(),
        vec![
            ("type", json!("one_time")),
            ("currency", json!("eur")),
            ("recurring.interval", json!("week"))
        ]
    );
    assert_eq!(monthly.list_tag(), "active:prod_1");
    assert_eq!(archived.list_tag(), "inactive:prod_1");
    let mut p = Params::from_form(b"recurring[interval]=hour").unwrap();
    assert_eq!(
        PriceFilter::take(&mut p).unwrap_err().param.as_deref(),
        Some("recurring[interval]")
    );
}
