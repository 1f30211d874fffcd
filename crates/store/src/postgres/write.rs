//! A unit of work committed on its own, in its own transaction, one statement per row: the
//! group commit's fallback when a batch fails (see `group_commit.rs`), exact about every race
//! because PostgreSQL's constraints and row locks decide it. And accounts.

use deadpool_postgres::{Object, Transaction};
use tokio_postgres::error::SqlState;

use super::db;
use crate::{Account, Record, StoreError, UnitOfWork, Write};

/// Constraint names are fixed by the migrations (`schema.rs`), so errors map by name.
const IDEMPOTENCY_PKEY: &str = "idempotency_keys_pkey";
const OBJECTS_ID_KEY: &str = "objects_id_key";
const ACCOUNT_CONSTRAINTS: [&str; 3] = [
    "accounts_pkey",
    "accounts_secret_key_key",
    "accounts_publishable_key_key",
];

pub(super) async fn commit(client: &mut Object, unit: &UnitOfWork) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(db)?;
    // The key goes first: a concurrent request with the same key then waits on it, and fails
    // fast here, before doing any of its writes. On any error below, dropping `tx` rolls back.
    if let Some(r) = &unit.idempotency {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO idempotency_keys \
                 (account, key, fingerprint, request_id, status, body, created) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .await
            .map_err(db)?;
        let status = i32::from(r.status);
        tx.execute(
            &stmt,
            &[
                &r.account,
                &r.key,
                &r.fingerprint,
                &r.request_id,
                &status,
                &r.body,
                &r.created,
            ],
        )
        .await
        .map_err(|e| {
            if unique_violation(&e, &[IDEMPOTENCY_PKEY]) {
                StoreError::IdempotencyKeyTaken
            } else {
                db(e)
            }
        })?;
    }
    for write in &unit.writes {
        apply(&tx, write).await?;
    }
    // The outbox rows commit with the events they deliver, or not at all.
    super::outbox::insert_deliveries(&tx, &unit.deliveries).await?;
    tx.commit().await.map_err(db)
}

async fn apply(tx: &Transaction<'_>, write: &Write) -> Result<(), StoreError> {
    let r = &write.record;
    let i = &r.index;
    let conflict = || StoreError::Conflict { id: r.id.clone() };
    let result = match write.expected_version {
        None => {
            let stmt = tx
                .prepare_cached(
                    "INSERT INTO objects (account, id, kind, created, version, deleted, \
                     customer, payment_intent, charge, tag, body) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .await
                .map_err(db)?;
            tx.execute(
                &stmt,
                &[
                    &r.account,
                    &r.id,
                    &r.kind,
                    &r.created,
                    &r.version,
                    &r.deleted,
                    &i.customer,
                    &i.payment_intent,
                    &i.charge,
                    &i.tag,
                    &r.body,
                ],
            )
            .await
        }
        // Under READ COMMITTED a concurrent update of the same row makes this one wait, then
        // re-check the version guard against the committed row: 0 rows, a conflict.
        Some(expected) => update(tx, r, expected).await,
    };
    match result {
        Ok(0) => Err(conflict()),
        Ok(_) => Ok(()),
        Err(e) if unique_violation(&e, &[OBJECTS_ID_KEY]) => Err(conflict()),
        // Two units updating the same records in opposite orders: PostgreSQL aborts one of
        // them. For its caller that is a lost race like any other: reload and retry.
        Err(e) if e.code() == Some(&SqlState::T_R_DEADLOCK_DETECTED) => Err(conflict()),
        Err(e) => Err(db(e)),
    }
}

/// Updates `r` in place if the stored row is still at version `expected`; the rows changed
/// (0 or 1).
async fn update(
    tx: &Transaction<'_>,
    r: &Record,
    expected: i64,
) -> Result<u64, tokio_postgres::Error> {
    let i = &r.index;
    let stmt = tx
        .prepare_cached(
            "UPDATE objects SET kind = $3, created = $4, version = $5, deleted = $6, \
             customer = $7, payment_intent = $8, charge = $9, tag = $10, body = $11 \
             WHERE id = $2 AND account = $1 AND version = $12",
        )
        .await?;
    tx.execute(
        &stmt,
        &[
            &r.account,
            &r.id,
            &r.kind,
            &r.created,
            &r.version,
            &r.deleted,
            &i.customer,
            &i.payment_intent,
            &i.charge,
            &i.tag,
            &r.body,
            &expected,
        ],
    )
    .await
}

pub(super) async fn create_account(client: &Object, account: &Account) -> Result<(), StoreError> {
    let stmt = client
        .prepare_cached(
            "INSERT INTO accounts (id, secret_key, publishable_key, created) \
             VALUES ($1, $2, $3, $4)",
        )
        .await
        .map_err(db)?;
    client
        .execute(
            &stmt,
            &[
                &account.id,
                &account.secret_key,
                &account.publishable_key,
                &account.created,
            ],
        )
        .await
        .map_err(|e| {
            if unique_violation(&e, &ACCOUNT_CONSTRAINTS) {
                StoreError::DuplicateAccount
            } else {
                db(e)
            }
        })?;
    Ok(())
}

/// SQLSTATE 23505 on one of `constraints`.
fn unique_violation(e: &tokio_postgres::Error, constraints: &[&str]) -> bool {
    e.as_db_error().is_some_and(|db| {
        *db.code() == SqlState::UNIQUE_VIOLATION
            && db.constraint().is_some_and(|c| constraints.contains(&c))
    })
}
