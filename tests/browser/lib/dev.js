// `tender dev` as a developer starts it: Tender and the demo shop (examples/checkout) in one
// process, on free ports, with a temporary directory for their databases.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PUBLISHABLE_KEY, SECRET_KEY } from './tender.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export /** `tender dev` on free ports with a temporary directory; URLs read from what it prints. */
async function startDev() {
  const bin = process.env.TENDER_BIN || join(repo, 'target/debug/tender');
  const dir = mkdtempSync(join(tmpdir(), 'tender-dev-'));
  const child = spawn(bin, ['dev', '--listen', '127.0.0.1:0', '--shop-listen', '127.0.0.1:0'], {
    env: {
      ...process.env,
      TENDER_DATABASE_URL: `sqlite://${join(dir, 'dev.db')}`,
      CHECKOUT_DATABASE: join(dir, 'checkout.db'),
      TENDER_SECRET_KEY: SECRET_KEY,
      TENDER_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
      TENDER_LOG: process.env.TENDER_LOG || 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  const printed = await new Promise((done, fail) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ctrl-C stops both.')) done(out);
    });
    child.on('exit', (code) => fail(new Error(`tender dev exited (${code}):\n${out}${log}`)));
    child.on('error', fail);
  });
  const tender = /Tender is listening on (http:\/\/\S+)/.exec(printed)[1];
  const shop = /The demo shop is on (http:\/\/\S+)/.exec(printed)[1];
  return {
    tender: { url: tender, port: Number(new URL(tender).port) },
    shop,
    printed,
    log: () => log,
    async stop() {
      child.kill('SIGINT');
      await new Promise((done) => (child.exitCode === null ? child.on('exit', done) : done()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The shop checkout's shipping address, typed into its Address Element. */
export async function fillShipping(page) {
  const frame = page.frameLocator('#address-element iframe');
  await frame.locator('#name').fill('Jenny Rosen');
  await frame.locator('#line1').fill('185 Berry St');
  await frame.locator('#city').fill('San Francisco');
  await frame.locator('#state').selectOption('CA');
  await frame.locator('#postal_code').fill('94107');
}
