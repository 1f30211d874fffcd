//! Fault injection (`/v1/test_helpers/faults`, decision 17): the armed faults of each account,
//! kept in this node's memory, and [`layer`], which strikes the requests they match.
//!
//! What a fault is and when it fires is `tender_core::fault`; this module holds them and
//! rolls the dice.

pub mod layer;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tender_core::Timestamp;
use tender_core::fault::{Fault, FaultSpec, Target};

/// The faults armed on this node, by account.
#[derive(Default)]
pub struct Faults {
    by_account: Mutex<HashMap<String, Vec<Fault>>>,
    /// How many faults are armed in all: zero lets every request pass without a lock.
    armed: AtomicUsize,
}

/// What a struck request suffers: a copy of the fault as it was when it fired.
pub type Strike = Fault;

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Fault>>> {
        self.by_account
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether any account has a fault armed.
    pub fn any(&self) -> bool {
        self.armed.load(Ordering::Relaxed) > 0
    }

    pub fn add(&self, account: &str, id: String, now: Timestamp, spec: FaultSpec) -> Fault {
        let fault = Fault::new(id, now, spec);
        let mut faults = self.lock();
        faults
            .entry(account.to_owned())
            .or_default()
            .push(fault.clone());
        self.armed.fetch_add(1, Ordering::Relaxed);
        fault
    }

    /// The account's faults, newest first (spent and expired ones too, until deleted).
    pub fn list(&self, account: &str) -> Vec<Fault> {
        let faults = self.lock();
        let mut list = faults.get(account).cloned().unwrap_or_default();
        list.reverse();
        list
    }

    pub fn get(&self, account: &str, id: &str) -> Option<Fault> {
        let faults = self.lock();
        faults.get(account)?.iter().find(|f| f.id == id).cloned()
    }

    /// Deletes one fault; whether it existed.
    pub fn remove(&self, account: &str, id: &str) -> bool {
        let mut faults = self.lock();
        let Some(list) = faults.get_mut(account) else {
            return false;
        };
        let before = list.len();
        list.retain(|f| f.id != id);
        let removed = before - list.len();
        self.armed.fetch_sub(removed, Ordering::Relaxed);
        removed > 0
    }

    /// Deletes every fault of the account; how many there were.
    pub fn clear(&self, account: &str) -> usize {
        let removed = self.lock().remove(account).map_or(0, |list| list.len());
        self.armed.fetch_sub(removed, Ordering::Relaxed);
        removed
    }

    /// Whether the account's faults may need the request's parameters to decide.
    pub fn needs_params(&self, account: &str) -> bool {
        self.lock()
            .get(account)
            .is_some_and(|list| list.iter().any(|f| f.spec.param.is_some()))
    }

    /// The fault that strikes this request, if any: the oldest armed fault that matches and
    /// fires (its count spent under the lock, so two requests never share one strike).
    pub fn strike(&self, account: &str, target: &Target<'_>, now: Timestamp) -> Option<Strike> {
        let mut faults = self.lock();
        let list = faults.get_mut(account)?;
        for fault in list.iter_mut() {
            if fault.matches(target, now) && fault.fire(rand::random::<f64>()) {
                return Some(fault.clone());
            }
        }
        None
    }
}
