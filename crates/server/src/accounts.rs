//! Accounts and their API keys: resolving a key to its account, and creating accounts.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tender_store::{Account, Store, StoreError};
use tender_wire::ApiError;
use tender_wire::id::{generate, random_base62};

use crate::clock::system_now;
use crate::http::KeyKind;
use crate::store_error;

/// An in-memory index of every key, refreshed from the store when a key is not found (so that
/// accounts created by another node or by `tender accounts create` are picked up).
pub struct AccountDirectory {
    store: Arc<dyn Store>,
    keys: RwLock<HashMap<String, (Arc<Account>, KeyKind)>>,
}

impl AccountDirectory {
    pub fn new(store: Arc<dyn Store>) -> AccountDirectory {
        AccountDirectory {
            store,
            keys: RwLock::new(HashMap::new()),
        }
    }

    /// The account a key belongs to, and the key's kind.
    pub async fn resolve(&self, key: &str) -> Result<Option<(Arc<Account>, KeyKind)>, ApiError> {
        if let Some(hit) = self.cached(key) {
            return Ok(Some(hit));
        }
        self.reload().await.map_err(store_error)?;
        Ok(self.cached(key))
    }

    /// An account by id (hosted pages name the account in their URL).
    pub async fn by_id(&self, id: &str) -> Result<Option<Arc<Account>>, ApiError> {
        let find = |keys: &HashMap<String, (Arc<Account>, KeyKind)>| {
            keys.values()
                .find(|(a, _)| a.id == id)
                .map(|(a, _)| a.clone())
        };
        if let Some(hit) = find(&self.keys.read().unwrap_or_else(|p| p.into_inner())) {
            return Ok(Some(hit));
        }
        self.reload().await.map_err(store_error)?;
        Ok(find(&self.keys.read().unwrap_or_else(|p| p.into_inner())))
    }

    fn cached(&self, key: &str) -> Option<(Arc<Account>, KeyKind)> {
        let keys = self.keys.read().unwrap_or_else(|p| p.into_inner());
        keys.get(key).cloned()
    }

    pub async fn reload(&self) -> Result<(), StoreError> {
        let accounts = self.store.accounts().await?;
        let mut keys = HashMap::with_capacity(accounts.len() * 2);
        for account in accounts {
            let account = Arc::new(account);
            keys.insert(
                account.secret_key.clone(),
                (account.clone(), KeyKind::Secret),
            );
            keys.insert(
                account.publishable_key.clone(),
                (account, KeyKind::Publishable),
            );
        }
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = keys;
        Ok(())
    }
}

/// A new account id, greater than every one this process made before. Accounts are listed by
/// `created` (seconds), then id: ids are time-ordered to the millisecond only, so two accounts
/// made in one millisecond (the default account, then `tender accounts create`'s) would
/// otherwise list in a random order.
fn account_id() -> String {
    static LAST: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());
    let mut last = LAST.lock().unwrap_or_else(|p| p.into_inner());
    let mut id = generate("acct");
    while id <= *last {
        std::thread::sleep(std::time::Duration::from_millis(1));
        id = generate("acct");
    }
    last.clone_from(&id);
    id
}

/// A new test-mode account, with the given keys or fresh random ones.
pub fn new_account(secret_key: Option<String>, publishable_key: Option<String>) -> Account {
    Account {
        id: account_id(),
        secret_key: secret_key.unwrap_or_else(|| format!("sk_test_{}", random_base62(48))),
        publishable_key: publishable_key
            .unwrap_or_else(|| format!("pk_test_{}", random_base62(48))),
        created: system_now(),
    }
}

/// On an empty database, creates the default account (with fixed keys if given). Returns the
/// first account, and whether it was just created.
pub async fn ensure_default_account(
    store: &dyn Store,
    secret_key: Option<String>,
    publishable_key: Option<String>,
) -> Result<(Account, bool), StoreError> {
    if let Some(first) = store.accounts().await?.into_iter().next() {
        return Ok((first, false));
    }
    let account = new_account(secret_key, publishable_key);
    match store.create_account(&account).await {
        Ok(()) => Ok((account, true)),
        // Another node created it at the same moment.
        Err(StoreError::DuplicateAccount) => {
            let first = store.accounts().await?.into_iter().next();
            first
                .map(|a| (a, false))
                .ok_or(StoreError::DuplicateAccount)
        }
        Err(error) => Err(error),
    }
}
