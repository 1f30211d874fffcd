//! `tender accounts create`, `tender deliveries` and `tender trigger` on the real binary,
//! each in a folder of its own (issue #20, items 5, 10 and 12).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{Api, Folder, Receiver, field, serve, text};

const FIXED_SECRET: &str = "sk_test_fixedByTheEnvironment0000000000000001";
const FIXED_PUBLISHABLE: &str = "pk_test_fixedByTheEnvironment0000000000000001";

/// `accounts create --json` with the environment's fixed keys: its one JSON line.
fn create_account(folder: &Folder) -> (Value, String) {
    let output = folder
        .tender(&["accounts", "create", "--json"])
        .env("TENDER_SECRET_KEY", FIXED_SECRET)
        .env("TENDER_PUBLISHABLE_KEY", FIXED_PUBLISHABLE)
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stdout}{stderr}");
    assert_eq!(stdout.lines().count(), 1, "one line on stdout: {stdout}");
    (serde_json::from_str(&stdout).unwrap(), stderr)
}

#[test]
fn accounts_create_makes_a_new_account_whatever_the_environment_fixes() {
    let folder = Folder::new("accounts");

    // An empty folder: the default account (with the fixed keys) is made first, and said so;
    // the new account, with fresh keys, is what is printed. Then another, as fresh.
    let (first, first_stderr) = create_account(&folder);
    assert_ne!(first["secret_key"], FIXED_SECRET);
    let (second, second_stderr) = create_account(&folder);
    let secrets = [&first, &second].map(|a| a["secret_key"].as_str().unwrap().to_owned());
    for (account, secret) in [&first, &second].iter().zip(&secrets) {
        assert!(secret.starts_with("sk_test_"), "{account}");
        assert_ne!(secret, FIXED_SECRET);
        assert!(account["id"].as_str().unwrap().starts_with("acct_"));
        assert!(
            account["publishable_key"]
                .as_str()
                .unwrap()
                .starts_with("pk_test_")
        );
        assert_ne!(account["publishable_key"], FIXED_PUBLISHABLE);
    }
    assert_ne!(secrets[0], secrets[1]);
    assert!(
        first_stderr.contains("created the default account"),
        "stderr: {first_stderr}"
    );
    assert!(
        first_stderr.contains("creating the database"),
        "stderr: {first_stderr}"
    );
    assert_eq!(second_stderr, "", "nothing to say the second time");

    // The default account keeps the fixed keys, first; the two new ones follow.
    let keys = text(&folder.run(&["keys"]).stdout);
    let listed: Vec<&str> = keys
        .lines()
        .filter_map(|l| l.trim().strip_prefix("secret key:"))
        .map(str::trim)
        .collect();
    assert_eq!(listed, [FIXED_SECRET, &secrets[0], &secrets[1]]);

    let help = text(&folder.run(&["accounts", "create", "--help"]).stdout);
    assert!(help.contains("fresh keys"), "{help}");
    assert!(
        help.contains("used only if the database has no account yet"),
        "{help}"
    );
}

#[tokio::test]
async fn deliveries_show_type_url_time_attempts_last_status_and_next_retry() {
    let folder = Folder::new("deliveries");
    let receiver = Receiver::start(500).await;
    // One retry an hour away: the report is read while the delivery waits for it.
    let (server, base) = serve(&folder, &["--webhook-retries", "1h"]).await;
    let api = Api::new(&base, &field(&server.stdout(), "secret key:"));
    api.post(
        "/v1/webhook_endpoints",
        &[
            ("url", &receiver.url),
            ("enabled_events[]", "customer.created"),
        ],
    )
    .await;
    let customer = api.post("/v1/customers", &[("name", "Jo")]).await;
    let (event, _, _) = receiver.event("customer.created").await;
    assert_eq!(event["data"]["object"]["id"], customer["id"]);

    // The attempt is recorded just after the receiver answers: poll for it.
    let mut report = String::new();
    for _ in 0..200 {
        let output = folder.run(&["deliveries"]);
        assert_eq!(text(&output.stderr), "", "no log lines");
        report = text(&output.stdout);
        if report.contains("1 attempt") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 3, "{report}");
    let (time, rest) = lines[0].split_once("  ").unwrap();
    assert_eq!(time.len(), "2026-12-06 18:40:02".len(), "{report}");
    assert_eq!(rest, format!("customer.created  → {}", receiver.url));
    assert!(
        lines[1].starts_with("    pending · 1 attempt · last 500 · next retry "),
        "{report}"
    );
    assert!(
        lines[1].contains(&format!("({} whdel_", event["id"].as_str().unwrap())),
        "{report}"
    );
    assert!(lines[2].starts_with("    attempt 1 at "), "{report}");
    assert!(lines[2].contains(": 500 in "), "{report}");
    assert!(lines[2].ends_with("ms — received"), "{report}");

    let help = text(&folder.run(&["deliveries", "--help"]).stdout);
    for meaningless in ["--secret-key", "--publishable-key", "TENDER_SECRET_KEY"] {
        assert!(!help.contains(meaningless), "{meaningless} in: {help}");
    }
    assert!(help.contains("--database"), "{help}");
}

/// Event types in `tender trigger --help`'s list.
fn listed_events(folder: &Folder) -> BTreeSet<String> {
    let help = text(&folder.run(&["trigger", "--help"]).stdout);
    let (_, list) = help
        .split_once("Supported events:")
        .unwrap_or_else(|| panic!("no list of events in {help}"));
    list.split_whitespace().map(str::to_owned).collect()
}

#[tokio::test]
async fn trigger_help_lists_every_event_trigger_causes() {
    let folder = Folder::new("trigger");
    let listed = listed_events(&folder);
    // Every type Tender emits can be triggered, but the trial reminder: only the scheduler
    // sends it (three days before a trial ends, checked once a minute).
    let untriggered: Vec<&str> = tender_core::event_kind::EventKind::ALL
        .iter()
        .map(|kind| kind.as_str())
        .filter(|t| !listed.contains(*t) && *t != "customer.subscription.trial_will_end")
        .collect();
    assert!(
        untriggered.is_empty(),
        "emitted but not triggered: {untriggered:?}"
    );
    let (server, base) = serve(&folder, &[]).await;
    let api = Api::new(&base, &field(&server.stdout(), "secret key:"));

    let mut seen = BTreeSet::new();
    let mut caused = BTreeSet::new();
    for event in &listed {
        folder.run(&["trigger", event]);
        let mut types = BTreeSet::new();
        // Newest first: the events this trigger caused are the ones not seen before.
        let page = api.get("/v1/events?limit=100").await;
        for new in page["data"].as_array().unwrap() {
            if seen.insert(new["id"].as_str().unwrap().to_owned()) {
                types.insert(new["type"].as_str().unwrap().to_owned());
            }
        }
        assert!(types.contains(event), "`trigger {event}` caused {types:?}");
        caused.extend(types);
    }
    let unlisted: Vec<&String> = caused.difference(&listed).collect();
    assert!(unlisted.is_empty(), "caused but not listed: {unlisted:?}");
}

#[tokio::test]
async fn faults_add_list_clear() {
    let folder = Folder::new("faults");
    let (server, base) = serve(&folder, &[]).await;
    let api = Api::new(&base, &field(&server.stdout(), "secret key:"));
    let added = folder.run(&[
        "faults",
        "add",
        "--method",
        "POST",
        "--path",
        "/v1/customers",
        "--kind",
        "api_error",
        "--phase",
        "after",
        "--count",
        "2",
        "--expires-in",
        "600",
    ]);
    let line = text(&added.stdout);
    assert!(line.starts_with("fault_"), "{line}");
    assert!(
        line.contains("POST /v1/customers api_error after, 2 left, struck 0"),
        "{line}"
    );
    let struck = reqwest::Client::new()
        .post(format!("{}/v1/customers", api.base))
        .bearer_auth(&api.key)
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(struck.status().as_u16(), 500);
    assert_eq!(api.get("/v1/customers").await["data"][0]["name"], "x");
    let listed = text(&folder.run(&["faults", "list"]).stdout);
    assert!(listed.contains("1 left, struck 1"), "{listed}");
    let refused = folder
        .tender(&["faults", "add", "--path", "/v1/x", "--kind", "meltdown"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("kind"),
        "{}",
        text(&refused.stderr)
    );
    let cleared = text(&folder.run(&["faults", "clear"]).stdout);
    assert_eq!(cleared.trim(), "1 fault(s) cleared");
    let empty = text(&folder.run(&["faults", "list"]).stdout);
    assert_eq!(empty.trim(), "no faults armed");
}
