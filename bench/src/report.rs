//! `tender-bench report`: the markdown table (and ratios) of a results file.

use std::fmt::Write as _;
use std::path::Path;

use crate::run::RunReport;

pub fn read(path: &Path) -> Result<Vec<RunReport>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{}: {e}", path.display())))
        .collect()
}

fn stored(r: &RunReport) -> String {
    r.stored.map_or("–".into(), group)
}

fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Thousands grouped; two decimals for the slow ones (localstripe).
fn rate(per_s: f64) -> String {
    if per_s < 100.0 {
        format!("{per_s:.2}")
    } else {
        group(per_s.round() as u64)
    }
}

fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or("–".into(), |v| format!("{v:.decimals$}"))
}

pub fn markdown(rows: &[RunReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| target | stored payments | scenario | conns | rate | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU µs/unit | disk read KB/unit | CPU steal % | server RSS MB (peak) | DB MB |"
    );
    let _ = writeln!(
        out,
        "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    );
    for r in rows {
        let rss = match (r.rss_mb, r.rss_peak_mb) {
            (Some(now), Some(peak)) => format!("{now:.0} ({peak:.0})"),
            (now, _) => opt(now, 0),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} {}/s | {:.2} | {:.2} | {:.2} | {:.1} | {} | {} | {} | {} | {} | {} |",
            r.target,
            stored(r),
            r.scenario,
            r.connections,
            rate(r.units_per_s),
            r.unit,
            r.p50_ms,
            r.p90_ms,
            r.p99_ms,
            r.max_ms,
            r.errors,
            opt(r.server_cpu_us_per_unit, 0),
            opt(r.server_disk_read_kb_per_unit, 2),
            opt(r.cpu_steal_percent, 1),
            rss,
            opt(r.db_bytes.map(|b| b as f64 / 1e6), 1),
        );
    }
    let ratios = ratios(rows);
    if !ratios.is_empty() {
        let _ = writeln!(out, "\n| ratio | value |\n|---|--:|");
        for (name, value) in ratios {
            let _ = writeln!(out, "| {name} | {value} |");
        }
    }
    let errors: Vec<_> = rows.iter().filter(|r| r.errors > 0).collect();
    if !errors.is_empty() {
        let _ = writeln!(out, "\nErrors:\n");
        for r in errors {
            for sample in &r.error_samples {
                let _ = writeln!(
                    out,
                    "- {} {} ({}): `{}`",
                    r.target,
                    r.scenario,
                    stored(r),
                    sample.replace('`', "'")
                );
            }
        }
    }
    out
}

fn find<'a>(
    rows: &'a [RunReport],
    target: &str,
    scenario: &str,
    stored: Option<u64>,
) -> Option<&'a RunReport> {
    let matching = || {
        rows.iter()
            .filter(move |r| r.target == target && r.scenario == scenario)
    };
    matching()
        .find(|r| r.stored == stored)
        .or_else(|| matching().next())
}

fn ratios(rows: &[RunReport]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let x = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.2}×", a / b)
        } else {
            "–".into()
        }
    };
    let pct = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.1} %", 100.0 * a / b)
        } else {
            "–".into()
        }
    };
    for r in rows.iter().filter(|r| r.scenario == "payment") {
        if let Some(ceiling) = find(rows, &r.target, "ceiling", r.stored) {
            out.push((
                format!(
                    "{} payment at {} stored: payments/s ÷ ceiling requests/s",
                    r.target,
                    stored(r)
                ),
                pct(r.units_per_s, ceiling.units_per_s),
            ));
            out.push((
                format!(
                    "{} payment at {} stored: requests/s ÷ ceiling requests/s",
                    r.target,
                    stored(r)
                ),
                pct(r.requests_per_s, ceiling.units_per_s),
            ));
        }
    }
    // The other backends against the durable default.
    let others = [
        ("tender-postgres", "PostgreSQL"),
        ("tender-memory", "in memory"),
    ];
    for (target, name) in others {
        for r in rows.iter().filter(|r| r.target == target) {
            if let Some(sqlite) = rows.iter().find(|s| {
                s.target == "tender-sqlite" && s.scenario == r.scenario && s.stored == r.stored
            }) {
                out.push((
                    format!("{} at {} stored: {name} ÷ SQLite", r.scenario, stored(r)),
                    x(r.units_per_s, sqlite.units_per_s),
                ));
            }
        }
    }
    for l in rows.iter().filter(|r| r.target == "localstripe") {
        // Tender at its sizes (usually far more stored payments) against localstripe at its.
        for t in rows
            .iter()
            .filter(|r| r.target.starts_with("tender") && r.scenario == l.scenario)
        {
            out.push((
                format!(
                    "{} {} at {} stored ÷ localstripe at {} stored",
                    t.target,
                    t.scenario,
                    stored(t),
                    stored(l)
                ),
                x(t.units_per_s, l.units_per_s),
            ));
        }
    }
    // Flatness: each (target, scenario) against its smallest database; for the reads, the
    // smallest that holds something (an empty first page is not a baseline).
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for r in rows {
        if seen.contains(&(r.target.as_str(), r.scenario.as_str())) {
            continue;
        }
        seen.push((r.target.as_str(), r.scenario.as_str()));
        let mut series: Vec<&RunReport> = rows
            .iter()
            .filter(|s| s.target == r.target && s.scenario == r.scenario)
            .filter(|s| match s.stored {
                Some(0) => !matches!(s.scenario.as_str(), "retrieve" | "list" | "list-deep"),
                Some(_) => true,
                None => false,
            })
            .collect();
        series.sort_by_key(|s| s.stored);
        if let Some((base, rest)) = series.split_first() {
            for s in rest.iter().filter(|s| s.stored != base.stored) {
                out.push((
                    format!(
                        "{} {}: {} stored ÷ {} stored",
                        r.target,
                        r.scenario,
                        stored(s),
                        stored(base)
                    ),
                    x(s.units_per_s, base.units_per_s),
                ));
            }
        }
    }
    out
}
