//! Which units of a batch commit, and the rows they leave: the group commit's decisions,
//! made in memory from what the database holds (no I/O here).
//!
//! The checks are the SQLite writer's, in queue order: a unit commits if its idempotency key
//! is free, every insert's id is new, every update finds the version it expects (counting the
//! unit's own earlier writes, and those of the units accepted before it in the batch), and
//! every delivery id is new. A refused unit leaves nothing.

use std::collections::{HashMap, HashSet};

use crate::{IdempotencyRecord, NewDelivery, Record, StoreError, UnitOfWork};

/// What a batch knows to exist: the objects it updates as the database holds them (read
/// under row locks), then whatever the units accepted before the one being decided wrote.
#[derive(Debug, Default)]
pub(super) struct Existing {
    /// Object id → (account, version).
    pub objects: HashMap<String, (String, i64)>,
    /// (account, key) of idempotency records.
    pub keys: HashSet<(String, String)>,
    pub deliveries: HashSet<String>,
}

/// The rows the accepted units write, each object once in its final state.
#[derive(Debug, Default)]
pub(super) struct Rows<'a> {
    /// New objects, in the order the units first wrote them (their list order).
    pub inserts: Vec<&'a Record>,
    /// Existing objects, each in the state the batch's last write leaves it in, with the
    /// version it had in the database (its guard).
    pub updates: Vec<(&'a Record, i64)>,
    pub keys: Vec<&'a IdempotencyRecord>,
    pub deliveries: Vec<&'a NewDelivery>,
}

/// What a batch reads before deciding: the ids it updates, sorted (the order their rows are
/// locked in). Inserted ids, idempotency keys and delivery ids are not read: they are new but
/// for a race, and a race fails the batch's insert with a unique violation, after which its
/// units are committed one at a time (see `group_commit.rs`).
pub(super) struct Names<'a> {
    pub updated_ids: Vec<&'a str>,
}

impl<'a> Names<'a> {
    pub(super) fn of(units: &[&'a UnitOfWork]) -> Names<'a> {
        let mut updated_ids: Vec<&str> = units
            .iter()
            .flat_map(|unit| &unit.writes)
            .filter(|w| w.expected_version.is_some())
            .map(|w| w.record.id.as_str())
            .collect();
        updated_ids.sort_unstable();
        updated_ids.dedup();
        Names { updated_ids }
    }
}

/// Decides each unit in order; returns one outcome per unit and the accepted units' rows.
pub(super) fn decide<'a>(
    units: &[&'a UnitOfWork],
    mut existing: Existing,
) -> (Vec<Result<(), StoreError>>, Rows<'a>) {
    let mut rows = Rows::default();
    // Where each object written by an accepted unit sits in `rows`: (is insert, index).
    let mut placed: HashMap<&'a str, (bool, usize)> = HashMap::new();
    let outcomes = units
        .iter()
        .map(|unit| {
            check(unit, &existing)?;
            accept(unit, &mut existing, &mut rows, &mut placed);
            Ok(())
        })
        .collect();
    (outcomes, rows)
}

fn check(unit: &UnitOfWork, existing: &Existing) -> Result<(), StoreError> {
    if let Some(key) = &unit.idempotency
        && existing
            .keys
            .contains(&(key.account.clone(), key.key.clone()))
    {
        return Err(StoreError::IdempotencyKeyTaken);
    }
    // Versions this unit itself writes, for a unit that touches an object twice.
    let mut written: Vec<(&str, i64)> = Vec::new();
    for write in &unit.writes {
        let r = &write.record;
        let ok = match written.iter().rev().find(|(id, _)| *id == r.id) {
            Some((_, version)) => write.expected_version == Some(*version),
            None => match (write.expected_version, existing.objects.get(&r.id)) {
                (None, None) => true,
                (Some(expected), Some((account, version))) => {
                    *account == r.account && *version == expected
                }
                _ => false,
            },
        };
        if !ok {
            return Err(StoreError::Conflict { id: r.id.clone() });
        }
        written.push((&r.id, r.version));
    }
    for (n, delivery) in unit.deliveries.iter().enumerate() {
        let repeated = unit.deliveries[..n].iter().any(|d| d.id == delivery.id);
        if repeated || existing.deliveries.contains(&delivery.id) {
            return Err(StoreError::Conflict {
                id: delivery.id.clone(),
            });
        }
    }
    Ok(())
}

/// Counts a checked unit in: later units see its writes, and its rows are laid out.
fn accept<'a>(
    unit: &'a UnitOfWork,
    existing: &mut Existing,
    rows: &mut Rows<'a>,
    placed: &mut HashMap<&'a str, (bool, usize)>,
) {
    if let Some(key) = &unit.idempotency {
        existing.keys.insert((key.account.clone(), key.key.clone()));
        rows.keys.push(key);
    }
    for write in &unit.writes {
        let r = &write.record;
        existing
            .objects
            .insert(r.id.clone(), (r.account.clone(), r.version));
        match (placed.get(r.id.as_str()), write.expected_version) {
            (Some(&(true, at)), _) => rows.inserts[at] = r,
            (Some(&(false, at)), _) => rows.updates[at].0 = r,
            // First written in this batch, and checked: an insert exactly when nothing was
            // there, else an update of the stored version it expects.
            (None, None) => {
                placed.insert(&r.id, (true, rows.inserts.len()));
                rows.inserts.push(r);
            }
            (None, Some(stored)) => {
                placed.insert(&r.id, (false, rows.updates.len()));
                rows.updates.push((r, stored));
            }
        }
    }
    for delivery in &unit.deliveries {
        existing.deliveries.insert(delivery.id.clone());
        rows.deliveries.push(delivery);
    }
}

#[cfg(test)]
#[path = "batch_tests.rs"]
pub(super) mod tests;
