//! The HTTP fuzzer's client: exact bytes over a fresh TCP connection per request (so a
//! mutation reaches the server unchanged by any client library), with a deadline, and the
//! request printed back as a shell line that replays it.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::mutate::{AuthHeader, FuzzRequest};

/// Largest response read; Tender's largest (a list of 100 expanded objects) is far below.
const MAX_RESPONSE: usize = 16 << 20;

pub struct Keys {
    pub secret: String,
    pub publishable: String,
}

/// A response as read off the wire.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why no response came back.
pub enum SendError {
    Timeout,
    Io(String),
}

/// Bytes that may appear raw in a request target; anything else is percent-encoded so that
/// the request line stays valid HTTP (the application, not hyper, is under test).
fn target_byte_ok(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%[]".contains(&b)
}

fn push_target(out: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        if target_byte_ok(b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
}

/// The request's bytes. Header values keep to visible ASCII for the same reason as the target.
pub fn render(r: &FuzzRequest, host: &str, keys: &Keys) -> Vec<u8> {
    let mut out = Vec::with_capacity(r.body.len() + 512);
    out.extend_from_slice(r.method.as_bytes());
    out.push(b' ');
    if !r.path.starts_with(b"/") {
        out.push(b'/');
    }
    push_target(&mut out, &r.path);
    if !r.query.is_empty() {
        out.push(b'?');
        push_target(&mut out, &r.query);
    }
    out.extend_from_slice(b" HTTP/1.1\r\n");
    let mut header = |name: &str, value: &str| {
        let value: String = value
            .chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .collect();
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    };
    header("Host", host);
    header("Connection", "close");
    header("User-Agent", "tender-reliability fuzz-http");
    match &r.auth {
        AuthHeader::Secret => header("Authorization", &format!("Bearer {}", keys.secret)),
        AuthHeader::Publishable => {
            header("Authorization", &format!("Bearer {}", keys.publishable));
        }
        AuthHeader::None => {}
        AuthHeader::Raw(value) => header("Authorization", value),
    }
    if let Some(content_type) = &r.content_type {
        header("Content-Type", content_type);
    }
    if let Some(key) = &r.idempotency_key {
        header("Idempotency-Key", key);
    }
    for (name, value) in &r.headers {
        header(name, value);
    }
    // Any method may carry a body (a GET with one is legal HTTP, and the server must cope).
    if !r.body.is_empty() || matches!(r.method.as_str(), "POST" | "PUT" | "PATCH") {
        header("Content-Length", &r.body.len().to_string());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&r.body);
    out
}

/// Sends `raw` to `addr` and reads the whole response, within `timeout`.
pub async fn send(addr: &str, raw: &[u8], timeout: Duration) -> Result<Response, SendError> {
    let exchange = async {
        let mut stream = TcpStream::connect(addr)
            .await
            .map_err(|e| SendError::Io(e.to_string()))?;
        // The server may answer (413) before reading all of a large body; the answer counts.
        let _ = stream.write_all(raw).await;
        let mut buf = Vec::new();
        let mut chunk = vec![0u8; 64 << 10];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) if buf.is_empty() => return Err(SendError::Io(e.to_string())),
                Err(_) => break,
            }
            if buf.len() > MAX_RESPONSE {
                return Err(SendError::Io("response over 16 MiB".into()));
            }
        }
        parse(&buf)
            .ok_or_else(|| SendError::Io(format!("unparsable response ({} bytes)", buf.len())))
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .unwrap_or(Err(SendError::Timeout))
}

fn parse(buf: &[u8]) -> Option<Response> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let raw_body = &buf[head_end + 4..];
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    let body = if chunked {
        dechunk(raw_body)?
    } else {
        raw_body.to_vec()
    };
    Some(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

/// A shell line that sends exactly `raw` again: `printf '%s' $'…' | nc HOST PORT`.
pub fn reproducer(raw: &[u8], addr: &str) -> String {
    let mut quoted = String::from("$'");
    for &b in raw {
        match b {
            b'\\' => quoted.push_str("\\\\"),
            b'\'' => quoted.push_str("\\'"),
            b'\r' => quoted.push_str("\\r"),
            b'\n' => quoted.push_str("\\n"),
            0x20..=0x7e => quoted.push(char::from(b)),
            _ => quoted.push_str(&format!("\\x{b:02x}")),
        }
    }
    quoted.push('\'');
    let (host, port) = addr.rsplit_once(':').unwrap_or((addr, "80"));
    format!("printf '%s' {quoted} | nc -q 10 {host} {port}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked_responses() {
        let plain = parse(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}");
        assert!(plain.is_some_and(|r| r.status == 400 && r.body == b"{}"));
        let chunked =
            parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
        assert!(chunked.is_some_and(|r| r.body == b"{}"));
    }

    #[test]
    fn reproducer_quotes_every_byte() {
        let line = reproducer(b"GET /a'b\\\xff HTTP/1.1\r\n\r\n", "127.0.0.1:9");
        assert_eq!(
            line,
            "printf '%s' $'GET /a\\'b\\\\\\xff HTTP/1.1\\r\\n\\r\\n' | nc -q 10 127.0.0.1 9"
        );
    }
}
