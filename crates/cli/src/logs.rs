//! `tender logs tail`: the API requests of the folder's server as they happen, read from its
//! database's request logs (what the dashboard's Logs page shows), as `stripe logs tail`
//! prints them: time, status, method, path and `Request-Id`, one line each.

use std::collections::HashMap;
use std::time::Duration;

use tender_store::{RequestLog, RequestLogQuery, Store};

use crate::locate;

/// How often the database is read for new requests.
const POLL: Duration = Duration::from_millis(250);
/// Most rows read per account per poll.
const BATCH: usize = 500;

/// What `--filter-*` keep; an empty list keeps everything.
#[derive(Debug, Default)]
pub struct Filters {
    /// `200`, or a class such as `4XX`.
    pub status_codes: Vec<String>,
    pub methods: Vec<String>,
    /// Paths starting with one of these.
    pub paths: Vec<String>,
}

impl Filters {
    pub fn keeps(&self, log: &RequestLog) -> bool {
        let status = log.status.to_string();
        let status_ok = self.status_codes.is_empty()
            || self.status_codes.iter().any(|code| {
                let code = code.to_ascii_uppercase();
                match code.strip_suffix("XX") {
                    Some(class) => status.starts_with(class),
                    None => code == status,
                }
            });
        let method_ok = self.methods.is_empty()
            || self
                .methods
                .iter()
                .any(|m| m.eq_ignore_ascii_case(&log.method));
        let path_ok =
            self.paths.is_empty() || self.paths.iter().any(|p| log.path.starts_with(p.as_str()));
        status_ok && method_ok && path_ok
    }
}

pub async fn tail(database: &str, filters: Filters) -> Result<(), String> {
    let store = locate::open_existing(database).await?;
    // Only what happens from now on: start after each account's newest row.
    let mut after: HashMap<String, i64> = HashMap::new();
    for account in store.accounts().await.map_err(|e| e.to_string())? {
        let newest = newest_seq(store.as_ref(), &account.id).await?;
        after.insert(account.id, newest);
    }
    println!("Ready! Tailing the API requests of {database} (Ctrl-C stops)");
    let several = after.len() > 1;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
        // Accounts made meanwhile are tailed from their first request.
        for account in store.accounts().await.map_err(|e| e.to_string())? {
            let since = *after.get(&account.id).unwrap_or(&0);
            let mut logs = store
                .request_logs(&RequestLogQuery {
                    account: account.id.clone(),
                    after_seq: Some(since),
                    limit: BATCH,
                    ..RequestLogQuery::default()
                })
                .await
                .map_err(|e| e.to_string())?;
            logs.truncate(BATCH);
            // Newest first from the store: printed oldest first. A burst larger than one batch
            // is caught up on the next polls.
            logs.sort_by_key(|l| l.seq);
            for log in &logs {
                if filters.keeps(log) {
                    println!("{}", line(log, several.then_some(account.id.as_str())));
                }
            }
            if let Some(max) = logs.last().map(|l| l.seq) {
                after.insert(account.id.clone(), max);
            }
        }
    }
}

async fn newest_seq(store: &dyn Store, account: &str) -> Result<i64, String> {
    let newest = store
        .request_logs(&RequestLogQuery {
            account: account.to_owned(),
            limit: 1,
            ..RequestLogQuery::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok(newest.first().map_or(0, |l| l.seq))
}

/// `2026-12-07 04:05:06 [200] POST /v1/payment_intents [req_…]`, as `stripe logs tail`.
pub fn line(log: &RequestLog, account: Option<&str>) -> String {
    let prefix = account.map_or(String::new(), |a| format!("{a} "));
    format!(
        "{prefix}{} [{}] {} {} [{}]",
        crate::deliveries::datetime(log.created_ms.div_euclid(1000)),
        log.status,
        log.method,
        log.path,
        log.id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(status: i64, method: &str, path: &str) -> RequestLog {
        RequestLog {
            seq: 1,
            id: "req_1".into(),
            account: "acct_1".into(),
            created_ms: 1_796_616_306_123,
            method: method.into(),
            path: path.into(),
            status,
            idempotency_key: None,
            replayed: false,
            latency_us: 1,
            source_ip: None,
            user_agent: None,
            object: None,
            params: "{}".into(),
            response: "{}".into(),
        }
    }

    #[test]
    fn filters_by_code_class_method_and_path() {
        let filters = Filters {
            status_codes: vec!["4XX".into(), "200".into()],
            methods: vec!["post".into()],
            paths: vec!["/v1/payment_intents".into()],
        };
        assert!(filters.keeps(&log(402, "POST", "/v1/payment_intents/pi_1/confirm")));
        assert!(filters.keeps(&log(200, "POST", "/v1/payment_intents")));
        assert!(!filters.keeps(&log(500, "POST", "/v1/payment_intents")));
        assert!(!filters.keeps(&log(200, "GET", "/v1/payment_intents")));
        assert!(!filters.keeps(&log(200, "POST", "/v1/customers")));
        assert!(Filters::default().keeps(&log(500, "DELETE", "/v1/customers/cus_1")));
        assert_eq!(
            line(&log(402, "POST", "/v1/refunds"), None),
            "2026-12-07 04:05:06 [402] POST /v1/refunds [req_1]"
        );
    }
}
