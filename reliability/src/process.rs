//! Starting, killing and restarting real `tender serve` processes.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

/// How one node is started; kept so that it can be started again the same way after a kill.
pub struct NodeSpec {
    pub binary: PathBuf,
    pub port: u16,
    pub database: String,
    pub secret_key: String,
    pub publishable_key: String,
    /// Extra `tender serve` arguments.
    pub args: Vec<String>,
    /// stdout and stderr of every start are appended here.
    pub log: PathBuf,
}

/// A running (or killed) node.
pub struct Node {
    pub spec: NodeSpec,
    child: Option<Child>,
    pub starts: u32,
}

impl Node {
    pub fn new(spec: NodeSpec) -> Node {
        Node {
            spec,
            child: None,
            starts: 0,
        }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.spec.port)
    }

    /// Starts the process and waits until it answers `/healthz`.
    pub async fn start(&mut self) -> Result<Duration, String> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.spec.log)
            .map_err(|e| format!("{}: {e}", self.spec.log.display()))?;
        let log_err = log
            .try_clone()
            .map_err(|e| format!("{}: {e}", self.spec.log.display()))?;
        let started = Instant::now();
        let child = Command::new(&self.spec.binary)
            .arg("serve")
            .args(["--listen", &format!("127.0.0.1:{}", self.spec.port)])
            .args(["--database", &self.spec.database])
            .args(&self.spec.args)
            .env("TENDER_SECRET_KEY", &self.spec.secret_key)
            .env("TENDER_PUBLISHABLE_KEY", &self.spec.publishable_key)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err))
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", self.spec.binary.display()))?;
        self.child = Some(child);
        self.starts += 1;
        wait_until_up(&self.base(), Duration::from_secs(30)).await?;
        Ok(started.elapsed())
    }

    /// SIGKILL, and wait until the process is gone.
    pub async fn kill(&mut self) -> Result<(), String> {
        if let Some(mut child) = self.child.take() {
            child.start_kill().map_err(|e| format!("kill: {e}"))?;
            child.wait().await.map_err(|e| format!("wait: {e}"))?;
        }
        Ok(())
    }

    /// SIGTERM (graceful), then wait.
    pub async fn stop(&mut self) -> Result<(), String> {
        if let Some(mut child) = self.child.take() {
            if let Some(pid) = child.id() {
                // Graceful stop through the binary's own signal handling.
                let _ = Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status()
                    .await;
            }
            match tokio::time::timeout(Duration::from_secs(20), child.wait()).await {
                Ok(status) => {
                    status.map_err(|e| format!("wait: {e}"))?;
                }
                Err(_) => {
                    let _ = child.start_kill();
                    return Err("the server did not stop within 20 s of SIGTERM".into());
                }
            }
        }
        Ok(())
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// Whether the process is still running (it did not crash on its own).
    pub fn running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }
}

pub async fn wait_until_up(base: &str, timeout: Duration) -> Result<(), String> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{base} did not come up within {timeout:?}"));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Where a run keeps its databases and logs (made if missing), and the database it serves:
/// `given` ones, or a new directory under the system's temp dir and a SQLite file in it.
pub fn workdir_and_database(
    run: &str,
    workdir: Option<&Path>,
    database: Option<&str>,
) -> Result<(PathBuf, String), String> {
    let workdir = match workdir {
        Some(dir) => dir.to_path_buf(),
        None => std::env::temp_dir().join(format!("tender-{run}-{}", std::process::id())),
    };
    std::fs::create_dir_all(&workdir).map_err(|e| format!("{}: {e}", workdir.display()))?;
    let database = database.map_or_else(
        || format!("sqlite://{}", workdir.join("tender.db").display()),
        str::to_owned,
    );
    Ok((workdir, database))
}

/// A free TCP port on loopback.
pub fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// `tender` next to this executable (both are built into the same target directory).
pub fn default_binary() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("tender")))
        .unwrap_or_else(|| Path::new("tender").to_path_buf())
}
