#!/usr/bin/env node
// `npm test`: the whole vitest suite on embedded SQLite, then again on PostgreSQL.
//
// First, scripts/test-services.sh makes sure the machine has what the tests use (PostgreSQL
// started, slapd + ldap-utils + openssl and Chromium installed from Debian's packages when
// missing and root or password-less sudo is available; DIALBOOK_TEST_NO_INSTALL=1 skips that).
//
// PostgreSQL: $DIALBOOK_TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres.
// Each test core creates (and drops) its own fresh database there. If the server cannot
// be reached, CI (CI=true) fails; on a developer's machine the PostgreSQL pass is reported
// as SKIPPED, loudly. Extra arguments go to vitest (e.g. `npm test -- packages/core`).
//
// The browser tests of the admin app (packages/web/test/*.e2e.test.ts) run once, in the SQLite
// pass: they test what the browser shows, and every API they drive is tested on both databases
// by the API tests (DIALBOOK_TEST_E2E_BOTH=1 runs them in both passes).
// Ends with one line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const args = process.argv.slice(2);
const pgUrl = process.env.DIALBOOK_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const only = process.env.DIALBOOK_TEST_DB; // 'sqlite' | 'postgresql' to run one pass
const ci = process.env.CI === 'true' || process.env.CI === '1';
const out = mkdtempSync(join(tmpdir(), 'dialbook-test-'));

function reachable(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 5432) });
    socket.setTimeout(3000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

const E2E = 'packages/web/test/**/*.e2e.test.ts';
const e2eBoth = process.env.DIALBOOK_TEST_E2E_BOTH === '1';

function run(label, env, extra = []) {
  process.stdout.write(`\n=== tests on ${label}${extra.length ? ` (${extra.join(' ')})` : ''} ===\n`);
  const report = join(out, `${label}.json`);
  const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra, ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  let counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    const j = JSON.parse(readFileSync(report, 'utf8'));
    counts = { passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests };
  } catch {
    counts.failed += 1; // the run crashed before reporting
  }
  if (r.status !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

spawnSync('bash', [join(import.meta.dirname, 'test-services.sh')], { stdio: 'inherit' });

const total = { passed: 0, failed: 0, skipped: 0 };
const add = (c) => {
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
};

if (only !== 'postgresql') add(run('sqlite', { DIALBOOK_TEST_DATABASE_URL: '' }));
if (only !== 'sqlite') {
  if (await reachable(pgUrl)) {
    // --passWithNoTests: `npm test -- packages/web/test/x.e2e.test.ts` leaves the PostgreSQL pass nothing to run.
    add(run('postgresql', { DIALBOOK_TEST_DATABASE_URL: pgUrl }, e2eBoth ? [] : ['--exclude', E2E, '--passWithNoTests']));
  } else if (ci) {
    process.stdout.write(`\nFAILED: PostgreSQL is not reachable at ${new URL(pgUrl).host}; CI requires it.\n`);
    total.failed += 1;
  } else {
    process.stdout.write(`\n!!! SKIPPED the PostgreSQL pass: nothing answers at ${new URL(pgUrl).host}. Start PostgreSQL or set DIALBOOK_TEST_DATABASE_URL. !!!\n`);
    total.skipped += 1;
  }
}
rmSync(out, { recursive: true, force: true });
process.stdout.write(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(total.failed ? 1 : 0);
