//! The real `tender` binary run as a user runs it: in a folder of its own (the current
//! directory), with none of the `TENDER_*` variables of the environment the tests run in.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing;
use serde_json::Value;

/// Variables that would point a command somewhere else than its folder.
const ENVIRONMENT: &[&str] = &[
    "TENDER_DATABASE_URL",
    "TENDER_SECRET_KEY",
    "TENDER_PUBLISHABLE_KEY",
    "TENDER_API_BASE",
    "TENDER_LISTEN",
    "TENDER_LOG",
    "TENDER_WEBHOOK_RETRIES",
    "CHECKOUT_LISTEN",
    "CHECKOUT_DATABASE",
];

/// An empty folder under the system's temporary directory, removed when dropped.
pub struct Folder(pub PathBuf);

impl Folder {
    pub fn new(name: &str) -> Folder {
        let dir = std::env::temp_dir().join(format!("tender-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Folder(dir)
    }

    /// `tender ARGS` in this folder.
    pub fn tender(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tender"));
        command.args(args).current_dir(&self.0);
        for name in ENVIRONMENT {
            command.env_remove(name);
        }
        command
    }

    /// Runs `tender ARGS` to the end; panics with its output if it fails.
    pub fn run(&self, args: &[&str]) -> Output {
        let output = self.tender(args).output().unwrap();
        assert!(
            output.status.success(),
            "tender {args:?} failed: {}{}",
            text(&output.stdout),
            text(&output.stderr)
        );
        output
    }

    /// Starts `tender ARGS` with stdout and stderr written to files of this folder.
    pub fn spawn(&self, name: &str, args: &[&str]) -> Running {
        self.spawn_with(name, self.tender(args))
    }

    pub fn spawn_with(&self, name: &str, mut command: Command) -> Running {
        let stdout = self.0.join(format!("{name}.stdout"));
        let stderr = self.0.join(format!("{name}.stderr"));
        let child = command
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        Running {
            child,
            stdout,
            stderr,
        }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `tender` process still running.
pub struct Running {
    pub child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Running {
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Waits until a line of stdout contains `needle`, and returns that line.
    pub async fn line_with(&mut self, needle: &str) -> String {
        for _ in 0..600 {
            if let Some(line) = self.stdout().lines().find(|l| l.contains(needle)) {
                return line.to_owned();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "exited ({status}) before printing {needle:?}: {}{}",
                    self.stdout(),
                    self.stderr()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no line with {needle:?} after 30 s: {}{}",
            self.stdout(),
            self.stderr()
        );
    }

    /// Sends a signal (`TERM`, `INT`) and waits for the process to exit.
    pub fn signal(&mut self, name: &str) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        self.child.wait().unwrap()
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `tender serve` in `folder` on a port the system picks; returns it and its API base.
pub async fn serve(folder: &Folder, extra: &[&str]) -> (Running, String) {
    let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
    args.extend(extra);
    let mut server = folder.spawn("serve", &args);
    let line = server.line_with("Tender is listening on ").await;
    let base = line["Tender is listening on ".len()..].trim().to_owned();
    (server, base)
}

/// The value after `label` on the first stdout line that has it (`secret key:`).
pub fn field(output: &str, label: &str) -> String {
    output
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| panic!("no {label:?} in {output}"))
}

/// A webhook receiver that records what it gets and answers `status`.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
}

struct Answer {
    status: StatusCode,
    got: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
}

async fn receive(
    State(answer): State<Arc<Answer>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    answer.got.lock().unwrap().push((headers, body));
    (answer.status, "received")
}

impl Receiver {
    pub async fn start(status: u16) -> Receiver {
        let got = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(Answer {
            status: StatusCode::from_u16(status).unwrap(),
            got: got.clone(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let app = Router::new()
            .route("/hook", routing::post(receive))
            .with_state(answer);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, got }
    }

    /// How many deliveries of the event `id` arrived so far.
    pub fn count(&self, id: &str) -> usize {
        let got = self.got.lock().unwrap();
        got.iter()
            .filter(|(_, body)| {
                serde_json::from_slice::<Value>(body).is_ok_and(|event| event["id"] == id)
            })
            .count()
    }

    /// Waits (up to 30 s) until `count` deliveries of the event `id` arrived.
    pub async fn wait_for(&self, id: &str, count: usize) {
        for _ in 0..600 {
            if self.count(id) >= count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{count} deliveries of {id} not received in 30 s");
    }

    /// Waits for an event of this type; returns it with its `Stripe-Signature` header.
    pub async fn event(&self, event_type: &str) -> (Value, String, Bytes) {
        for _ in 0..600 {
            let found = self.got.lock().unwrap().iter().find_map(|(headers, body)| {
                let event: Value = serde_json::from_slice(body).ok()?;
                (event["type"] == event_type).then(|| {
                    let signature = headers
                        .get("stripe-signature")
                        .map(|v| v.to_str().unwrap().to_owned())
                        .unwrap_or_default();
                    (event, signature, body.clone())
                })
            });
            if let Some(found) = found {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {event_type} event received in 30 s");
    }
}

/// Calls the API with a secret key.
pub struct Api {
    pub base: String,
    pub key: String,
    http: reqwest::Client,
}

impl Api {
    pub fn new(base: &str, key: &str) -> Api {
        Api {
            base: base.to_owned(),
            key: key.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    pub async fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let answer: Value = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .form(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(answer.get("error").is_none(), "{path}: {answer}");
        answer
    }
}

/// Whether `path` exists under the folder.
pub fn exists(folder: &Folder, relative: &str) -> bool {
    Path::new(&folder.path(relative)).exists()
}
