/**
 * The `dialbook` CLI, run from source as a child process exactly as a person would run it:
 * `node --conditions=dialbook-source --import tsx src/cli/main.ts <args>`.
 *
 * Configs are written to a scratch directory inside examples/minimal, so that the example
 * plugin resolves by its package name from the config's directory (as in a deployment).
 * Commands that open a database use a fresh PostgreSQL database when
 * DIALBOOK_TEST_DATABASE_URL is set, else a SQLite file in a temp data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFor } from '../src/app/modules.js';
import { createTestDatabase, testDatabaseKind } from '../src/testing/index.js';

/** Every checked-in core migration, oldest first (the same names on both dialects). */
const MIGRATIONS = migrationsFor('sqlite').map((m) => m.name);

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = resolve(ROOT, 'packages/core/src/cli/main.ts');
const EXAMPLE = resolve(ROOT, 'examples/minimal');
const DEMO_CSV = resolve(EXAMPLE, 'demo-contacts.csv');
const PG = testDatabaseKind() === 'postgresql';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let scratch: string;
const cleanups: (() => Promise<void>)[] = [];
const children = new Set<ChildProcess>();

beforeAll(async () => {
  scratch = resolve(EXAMPLE, `test-tmp-${randomBytes(4).toString('hex')}`);
  await mkdir(scratch, { recursive: true });
});

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  while (cleanups.length) await cleanups.pop()!();
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The environment of a child: this one's, less anything that would change what the CLI reads. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(DIALBOOK_(PLUGIN_|CONFIG|DATA_DIR|DEFAULT_COUNTRY)|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$|NODE_OPTIONS$)/.test(key)) delete env[key];
  }
  return { ...env, ...extra };
}

function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=dialbook-source', '--import', 'tsx', CLI, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  return child;
}

function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Lines of output, without the empty one after the last newline. */
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

async function writeConfig(name: string, content: string): Promise<string> {
  const file = join(scratch, name);
  await writeFile(file, content);
  cleanups.push(() => rm(file, { force: true }));
  return file;
}

const yamlConfig = (options: string, extra = '') => `${extra}plugins:\n  staff:\n    package: '@dialbook/example-csv'\n    options: ${options}\n`;
const GOOD_YAML = yamlConfig(`{ file: ${JSON.stringify(DEMO_CSV)}, site: main }`);

/** A database for one test: env for the child and the place it is shown as. */
async function database(): Promise<{ env: Record<string, string>; shown: RegExp }> {
  if (PG) {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    return { env: { DATABASE_URL: db.url }, shown: new RegExp(`postgres(ql)?://.*/${new URL(db.url).pathname.slice(1)}`) };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'dialbook-cli-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  return { env: { DIALBOOK_DATA_DIR: dataDir }, shown: new RegExp(`${join(dataDir, 'dialbook.sqlite').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('dialbook config check', () => {
  it('accepts a good YAML config and prints the plugin list', async () => {
    const file = await writeConfig('good.yaml', GOOD_YAML);
    const r = await runCli(['--config', file, 'config', 'check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([
      `config: ${file}`,
      expect.stringMatching(/^database: /),
      'server: 0.0.0.0:3000',
      'plugins (1, in setup order):',
      '  staff  example-csv@0.1.0  from @dialbook/example-csv',
      'ok',
    ]);
  });

  it('reports every bad plugin option on its own line and exits 78', async () => {
    const file = await writeConfig('bad-options.yaml', yamlConfig(`{ file: 42, site: 'Main Office', syncOnStart: 'yes' }`));
    const r = await runCli(['--config', file, 'config', 'check']);
    expect(r.code).toBe(78);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toEqual([
      'dialbook: plugin "staff" (@dialbook/example-csv): option "file": expected string, found number 42',
      'dialbook: plugin "staff" (@dialbook/example-csv): option "site": expected a site slug (lower-case letters, digits and dashes), found "Main Office"',
      'dialbook: plugin "staff" (@dialbook/example-csv): option "syncOnStart": expected boolean, found "yes"',
    ]);
  });

  it('says that an unknown package is not installed', async () => {
    const file = await writeConfig('unknown.yaml', `${GOOD_YAML}  extra:\n    package: '@dialbook/does-not-exist'\n`);
    const r = await runCli(['--config', file, 'config', 'check']);
    expect(r.code).toBe(78);
    expect(lines(r.stderr)).toEqual(['dialbook: plugin "extra": package "@dialbook/does-not-exist" is not installed (npm install @dialbook/does-not-exist)']);
  });

  it('accepts a JSON config', async () => {
    const file = await writeConfig('dialbook.config.json', JSON.stringify({ defaultCountry: 'DE', plugins: { staff: { package: '@dialbook/example-csv', options: { file: DEMO_CSV } } } }));
    const r = await runCli(['--config', file, 'config', 'check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  staff  example-csv@0.1.0  from @dialbook/example-csv\n');
  });

  it('accepts a TypeScript config made with defineConfig and an imported plugin value', async () => {
    const file = await writeConfig(
      'dialbook.config.ts',
      [
        "import { defineConfig } from '@dialbook/core';",
        "import csv from '@dialbook/example-csv';",
        `export default defineConfig({ defaultCountry: 'DE', plugins: { people: { plugin: csv, options: { file: ${JSON.stringify(DEMO_CSV)}, site: 'main' } } } });`,
        '',
      ].join('\n'),
    );
    const r = await runCli(['--config', file, 'config', 'check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  people  example-csv@0.1.0  from inline\n');
  });

  it('the example deployment configs themselves pass', async () => {
    for (const name of ['dialbook.config.yaml', 'dialbook.config.ts']) {
      const r = await runCli(['--config', join(EXAMPLE, name), 'config', 'check']);
      expect(r.stderr, name).toBe('');
      expect(r.code, name).toBe(0);
      expect(r.stdout).toMatch(/^ {2}staff {2}example-csv@0\.1\.0 {2}from /m);
    }
  });

  it('applies DIALBOOK_PLUGIN_<ID>__<KEY> overrides to plugin options', async () => {
    const bad = await writeConfig('env-bad.yaml', yamlConfig('{ file: 42, site: main }'));
    const fixed = await runCli(['--config', bad, 'config', 'check'], { DIALBOOK_PLUGIN_STAFF__FILE: DEMO_CSV });
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);

    const good = await writeConfig('env-good.yaml', GOOD_YAML);
    const broken = await runCli(['--config', good, 'config', 'check'], { DIALBOOK_PLUGIN_STAFF__FILE: '42', DIALBOOK_PLUGIN_STAFF__SYNC_ON_START: 'maybe' });
    expect(broken.code).toBe(78);
    expect(lines(broken.stderr)).toEqual([
      'dialbook: plugin "staff" (@dialbook/example-csv): option "file": expected string, found number 42',
      'dialbook: plugin "staff" (@dialbook/example-csv): option "syncOnStart": expected boolean, found "maybe"',
    ]);

    const unknown = await runCli(['--config', good, 'config', 'check'], { DIALBOOK_PLUGIN_NOPE__FILE: 'x.csv' });
    expect(unknown.code).toBe(78);
    expect(lines(unknown.stderr)).toEqual(['dialbook: DIALBOOK_PLUGIN_NOPE__FILE names plugin instance "nope", which the config does not list (listed: staff)']);
  });
});

describe('dialbook migrate', () => {
  it('applies the core migrations, then reports up to date; --status lists them', async () => {
    const db = await database();
    const file = await writeConfig('migrate.yaml', GOOD_YAML);

    const before = await runCli(['--config', file, 'migrate', '--status'], db.env);
    expect(before.stderr).toBe('');
    expect(before.code).toBe(0);
    expect(lines(before.stdout)).toEqual([expect.stringMatching(new RegExp(`^database: ${db.shown.source} \\((sqlite|postgresql)\\)$`)), ...MIGRATIONS.map((m) => `  pending  ${m}`)]);

    const first = await runCli(['--config', file, 'migrate'], db.env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^applied ${MIGRATIONS.length} migration\\(s\\) to ${db.shown.source}: ${MIGRATIONS.join(', ')}\\n$`));
    if (!PG) expect(existsSync(join(db.env.DIALBOOK_DATA_DIR!, 'dialbook.sqlite'))).toBe(true);

    const second = await runCli(['--config', file, 'migrate'], db.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`^${db.shown.source} is up to date \\(${MIGRATIONS.length} migration\\(s\\)\\)\\n$`));

    const status = await runCli(['--config', file, 'migrate', '--status'], db.env);
    expect(status.code).toBe(0);
    expect(lines(status.stdout).slice(1)).toEqual(MIGRATIONS.map((m) => `  applied  ${m}`));
  });
});

describe('dialbook plugins', () => {
  it('lists the example plugin with its contact source and action', async () => {
    const file = await writeConfig('plugins.yaml', GOOD_YAML);
    const r = await runCli(['--config', file, 'plugins']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(['staff  example-csv@0.1.0  (@dialbook/example-csv)  Contacts from a CSV file (example plugin)', '  contact sources: staff', '  actions: staff.sync']);
  });
});

describe('dialbook start', () => {
  it('serves the API with the demo contacts and stops cleanly on SIGTERM', { timeout: 90_000 }, async () => {
    const db = await database();
    // A relative `file` is read from the config's directory: examples/minimal/test-tmp-*/../demo-contacts.csv.
    const file = await writeConfig('start.yaml', yamlConfig('{ file: ../demo-contacts.csv, site: main }', 'demo: true\ndefaultCountry: DE\n'));
    const port = await freePort();
    const child = spawnCli(['--config', file, 'start', '--port', String(port)], { ...db.env, HOST: '127.0.0.1' });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    const base = `http://127.0.0.1:${port}`;

    // Wait until /healthz answers (or the process gives up).
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`dialbook start exited with ${child.exitCode}:\n${stderr}\n${stdout}`);
      const res = await fetch(`${base}/healthz`).catch(() => undefined);
      if (res?.status === 200) {
        expect(await res.json()).toEqual({ status: 'ok' });
        break;
      }
      if (Date.now() > deadline) throw new Error(`no answer on ${base}/healthz:\n${stderr}\n${stdout}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(openapi.paths)).toContain('/contacts');

    // Nothing is open without an account: create the first administrator and an API token with the CLI.
    expect((await fetch(`${base}/api/v1/contacts`)).status).toBe(401);
    const created = await runCli(['--config', file, 'user', 'create', '--admin', 'first@test.invalid'], db.env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created admin first@test\.invalid\nsign-up link \(valid 12 hours, single use\):\nhttp:\/\/localhost:\d+\/signup\?token=[\w-]+\n$/);
    const issued = await runCli(['--config', file, 'token', 'create', 'first@test.invalid', '--name', 'test'], db.env);
    expect(issued.code).toBe(0);
    const auth = { headers: { authorization: `Bearer ${issued.stdout.trim()}` } };
    const api = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { ...auth.headers, ...(init.headers as Record<string, string> | undefined) } });

    const contacts = (await (await api(`${base}/api/v1/contacts?pageSize=100`)).json()) as { total: number; items: { displayName: string; source: string }[] };
    const csvNames = contacts.items.filter((c) => c.source === 'csv').map((c) => c.displayName);
    expect(csvNames).toHaveLength(12);
    expect(csvNames).toEqual(expect.arrayContaining(['Jürgen Schäfer', "Seán O'Connor", 'Zoë Müller-Lüdenscheidt', 'Beispiel GmbH – Empfang']));
    expect(contacts.total).toBe(contacts.items.length);
    // Search folds accents and ß: "weiss" finds Anja Weiß.
    const search = (await (await api(`${base}/api/v1/contacts?q=weiss`)).json()) as { items: { displayName: string }[] };
    expect(search.items.map((c) => c.displayName)).toEqual(['Anja Weiß']);

    const lookup = (await (await api(`${base}/api/v1/contacts/lookup?number=%2B49302345676`)).json()) as { items: { displayName: string }[] };
    expect(lookup.items.map((c) => c.displayName)).toEqual(['Zoë Müller-Lüdenscheidt']);

    const action = await api(`${base}/api/v1/actions/staff.sync`, { method: 'POST' });
    expect(await action.json()).toMatchObject({ ok: true, data: { created: 0, updated: 0, deleted: 0, unchanged: 12, failed: 0 } });

    // The start-up sync logged its counts.
    const logs = lines(stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toEqual(expect.arrayContaining([expect.objectContaining({ plugin: 'staff', created: 12, failed: 0 })]));
    expect(logs).toEqual(expect.arrayContaining([expect.objectContaining({ msg: expect.stringContaining(`listening on http://127.0.0.1:${port}`) })]));

    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const result = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
    expect(result).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(stderr).toBe('');

    // `dialbook sync <source>` runs the same source from the command line.
    const synced = await runCli(['--config', file, 'sync', 'staff', '--site', 'main'], db.env);
    expect(synced.stdout).toBe('main: 0 created, 0 updated, 0 deleted, 12 unchanged, 0 failed\n');
    expect(synced.code).toBe(0);
    const unknown = await runCli(['--config', file, 'sync', 'nope', '--site', 'main'], db.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no contact source "nope" is registered (known: staff)');
  });
});
