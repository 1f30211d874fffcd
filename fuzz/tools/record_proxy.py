#!/usr/bin/env python3
"""A recording reverse proxy: forwards every request to a running Tender server unchanged and
appends one JSON line per request to a file, so the fuzzers start from what the SDKs really
send. Standard library only.

    record_proxy.py --listen 127.0.0.1:PORT --upstream http://127.0.0.1:UPSTREAM \
        --out requests.jsonl [--secret-key sk_…] [--publishable-key pk_…]

Each line: {"method", "path", "query", "content_type", "body" | "body_b64", "auth", "status"}.
`auth` says which key the request used ("secret", "publishable", "other", "none") so the
fuzzer can replay it with the same kind of key; the key itself is never written, and a key
sent as a parameter is written as `${publishable_key}` or `${secret_key}`. Bodies that
are not UTF-8 go to `body_b64`. Bodies over --max-body bytes are not recorded (the fuzzers
make their own oversized inputs; the corpus stays small). See fuzz/run for the capture command.
"""

import argparse
import base64
import http.client
import http.server
import json
import threading
import urllib.parse

PLACEHOLDERS = {"secret": "${secret_key}", "publishable": "${publishable_key}"}

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
}


def auth_kind(headers, query, body, keys):
    """Which of the known keys authenticated the request (header, or Stripe.js' `key=`)."""
    value = headers.get("Authorization", "")
    candidates = [value]
    if value.lower().startswith("basic "):
        try:
            candidates.append(base64.b64decode(value[6:].strip()).decode("utf-8", "replace"))
        except ValueError:
            pass
    for form in (query, body.decode("utf-8", "replace")):
        for k, v in urllib.parse.parse_qsl(form, keep_blank_values=True):
            if k == "key":
                candidates.append(v)
    for kind, key in keys.items():
        if key and any(key in c for c in candidates):
            return kind
    return "other" if value else "none"


def read_body(handler):
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def make_handler(args, keys, lock, out):
    upstream = urllib.parse.urlsplit(args.upstream)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass  # one line per request would drown the test output

        def handle_any(self):
            body = read_body(self)
            split = urllib.parse.urlsplit(self.path)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=120)
            try:
                # Always send a length: a GET without one must reach the server as it was sent.
                if body or self.command not in ("GET", "HEAD", "DELETE"):
                    headers["Content-Length"] = str(len(body))
                try:
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the server may answer (413) before reading a large body
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
                resp_headers = resp.getheaders()
            except (OSError, http.client.HTTPException) as e:
                status, data = 502, json.dumps({"proxy_error": str(e)}).encode()
                resp_headers = [("Content-Type", "application/json")]
            finally:
                conn.close()
            self.record(split, body, status)
            self.send_response(status)
            for k, v in resp_headers:
                if k.lower() not in HOP_BY_HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def record(self, split, body, status):
            if not split.path.startswith("/v1/") or len(body) > args.max_body:
                return
            auth = auth_kind(self.headers, split.query, body, keys)
            # Keys sent as parameters (Stripe.js' `key=pk_…`) become placeholders that the
            # HTTP fuzzer fills with the keys of the server it fuzzes.
            query = split.query
            for kind, key in keys.items():
                if key:
                    query = query.replace(key, PLACEHOLDERS[kind])
                    body = body.replace(key.encode(), PLACEHOLDERS[kind].encode())
            line = {
                "method": self.command,
                "path": split.path,
                "query": query,
                "content_type": self.headers.get("Content-Type", ""),
                "auth": auth,
                "status": status,
            }
            try:
                line["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                line["body_b64"] = base64.b64encode(body).decode()
            with lock:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                out.flush()

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = do_OPTIONS = handle_any

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, help="host:port to listen on")
    parser.add_argument("--upstream", required=True, help="base URL of the Tender server")
    parser.add_argument("--out", required=True, help="JSONL file to append to")
    parser.add_argument("--secret-key", default="")
    parser.add_argument("--publishable-key", default="")
    parser.add_argument("--max-body", type=int, default=16 * 1024)
    args = parser.parse_args()
    keys = {"secret": args.secret_key, "publishable": args.publishable_key}
    host, port = args.listen.rsplit(":", 1)
    with open(args.out, "a", encoding="utf-8") as out:
        server = http.server.ThreadingHTTPServer(
            (host, int(port)), make_handler(args, keys, threading.Lock(), out)
        )
        server.daemon_threads = True
        server.serve_forever()


if __name__ == "__main__":
    main()
