#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use super::fields::{CHARGES, CUSTOMERS, PAYMENT_INTENTS, PRICES, PRODUCTS};
use super::*;

fn customer() -> Value {
    json!({
        "id": "cus_1", "object": "customer", "created": 1_700_000_000,
        "email": "Amy@RocketRides.io", "name": "Amy Lee", "phone": null,
        "metadata": {"tier": "gold", "ref": "A-1"},
    })
}

fn intent(amount: i64, status: &str, currency: &str) -> Value {
    json!({
        "id": "pi_1", "object": "payment_intent", "amount": amount, "status": status,
        "currency": currency, "customer": "cus_1", "created": 1_700_000_100, "metadata": {},
    })
}

fn matches(query: &str, resource: &Searchable, object: &Value) -> bool {
    parse(query, resource).unwrap().matches(object)
}

fn error(query: &str, resource: &Searchable) -> String {
    let error = parse(query, resource).unwrap_err();
    assert_eq!(error.param.as_deref(), Some("query"), "{query}");
    assert_eq!(error.status, 400);
    error.message
}

#[test]
fn exact_matches_strings_without_case_and_tokens_with_it() {
    let amy = customer();
    assert!(matches("email:'amy@rocketrides.io'", &CUSTOMERS, &amy));
    assert!(matches("email:\"AMY@rocketrides.IO\"", &CUSTOMERS, &amy));
    assert!(!matches("email:'amy@rocketrides'", &CUSTOMERS, &amy));
    let pi = intent(1000, "succeeded", "usd");
    assert!(matches("status:'succeeded'", &PAYMENT_INTENTS, &pi));
    assert!(!matches("status:'SUCCEEDED'", &PAYMENT_INTENTS, &pi));
    assert!(matches("currency:'USD'", &PAYMENT_INTENTS, &pi));
    assert!(matches("customer:'cus_1'", &PAYMENT_INTENTS, &pi));
}

#[test]
fn substring_matches_anywhere_without_case() {
    let amy = customer();
    assert!(matches("email~'rocket'", &CUSTOMERS, &amy));
    assert!(matches("name~'LEE'", &CUSTOMERS, &amy));
    assert!(!matches("name~'bob'", &CUSTOMERS, &amy));
    assert!(!matches("phone~'555'", &CUSTOMERS, &amy));
}

#[test]
fn substring_needs_three_characters_and_a_field_that_takes_it() {
    assert!(error("email~'am'", &CUSTOMERS).contains("at least 3 characters"));
    assert!(
        error("status~'succ'", &PAYMENT_INTENTS)
            .contains("`status` does not support substring matching")
    );
    assert!(error("metadata['k']~'abc'", &CUSTOMERS).contains("substring"));
    assert!(parse("email~'amy'", &CUSTOMERS).is_ok());
}

#[test]
fn numeric_comparators() {
    let pi = intent(1000, "succeeded", "usd");
    for (query, expected) in [
        ("amount:1000", true),
        ("amount:999", false),
        ("amount>999", true),
        ("amount>1000", false),
        ("amount>=1000", true),
        ("amount<1000", false),
        ("amount<1001", true),
        ("amount<=1000", true),
        ("amount<=999", false),
        ("amount:'1000'", true),
        ("created>1699999999", true),
        ("created<1700000100", false),
        ("created<=1700000100", true),
    ] {
        assert_eq!(matches(query, &PAYMENT_INTENTS, &pi), expected, "{query}");
    }
    assert!(
        error("status>'a'", &PAYMENT_INTENTS)
            .contains("`status` does not support numeric comparison (`>`)")
    );
    assert!(error("amount:'lots'", &PAYMENT_INTENTS).contains("takes an integer"));
    assert!(error("email<=3", &CUSTOMERS).contains("numeric comparison (`<=`)"));
}

#[test]
fn negation() {
    let pi = intent(1000, "succeeded", "usd");
    assert!(!matches("-currency:'usd'", &PAYMENT_INTENTS, &pi));
    assert!(matches("-currency:'eur'", &PAYMENT_INTENTS, &pi));
    assert!(matches("-amount>5000", &PAYMENT_INTENTS, &pi));
}

#[test]
fn metadata_by_key_and_null() {
    let amy = customer();
    assert!(matches("metadata['tier']:'gold'", &CUSTOMERS, &amy));
    assert!(matches("metadata[\"ref\"]:'a-1'", &CUSTOMERS, &amy));
    assert!(!matches("metadata['tier']:'silver'", &CUSTOMERS, &amy));
    assert!(matches("metadata['missing']:null", &CUSTOMERS, &amy));
    assert!(!matches("metadata['tier']:null", &CUSTOMERS, &amy));
    assert!(matches("-metadata['tier']:null", &CUSTOMERS, &amy));
    assert!(matches("phone:null", &CUSTOMERS, &amy));
    assert!(!matches("email:null", &CUSTOMERS, &amy));
    assert!(error("metadata:'x'", &CUSTOMERS).contains("metadata['key']"));
    assert!(error("metadata['']:'x'", &CUSTOMERS).contains("cannot be empty"));
    assert!(error("amount>null", &PAYMENT_INTENTS).contains("`null` can only be matched"));
}

#[test]
fn and_or_and_spaces() {
    let pi = intent(1000, "succeeded", "usd");
    assert!(matches(
        "amount:1000 AND status:'succeeded'",
        &PAYMENT_INTENTS,
        &pi
    ));
    assert!(matches(
        "amount:1000 status:'succeeded'",
        &PAYMENT_INTENTS,
        &pi
    ));
    assert!(!matches(
        "amount:1000 and status:'canceled'",
        &PAYMENT_INTENTS,
        &pi
    ));
    assert!(matches(
        "amount:5 OR status:'succeeded'",
        &PAYMENT_INTENTS,
        &pi
    ));
    assert!(matches(
        "amount:5 or amount:6 Or amount:1000",
        &PAYMENT_INTENTS,
        &pi
    ));
    assert!(!matches("amount:5 OR amount:6", &PAYMENT_INTENTS, &pi));
    let query = parse("  amount:5   OR  amount:6 ", &PAYMENT_INTENTS).unwrap();
    assert_eq!(query.join, Join::Or);
    assert_eq!(query.clauses.len(), 2);
    assert!(
        error("amount:5 AND amount:6 OR amount:7", &PAYMENT_INTENTS).contains("cannot combine")
    );
    assert!(error("amount:5 amount:6 OR amount:7", &PAYMENT_INTENTS).contains("cannot combine"));
}

#[test]
fn the_parsed_clause() {
    let query = parse("-metadata['order']:'o 1\\'s'", &CUSTOMERS).unwrap();
    assert_eq!(
        query.clauses,
        vec![Clause {
            negated: true,
            target: Target::Metadata("order".to_owned()),
            op: Op::Equals,
            value: Operand::Text("o 1's".to_owned()),
        }]
    );
}

#[test]
fn values_must_be_quoted_except_numbers_null_and_booleans() {
    assert!(error("email:amy", &CUSTOMERS).contains("must be quoted"));
    assert!(error("name:true", &CUSTOMERS).contains("must be quoted"));
    let charge = json!({
        "amount": 500, "refunded": false, "disputed": false, "status": "succeeded",
        "payment_method_details": {"card": {"last4": "0042"}},
        "billing_details": {"address": {"postal_code": "94107"}},
    });
    assert!(matches(
        "payment_method_details.card.last4:'0042'",
        &CHARGES,
        &charge
    ));
    assert!(matches(
        "payment_method_details.card.last4:0042",
        &CHARGES,
        &charge
    ));
    assert!(!matches(
        "payment_method_details.card_present.last4:0042",
        &CHARGES,
        &charge
    ));
    assert!(matches(
        "billing_details.address.postal_code:94107",
        &CHARGES,
        &charge
    ));
    assert!(matches(
        "refunded:false disputed:'false'",
        &CHARGES,
        &charge
    ));
    assert!(!matches("refunded:true", &CHARGES, &charge));
    assert!(error("refunded:'yes'", &CHARGES).contains("`true` or `false`"));
}

#[test]
fn catalog_fields() {
    let price = json!({"active": true, "currency": "usd", "lookup_key": "gold_monthly",
        "product": "prod_1", "type": "recurring", "metadata": {}});
    assert!(matches(
        "active:'true' AND type:'recurring'",
        &PRICES,
        &price
    ));
    assert!(matches(
        "lookup_key:'GOLD_MONTHLY' product:'prod_1'",
        &PRICES,
        &price
    ));
    let product = json!({"active": false, "name": "Gold plan", "description": null,
        "shippable": null, "url": null, "metadata": {}});
    assert!(matches(
        "name~'gold' active:false description:null",
        &PRODUCTS,
        &product
    ));
    assert!(matches("shippable:null", &PRODUCTS, &product));
}

#[test]
fn unknown_fields_name_the_resource() {
    assert_eq!(
        error("colour:'red'", &CUSTOMERS),
        "Field `colour` is an unsupported search field for resource `customers`. See \
         https://stripe.com/docs/search#query-fields-for-customers for a list of supported \
         fields."
    );
    assert!(
        error("amount:1", &CUSTOMERS).contains("unsupported search field for resource `customers`")
    );
    assert!(
        error("description:'x'", &PAYMENT_INTENTS)
            .contains("search#query-fields-for-paymentintents")
    );
}

#[test]
fn syntax_errors_say_where() {
    assert_eq!(error("", &CUSTOMERS), "The search query is empty.");
    assert_eq!(error("   ", &CUSTOMERS), "The search query is empty.");
    assert_eq!(
        error("email'x'", &CUSTOMERS),
        "Syntax error in the search query at position 5: expected an operator (`:`, `~`, `>`, \
         `>=`, `<` or `<=`), found `'`."
    );
    assert!(error("email:", &CUSTOMERS).contains("position 6: expected a value, found the end"));
    assert!(error("email:'amy", &CUSTOMERS).contains("never closed"));
    assert!(error("email:'amy'name:'x'", &CUSTOMERS).contains("expected a space"));
    assert!(error("email:'amy' AND ", &CUSTOMERS).contains("expected a clause"));
    assert!(error(":'amy'", &CUSTOMERS).contains("expected a field name"));
    assert!(error("metadata['k':'v'", &CUSTOMERS).contains("expected `]`"));
}

#[test]
fn at_most_ten_clauses() {
    let ten = ["amount>1"; MAX_CLAUSES].join(" AND ");
    assert!(parse(&ten, &PAYMENT_INTENTS).is_ok());
    let eleven = format!("{ten} AND amount>2");
    assert!(error(&eleven, &PAYMENT_INTENTS).contains("at most 10 clauses"));
}

#[test]
fn a_keyword_needs_a_space_after_it() {
    // `ORDER` is not `OR` followed by `DER`: it is a field name (unknown here).
    assert!(error("amount:1 ORDER:'x'", &PAYMENT_INTENTS).contains("`ORDER`"));
    assert!(error("amount:1 AND", &PAYMENT_INTENTS).contains("`AND`"));
}
