//! `tender-reliability crash`: payments under load with idempotency keys while the server is
//! killed with SIGKILL at random moments and restarted; clients retry with the same keys.
//! Then: every acknowledged payment exists as acknowledged, no key made two intents or two
//! charges, every intent's state is explained by its events, every committed event reaches
//! the webhook receiver, and nothing uncommitted does. With `--nodes 2` (PostgreSQL) two
//! servers share the database behind a round-robin client, and the kills hit either one.

mod checks;
mod clients;
mod clocks;
mod subscriptions;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rand::Rng;

use crate::api::{Api, Key};
use crate::process::{Node, NodeSpec, default_binary, free_port, workdir_and_database};
use crate::receiver::{self, Received};
use checks::Stored;
use clients::{Tally, Targets};

const SECRET_KEY: &str = "sk_test_reliabilityHarness000000000001";
const PUBLISHABLE_KEY: &str = "pk_test_reliabilityHarness000000000001";

#[derive(clap::Args)]
pub struct CrashArgs {
    /// The `tender` binary [default: next to this one].
    #[arg(long)]
    binary: Option<PathBuf>,
    /// `sqlite://…` or `postgres://…` (an empty database) [default: a new SQLite file in the
    /// work directory].
    #[arg(long)]
    database: Option<String>,
    /// Servers sharing the database (more than one needs PostgreSQL).
    #[arg(long, default_value_t = 1)]
    nodes: usize,
    /// SIGKILLs during the run.
    #[arg(long, default_value_t = 20)]
    kills: u32,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// A kill comes after a random uptime between these (milliseconds).
    #[arg(long, default_value_t = 200)]
    min_uptime_ms: u64,
    #[arg(long, default_value_t = 1500)]
    max_uptime_ms: u64,
    /// Longest wait for the webhook outbox to drain after the load (seconds). Deliveries
    /// leased by a killed node are retried once their lease (timeout + 30 s) expires.
    #[arg(long, default_value_t = 120)]
    drain_secs: u64,
    /// Databases, logs [default: a new directory under the system's temp dir].
    #[arg(long)]
    workdir: Option<PathBuf>,
    /// What the clients do: the guide's payments, or its subscriptions (create
    /// `default_incomplete`, then confirm the first invoice's PaymentIntent).
    #[arg(long, value_enum, default_value_t = Workload::Payments)]
    workload: Workload,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Workload {
    Payments,
    Subscriptions,
    /// Test clocks advanced month by month: renewals and retries run by the scheduler.
    Clocks,
}

pub async fn run(args: CrashArgs) -> Result<(), String> {
    if args.nodes == 0 || (args.nodes > 1 && !is_postgres(args.database.as_deref())) {
        return Err("--nodes above 1 needs a postgres:// --database".into());
    }
    let (workdir, database) =
        workdir_and_database("crash", args.workdir.as_deref(), args.database.as_deref())?;
    let binary = args.binary.clone().unwrap_or_else(default_binary);
    let received = Received::default();
    let receiver_url = receiver::start(received.clone()).await?;

    let mut nodes = Vec::new();
    for n in 0..args.nodes {
        nodes.push(Node::new(NodeSpec {
            binary: binary.clone(),
            port: free_port()?,
            database: database.clone(),
            secret_key: SECRET_KEY.into(),
            publishable_key: PUBLISHABLE_KEY.into(),
            args: [
                "--webhook-retries",
                "200ms,500ms,1s,2s,3s,5s,5s,5s,5s,5s",
                "--webhook-timeout",
                "2",
            ]
            .map(String::from)
            .to_vec(),
            log: workdir.join(format!("node-{n}.log")),
        }));
    }
    // One at a time: the first creates the schema and the account.
    for node in &mut nodes {
        node.start().await?;
    }
    let bases: Vec<String> = nodes.iter().map(Node::base).collect();
    let api = Api::new(SECRET_KEY, PUBLISHABLE_KEY)?;
    let endpoint = api
        .post(
            &bases[0],
            "/v1/webhook_endpoints",
            Key::Secret,
            &format!("url={receiver_url}&enabled_events[]=*"),
            None,
        )
        .await
        .map_err(|e| format!("creating the webhook endpoint: {e}"))?;
    if !endpoint.ok() {
        return Err(format!("creating the webhook endpoint: {}", endpoint.body));
    }

    println!(
        "crash: {} node(s) on {}, {} clients, {} kills",
        args.nodes,
        redact(&database),
        args.connections,
        args.kills
    );
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let targets = Arc::new(Targets::new(bases.clone()));
    let run_id = format!("{:x}", rand::rng().random::<u32>());
    let price = match args.workload {
        Workload::Subscriptions | Workload::Clocks => {
            Some(subscriptions::create_price(&api, &bases[0]).await?)
        }
        Workload::Payments => None,
    };
    let plans = match (&price, args.workload) {
        (Some(price), Workload::Clocks) => Arc::new(clocks::setup(&api, &bases[0], price).await?),
        _ => Arc::new(Vec::new()),
    };
    let started = Instant::now();
    let clients: Vec<_> = (0..args.connections)
        .map(|task| match &price {
            Some(_) if args.workload == Workload::Clocks => tokio::spawn(clocks::client(
                api.clone(),
                targets.clone(),
                tally.clone(),
                plans.clone(),
                run_id.clone(),
                task,
                args.connections,
            )),
            Some(price) => tokio::spawn(subscriptions::client(
                api.clone(),
                targets.clone(),
                tally.clone(),
                stop.clone(),
                price.clone(),
                run_id.clone(),
                task,
            )),
            None => tokio::spawn(clients::client(
                api.clone(),
                targets.clone(),
                tally.clone(),
                stop.clone(),
                run_id.clone(),
                task,
            )),
        })
        .collect();

    let mut restarts = Vec::new();
    for kill in 0..args.kills {
        let uptime = rand::rng()
            .random_range(args.min_uptime_ms..=args.max_uptime_ms.max(args.min_uptime_ms));
        tokio::time::sleep(Duration::from_millis(uptime)).await;
        let victim = rand::rng().random_range(0..nodes.len());
        let node = &mut nodes[victim];
        if !node.running() {
            return Err(format!(
                "node {victim} died on its own before kill {kill}; see its log"
            ));
        }
        node.kill().await?;
        restarts.push(node.start().await?);
    }
    // Some load after the last restart, then let every client finish its payment.
    tokio::time::sleep(Duration::from_millis(args.max_uptime_ms)).await;
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.map_err(|e| format!("client task: {e}"))?;
    }
    let load_time = started.elapsed();
    let acks = tally.acks.lock().await.clone();
    let mut violations = tally.violations.lock().await.clone();

    // Replays after all the crashes answer as the first time.
    let sample: Vec<_> = acks.iter().step_by((acks.len() / 200).max(1)).collect();
    for ack in &sample {
        if let Err(violation) = clients::replay_matches(&api, &bases[0], &tally, ack).await {
            violations.push(violation);
        }
    }

    let stored = Stored {
        intents: api.list_all(&bases[0], "/v1/payment_intents").await?,
        charges: api.list_all(&bases[0], "/v1/charges").await?,
        events: api.list_all(&bases[0], "/v1/events").await?,
    };
    let subscribed = tally.subscriptions.lock().await.clone();
    match args.workload {
        Workload::Payments => violations.extend(checks::check(&acks, &stored)),
        Workload::Subscriptions => {
            let billing = subscriptions::StoredBilling {
                subscriptions: api
                    .list_all(&bases[0], "/v1/subscriptions?status=all")
                    .await?,
                invoices: api.list_all(&bases[0], "/v1/invoices").await?,
                invoice_payments: api.list_all(&bases[0], "/v1/invoice_payments").await?,
                intents: stored.intents.clone(),
                charges: stored.charges.clone(),
            };
            println!(
                "  subscriptions: {} acknowledged, {} stored, {} invoices",
                subscribed.len(),
                billing.subscriptions.len(),
                billing.invoices.len()
            );
            violations.extend(subscriptions::check(&subscribed, &billing));
        }
        Workload::Clocks => {
            println!(
                "  clocks:      {} clocks, {} subscriptions",
                plans.len(),
                plans.iter().map(|p| p.subscriptions.len()).sum::<usize>()
            );
            violations.extend(clocks::check(&api, &bases[0], &plans).await?);
        }
    }

    let drain_started = Instant::now();
    let drain_deadline = drain_started + Duration::from_secs(args.drain_secs);
    while checks::undelivered(&stored.events, &received.snapshot()) > 0
        && Instant::now() < drain_deadline
    {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let drained_in = drain_started.elapsed();
    let delivered = received.snapshot();
    violations.extend(checks::check_deliveries(&stored.events, &delivered));
    for (n, node) in nodes.iter_mut().enumerate() {
        if !node.running() {
            violations.push(format!("node {n} died on its own; see its log"));
        }
        node.stop().await?;
    }

    let count = |status: &str| acks.iter().filter(|a| a.status == status).count();
    let duplicates: u32 = delivered.values().map(|(_, n)| n.saturating_sub(1)).sum();
    let mean_restart = restarts.iter().sum::<Duration>() / restarts.len().max(1) as u32;
    println!(
        "  load:        {:.1} s, {} kills, mean restart {:.0} ms",
        load_time.as_secs_f64(),
        restarts.len(),
        mean_restart.as_secs_f64() * 1000.0
    );
    println!(
        "  payments:    {} acknowledged ({} succeeded, {} declined, {} requires_action)",
        acks.len(),
        count("succeeded"),
        count("requires_payment_method"),
        count("requires_action")
    );
    println!(
        "  retries:     {} lost answers, {} busy (409/429) answers",
        tally.lost.load(Ordering::Relaxed),
        tally.busy.load(Ordering::Relaxed)
    );
    println!("  replays:     {} checked", sample.len());
    println!(
        "  stored:      {} intents, {} charges, {} events",
        stored.intents.len(),
        stored.charges.len(),
        stored.events.len()
    );
    println!(
        "  webhooks:    {} events delivered ({} duplicate deliveries), drained in {:.1} s",
        delivered.len(),
        duplicates,
        drained_in.as_secs_f64()
    );
    if violations.is_empty() {
        println!("  violations:  none");
        Ok(())
    } else {
        for violation in violations.iter().take(50) {
            println!("  VIOLATION:   {violation}");
        }
        Err(format!(
            "{} violation(s); logs in {}",
            violations.len(),
            workdir.display()
        ))
    }
}

fn is_postgres(url: Option<&str>) -> bool {
    url.is_some_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// The database URL without a password, for printing.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}…{}", &url[..scheme + 3], &url[at..]),
        _ => url.to_owned(),
    }
}
