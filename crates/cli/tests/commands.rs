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
    // Every type Tender emits can be triggered (what the scheduler sends later, through a test
    // clock the trigger advances), but the one only Tender's own failure causes.
    let untriggered: Vec<&str> = tender_core::event_kind::EventKind::ALL
        .iter()
        .map(|kind| kind.as_str())
        .filter(|t| *t != "test_helpers.test_clock.internal_failure")
        .filter(|t| !listed.contains(*t))
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

#[tokio::test]
async fn logs_tail_prints_new_requests_as_they_happen_filtered() {
    let folder = Folder::new("logs-tail");
    let (server, base) = serve(&folder, &[]).await;
    let api = Api::new(&base, &field(&server.stdout(), "secret key:"));
    // Before the tail starts: not printed.
    api.post("/v1/customers", &[("name", "Before")]).await;
    // Logs are written in the background, within milliseconds: let it land before the tail
    // starts from the newest row.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut tail = folder.spawn(
        "tail",
        &[
            "logs",
            "tail",
            "--filter-http-method",
            "POST",
            "--filter-request-path",
            "/v1/customers,/v1/payment_intents",
        ],
    );
    tail.line_with("Ready!").await;
    api.post("/v1/customers", &[("name", "Jo")]).await;
    api.get("/v1/customers").await;
    api.post("/v1/products", &[("name", "Hat")]).await;
    // A 400: filtered by class below, printed here.
    let refused = reqwest::Client::new()
        .post(format!("{base}/v1/payment_intents"))
        .bearer_auth(&api.key)
        .form(&[("amount", "10"), ("currency", "usd")])
        .send()
        .await
        .unwrap();
    let refused_id = refused.headers()["request-id"].to_str().unwrap().to_owned();
    let line = tail.line_with(&refused_id).await;
    assert!(line.contains("[400] POST /v1/payment_intents ["), "{line}");
    let printed = tail.stdout();
    let lines: Vec<&str> = printed.lines().skip(1).collect();
    assert_eq!(
        lines.len(),
        2,
        "the customer and the refused intent: {printed}"
    );
    assert!(lines[0].contains("[200] POST /v1/customers ["), "{printed}");
    assert!(!printed.contains("GET"), "{printed}");
    assert!(!printed.contains("/v1/products"), "{printed}");

    // Status classes.
    let mut errors = folder.spawn("errors", &["logs", "tail", "--filter-status-code", "4XX"]);
    errors.line_with("Ready!").await;
    api.post("/v1/customers", &[("name", "Ok")]).await;
    let refused = reqwest::Client::new()
        .get(format!("{base}/v1/customers/cus_missing"))
        .bearer_auth(&api.key)
        .send()
        .await
        .unwrap();
    let missing = refused.headers()["request-id"].to_str().unwrap().to_owned();
    let line = errors.line_with(&missing).await;
    assert!(
        line.contains("[404] GET /v1/customers/cus_missing"),
        "{line}"
    );
    assert_eq!(errors.stdout().lines().count(), 2, "{}", errors.stdout());
    drop(server);
}

#[tokio::test]
async fn clocks_create_advance_and_list() {
    const JAN_1: i64 = 1_798_761_600;
    const FEB_1: i64 = JAN_1 + 31 * 86_400;
    let folder = Folder::new("clocks");
    let (server, base) = serve(&folder, &[]).await;
    let api = Api::new(&base, &field(&server.stdout(), "secret key:"));
    let created = text(
        &folder
            .run(&[
                "clocks",
                "create",
                "--frozen-time",
                &JAN_1.to_string(),
                "--name",
                "cli",
            ])
            .stdout,
    );
    assert!(created.starts_with("clock_"), "{created}");
    assert!(created.contains("ready  cli"), "{created}");
    let clock = created.split_whitespace().next().unwrap().to_owned();
    let customer = api
        .post(
            "/v1/customers",
            &[
                ("test_clock", clock.as_str()),
                ("payment_method", "pm_card_visa"),
            ],
        )
        .await;
    let customer = customer["id"].as_str().unwrap().to_owned();
    let pm = api
        .get(&format!("/v1/payment_methods?customer={customer}"))
        .await;
    let pm = pm["data"][0]["id"].as_str().unwrap().to_owned();
    let price = api
        .post(
            "/v1/prices",
            &[
                ("currency", "usd"),
                ("unit_amount", "700"),
                ("recurring[interval]", "month"),
                ("product_data[name]", "CLI plan"),
            ],
        )
        .await;
    let subscription = api
        .post(
            "/v1/subscriptions",
            &[
                ("customer", customer.as_str()),
                ("items[0][price]", price["id"].as_str().unwrap()),
                ("default_payment_method", pm.as_str()),
            ],
        )
        .await;
    assert_eq!(subscription["status"], "active", "{subscription}");

    // A month, then the renewal invoice's draft hour: advanced by duration, then to a time.
    let advanced = text(&folder.run(&["clocks", "advance", &clock, "1month"]).stdout);
    assert!(
        advanced.contains(&format!("({FEB_1})  ready")),
        "{advanced}"
    );
    let later = (FEB_1 + 7200).to_string();
    folder.run(&["clocks", "advance", &clock, &later]);
    let sub = subscription["id"].as_str().unwrap();
    let invoices = api.get(&format!("/v1/invoices?subscription={sub}")).await;
    let statuses: Vec<&str> = invoices["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["paid", "paid"]);
    let listed = text(&folder.run(&["clocks", "list"]).stdout);
    assert!(
        listed.contains(&clock) && listed.contains(&format!("({later})")),
        "{listed}"
    );
    let refused = folder
        .tender(&["clocks", "advance", &clock, "a while"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("duration"),
        "{}",
        text(&refused.stderr)
    );
}
