// Starts a fresh `tender serve` for a test file: a temporary SQLite database, known keys, and
// a port the OS picks (`--listen 127.0.0.1:0`; the address is read from its first line).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

// The keys of Stripe's guides, so the guide's code runs with its own keys.
export const SECRET_KEY = 'sk_test_BQokikJOvBiI2HlWgH4olfQ2';
export const PUBLISHABLE_KEY = 'pk_test_TYooMQauvdEDq54NiTphI7jx';

export async function startTender() {
  const bin = process.env.TENDER_BIN || join(repo, 'target/debug/tender');
  const dir = mkdtempSync(join(tmpdir(), 'tender-browser-'));
  const child = spawn(bin, [
    'serve', '--listen', '127.0.0.1:0', '--database', `sqlite://${join(dir, 'tender.db')}`,
    // SEPA debits settle in seconds, so a test waits briefly for them.
    '--settle', 'fast',
  ], {
    env: {
      ...process.env,
      TENDER_SECRET_KEY: SECRET_KEY,
      TENDER_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
      TENDER_LOG: process.env.TENDER_LOG || 'warn',
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
    },
  };
}
