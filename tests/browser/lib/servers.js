// Merchant-side servers for the tests: the guide's own Express server (a child process,
// running the guide's code) and a small Express merchant for the other integrations.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import Stripe from 'stripe';
import { guidePage, guideServer } from './guide.js';
import { SECRET_KEY } from './tender.js';

const here = dirname(fileURLToPath(import.meta.url));

export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

async function waitFor(url, child) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch (e) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer`);
}

/**
 * The guide's server.js and checkout page in a temporary directory, run with node. By default
 * the "Accept a payment" tab; `options` may give another tab's `server` and `page`, the `port`
 * (when a webhook endpoint had to be registered for it first) and more `env`.
 */
export async function startGuideServer(tender, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tender-guide-'));
  writeFileSync(join(dir, 'server.js'), options.server || guideServer(tender));
  writeFileSync(join(dir, 'index.html'), options.page || guidePage(tender.url));
  const port = options.port || await freePort();
  const child = spawn(process.execPath, ['server.js'], {
    cwd: dir,
    // The guide's `require("stripe")` and `require('express')` resolve to this package's.
    env: {
      ...process.env,
      ...options.env,
      PORT: String(port),
      NODE_PATH: resolve(here, '../node_modules'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => { output += c; });
  child.stderr.on('data', (c) => { output += c; });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url, child);
  return {
    url,
    dir,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((done) => (child.exitCode === null ? child.on('exit', done) : done()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A merchant for the client-side integrations: serves the pages a test registers, creates
 * intents with stripe-node the way Stripe's guides do, and remembers what it created.
 */
export async function startMerchant(tender) {
  const stripe = new Stripe(SECRET_KEY, { host: '127.0.0.1', port: tender.port, protocol: 'http' });
  const pages = new Map();
  const created = [];
  const app = express();
  app.use(express.json());
  app.get('/pages/:name', (req, res) => {
    const page = pages.get(req.params.name);
    if (!page) return res.status(404).send('no such page');
    return res.type('html').send(page);
  });
  // Scripts a test built (the React app's bundle).
  const assets = new Map();
  app.get('/assets/:name', (req, res) => {
    const asset = assets.get(req.params.name);
    if (!asset) return res.status(404).send('no such asset');
    return res.type('js').send(asset);
  });
  const answer = (create) => async (req, res) => {
    try {
      const intent = await create(req.body);
      created.push(intent);
      res.json({ clientSecret: intent.client_secret, id: intent.id });
    } catch (err) {
      res.status(400).json({ error: err.raw || { message: err.message } });
    }
  };
  app.post('/create-intent', answer((body) => stripe.paymentIntents.create({
    amount: body.amount,
    currency: body.currency,
    automatic_payment_methods: { enabled: true },
  })));
  app.post('/create-setup-intent', answer(() => stripe.setupIntents.create({
    automatic_payment_methods: { enabled: true },
  })));
  // "Finalize payments on the server": create and confirm with the ConfirmationToken, answer
  // the status and client secret (the client then handles any next action). The price is
  // the server's: a quantity of 10.99 USD items.
  app.post('/create-confirm-intent', async (req, res) => {
    try {
      const intent = await stripe.paymentIntents.create({
        confirm: true,
        amount: 1099 * (Number(req.body.quantity) || 1),
        currency: 'usd',
        automatic_payment_methods: { enabled: true },
        confirmation_token: req.body.confirmationTokenId,
      });
      created.push(intent);
      res.json({ clientSecret: intent.client_secret, status: intent.status });
    } catch (err) {
      res.json({ error: err.raw || { message: err.message } });
    }
  });
  const server = await new Promise((done) => {
    const s = app.listen(0, '127.0.0.1', () => done(s));
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stripe,
    pages,
    assets,
    created,
    stop: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(done);
    }),
  };
}
