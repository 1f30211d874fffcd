//! The id and body filters of lists (`ListQuery::ids`, `ListQuery::body`): what catalog lists
//! (products, prices) filter on besides the index columns.

use std::sync::Arc;

use serde_json::json;
use tender_store::{BodyFilter, Cursor, IndexKeys, Record, Store, TagFilter};

use crate::support::*;

/// A price-like record of product `product` whose body is `body` plus its id.
fn price(id: &str, created: i64, product: &str, body: serde_json::Value) -> Record {
    let mut body = body;
    body["id"] = json!(id);
    Record {
        index: IndexKeys {
            tag: Some(product.into()),
            ..IndexKeys::default()
        },
        body: body.to_string(),
        ..record(ACCT, id, "price", created)
    }
}

async fn catalog(store: &Arc<dyn Store>) {
    let month = json!({"interval": "month", "usage_type": "licensed"});
    insert_each(
        store,
        &[
            price(
                "p1",
                10,
                "prod_a",
                json!({"active": true, "currency": "usd", "recurring": month}),
            ),
            price(
                "p2",
                20,
                "prod_a",
                json!({"active": false, "currency": "usd", "recurring": null}),
            ),
            price(
                "p3",
                30,
                "prod_b",
                json!({"active": true, "currency": "eur", "recurring": null}),
            ),
            price(
                "p4",
                40,
                "prod_b",
                json!({"active": true, "currency": "usd", "recurring": month}),
            ),
            price(
                "p5",
                50,
                "prod_a",
                json!({"active": true, "currency": "é", "recurring": null}),
            ),
            record(OTHER, "p6", "price", 60),
        ],
    )
    .await;
}

pub async fn filters_by_ids(store: Arc<dyn Store>) {
    catalog(&store).await;
    let mut q = query(ACCT, "price", 10);
    // Newest first whatever the order asked; another account's id and unknown ids match nothing.
    q.ids = Some(vec![
        "p1".into(),
        "p4".into(),
        "p6".into(),
        "nope".into(),
        "p1".into(),
    ]);
    assert_eq!(list_ids(&store, &q).await, vec!["p4", "p1"]);
    q.ids = Some(Vec::new());
    assert_eq!(list_ids(&store, &q).await, Vec::<String>::new());
    // With the tag filter and a cursor.
    q.ids = Some(vec!["p1".into(), "p2".into(), "p3".into(), "p5".into()]);
    q.tag = Some(TagFilter::Exact("prod_a".into()));
    assert_eq!(list_ids(&store, &q).await, vec!["p5", "p2", "p1"]);
    q.cursor = Some(Cursor::After("p5".into()));
    assert_eq!(list_ids(&store, &q).await, vec!["p2", "p1"]);
}

pub async fn filters_by_body_fields(store: Arc<dyn Store>) {
    catalog(&store).await;
    let base = query(ACCT, "price", 10);
    let with = |filters: Vec<BodyFilter>| {
        let mut q = base.clone();
        q.body = filters;
        q
    };
    let active = BodyFilter::equals("active", &json!(true));
    let usd = BodyFilter::equals("currency", &json!("usd"));
    let monthly = BodyFilter::equals("recurring.interval", &json!("month"));
    let one_time = BodyFilter::equals("recurring", &json!(null));
    assert_eq!(
        list_ids(&store, &with(vec![active.clone()])).await,
        vec!["p5", "p4", "p3", "p1"]
    );
    assert_eq!(
        list_ids(
            &store,
            &with(vec![BodyFilter::equals("active", &json!(false))])
        )
        .await,
        vec!["p2"]
    );
    assert_eq!(
        list_ids(&store, &with(vec![active.clone(), usd.clone()])).await,
        vec!["p4", "p1"]
    );
    // A path through a null or a missing field matches nothing; a null matches `null`.
    assert_eq!(
        list_ids(&store, &with(vec![monthly.clone()])).await,
        vec!["p4", "p1"]
    );
    assert_eq!(
        list_ids(&store, &with(vec![one_time])).await,
        vec!["p5", "p3", "p2"]
    );
    assert_eq!(
        list_ids(
            &store,
            &with(vec![BodyFilter::equals("nope.deeper", &json!("x"))])
        )
        .await,
        Vec::<String>::new()
    );
    // Non-ASCII text compares as serde_json writes it.
    assert_eq!(
        list_ids(
            &store,
            &with(vec![BodyFilter::equals("currency", &json!("é"))])
        )
        .await,
        vec!["p5"]
    );
    // Strings never equal other JSON types that print alike.
    assert_eq!(
        list_ids(
            &store,
            &with(vec![BodyFilter::equals("active", &json!("true"))])
        )
        .await,
        Vec::<String>::new()
    );
    // Combined with the tag, a limit and cursors in both directions.
    let mut q = with(vec![active]);
    q.tag = Some(TagFilter::Exact("prod_a".into()));
    assert_eq!(list_ids(&store, &q).await, vec!["p5", "p1"]);
    q.limit = 1;
    assert_eq!(list_ids(&store, &q).await, vec!["p5", "p1"]);
    q.cursor = Some(Cursor::After("p5".into()));
    assert_eq!(list_ids(&store, &q).await, vec!["p1"]);
    q.cursor = Some(Cursor::Before("p1".into()));
    assert_eq!(list_ids(&store, &q).await, vec!["p5"]);
    let mut all = with(vec![usd, monthly]);
    all.limit = 1;
    let pages = walk_forward(&store, &all).await;
    assert_eq!(pages, vec![vec!["p4".to_owned()], vec!["p1".to_owned()]]);
}

pub async fn unstorable_filters_match_nothing(store: Arc<dyn Store>) {
    catalog(&store).await;
    let mut q = query(ACCT, "price", 10);
    q.ids = Some(vec!["p1\0".into()]);
    assert_eq!(list_ids(&store, &q).await, Vec::<String>::new());
    q.ids = None;
    q.body = vec![BodyFilter::equals("currency", &json!("us\0d"))];
    assert_eq!(list_ids(&store, &q).await, Vec::<String>::new());
}

/// A window bounds what the body filters look at: the matches among the first `window`
/// objects of the range (past the cursor, in the list's order), and `skip` finds where the
/// window ends, to go on from there.
pub async fn windows_bound_body_filters_and_skip_finds_their_end(store: Arc<dyn Store>) {
    catalog(&store).await;
    // Newest first: p5, p4, p3, p2, p1. USD among them: p4, p2, p1.
    let mut q = query(ACCT, "price", 10);
    q.body = vec![BodyFilter::equals("currency", &json!("usd"))];
    q.window = Some(2);
    assert_eq!(
        list_ids(&store, &q).await,
        vec!["p4"],
        "p5 and p4 looked at"
    );
    q.window = Some(4);
    assert_eq!(list_ids(&store, &q).await, vec!["p4", "p2"]);
    q.window = Some(100);
    assert_eq!(list_ids(&store, &q).await, vec!["p4", "p2", "p1"]);
    // From a cursor, the window starts past it; from a `Before` cursor it runs back up.
    q.window = Some(2);
    q.cursor = Some(Cursor::After("p4".into()));
    assert_eq!(
        list_ids(&store, &q).await,
        vec!["p2"],
        "p3 and p2 looked at"
    );
    q.cursor = Some(Cursor::Before("p1".into()));
    assert_eq!(
        list_ids(&store, &q).await,
        vec!["p2"],
        "p2 and p3 looked at"
    );
    // With the page smaller than the matches, one more than the page (as without a window).
    q.cursor = None;
    q.window = Some(100);
    q.limit = 1;
    assert_eq!(list_ids(&store, &q).await, vec!["p4", "p2"]);
    // A tag filter picks the index; the window runs over its range.
    q.limit = 10;
    q.tag = Some(TagFilter::Exact("prod_a".into()));
    q.window = Some(2);
    assert_eq!(
        list_ids(&store, &q).await,
        vec!["p2"],
        "p5 and p2 looked at"
    );

    // The window's end: the `window`-th object of the range, found without body filters.
    let mut end = query(ACCT, "price", 1);
    end.skip = 1;
    assert_eq!(list_ids(&store, &end).await, vec!["p4", "p3"]);
    end.cursor = Some(Cursor::After("p4".into()));
    assert_eq!(list_ids(&store, &end).await, vec!["p2", "p1"]);
    end.skip = 2;
    assert_eq!(list_ids(&store, &end).await, vec!["p1"], "nothing beyond");
    end.skip = 3;
    assert_eq!(list_ids(&store, &end).await, Vec::<String>::new());
}
