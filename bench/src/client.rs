//! One keep-alive HTTP/1.1 connection, driven by hyper's low-level client: no pool, no
//! redirects, no decompression, so one benchmark task is exactly one TCP connection and the
//! client costs as little CPU as it can (it shares the machine with the server).

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{SendRequest, handshake};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// A failed exchange: the connection broke, or the server never answered.
#[derive(Debug)]
pub struct HttpError(pub String);

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where to send requests: `http://host:port` only (loopback benchmarks, no TLS).
#[derive(Clone, Debug)]
pub struct Target {
    pub addr: SocketAddr,
    /// The `Host` header.
    pub host: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
        let host = rest.split('/').next().unwrap_or_default().to_owned();
        let addr = std::net::ToSocketAddrs::to_socket_addrs(&host)
            .map_err(|e| format!("{url}: {e}"))?
            .next()
            .ok_or_else(|| format!("{url}: resolves to no address"))?;
        Ok(Target { addr, host })
    }
}

/// One connection; reconnects lazily after an error.
pub struct Conn {
    target: Target,
    sender: Option<SendRequest<Full<Bytes>>>,
}

/// What came back.
pub struct Response {
    pub status: u16,
    pub body: Bytes,
}

impl Conn {
    pub fn new(target: Target) -> Conn {
        Conn {
            target,
            sender: None,
        }
    }

    /// Opens the connection now (so that a run starts with every connection established).
    pub async fn connect(&mut self) -> Result<(), HttpError> {
        if self.sender.is_none() {
            let stream = TcpStream::connect(self.target.addr)
                .await
                .map_err(|e| HttpError(format!("connect {}: {e}", self.target.addr)))?;
            stream
                .set_nodelay(true)
                .map_err(|e| HttpError(format!("TCP_NODELAY: {e}")))?;
            let (sender, connection) = handshake(TokioIo::new(stream))
                .await
                .map_err(|e| HttpError(format!("handshake: {e}")))?;
            tokio::spawn(async move {
                // Ends when the sender is dropped or the peer closes; errors surface on send.
                let _ = connection.await;
            });
            self.sender = Some(sender);
        }
        Ok(())
    }

    /// Sends one request and reads the whole answer. `headers` are extra `(name, value)`s.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Result<Response, HttpError> {
        let result = self.try_send(method, path, headers, body).await;
        if result.is_err() {
            // Never reuse a connection in an unknown state.
            self.sender = None;
        }
        result
    }

    async fn try_send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Result<Response, HttpError> {
        self.connect().await?;
        let Some(sender) = self.sender.as_mut() else {
            return Err(HttpError("not connected".into()));
        };
        sender
            .ready()
            .await
            .map_err(|e| HttpError(format!("connection: {e}")))?;
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", &self.target.host)
            .header("user-agent", "tender-bench");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = match body {
            Some(body) => {
                request = request.header("content-type", "application/x-www-form-urlencoded");
                Full::new(Bytes::from(body))
            }
            None => Full::new(Bytes::new()),
        };
        let request = request
            .body(body)
            .map_err(|e| HttpError(format!("request: {e}")))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| HttpError(format!("send: {e}")))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| HttpError(format!("body: {e}")))?
            .to_bytes();
        Ok(Response { status, body })
    }
}

/// Polls `GET path` until the server answers (any status if `any_status`, else 2xx).
pub async fn wait_until_up(
    target: &Target,
    path: &str,
    any_status: bool,
    timeout: Duration,
) -> Result<(), String> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let mut conn = Conn::new(target.clone());
        if let Ok(response) = conn.send(Method::GET, path, &[], None).await
            && (any_status || (200..300).contains(&response.status))
        {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(format!(
                "{} did not answer GET {path} within {timeout:?}",
                target.host
            ));
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
