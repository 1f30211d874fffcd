//! The group commit's decisions, without a database.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::{IndexKeys, Write};

pub(crate) fn write(id: &str, expected: Option<i64>) -> Write {
    Write {
        record: Record {
            account: "acct_1".into(),
            id: id.into(),
            kind: "customer".into(),
            created: 1,
            version: expected.map_or(1, |v| v + 1),
            deleted: false,
            index: IndexKeys::default(),
            body: format!("{{\"id\":\"{id}\"}}"),
        },
        expected_version: expected,
    }
}

fn unit(writes: Vec<Write>) -> UnitOfWork {
    UnitOfWork {
        writes,
        ..UnitOfWork::default()
    }
}

pub(crate) fn keyed(writes: Vec<Write>, key: &str) -> UnitOfWork {
    UnitOfWork {
        writes,
        idempotency: Some(IdempotencyRecord {
            account: "acct_1".into(),
            key: key.into(),
            fingerprint: "f".into(),
            request_id: "req_1".into(),
            status: 200,
            body: "{}".into(),
            created: 9,
        }),
        deliveries: Vec::new(),
    }
}

fn delivery(id: &str) -> NewDelivery {
    NewDelivery {
        id: id.into(),
        account: "acct_1".into(),
        event_id: "evt_1".into(),
        endpoint_id: "we_1".into(),
        due_at_ms: 5,
    }
}

pub(crate) fn describe(outcome: &Result<(), StoreError>) -> String {
    match outcome {
        Ok(()) => "ok".into(),
        Err(StoreError::IdempotencyKeyTaken) => "key taken".into(),
        Err(StoreError::Conflict { id }) => format!("conflict {id}"),
        Err(other) => format!("{other}"),
    }
}

fn ids_versions(records: &[&Record]) -> Vec<(String, i64)> {
    records.iter().map(|r| (r.id.clone(), r.version)).collect()
}

#[test]
fn each_unit_is_checked_against_the_database_and_the_units_accepted_before_it() {
    let mut existing = Existing::default();
    existing
        .objects
        .insert("cus_old".into(), ("acct_1".into(), 4));
    existing
        .objects
        .insert("cus_theirs".into(), ("acct_2".into(), 1));
    existing.keys.insert(("acct_1".into(), "k_old".into()));
    existing.deliveries.insert("whdel_old".into());

    let mut with_deliveries = unit(vec![write("cus_d", None)]);
    with_deliveries.deliveries = vec![delivery("whdel_1"), delivery("whdel_2")];
    let mut repeated_delivery = unit(vec![write("cus_e", None)]);
    repeated_delivery.deliveries = vec![delivery("whdel_3"), delivery("whdel_3")];
    let mut known_delivery = unit(vec![write("cus_f", None)]);
    known_delivery.deliveries = vec![delivery("whdel_1")];
    let mut old_delivery = unit(vec![write("cus_g", None)]);
    old_delivery.deliveries = vec![delivery("whdel_old")];
    let units = [
        keyed(vec![write("cus_a", None)], "k1"),
        // The key the first unit took, in the same batch; and one the database holds.
        keyed(vec![write("cus_b", None)], "k1"),
        keyed(vec![write("cus_b", None)], "k_old"),
        // Sees the first unit's insert: version 1.
        unit(vec![write("cus_a", Some(1))]),
        // Stale: cus_a is at 2 now. Its insert of cus_c must not happen.
        unit(vec![write("cus_c", None), write("cus_a", Some(1))]),
        // Insert then update of the same object in one unit.
        unit(vec![write("cus_c", None), write("cus_c", Some(1))]),
        // A second write in a unit must expect the version its own first write made.
        unit(vec![write("cus_x", None), write("cus_x", Some(5))]),
        unit(vec![write("cus_a", None)]),
        unit(vec![write("cus_missing", Some(1))]),
        // Another account's object, at the right version.
        unit(vec![write("cus_theirs", Some(1))]),
        unit(vec![write("cus_old", Some(3))]),
        unit(vec![write("cus_old", Some(4))]),
        unit(vec![write("cus_old", Some(5))]),
        with_deliveries,
        repeated_delivery,
        known_delivery,
        old_delivery,
    ];
    let refs: Vec<&UnitOfWork> = units.iter().collect();
    let (outcomes, rows) = decide(&refs, existing);
    let described: Vec<String> = outcomes.iter().map(describe).collect();
    assert_eq!(
        described,
        vec![
            "ok",
            "key taken",
            "key taken",
            "ok",
            "conflict cus_a",
            "ok",
            "conflict cus_x",
            "conflict cus_a",
            "conflict cus_missing",
            "conflict cus_theirs",
            "conflict cus_old",
            "ok",
            "ok",
            "ok",
            "conflict whdel_3",
            "conflict whdel_1",
            "conflict whdel_old",
        ]
    );
    // Each object once, in its final state; inserts in the order they were first written.
    assert_eq!(
        ids_versions(&rows.inserts),
        vec![
            ("cus_a".into(), 2),
            ("cus_c".into(), 2),
            ("cus_d".into(), 1)
        ]
    );
    let updates: Vec<(String, i64, i64)> = rows
        .updates
        .iter()
        .map(|(r, stored)| (r.id.clone(), r.version, *stored))
        .collect();
    // Written twice in the batch (4 -> 5 -> 6): one update, guarded by the stored version.
    assert_eq!(updates, vec![("cus_old".into(), 6, 4)]);
    let keys: Vec<&str> = rows.keys.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, vec!["k1"]);
    let deliveries: Vec<&str> = rows.deliveries.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(deliveries, vec!["whdel_1", "whdel_2"]);
}

#[test]
fn names_are_the_updated_ids_each_once_in_lock_order() {
    let mut first = keyed(vec![write("cus_b", Some(2)), write("cus_new", None)], "k1");
    first.deliveries = vec![delivery("whdel_1")];
    let second = unit(vec![write("cus_a", Some(1)), write("cus_b", Some(3))]);
    let names = Names::of(&[&first, &second]);
    // Inserted ids, keys and delivery ids are not read: a race on them is a unique violation.
    assert_eq!(names.updated_ids, vec!["cus_a", "cus_b"]);
}
