//! The HTTP fuzzer's tally: statuses, error codes, mutations, and the violations with the
//! exact request that reproduces each.

use std::collections::BTreeMap;
use std::time::Duration;

/// One broken promise: a 5xx, a hang, a malformed answer, or a change from a rejected request.
pub struct Violation {
    pub index: usize,
    pub kind: String,
    /// What alike violations share (the problem, not the request), to group the report.
    pub group: String,
    pub detail: String,
    pub mutations: Vec<&'static str>,
    /// The request's exact bytes (empty for a violation not tied to one request).
    pub raw: Vec<u8>,
    /// Where `raw` was saved, once it is.
    pub saved: Option<String>,
}

#[derive(Default)]
pub struct Report {
    pub sent: usize,
    pub statuses: BTreeMap<u16, usize>,
    pub codes: BTreeMap<String, usize>,
    pub mutations: BTreeMap<&'static str, usize>,
    /// 400 `invalid_request_error`s with and without `error.param`.
    pub param_named: usize,
    pub param_missing: usize,
    /// Messages of those without `error.param`, shortened.
    pub unnamed: BTreeMap<String, usize>,
    /// Rejected requests whose database fingerprint was compared.
    pub db_checked: usize,
    pub slowest: Duration,
    pub violations: Vec<Violation>,
}

/// Examples printed of each group of alike violations; all are saved.
const EXAMPLES: usize = 3;
/// Most frequent messages of 400s without `error.param` shown.
const UNNAMED_SHOWN: usize = 12;
/// Requests up to this size are also printed as a shell line.
const SHOWN_BYTES: usize = 2048;

impl Report {
    /// Saves each violating request as `<dir>/violation-<index>.http`.
    pub fn save_violations(&mut self, dir: &str) -> Result<(), String> {
        if self.violations.iter().all(|v| v.raw.is_empty()) {
            return Ok(());
        }
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {dir}: {e}"))?;
        for v in self.violations.iter_mut().filter(|v| !v.raw.is_empty()) {
            let path = format!("{}/violation-{}.http", dir.trim_end_matches('/'), v.index);
            std::fs::write(&path, &v.raw).map_err(|e| format!("writing {path}: {e}"))?;
            v.saved = Some(path);
        }
        Ok(())
    }

    pub fn print(&self, elapsed: Duration, addr: &str) {
        let class = |lo: u16| -> usize { self.statuses.range(lo..lo + 100).map(|(_, n)| n).sum() };
        println!(
            "fuzz-http: {} requests in {:.1}s",
            self.sent,
            elapsed.as_secs_f64()
        );
        println!(
            "  by class: 2xx {}  3xx {}  4xx {}  5xx {}  (no answer: {})",
            class(200),
            class(300),
            class(400),
            class(500),
            self.sent - self.statuses.values().sum::<usize>()
        );
        let statuses: Vec<String> = self
            .statuses
            .iter()
            .map(|(s, n)| format!("{s}:{n}"))
            .collect();
        println!("  by status: {}", statuses.join(" "));
        println!("  distinct error codes ({}):", self.codes.len());
        for (code, n) in &self.codes {
            println!("    {n:>6}  {code}");
        }
        println!(
            "  400 invalid_request_error naming error.param: {} of {}",
            self.param_named,
            self.param_named + self.param_missing
        );
        let mut unnamed: Vec<(&String, &usize)> = self.unnamed.iter().collect();
        unnamed.sort_by(|a, b| b.1.cmp(a.1));
        for (message, n) in unnamed.iter().take(UNNAMED_SHOWN) {
            println!("    {n:>6}  without param: {message}");
        }
        println!(
            "  rejected requests checked against the database: {}",
            self.db_checked
        );
        println!("  slowest answer: {} ms", self.slowest.as_millis());
        let mutations: Vec<String> = self
            .mutations
            .iter()
            .map(|(m, n)| format!("{m}:{n}"))
            .collect();
        println!("  mutations applied: {}", mutations.join(" "));
        if self.violations.is_empty() {
            println!("  violations: none");
            return;
        }
        // Grouped by what went wrong (the body and the request vary), a few examples each.
        let mut groups: BTreeMap<String, Vec<&Violation>> = BTreeMap::new();
        for v in &self.violations {
            let signature: String = format!("{}: {}", v.kind, v.group)
                .chars()
                .take(120)
                .collect();
            groups.entry(signature).or_default().push(v);
        }
        println!(
            "  VIOLATIONS: {} in {} groups",
            self.violations.len(),
            groups.len()
        );
        let (host, port) = addr.rsplit_once(':').unwrap_or((addr, "80"));
        for (signature, members) in &groups {
            println!("  * {} x {signature}", members.len());
            for v in members.iter().take(EXAMPLES) {
                let detail: String = v.detail.chars().take(400).collect();
                println!("    - #{} {detail}", v.index);
                println!("      mutations: {:?}", v.mutations);
                if let Some(path) = &v.saved {
                    println!("      reproduce: nc -q 10 {host} {port} < {path}");
                }
                if !v.raw.is_empty() && v.raw.len() <= SHOWN_BYTES {
                    println!("      or: {}", super::wire::reproducer(&v.raw, addr));
                }
            }
        }
    }
}
