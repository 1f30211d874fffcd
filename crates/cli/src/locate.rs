//! How the commands that work on a Tender (`keys`, `accounts`, `trigger`, `listen`,
//! `deliveries`) find the one running in this folder.
//!
//! `tender serve` and `tender dev` keep different databases (`.tender/tender.db`,
//! `.tender/dev.db`) and may listen on any port, so no single default finds both. Instead the
//! server, once it listens, writes `.tender/server.json`: its URL, its database and the command
//! that started it. The file stays after the server stops, so `tender deliveries` still reads
//! the database of the last server that ran here; the next server to start replaces it. A flag
//! or its environment variable always wins over the file; without either, the defaults of
//! `tender serve` apply (decision 0011).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};
use tender_store::Store;

/// Where a server announces itself, relative to the folder it runs in.
pub const ANNOUNCEMENT: &str = ".tender/server.json";
/// `tender serve`'s defaults, used when nothing else says where Tender is.
pub const DEFAULT_DATABASE: &str = "sqlite://.tender/tender.db";
pub const DEFAULT_API_BASE: &str = "http://127.0.0.1:12111";

/// What the last server started in this folder announced (the file also names the command
/// and pid, for people reading it).
struct Announcement {
    url: String,
    database: String,
}

/// Written by `serve` and `dev` once they listen. Best effort: a server in a read-only folder
/// still runs, and says on stderr that the other commands will not find it.
pub fn announce(command: &str, addr: SocketAddr, database: &str) {
    // A server listening on every interface is reached on loopback from its own folder.
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let url = format!("http://{}", SocketAddr::new(ip, addr.port()));
    let pid = std::process::id();
    let body = json!({"command": command, "url": url, "database": database, "pid": pid});
    if let Err(error) = write_private(Path::new(ANNOUNCEMENT), &format!("{body}\n")) {
        eprintln!(
            "tender: cannot write {ANNOUNCEMENT} ({error}): other tender commands in this \
             folder will not find this server without --api-base and --database"
        );
    }
}

/// Writes a file readable by its owner only (a PostgreSQL URL may hold a password, listen's
/// state holds a signing secret), replacing it atomically so a reader never sees half of it.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary)?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    drop(file);
    std::fs::rename(&temporary, path)
}

fn announcement() -> Option<Announcement> {
    let text = std::fs::read_to_string(ANNOUNCEMENT).ok()?;
    let value: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(error) => {
            eprintln!("tender: ignoring {ANNOUNCEMENT}: {error}");
            return None;
        }
    };
    let field = |name: &str| value[name].as_str().map(str::to_owned);
    Some(Announcement {
        url: field("url")?,
        database: field("database")?,
    })
}

/// The database a command uses: `flag` (or its environment variable), else the announced
/// one, else the default.
pub fn database(flag: Option<String>) -> String {
    flag.or_else(|| announcement().map(|a| a.database))
        .unwrap_or_else(|| DEFAULT_DATABASE.to_owned())
}

/// The API a command calls, by the same rule as [`database`], and where it came from, to say
/// when it cannot be reached.
pub fn api_base(flag: Option<String>) -> (String, String) {
    if let Some(base) = flag {
        return (base, String::new());
    }
    match announcement() {
        Some(announced) => (
            announced.url,
            format!(
                " (announced in {ANNOUNCEMENT} by the last server started in this folder: is it \
                 still running?)"
            ),
        ),
        None => (
            DEFAULT_API_BASE.to_owned(),
            format!(
                " (no server announced itself in {ANNOUNCEMENT}: start `tender serve` or \
                 `tender dev` in this folder, or pass --api-base)"
            ),
        ),
    }
}

/// The file of a `sqlite://` URL; `None` for PostgreSQL.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    Some(PathBuf::from(path))
}

/// Opens a database that must already exist: a command that only reads must not leave a new,
/// empty database behind (whose keys no server knows).
pub async fn open_existing(url: &str) -> Result<Arc<dyn Store>, String> {
    refuse_memory(url)?;
    if let Some(file) = sqlite_file(url)
        && !file.exists()
    {
        return Err(format!(
            "no Tender database at {}: start `tender serve` or `tender dev` in this folder \
             first, or pass --database",
            file.display()
        ));
    }
    tender_store::connect(url).await.map_err(|e| e.to_string())
}

/// Opens a database, creating it (and saying so on stderr) if it does not exist yet.
pub async fn open_or_create(url: &str) -> Result<Arc<dyn Store>, String> {
    refuse_memory(url)?;
    if let Some(file) = sqlite_file(url)
        && !file.exists()
    {
        eprintln!("tender: creating the database {}", file.display());
    }
    tender_store::connect(url).await.map_err(|e| e.to_string())
}

/// An in-memory database lives inside the server that opened it: another process opening
/// `memory` would get a new, empty one, so a command on it would act on nothing.
fn refuse_memory(url: &str) -> Result<(), String> {
    if tender_store::is_memory(url) {
        return Err(
            "the database `memory` exists only inside the server running on it: \
                    reach that server with --api-base and --api-key (TENDER_API_BASE, \
                    TENDER_SECRET_KEY) instead of --database"
                .into(),
        );
    }
    Ok(())
}
