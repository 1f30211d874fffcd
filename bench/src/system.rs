//! What the benchmark reads about the server besides its answers: memory and database size.

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
