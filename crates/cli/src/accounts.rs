//! `tender keys`, `tender accounts create` and `tender accounts reset`.

use tender_store::{Account, Store};

use crate::DefaultKeys;
use crate::client::{ApiClient, message};
use crate::locate;

/// Empties `account` through the running server (`POST /v1/test_helpers/accounts/reset`), so
/// that the server's own memory of it (armed faults) goes too. `account` is sent along: a key
/// of another account is refused and nothing is reset.
pub async fn reset(client: &ApiClient, account: &str) -> Result<(), String> {
    let (status, answer) = client
        .post("/v1/test_helpers/accounts/reset", &[("account", account)])
        .await?;
    if status != 200 {
        return Err(message(&answer));
    }
    let deleted = &answer["deleted"];
    let count = |name: &str| deleted[name].as_u64().unwrap_or_default();
    println!(
        "{account} reset: {} objects, {} idempotency keys, {} webhook deliveries, {} request \
         logs, {} faults deleted",
        count("objects"),
        count("idempotency_keys"),
        count("webhook_deliveries"),
        count("request_logs"),
        count("faults")
    );
    Ok(())
}

/// Prints every account's keys. Never creates a database (a new one would hold keys no server
/// knows); on an existing database without accounts it creates the default account, as the
/// server would on start, and says so.
pub async fn keys(database: &str, keys: DefaultKeys) -> Result<(), String> {
    let store = locate::open_existing(database).await?;
    ensure_default(store.as_ref(), keys).await?;
    for account in store.accounts().await.map_err(|e| e.to_string())? {
        print_text(&account);
    }
    Ok(())
}

/// Creates a new account with fresh keys. The fixed keys of `keys` belong to the default
/// account only: applied to a second account they would collide with the first. On a database
/// without accounts the default account is made first, so that a server started later with
/// the same environment still finds its fixed keys on the default (first) account.
pub async fn create(database: &str, keys: DefaultKeys, json: bool) -> Result<(), String> {
    let store = locate::open_or_create(database).await?;
    ensure_default(store.as_ref(), keys).await?;
    let account = tender_server::new_account(None, None);
    store
        .create_account(&account)
        .await
        .map_err(|e| e.to_string())?;
    if json {
        // One line on stdout: scripts read it as JSON (scripts/test checks this contract).
        let line = serde_json::json!({
            "id": account.id,
            "secret_key": account.secret_key,
            "publishable_key": account.publishable_key,
        });
        println!("{line}");
    } else {
        print_text(&account);
    }
    Ok(())
}

/// Creates the default account if there is none, and says so on stderr.
async fn ensure_default(store: &dyn Store, keys: DefaultKeys) -> Result<(), String> {
    if !store
        .accounts()
        .await
        .map_err(|e| e.to_string())?
        .is_empty()
    {
        return Ok(());
    }
    let fixed = keys.secret_key.is_some() || keys.publishable_key.is_some();
    let config = tender_server::Config {
        secret_key: keys.secret_key,
        publishable_key: keys.publishable_key,
        ..tender_server::Config::default()
    };
    let account = tender_server::ensure_default_account(store, &config)
        .await
        .map_err(|e| e.to_string())?;
    eprintln!(
        "tender: the database had no account: created the default account {}{}",
        account.id,
        if fixed {
            " with the keys TENDER_SECRET_KEY / TENDER_PUBLISHABLE_KEY fix"
        } else {
            ""
        }
    );
    Ok(())
}

fn print_text(account: &Account) {
    println!("{}", account.id);
    println!("  secret key:      {}", account.secret_key);
    println!("  publishable key: {}", account.publishable_key);
}
