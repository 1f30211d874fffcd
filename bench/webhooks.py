#!/usr/bin/env python3
"""The Python side of bench/webhooks (standard library only). Three commands:

  receive   a webhook receiver that counts distinct events and, once --expect of them have
            arrived, prints one JSON line (count, requests, first/last arrival, rate) and exits.
            --kind http10:    http.server.HTTPServer as it comes: one thread, a listen backlog
                              of 5, HTTP/1.0 (a new connection per delivery); issue #20's case.
            --kind keepalive: ThreadingHTTPServer speaking HTTP/1.1 (connections kept), a
                              thread per connection, a listen backlog of 128.
            --work-ms: time the handler takes per request (a sleep), to set its capacity.
  capacity  the receiver's own rate with no Tender in between: --requests POSTs of an event
            body from --concurrency threads (a new connection per request for http10, one
            kept per thread for keepalive). Prints one JSON line.
  load      creates --count customers through Tender's API (one kept connection), so that
            each leaves one customer.created delivery in the outbox.

Benchmarks, not tests: nothing here asserts on a timing.
"""

import argparse
import http.client
import http.server
import json
import sys
import threading
import time
import urllib.parse

BODY = json.dumps(
    {
        "id": "evt_bench",
        "object": "event",
        "type": "customer.created",
        "data": {"object": {"id": "cus_bench", "object": "customer", "email": None}},
    }
).encode()


def receive(args):
    seen = set()
    state = {"requests": 0, "first": None, "last": None}
    lock = threading.Lock()
    done = threading.Event()
    work = args.work_ms / 1000.0

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1" if args.kind == "keepalive" else "HTTP/1.0"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            if work:
                time.sleep(work)
            event = json.loads(body).get("id")
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()
            now = time.monotonic()
            with lock:
                state["requests"] += 1
                seen.add(event)
                state["first"] = state["first"] or now
                state["last"] = now
                if args.expect and len(seen) >= args.expect:
                    done.set()

        def log_message(self, *_):
            pass

    if args.kind == "keepalive":

        class Server(http.server.ThreadingHTTPServer):
            request_queue_size = 128

    else:
        Server = http.server.HTTPServer  # request_queue_size 5, as it comes
    server = Server(("127.0.0.1", args.port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/webhook", flush=True)
    done.wait(args.timeout)
    server.shutdown()
    with lock:
        first, last = state["first"], state["last"]
        span = (last - first) if first and last else 0.0
        result = {
            "kind": args.kind,
            "work_ms": args.work_ms,
            "events": len(seen),
            "requests": state["requests"],
            "span_s": round(span, 3),
            "per_s": round((len(seen) - 1) / span, 1) if span > 0 else None,
            "complete": len(seen) >= args.expect,
        }
    print(json.dumps(result), flush=True)


def capacity(args):
    url = urllib.parse.urlsplit(args.url)
    per_thread = args.requests // args.concurrency
    errors = []

    def run():
        connection = None
        for _ in range(per_thread):
            try:
                if connection is None or not args.keepalive:
                    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                connection.request(
                    "POST", url.path, BODY, {"content-type": "application/json"}
                )
                response = connection.getresponse()
                response.read()
                if not args.keepalive:
                    connection.close()
            except OSError as error:
                errors.append(str(error))
                connection = None

    threads = [threading.Thread(target=run) for _ in range(args.concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    done = per_thread * args.concurrency - len(errors)
    print(
        json.dumps(
            {
                "requests": done,
                "errors": len(errors),
                "concurrency": args.concurrency,
                "per_s": round(done / elapsed, 1),
            }
        ),
        flush=True,
    )


def load(args):
    url = urllib.parse.urlsplit(args.api)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {
        "authorization": f"Bearer {args.key}",
        "content-type": "application/x-www-form-urlencoded",
    }
    for _ in range(args.count):
        connection.request("POST", "/v1/customers", "", headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            sys.exit(f"creating a customer: HTTP {response.status}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser("receive")
    r.add_argument("--kind", choices=["http10", "keepalive"], required=True)
    r.add_argument("--port", type=int, default=0)
    r.add_argument("--work-ms", type=float, default=0.0)
    r.add_argument("--expect", type=int, default=0)
    r.add_argument("--timeout", type=float, default=600.0)
    c = commands.add_parser("capacity")
    c.add_argument("--url", required=True)
    c.add_argument("--requests", type=int, default=2000)
    c.add_argument("--concurrency", type=int, default=1)
    c.add_argument("--keepalive", action="store_true")
    l = commands.add_parser("load")
    l.add_argument("--api", required=True)
    l.add_argument("--key", required=True)
    l.add_argument("--count", type=int, required=True)
    args = parser.parse_args()
    {"receive": receive, "capacity": capacity, "load": load}[args.command](args)


if __name__ == "__main__":
    main()
