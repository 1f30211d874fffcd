use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tender_server::{Config, Server};
use tender_store::Store;
use tender_store::postgres::PostgresStore;
use tender_store::sqlite::SqliteStore;

pub const SECRET_KEY: &str = "sk_test_tenderapitests";
pub const PUBLISHABLE_KEY: &str = "pk_test_tenderapitests";
const POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A running server with a fresh database, and a client for it.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub server: Option<Server>,
    pub store: Arc<dyn Store>,
    schema: Option<String>,
    /// The SQLite file of the SQLite backend, removed by `stop`.
    sqlite_file: Option<std::path::PathBuf>,
}

/// One HTTP answer: status, headers and parsed JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `error.<field>` as a string, for asserting on Stripe errors.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.body["error"][field].as_str()
    }
}

/// The test dispatcher: fast retries (three attempts in all) and a short timeout.
pub fn test_webhooks() -> tender_server::DispatcherConfig {
    tender_server::DispatcherConfig {
        schedule: tender_server::RetrySchedule::parse("100ms,200ms").expect("schedule"),
        timeout: std::time::Duration::from_secs(2),
        poll: std::time::Duration::from_millis(50),
        batch: 32,
        per_endpoint: 4,
        ca_file: None,
    }
}

fn config(webhooks: Option<tender_server::DispatcherConfig>) -> Config {
    Config {
        listen: "127.0.0.1:0".into(),
        database_url: String::new(),
        secret_key: Some(SECRET_KEY.into()),
        publishable_key: Some(PUBLISHABLE_KEY.into()),
        webhooks,
        // Every test server lets its test move the clock (`/v1/test_helpers/tender_clock`).
        test_clock: true,
        ..Config::default()
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(Some(test_webhooks())).await
    }

    /// A server whose dispatcher runs with `webhooks`.
    pub async fn spawn_with_webhooks(webhooks: tender_server::DispatcherConfig) -> TestApp {
        TestApp::spawn_with(Some(webhooks)).await
    }

    /// A server that delivers no webhooks (its deliveries stay pending).
    pub async fn spawn_without_webhooks() -> TestApp {
        TestApp::spawn_with(None).await
    }

    /// A server without webhooks whose configuration `adjust` changes from the tests' (on the
    /// same kind of fresh database).
    pub async fn spawn_configured(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut app = TestApp::spawn_without_webhooks().await;
        if let Some(server) = app.server.take() {
            server.shutdown().await.expect("clean shutdown");
        }
        let mut config = config(None);
        adjust(&mut config);
        let server = Server::start_with_store(&config, app.store.clone())
            .await
            .expect("server starts");
        app.base = format!("http://{}", server.addr);
        app.server = Some(server);
        app
    }

    /// Stops the server and starts a new one, with the test dispatcher, on the same database.
    pub async fn restart_with_webhooks(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.expect("clean shutdown");
        }
        let server = Server::start_with_store(&config(Some(test_webhooks())), self.store.clone())
            .await
            .expect("server restarts");
        self.base = format!("http://{}", server.addr);
        self.server = Some(server);
    }

    async fn spawn_with(webhooks: Option<tender_server::DispatcherConfig>) -> TestApp {
        let suffix = tender_wire::id::random_base62(12).to_lowercase();
        let mut sqlite_file = None;
        let (store, schema): (Arc<dyn Store>, Option<String>) =
            match std::env::var("TENDER_TEST_BACKEND").as_deref() {
                Ok("postgres") => {
                    let schema = format!("api_{suffix}");
                    let store = PostgresStore::connect_in_schema(POSTGRES_URL, &schema)
                        .await
                        .expect("PostgreSQL on 127.0.0.1:5432 (scripts/test starts it)");
                    (Arc::new(store), Some(schema))
                }
                // SQLite in this process's memory (`tender serve --database memory`).
                Ok("memory") => (
                    Arc::new(SqliteStore::open_in_memory().expect("in-memory store")),
                    None,
                ),
                _ => {
                    let path = std::env::temp_dir().join(format!("tender-api-{suffix}.db"));
                    let store = SqliteStore::open(&path, Default::default()).expect("sqlite store");
                    sqlite_file = Some(path);
                    (Arc::new(store), None)
                }
            };
        store.migrate().await.expect("migrate");
        let config = config(webhooks);
        let server = Server::start_with_store(&config, store.clone())
            .await
            .expect("server starts");
        TestApp {
            base: format!("http://{}", server.addr),
            client: reqwest::Client::new(),
            server: Some(server),
            store,
            schema,
            sqlite_file,
        }
    }

    /// A request with the secret key; `form` is sent as the body (POST) or query (GET/DELETE).
    pub async fn call(&self, method: Method, path: &str, form: &str) -> Answer {
        self.call_as(SECRET_KEY, method, path, form, &[]).await
    }

    pub async fn post(&self, path: &str, form: &str) -> Answer {
        self.call(Method::POST, path, form).await
    }

    pub async fn get(&self, path: &str, query: &str) -> Answer {
        self.call(Method::GET, path, query).await
    }

    pub async fn call_as(
        &self,
        key: &str,
        method: Method,
        path: &str,
        form: &str,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut url = format!("{}{}", self.base, path);
        let mut request = if method == Method::POST {
            self.client
                .request(method, &url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form.to_owned())
        } else {
            if !form.is_empty() {
                url = format!("{url}?{form}");
            }
            self.client.request(method, &url)
        };
        if !key.is_empty() {
            request = request.bearer_auth(key);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("JSON body, got {status}: {text}"));
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Another node on the same database, with its own webhook dispatcher (on PostgreSQL, its
    /// own connection pool, as a separate process would have).
    pub async fn second_node(&self) -> Server {
        let store: Arc<dyn Store> = match &self.schema {
            Some(schema) => Arc::new(
                PostgresStore::connect_in_schema(POSTGRES_URL, schema)
                    .await
                    .expect("second pool"),
            ),
            None => self.store.clone(),
        };
        Server::start_with_store(&config(Some(test_webhooks())), store)
            .await
            .expect("second node starts")
    }

    /// The id of the account the suite's keys belong to.
    pub async fn account_id(&self) -> String {
        self.store
            .accounts()
            .await
            .expect("accounts")
            .into_iter()
            .find(|a| a.secret_key == SECRET_KEY)
            .expect("the suite's account")
            .id
    }

    /// Stores `record` as the next version of the record it names, bypassing every rule (to
    /// set up what an older Tender or a storage fault would have left).
    pub async fn overwrite(&self, mut record: tender_store::Record) {
        let version = record.version;
        record.version += 1;
        let unit = tender_store::UnitOfWork {
            writes: vec![tender_store::Write {
                record,
                expected_version: Some(version),
            }],
            ..Default::default()
        };
        self.store.commit(unit).await.expect("overwrite");
    }

    /// A second account, for isolation tests.
    pub async fn other_account(&self) -> tender_store::Account {
        let account = tender_server::new_account(None, None);
        self.store.create_account(&account).await.expect("account");
        account
    }

    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.expect("clean shutdown");
        }
        if let Some(schema) = self.schema.take() {
            let _ = PostgresStore::drop_schema(POSTGRES_URL, &schema).await;
        }
        if let Some(file) = self.sqlite_file.take() {
            for suffix in ["", "-wal", "-shm", "-logs", "-logs-wal", "-logs-shm"] {
                let mut name = file.clone().into_os_string();
                name.push(suffix);
                let _ = std::fs::remove_file(name);
            }
        }
    }
}

/// Answers Tender's hosted 3D Secure (or redirect) page at `url`, as the customer's browser
/// would, with `result` `complete` or `fail`; redirects are not followed, so that a test can
/// read where the page sends the customer.
pub async fn answer_hosted_page(url: &str, result: &str) -> reqwest::Response {
    let (path, query) = url
        .split_once('?')
        .expect("the page's URL carries its client secret");
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{path}/complete"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("{query}&result={result}"))
        .send()
        .await
        .expect("the page answers")
}
