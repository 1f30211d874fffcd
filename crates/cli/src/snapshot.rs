//! `tender snapshot save|restore FILE`: the whole state of the SQLite database of the Tender
//! in this folder, copied to a file while the server runs, and put back while it does not
//! (`tender_store::sqlite::snapshot`, decision 0020).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use tender_store::sqlite::snapshot;

#[derive(Subcommand)]
pub enum SnapshotCommand {
    /// Copy the database to FILE (a new file), consistent as of one moment; the server may
    /// keep running.
    Save { file: PathBuf },
    /// Replace the whole database by FILE. Refused while a server (or anything else) has the
    /// database open: stop it first.
    Restore { file: PathBuf },
}

pub async fn run(database: &str, command: SnapshotCommand) -> Result<(), String> {
    let path = sqlite_path(database)?;
    let shown = path.display().to_string();
    let done = match command {
        SnapshotCommand::Save { file } => {
            let saved = format!("saved {shown} to {}", file.display());
            blocking(move || snapshot::save(&path, &file)).await?;
            saved
        }
        SnapshotCommand::Restore { file } => {
            let restored = format!("restored {shown} from {}", file.display());
            blocking(move || snapshot::restore(&file, &path)).await?;
            restored
        }
    };
    println!("{done}");
    Ok(())
}

/// SQLite's file work, off the async workers.
async fn blocking(
    work: impl FnOnce() -> Result<(), tender_store::StoreError> + Send + 'static,
) -> Result<(), String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

/// The file of a `sqlite://` URL; other databases have their own tools (`pg_dump`), and one
/// in memory has no file to copy.
fn sqlite_path(url: &str) -> Result<PathBuf, String> {
    let rest = url.strip_prefix("sqlite://").ok_or_else(|| {
        "snapshots copy a SQLite database (sqlite://…); for PostgreSQL use pg_dump and \
         pg_restore"
            .to_owned()
    })?;
    let file = rest.split_once('?').map_or(rest, |(file, _)| file);
    Ok(Path::new(file).to_path_buf())
}
