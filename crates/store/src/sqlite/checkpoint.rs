//! WAL checkpoints on a thread of their own.
//!
//! SQLite checkpoints automatically, but in whichever connection commits when the WAL passes
//! 1,000 pages: here, always the writer thread, which then copies pages into the database file
//! and fsyncs it while every request waits behind it (about a fifth of the writer's time under
//! load). With automatic checkpoints off on the writer, this thread runs PASSIVE checkpoints,
//! which never block the writer or readers, shortly after commits.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{db, open_connection};
use crate::StoreError;

/// Commits arriving within this window share one checkpoint.
const COALESCE: Duration = Duration::from_millis(100);

/// The handle of the checkpoint thread; dropping it stops and joins the thread.
pub(super) struct Checkpointer {
    /// `Option` only so that `drop` can close the channel before joining.
    nudge: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub(super) fn start(path: &Path) -> Result<Checkpointer, StoreError> {
        let conn = open_connection(path, OpenFlags::default())?;
        let (nudge, nudges) = mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("tender-sqlite-checkpoint".into())
            .spawn(move || run(&conn, &nudges))
            .map_err(|e| StoreError::Backend(format!("starting the checkpoint thread: {e}")))?;
        Ok(Checkpointer {
            nudge: Some(nudge),
            thread: Some(thread),
        })
    }

    /// Says that something was committed. Never blocks: one pending nudge is enough.
    pub(super) fn nudge(&self) {
        if let Some(nudge) = &self.nudge
            && let Err(TrySendError::Disconnected(())) = nudge.try_send(())
        {
            tracing::warn!("the SQLite checkpoint thread has stopped");
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.nudge.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the SQLite checkpoint thread panicked");
        }
    }
}

fn run(conn: &Connection, nudges: &Receiver<()>) {
    loop {
        match nudges.recv() {
            Ok(()) => {}
            Err(_) => return,
        }
        // Let a burst of commits pile up, so one checkpoint (and one fsync of the database
        // file) covers them all.
        match nudges.recv_timeout(COALESCE) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if let Err(error) = checkpoint(conn) {
            // Harmless to skip: the WAL keeps every commit, and the next nudge tries again.
            tracing::warn!(%error, "SQLite checkpoint failed");
        }
    }
}

fn checkpoint(conn: &Connection) -> Result<(), StoreError> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        .map_err(db)
}
