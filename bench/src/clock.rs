//! `tender-bench clock-advance`: how long a test clock with many subscriptions takes to
//! advance a month (issue #24's target: 1,000 subscriptions in under 10 s on SQLite). It makes
//! a clock, its three customers (Stripe's limit) with a card each, and `--subscriptions`
//! monthly subscriptions spread over them; then it advances the clock past the first renewal
//! and its draft hour, and times the advance from the request until the clock is `ready`,
//! with every renewal billed and paid.

use std::time::{Duration, Instant};

use hyper::Method;
use serde_json::Value;

use crate::client::{Conn, Target};

/// 1 Jan 2027 00:00 UTC.
const JAN_1: i64 = 1_798_761_600;
const FEB_1: i64 = JAN_1 + 31 * 86_400;

#[derive(clap::Args)]
pub struct ClockArgs {
    #[arg(long, default_value = "http://127.0.0.1:12111")]
    url: String,
    #[arg(long)]
    secret_key: String,
    #[arg(long, default_value_t = 1000)]
    subscriptions: usize,
}

pub async fn clock_advance(args: ClockArgs) -> Result<(), String> {
    let mut api = Api {
        conn: Conn::new(Target::parse(&args.url)?),
        auth: format!("Bearer {}", args.secret_key),
    };
    let clock = api
        .post(
            "/v1/test_helpers/test_clocks",
            &format!("frozen_time={JAN_1}"),
        )
        .await?;
    let clock = id(&clock)?;
    let price = api
        .post(
            "/v1/prices",
            "currency=usd&unit_amount=1000&recurring[interval]=month&product_data[name]=Bench",
        )
        .await?;
    let price = id(&price)?;
    let mut customers = Vec::new();
    for _ in 0..3 {
        let customer = api
            .post(
                "/v1/customers",
                &format!("test_clock={clock}&payment_method=pm_card_visa"),
            )
            .await?;
        let customer = id(&customer)?;
        let cards = api
            .get(&format!("/v1/payment_methods?customer={customer}"))
            .await?;
        let card = cards["data"][0]["id"].as_str().ok_or("no card")?.to_owned();
        customers.push((customer, card));
    }
    let setup = Instant::now();
    for n in 0..args.subscriptions {
        let (customer, card) = &customers[n % customers.len()];
        api.post(
            "/v1/subscriptions",
            &format!("customer={customer}&items[0][price]={price}&default_payment_method={card}"),
        )
        .await?;
    }
    println!(
        "{} subscriptions on {clock} made in {:.1} s",
        args.subscriptions,
        setup.elapsed().as_secs_f64()
    );
    let target = FEB_1 + 2 * 3600;
    let started = Instant::now();
    api.post(
        &format!("/v1/test_helpers/test_clocks/{clock}/advance"),
        &format!("frozen_time={target}"),
    )
    .await?;
    loop {
        let now = api
            .get(&format!("/v1/test_helpers/test_clocks/{clock}"))
            .await?;
        if now["status"] == "ready" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    let paid = count_paid_invoices(&mut api).await?;
    if paid != 2 * args.subscriptions {
        return Err(format!(
            "{paid} paid invoices, not {} (a first and a renewal each)",
            2 * args.subscriptions
        ));
    }
    println!(
        "advanced one month: {:.2} s for {} subscriptions ({:.0} renewals/s)",
        took.as_secs_f64(),
        args.subscriptions,
        args.subscriptions as f64 / took.as_secs_f64()
    );
    Ok(())
}

/// How many paid invoices the account has, page by page.
async fn count_paid_invoices(api: &mut Api) -> Result<usize, String> {
    let mut count = 0;
    let mut after: Option<String> = None;
    loop {
        let cursor = after
            .as_ref()
            .map(|id| format!("&starting_after={id}"))
            .unwrap_or_default();
        let page = api
            .get(&format!("/v1/invoices?status=paid&limit=100{cursor}"))
            .await?;
        let data = page["data"].as_array().cloned().unwrap_or_default();
        count += data.len();
        after = data
            .last()
            .and_then(|i| i["id"].as_str())
            .map(str::to_owned);
        if page["has_more"] != true || after.is_none() {
            return Ok(count);
        }
    }
}

struct Api {
    conn: Conn,
    auth: String,
}

impl Api {
    async fn post(&mut self, path: &str, form: &str) -> Result<Value, String> {
        self.call(Method::POST, path, Some(form.to_owned())).await
    }

    async fn get(&mut self, path: &str) -> Result<Value, String> {
        self.call(Method::GET, path, None).await
    }

    async fn call(
        &mut self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<Value, String> {
        let response = self
            .conn
            .send(method, path, &[("authorization", &self.auth)], body)
            .await
            .map_err(|e| format!("{path}: {}", e.0))?;
        let value: Value =
            serde_json::from_slice(&response.body).map_err(|e| format!("{path}: not JSON: {e}"))?;
        if response.status != 200 {
            return Err(format!("{path}: HTTP {}: {value}", response.status));
        }
        Ok(value)
    }
}

fn id(object: &Value) -> Result<String, String> {
    object["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no id in {object}"))
}
