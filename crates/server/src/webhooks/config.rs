//! How the dispatcher behaves.

use std::path::PathBuf;
use std::time::Duration;

use super::schedule::RetrySchedule;

#[derive(Clone, Debug)]
pub struct DispatcherConfig {
    pub schedule: RetrySchedule,
    /// How long a receiver may take to answer before the attempt counts as failed.
    pub timeout: Duration,
    /// How often to look for due deliveries when nothing wakes the dispatcher.
    pub poll: Duration,
    /// How many deliveries the dispatcher holds at most (claimed, not yet recorded).
    pub batch: usize,
    /// How many deliveries go to one endpoint at once, at most. Python's `http.server`, a
    /// common test receiver, listens with a backlog of 5: more connection attempts than that
    /// are dropped, and each costs the client a second before it tries again.
    pub per_endpoint: usize,
    /// PEM certificates trusted for `https://` receivers besides the system's roots.
    pub ca_file: Option<PathBuf>,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        DispatcherConfig {
            schedule: RetrySchedule::stripe_like(),
            timeout: Duration::from_secs(10),
            poll: Duration::from_secs(1),
            batch: 32,
            per_endpoint: 4,
            ca_file: None,
        }
    }
}
