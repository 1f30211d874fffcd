//! The accept loop: HTTP/1.1 connections served with the limits that keep a slow or hostile
//! client from holding the server, and a graceful stop.
//!
//! Written out on hyper rather than `axum::serve` because that one sets no header timeout and
//! no header size limit.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

use super::limits::{HYPER_DEFAULT_MAX_HEADERS, Limits};

/// How long to wait before accepting again after the listener failed, e.g. when the process
/// ran out of file descriptors: retrying at once would spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(250);

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting, lets the
/// requests in progress finish, closes idle connections, and returns once all are closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .keep_alive(true)
        .header_read_timeout(limits.header_timeout)
        .max_header_size(limits.max_header_bytes);
    if limits.max_headers != HYPER_DEFAULT_MAX_HEADERS {
        http.max_headers(limits.max_headers);
    }
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            // The client gave up before we accepted: nothing to do about it.
            Err(error) if is_connection_error(&error) => continue,
            Err(error) => {
                tracing::error!(%error, "cannot accept connections; retrying shortly");
                tokio::select! {
                    () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                    () = &mut shutdown => break,
                }
            }
        };
        let abort = ConnectionAbort(Arc::new(Notify::new()));
        let closed = abort.0.clone();
        let service = app
            .clone()
            .map_request(move |mut request: axum::extract::Request<_>| {
                request.extensions_mut().insert(abort.clone());
                request.extensions_mut().insert(PeerAddr(peer));
                request
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            tokio::select! {
                // Timeouts, resets and malformed requests end here; hyper has already
                // answered what deserved an answer (400, 431).
                result = connection => {
                    if let Err(error) = result {
                        tracing::debug!(%error, "connection closed");
                    }
                }
                // A fault (`crate::faults`) dropped the connection without an answer.
                () = closed.notified() => tracing::debug!("connection closed by a fault"),
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The address of the client that sent a request (its logs' source IP).
#[derive(Clone, Copy, Debug)]
pub struct PeerAddr(pub std::net::SocketAddr);

/// Lets a request close its own connection without answering (fault injection): the
/// connection's task drops the connection, and with it the request.
#[derive(Clone)]
pub struct ConnectionAbort(Arc<Notify>);

impl ConnectionAbort {
    pub fn close(&self) {
        self.0.notify_one();
    }
}

fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
