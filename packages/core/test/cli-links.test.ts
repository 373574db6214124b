/**
 * Links the CLI and the server hand out use `server.publicUrl`, else the configured port: `PORT`,
 * `server.port`, or `dialbook start --port` (issue 10: `dialbook user create` printed port 3000
 * while the server ran on another port). The CLI runs from source as a child process, as in cli.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../src/testing/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = resolve(ROOT, 'packages/core/src/cli/main.ts');

const cleanups: (() => Promise<void>)[] = [];
const children = new Set<ChildProcess>();
afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  while (cleanups.length) await cleanups.pop()!();
});

/** This process's environment, less anything that would change what the CLI reads. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^(DIALBOOK_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$|NODE_OPTIONS$)/.test(key)) delete env[key];
  return { ...env, ...extra };
}

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=dialbook-source', '--import', 'tsx', CLI, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  return child;
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
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

/** A fresh database for one test, as the child's environment. */
async function database(): Promise<Record<string, string>> {
  if (testDatabaseKind() === 'postgresql') {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    return { DATABASE_URL: db.url };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'dialbook-cli-links-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  return { DIALBOOK_DATA_DIR: dataDir };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const linkOf = (stdout: string) => /^(\S+\/signup\?token=[\w-]+)$/m.exec(stdout)?.[1];

describe('dialbook user create', () => {
  it('prints a link on the configured port ($PORT) and says that server.publicUrl is not set', async () => {
    const db = await database();
    const created = await runCli(['user', 'create', 'port@test.invalid'], { ...db, PORT: '3111' });
    expect(created.code, created.stderr).toBe(0);
    expect(linkOf(created.stdout)).toMatch(/^http:\/\/localhost:3111\/signup\?token=/);
    expect(created.stderr).toContain('server.publicUrl is not set, so the link starts with http://localhost:3111');
  });

  it('prints a link on server.publicUrl when it is set, and no note', async () => {
    const db = await database();
    const created = await runCli(['user', 'create', 'public@test.invalid'], { ...db, PORT: '3111', DIALBOOK_PUBLIC_URL: 'https://dialbook.example.net/' });
    expect(created.code, created.stderr).toBe(0);
    expect(linkOf(created.stdout)).toMatch(/^https:\/\/dialbook\.example\.net\/signup\?token=/);
    expect(created.stderr).toBe('');
  });
});

describe('dialbook start --port', () => {
  it('is the configured port: invitation links the server hands out use it', { timeout: 90_000 }, async () => {
    const db = await database();
    const port = await freePort();
    const child = spawnCli(['start', '--port', String(port)], { ...db, HOST: '127.0.0.1' });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while ((await fetch(`${base}/healthz`).catch(() => undefined))?.status !== 200) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`dialbook start did not answer on ${base}:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await runCli(['user', 'create', '--admin', 'first@test.invalid'], db)).code).toBe(0);
    const token = (await runCli(['token', 'create', 'first@test.invalid'], db)).stdout.trim();
    const api = (path: string, init: RequestInit = {}) => fetch(`${base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    const { user } = (await (await api('/users', { method: 'POST', body: JSON.stringify({ email: 'invited@test.invalid' }) })).json()) as { user: { id: string } };
    const issued = (await (await api(`/users/${user.id}/invitation-link`, { method: 'POST' })).json()) as { link: string };
    expect(issued.link).toMatch(new RegExp(`^http://localhost:${port}/signup\\?token=`));
    child.kill('SIGTERM');
  });

  it('refuses a port that is not a number, as a configuration problem (exit 78)', async () => {
    const r = await runCli(['start', '--port', 'eighty'], await database());
    expect(r.code).toBe(78);
    expect(r.stderr).toBe('dialbook: --port eighty: expected a port number from 0 to 65535\n');
  });
});
