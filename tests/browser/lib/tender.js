// Starts a fresh `tender serve` for a test file: a temporary SQLite database (or, with
// `backend: 'postgres'`, a new PostgreSQL database with a random name, dropped at stop), known
// keys, and a port the OS picks (`--listen 127.0.0.1:0`; the address is read from its first
// line).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

// The keys of Stripe's guides, so the guide's code runs with its own keys.
export const SECRET_KEY = 'sk_test_BQokikJOvBiI2HlWgH4olfQ2';
export const PUBLISHABLE_KEY = 'pk_test_TYooMQauvdEDq54NiTphI7jx';

// The PostgreSQL server the suites use (as scripts/test: trust auth on 127.0.0.1:5432).
const PG_URL = process.env.TENDER_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432';

function psql(sql) {
  execFileSync('psql', [`${PG_URL}/postgres`, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { stdio: 'pipe' });
}

/**
 * `backend`: 'sqlite' (default) or 'postgres'; `env`: more of tender's environment (such as
 * TENDER_WEBHOOK_RETRIES).
 */
export async function startTender({ backend = 'sqlite', env = {} } = {}) {
  const bin = process.env.TENDER_BIN || join(repo, 'target/debug/tender');
  const dir = mkdtempSync(join(tmpdir(), 'tender-browser-'));
  let database = `sqlite://${join(dir, 'tender.db')}`;
  let pgName = null;
  if (backend === 'postgres') {
    pgName = `tender_browser_${randomBytes(6).toString('hex')}`;
    psql(`CREATE DATABASE "${pgName}"`);
    database = `${PG_URL}/${pgName}`;
  }
  const dropDatabase = () => {
    if (pgName) psql(`DROP DATABASE IF EXISTS "${pgName}" WITH (FORCE)`);
  };
  const child = spawn(bin, [
    'serve', '--listen', '127.0.0.1:0', '--database', database,
    // SEPA debits settle in seconds, so a test waits briefly for them.
    '--settle', 'fast',
  ], {
    env: {
      ...process.env,
      TENDER_SECRET_KEY: SECRET_KEY,
      TENDER_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
      TENDER_LOG: process.env.TENDER_LOG || 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) resolveUrl(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`tender exited (${code}) before listening:\n${out}${log}`)));
    child.on('error', reject);
  }).catch((error) => {
    dropDatabase();
    throw error;
  });
  const { port } = new URL(url);
  return {
    url,
    port: Number(port),
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((done) => (child.exitCode === null ? child.on('exit', done) : done()));
      rmSync(dir, { recursive: true, force: true });
      dropDatabase();
    },
  };
}
