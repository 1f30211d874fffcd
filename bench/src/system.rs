//! What the benchmark reads about the server besides its answers: memory, CPU time, disk
//! reads and database size.

use std::path::Path;

/// `VmRSS` and `VmHWM` (peak) of a process, in MB, from `/proc/<pid>/status`.
pub fn rss_mb(pid: u32) -> (Option<f64>, Option<f64>) {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return (None, None);
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map(|kb| kb * 1024.0 / 1e6)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time (user + system) a process has used so far, in seconds, from `/proc/<pid>/stat`.
///
/// CPU per unit of work is the figure that stays comparable when the machine is busy with
/// something else, which throughput is not.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    cpu_split(pid).map(|(user, system)| user + system)
}

/// CPU time a process has used so far in user space and in the kernel, in seconds.
pub fn cpu_split(pid: u32) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces, so split after its ')'):
    // state is field 3, utime 14 and stime 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |n: usize| fields.get(n)?.parse::<f64>().ok();
    let per_second = clock_ticks_per_second();
    Some((ticks(11)? / per_second, ticks(12)? / per_second))
}

/// The machine's CPU time so far, all of it and the part the hypervisor gave to other guests
/// (`steal`), in clock ticks, from the first line of `/proc/stat`. On a virtual machine, steal
/// is time this machine's processes wanted the CPU and did not get it: a run with much of it
/// measures the host's neighbours as well as the server.
pub fn cpu_ticks() -> Option<CpuTicks> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    // user nice system idle iowait irq softirq steal (guest times are within user and nice).
    Some(CpuTicks {
        total: fields.iter().take(8).sum(),
        steal: *fields.get(7)?,
    })
}

/// See [`cpu_ticks`].
#[derive(Clone, Copy, Debug)]
pub struct CpuTicks {
    pub total: u64,
    pub steal: u64,
}

impl CpuTicks {
    /// The share of the CPU time between `self` and `later` that was stolen, in percent.
    pub fn steal_percent_until(self, later: CpuTicks) -> Option<f64> {
        let total = later.total.checked_sub(self.total)?;
        let steal = later.steal.checked_sub(self.steal)?;
        (total > 0).then(|| steal as f64 * 100.0 / total as f64)
    }
}

/// Bytes a process has caused to be read from the block device so far (`read_bytes` of
/// `/proc/<pid>/io`): reads the page cache answered are not counted. A read scenario that
/// reads from disk is waiting on the machine's cache, not on the server's code.
pub fn disk_read_bytes(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/io"))
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("read_bytes:"))?
        .trim()
        .parse()
        .ok()
}

/// `sysconf(_SC_CLK_TCK)`: 100 on every Linux this runs on; read from `getconf` to be sure.
fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

/// Bytes of a SQLite database: the file, its `-wal` and its `-shm`.
pub fn sqlite_bytes(file: &Path) -> u64 {
    let mut total = 0;
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        total += std::fs::metadata(&name).map_or(0, |m| m.len());
    }
    total
}

/// `pg_database_size` of the database a URL names.
pub async fn postgres_bytes(url: &str) -> Result<u64, String> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(|e| format!("PostgreSQL: {e}"))?;
    let task = tokio::spawn(connection);
    let row = client
        .query_one("SELECT pg_database_size(current_database())", &[])
        .await
        .map_err(|e| format!("PostgreSQL: {e}"))?;
    drop(client);
    let _ = task.await;
    let bytes: i64 = row.get(0);
    Ok(u64::try_from(bytes).unwrap_or(0))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn steal_is_its_share_of_the_window() {
        let start = CpuTicks {
            total: 1_000,
            steal: 10,
        };
        let end = CpuTicks {
            total: 1_200,
            steal: 60,
        };
        assert_eq!(start.steal_percent_until(end), Some(25.0));
        // An empty or backwards window has no share.
        assert_eq!(start.steal_percent_until(start), None);
        assert_eq!(end.steal_percent_until(start), None);
    }

    #[test]
    fn this_machine_reports_its_cpu_ticks() {
        let ticks = cpu_ticks().expect("/proc/stat has a cpu line");
        assert!(ticks.total > 0 && ticks.steal <= ticks.total, "{ticks:?}");
    }
}
