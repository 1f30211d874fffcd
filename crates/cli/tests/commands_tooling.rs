//! The tools of a merchant's test suite on the real binary (issue #26): `accounts reset`,
//! `fixtures`, `snapshot save|restore`, `events resend`, and `serve --database memory`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::Value;
use support::{Api, Folder, Receiver, field, serve, text};

/// The id of the default account, the first `tender keys` prints.
fn default_account(folder: &Folder) -> String {
    let keys = text(&folder.run(&["keys"]).stdout);
    keys.lines().next().unwrap().trim().to_owned()
}

#[tokio::test]
async fn accounts_reset_empties_one_account_and_keeps_the_others() {
    let folder = Folder::new("accounts-reset");
    let (server, base) = serve(&folder, &[]).await;
    let mine = Api::new(&base, &field(&server.stdout(), "secret key:"));
    let other: Value =
        serde_json::from_slice(&folder.run(&["accounts", "create", "--json"]).stdout).unwrap();
    let theirs = Api::new(&base, other["secret_key"].as_str().unwrap());
    mine.post("/v1/customers", &[("name", "mine")]).await;
    theirs.post("/v1/customers", &[("name", "theirs")]).await;
    let account = default_account(&folder);

    let output = text(&folder.run(&["accounts", "reset", &account]).stdout);
    // The API calls above were logged (off the request path, so maybe not all of them yet).
    let output = output.trim();
    let (head, tail) = output.split_once(" request logs, ").unwrap();
    assert_eq!(
        head.rsplit_once(", ").unwrap().0,
        format!("{account} reset: 2 objects, 0 idempotency keys, 0 webhook deliveries")
    );
    assert!(
        head.rsplit(' ').next().unwrap().parse::<u64>().is_ok(),
        "{output}"
    );
    assert_eq!(tail, "0 faults deleted");
    assert_eq!(
        mine.get("/v1/customers").await["data"],
        serde_json::json!([])
    );
    assert_eq!(
        theirs.get("/v1/customers").await["data"][0]["name"],
        "theirs"
    );
    // The keys still work: a new customer on the emptied account.
    mine.post("/v1/customers", &[("name", "again")]).await;

    // An unknown account, or a key of another account, resets nothing.
    let unknown = folder
        .tender(&["accounts", "reset", "acct_nope"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("no account acct_nope"));
    let crossed = folder
        .tender(&["accounts", "reset", &account, "--api-key", &theirs.key])
        .output()
        .unwrap();
    assert!(!crossed.status.success());
    assert!(
        text(&crossed.stderr).contains("is not the account of this API key"),
        "{}",
        text(&crossed.stderr)
    );
    assert_eq!(
        theirs.get("/v1/customers").await["data"][0]["name"],
        "theirs"
    );
    assert_eq!(mine.get("/v1/customers").await["data"][0]["name"], "again");
}

/// A customer, a card attached to it, and a payment confirmed with both, each step referring
/// to the earlier ones' answers, as `stripe fixtures` files do.
const FIXTURES: &str = r#"{
  "_meta": {"template_version": 0},
  "fixtures": [
    {
      "name": "customer",
      "path": "/v1/customers",
      "method": "post",
      "params": {"email": "fixtures@example.com", "metadata": {"seeded_by": "${.env:SEEDER}"}}
    },
    {
      "name": "card",
      "path": "/v1/payment_methods",
      "method": "post",
      "params": {"type": "card", "card": {"token": "tok_visa"}}
    },
    {
      "name": "attached",
      "path": "/v1/payment_methods/${card:id}/attach",
      "method": "post",
      "params": {"customer": "${customer:id}"}
    },
    {
      "name": "payment",
      "path": "/v1/payment_intents",
      "method": "post",
      "params": {
        "amount": 2500,
        "currency": "usd",
        "customer": "${customer:id}",
        "payment_method": "${attached:id}",
        "payment_method_types": ["card"],
        "confirm": true,
        "metadata": {"email": "${customer:email}", "brand": "${card:card.brand}"}
      }
    },
    {
      "name": "fetched",
      "path": "/v1/payment_intents/${payment:id}",
      "method": "get"
    },
    {
      "name": "refused",
      "path": "/v1/customers/cus_missing",
      "method": "get",
      "expected_error_type": "invalid_request_error"
    }
  ]
}"#;

#[tokio::test]
async fn fixtures_make_a_customer_a_payment_method_and_a_payment_with_references() {
    let folder = Folder::new("fixtures");
    let (server, base) = serve(&folder, &[]).await;
    let api = Api::new(&base, &field(&server.stdout(), "secret key:"));
    std::fs::write(folder.path("seed.json"), FIXTURES).unwrap();
    let output = folder
        .tender(&["fixtures", "seed.json"])
        .env("SEEDER", "ci")
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    assert!(lines[0].starts_with("customer") && lines[0].contains("-> cus_"));
    assert!(
        lines[5].contains("404 invalid_request_error (expected)"),
        "{stdout}"
    );

    let customer = &api.get("/v1/customers").await["data"][0];
    assert_eq!(customer["email"], "fixtures@example.com");
    assert_eq!(customer["metadata"]["seeded_by"], "ci");
    let customer_id = customer["id"].as_str().unwrap();
    let payment = &api.get("/v1/payment_intents").await["data"][0];
    assert_eq!(payment["status"], "succeeded");
    assert_eq!(payment["amount"], 2500);
    assert_eq!(payment["customer"], customer_id);
    assert_eq!(payment["metadata"]["email"], "fixtures@example.com");
    assert_eq!(payment["metadata"]["brand"], "visa");
    let pm = payment["payment_method"].as_str().unwrap();
    let attached = api.get(&format!("/v1/payment_methods/{pm}")).await;
    assert_eq!(attached["customer"], customer_id);

    // A reference to nothing stops the run at that fixture, naming it.
    std::fs::write(
        folder.path("broken.json"),
        r#"{"fixtures": [{"name": "pi", "path": "/v1/payment_intents", "method": "post",
            "params": {"amount": 100, "currency": "usd", "customer": "${nobody:id}"}}]}"#,
    )
    .unwrap();
    let broken = folder
        .tender(&["fixtures", "broken.json"])
        .output()
        .unwrap();
    assert!(!broken.status.success());
    let stderr = text(&broken.stderr);
    assert!(
        stderr.contains("fixture \"pi\"") && stderr.contains("nobody"),
        "{stderr}"
    );
    // An API error is reported with the fixture's name and the server's message.
    std::fs::write(
        folder.path("refused.json"),
        r#"{"fixtures": [{"name": "bad", "path": "/v1/customers", "method": "post",
            "params": {"colour": "red"}}]}"#,
    )
    .unwrap();
    let refused = folder
        .tender(&["fixtures", "refused.json"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("fixture \"bad\"") && stderr.contains("colour"),
        "{stderr}"
    );
}

#[tokio::test]
async fn snapshot_saves_online_and_restores_into_a_stopped_server() {
    let folder = Folder::new("snapshot");
    let (mut server, base) = serve(&folder, &[]).await;
    let key = field(&server.stdout(), "secret key:");
    let api = Api::new(&base, &key);
    let saved = api.post("/v1/customers", &[("name", "saved")]).await;
    let saved_id = saved["id"].as_str().unwrap().to_owned();

    // While the server runs.
    let output = text(&folder.run(&["snapshot", "save", "snap.db"]).stdout);
    assert!(
        output.contains("saved") && output.contains("snap.db"),
        "{output}"
    );
    api.post("/v1/customers", &[("name", "after")]).await;
    // Never over an existing file.
    let again = folder
        .tender(&["snapshot", "save", "snap.db"])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("already exists"));
    // Not while the server has the database open.
    let busy = folder
        .tender(&["snapshot", "restore", "snap.db"])
        .output()
        .unwrap();
    assert!(!busy.status.success());
    assert!(
        text(&busy.stderr).contains("in use"),
        "{}",
        text(&busy.stderr)
    );
    assert_eq!(
        api.get("/v1/customers").await["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    assert!(server.signal("TERM").success());
    let output = text(&folder.run(&["snapshot", "restore", "snap.db"]).stdout);
    assert!(output.contains("restored"), "{output}");
    // A file that is not a Tender database is refused.
    std::fs::write(folder.path("junk.db"), "not a database").unwrap();
    let junk = folder
        .tender(&["snapshot", "restore", "junk.db"])
        .output()
        .unwrap();
    assert!(!junk.status.success());

    let (_server, base) = serve(&folder, &[]).await;
    let api = Api::new(&base, &key);
    let customers = api.get("/v1/customers").await;
    let names: Vec<&str> = customers["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["saved"]);
    assert_eq!(
        api.get(&format!("/v1/customers/{saved_id}")).await["name"],
        "saved"
    );
}

#[tokio::test]
async fn events_resend_delivers_an_event_again() {
    let folder = Folder::new("events-resend");
    let (server, base) = serve(&folder, &["--webhook-retries", "fast"]).await;
    let api = Api::new(&base, &field(&server.stdout(), "secret key:"));
    let receiver = Receiver::start(200).await;
    let endpoint = api
        .post(
            "/v1/webhook_endpoints",
            &[("url", receiver.url.as_str()), ("enabled_events[]", "*")],
        )
        .await;
    let endpoint = endpoint["id"].as_str().unwrap();
    api.post("/v1/customers", &[("name", "resend me")]).await;
    let event = api.get("/v1/events?type=customer.created").await["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    receiver.wait_for(&event, 1).await;

    let output = text(&folder.run(&["events", "resend", &event]).stdout);
    assert_eq!(
        output.trim(),
        format!("{event} (customer.created) resent to every endpoint subscribed to it")
    );
    receiver.wait_for(&event, 2).await;
    let output = text(
        &folder
            .run(&["events", "resend", &event, "--webhook-endpoint", endpoint])
            .stdout,
    );
    assert_eq!(
        output.trim(),
        format!("{event} (customer.created) resent to {endpoint}")
    );
    receiver.wait_for(&event, 3).await;
    // `tender deliveries` shows each resend as a delivery of its own.
    let deliveries = text(&folder.run(&["deliveries", "--event", &event]).stdout);
    assert_eq!(
        deliveries.matches("customer.created").count(),
        3,
        "{deliveries}"
    );

    let missing = folder
        .tender(&["events", "resend", "evt_missing"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("evt_missing"));
    let unknown = folder
        .tender(&["events", "resend", &event, "--webhook-endpoint", "we_nope"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("we_nope"));
}

#[tokio::test]
async fn serve_in_memory_leaves_nothing_behind() {
    let folder = Folder::new("memory");
    let (mut server, base) = serve(&folder, &["--database", "memory"]).await;
    assert!(
        server.stdout().contains("database:        memory"),
        "{}",
        server.stdout()
    );
    let api = Api::new(&base, &field(&server.stdout(), "secret key:"));
    let customer = api.post("/v1/customers", &[("name", "in memory")]).await;
    let id = customer["id"].as_str().unwrap();
    assert_eq!(
        api.get(&format!("/v1/customers/{id}")).await["name"],
        "in memory"
    );
    // The other commands reach it with --api-base and --api-key.
    let event = api.get("/v1/events").await["data"][0]["id"].clone();
    let listed = folder
        .tender(&["faults", "list", "--api-base", &base, "--api-key", &api.key])
        .output()
        .unwrap();
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    assert_eq!(text(&listed.stdout).trim(), "no faults armed");
    assert!(event.as_str().unwrap().starts_with("evt_"));
    // Commands that read the database say why they cannot.
    let keys = folder
        .tender(&["keys", "--database", "memory"])
        .output()
        .unwrap();
    assert!(!keys.status.success());
    assert!(
        text(&keys.stderr).contains("--api-key"),
        "{}",
        text(&keys.stderr)
    );
    assert!(server.signal("TERM").success());
    // Nothing on disk: not even the announcement other servers leave.
    let left: Vec<String> = std::fs::read_dir(&folder.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with("serve."))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
