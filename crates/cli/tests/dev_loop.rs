//! The README's developer loop, as written: `tender dev`, then `tender listen --forward-to …`
//! and `tender trigger …` in the same folder with no flags (issue #20, items 9 and 10).
//!
//! `tender dev` runs on ports the system picks (`--listen 127.0.0.1:0`, `--shop-listen
//! 127.0.0.1:0`), so the test collides with nothing, and so the other commands can only find
//! it through what it announced in `.tender/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use support::{Api, Folder, Receiver, Running, exists, field, text};

/// Checks a `Stripe-Signature` header (`t=…,v1=…`) over `body` with `secret`.
fn verify(signature: &str, body: &[u8], secret: &str) {
    let part = |name: &str| {
        signature
            .split(',')
            .find_map(|p| p.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {signature}"))
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(part("t=").as_bytes());
    mac.update(b".");
    mac.update(body);
    assert_eq!(hex::encode(mac.finalize().into_bytes()), part("v1="));
}

/// `tender listen --forward-to URL`, once it printed its secret.
async fn listen(folder: &Folder, name: &str, url: &str) -> (Running, String) {
    let mut listen = folder.spawn(name, &["listen", "--forward-to", url]);
    let ready = listen
        .line_with("Ready! Your webhook signing secret is ")
        .await;
    let secret = ready
        .split_whitespace()
        .find(|w| w.starts_with("whsec_"))
        .unwrap()
        .to_owned();
    (listen, secret)
}

/// The account's endpoints made by `tender listen`.
async fn listen_endpoints(api: &Api) -> Vec<Value> {
    let list = api.get("/v1/webhook_endpoints?limit=100").await;
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("tender listen"))
        })
        .cloned()
        .collect()
}

/// `tender trigger EVENT`: succeeds, and logs nothing.
fn trigger(folder: &Folder, event: &str) {
    let output = folder.run(&["trigger", event]);
    assert!(
        text(&output.stdout).contains("Trigger succeeded!"),
        "{}",
        text(&output.stdout)
    );
    assert_eq!(text(&output.stderr), "");
}

#[tokio::test]
async fn dev_then_listen_then_trigger_in_one_folder() {
    let folder = Folder::new("devloop");
    let mut dev = folder.spawn(
        "dev",
        &[
            "dev",
            "--listen",
            "127.0.0.1:0",
            "--shop-listen",
            "127.0.0.1:0",
        ],
    );
    dev.line_with("Ctrl-C stops both.").await;
    let banner = dev.stdout();
    let base = field(&banner, "Tender is listening on");
    let secret_key = field(&banner, "secret key:");
    let api = Api::new(&base, &secret_key);

    // `tender keys` finds dev's database: the key dev printed, and no other database made.
    let keys = folder.run(&["keys"]);
    assert_eq!(field(&text(&keys.stdout), "secret key:"), secret_key);
    assert_eq!(text(&keys.stderr), "", "no log lines, nothing created");
    assert!(!exists(&folder, ".tender/tender.db"));

    // Terminal 2: listen. Terminal 3: trigger. The receiver gets the event, signed with the
    // secret listen printed, and listen prints both directions.
    let receiver = Receiver::start(200).await;
    let (mut first, secret) = listen(&folder, "listen1", &receiver.url).await;
    trigger(&folder, "payment_intent.succeeded");
    let (event, signature, body) = receiver.event("payment_intent.succeeded").await;
    verify(&signature, &body, &secret);
    let id = event["id"].as_str().unwrap();
    first
        .line_with(&format!("--> payment_intent.succeeded [{id}]"))
        .await;
    first
        .line_with(&format!("<-- [200] POST {} [{id}]", receiver.url))
        .await;
    assert_eq!(first.stderr(), "");

    // `tender deliveries` finds the same database and shows that delivery.
    let deliveries = text(&folder.run(&["deliveries"]).stdout);
    assert!(
        deliveries
            .lines()
            .any(|l| l.contains("payment_intent.succeeded  → http://127.0.0.1:")),
        "{deliveries}"
    );

    // Killed: the next listen takes its endpoint over, with the same secret, and no second
    // endpoint is left behind.
    first.kill();
    let (mut second, again) = listen(&folder, "listen2", &receiver.url).await;
    assert_eq!(again, secret);
    let endpoints = listen_endpoints(&api).await;
    assert_eq!(endpoints.len(), 1, "{endpoints:?}");
    assert_eq!(endpoints[0]["status"], "enabled");
    trigger(&folder, "customer.created");
    let (_, signature, body) = receiver.event("customer.created").await;
    verify(&signature, &body, &secret);

    // Stopped with ^C: the endpoint is kept, disabled, and the next run enables it again.
    let status = second.signal("INT");
    assert!(status.success(), "{status}: {}", second.stderr());
    let endpoints = listen_endpoints(&api).await;
    assert_eq!(endpoints.len(), 1, "{endpoints:?}");
    assert_eq!(endpoints[0]["status"], "disabled");
    let printed = text(&folder.run(&["listen", "--print-secret"]).stdout);
    assert_eq!(printed.trim(), secret);
    let (mut third, again) = listen(&folder, "listen3", &receiver.url).await;
    assert_eq!(again, secret);

    // A second listen at the same time gets a temporary endpoint of its own, deleted when it
    // stops; the first keeps receiving.
    let (mut fourth, other) = listen(&folder, "listen4", &receiver.url).await;
    assert_ne!(other, secret);
    assert_eq!(listen_endpoints(&api).await.len(), 2);
    assert!(fourth.signal("TERM").success());
    let endpoints = listen_endpoints(&api).await;
    assert_eq!(endpoints.len(), 1, "{endpoints:?}");
    assert_eq!(endpoints[0]["status"], "enabled");
    assert!(third.signal("TERM").success());

    assert!(dev.signal("TERM").success(), "{}", dev.stderr());

    // Stopped, dev is still what the folder's commands refer to: its deliveries are there to
    // read, and trigger says which server it could not reach.
    let deliveries = text(&folder.run(&["deliveries"]).stdout);
    assert!(deliveries.contains("customer.created  → "), "{deliveries}");
    let refused = folder
        .tender(&["trigger", "customer.created"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains(&format!("cannot reach Tender at {base}")),
        "{stderr}"
    );
    assert!(stderr.contains("is it still running?"), "{stderr}");
    assert!(!exists(&folder, ".tender/tender.db"));
}

/// `tender dev` trusts the same extra CA as `tender serve`: a file it cannot read stops the
/// start, naming the file, before anything listens.
#[test]
fn dev_reads_the_webhook_ca_file_it_is_given() {
    let folder = Folder::new("devca");
    let output = folder
        .tender(&[
            "dev",
            "--listen",
            "127.0.0.1:0",
            "--shop-listen",
            "127.0.0.1:0",
            "--webhook-ca-file",
            "no-such-ca.pem",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("cannot read CA file no-such-ca.pem"),
        "{stderr}"
    );
    assert!(!text(&output.stdout).contains("Tender is listening on"));
}
