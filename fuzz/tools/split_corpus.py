#!/usr/bin/env python3
"""Splits the captured SDK requests (fuzz/seeds/sdk-requests.jsonl) into one libFuzzer corpus
directory per cargo-fuzz target, in the input format each target expects:

  form_body     the body of every request that has one
  query_string  the query string of every request that has one
  typed_params  one steering byte, then the body or query (steering bytes vary per seed)
  core_params   the endpoint selector byte (see ENDPOINTS in fuzz_targets/core_params.rs),
                then the body, for the requests whose route has a core parser

    split_corpus.py [--seeds fuzz/seeds/sdk-requests.jsonl] [--out fuzz/corpus]

Files are named by their SHA-1, as libFuzzer names the inputs it adds, so re-running adds
nothing twice and leaves what the fuzzer found in place.
"""

import argparse
import base64
import hashlib
import json
import os
import re

ID = r"[A-Za-z0-9_]+"
# The order of ENDPOINTS in fuzz_targets/core_params.rs.
CORE_ROUTES = [
    (0, rf"/v1/payment_intents"),
    (1, rf"/v1/payment_intents/{ID}/confirm"),
    (2, rf"/v1/payment_intents/{ID}"),
    (3, rf"/v1/setup_intents"),
    (4, rf"/v1/setup_intents/{ID}/confirm"),
    (5, rf"/v1/setup_intents/{ID}"),
    (6, rf"/v1/payment_methods"),
    (7, rf"/v1/payment_methods/{ID}"),
    (8, rf"/v1/customers(/{ID})?"),
    (9, rf"/v1/refunds"),
    (10, rf"/v1/refunds/{ID}"),
    (11, rf"/v1/charges/{ID}"),
    (12, rf"/v1/webhook_endpoints"),
    (13, rf"/v1/webhook_endpoints/{ID}"),
    (14, rf"/v1/(test_helpers/)?confirmation_tokens"),
]
ADDRESSES = 15  # the address/billing_details/shipping readers: fed customer bodies too


def body_of(line):
    if "body_b64" in line:
        return base64.b64decode(line["body_b64"])
    return line.get("body", "").encode()


def core_selector(method, path):
    if method != "POST":
        return None
    for selector, pattern in CORE_ROUTES:
        if re.fullmatch(pattern, path):
            return selector
    return None


def write(out, target, data, written):
    directory = os.path.join(out, target)
    os.makedirs(directory, exist_ok=True)
    name = os.path.join(directory, hashlib.sha1(data).hexdigest())
    if not os.path.exists(name):
        with open(name, "wb") as f:
            f.write(data)
        written[target] = written.get(target, 0) + 1


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default=os.path.join(root, "seeds", "sdk-requests.jsonl"))
    parser.add_argument("--out", default=os.path.join(root, "corpus"))
    args = parser.parse_args()
    written = {}
    with open(args.seeds, encoding="utf-8") as f:
        for n, raw in enumerate(f):
            line = json.loads(raw)
            body = body_of(line)
            query = line.get("query", "").encode()
            if body:
                write(args.out, "form_body", body, written)
            if query:
                write(args.out, "query_string", query, written)
            for i, form in enumerate(x for x in (body, query) if x):
                write(args.out, "typed_params", bytes([(n * 7 + i) % 256]) + form, written)
            selector = core_selector(line["method"], line["path"])
            if selector is not None and body:
                write(args.out, "core_params", bytes([selector]) + body, written)
                if selector == 8:
                    write(args.out, "core_params", bytes([ADDRESSES]) + body, written)
    for target in ("form_body", "query_string", "typed_params", "core_params"):
        print(f"{target}: {written.get(target, 0)} new seeds in {args.out}/{target}")


if __name__ == "__main__":
    main()
