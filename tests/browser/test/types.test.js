// js/stripe.d.ts type-checks, and merchant code using the SDK (types/usage.ts) type-checks
// against it with TypeScript's strict settings.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));

test('js/stripe.d.ts declares what merchant code uses, under tsc --strict', async () => {
  const tsc = join(here, '../node_modules/typescript/bin/tsc');
  const run = promisify(execFile)(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022',
    '--module', 'esnext', '--moduleResolution', 'bundler', '--lib', 'es2022,dom', '--skipLibCheck', 'false',
    join(here, '../types/usage.ts')]);
  const { stdout, stderr } = await run.catch((error) => error);
  assert.equal(`${stdout}${stderr}`, '');
});
