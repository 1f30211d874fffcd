#!/usr/bin/env bash
# The browser SDK's tests (js/): Playwright drives Debian's Chromium, headless, against a real
# tender binary that each test file starts on its own port with a temporary database (the
# dashboard's test runs twice: on SQLite and on a fresh PostgreSQL database in
# $TENDER_TEST_PG_URL, by default postgres://postgres@127.0.0.1:5432, dropped afterwards).
#
#   tests/browser/run.sh [path/to/tender]     (without a path: cargo build -p tender)
#
# Installs what the tests need (Chromium from apt when /usr/bin/chromium is missing, the npm
# packages pinned in package-lock.json), exits non-zero when a test fails. Screenshots go to
# tests/artifacts/browser/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

bin="${1:-}"
if [[ -z "$bin" ]]; then
  (cd "$repo" && cargo build -p tender)
  bin="$repo/target/debug/tender"
fi
bin="$(realpath "$bin")"
if [[ ! -x "$bin" ]]; then
  echo "tests/browser/run.sh: $bin is not an executable" >&2
  exit 2
fi

if [[ ! -x /usr/bin/chromium ]]; then
  sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq chromium >/dev/null
fi

cd "$here"
# npm ci reinstalls from scratch: skip it when node_modules was installed from this lock file.
if ! cmp -s package-lock.json node_modules/.installed-from-lock 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-from-lock
fi

mkdir -p "$repo/tests/artifacts/browser"
# Always test what the binary serves, never js/ from disk (see lib/browser.js).
unset TENDER_JS_DIR
TENDER_BIN="$bin" exec node --test --test-concurrency=1 --test-timeout=120000 --test-force-exit \
  --test-reporter=spec test/*.test.js
