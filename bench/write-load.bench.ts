/**
 * Write-load benchmark: do health probes and phone directory fetches on NEW connections stay fast
 * while many API writers keep the server busy?
 *
 *   npm run bench:write-load
 *   npm run bench:write-load -- --db sqlite --duration 10 --writers 50
 *
 * The core runs in this process as a deployment runs it (migrations, the Yealink plugin, `listen()`),
 * on a SQLite file and on a fresh PostgreSQL database. Two child processes make the load, so neither
 * shares the server's event loop:
 *   - writers: autocannon, `--writers` kept-alive connections, each POSTing a contact with an API token
 *     (into a site of their own, so the phonebook below stays cached);
 *   - probe (bench/lib/probe.mjs): every `--interval` ms a new connection (`Connection: close`) GETs
 *     `/healthz` or the cached Yealink directory of a `--count`-contact phonebook, alternately.
 * Baseline, same run: the probe alone against the idle server. Printed: the probe's p50/p95/p99/max for
 * both targets idle and under load and their ratio, the writers' rate and latency, and how busy the
 * server process was (its CPU time ÷ wall time: ~100% of one core means the writers saturate it; the
 * load generator's own CPU is printed beside it to show it is not the bottleneck).
 * The target (issue 10): under load, /healthz p99 < 100 ms and directory p99 < 200 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDialbook, listen, loadConfig, systemActor, type ContactCreate } from '@dialbook/core';
import { createTestDatabase } from '@dialbook/core/testing';
import yealink from '@dialbook/plugin-yealink';
import { createContactGenerator } from './lib/data.js';
import { postgresReachable } from './lib/raw.js';
import { fmtInt, fmtMs, fmtRatio, summarise, table, type Latency } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.BENCH_DB ?? 'both' },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '10' },
    writers: { type: 'string', default: process.env.BENCH_WRITERS ?? '50' },
    interval: { type: 'string', default: process.env.BENCH_INTERVAL ?? '20' },
    count: { type: 'string', default: process.env.BENCH_COUNT ?? '1000' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('npm run bench:write-load -- [--db sqlite|postgresql|both] [--duration 10 (s)] [--writers 50] [--interval 20 (ms between probes)] [--count 1000 (contacts in the phonebook)]');
  process.exit(0);
}
const DURATION = Number(args.duration);
const WRITERS = Number(args.writers);
const INTERVAL = Number(args.interval);
const COUNT = Number(args.count);
const AUTOCANNON = resolve('node_modules/autocannon/autocannon.js');
const PROBE = resolve('bench/lib/probe.mjs');
const TIMEOUT_MS = 30_000;
const TARGETS = { healthz: 100, directory: 200 } as const;

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? ok(a.port) : fail(new Error('no port'))));
    });
  });

/** CPU seconds (user + system) a child has used so far, from /proc (Linux). */
function childCpu(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

function collect(child: ChildProcess): Promise<string> {
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`${child.spawnargs.join(' ')} exited ${code}`))));
  });
}

interface ProbeResult {
  samples: number[];
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
}
type Probe = Record<'healthz' | 'directory', ProbeResult>;

async function probe(targets: { label: string; url: string; headers: Record<string, string> }[], durationMs: number): Promise<Probe> {
  const child = spawn(process.execPath, [PROBE, JSON.stringify({ duration: durationMs, interval: INTERVAL, timeout: TIMEOUT_MS, targets })], { stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(await collect(child)) as Probe;
}

interface Cannon {
  requests: { average: number; total: number };
  latency: { p50: number; p97_5: number; p99: number };
  non2xx: number;
  errors: number;
  statusCodeStats?: Record<string, { count: number }>;
}

async function run(db: 'sqlite' | 'postgresql'): Promise<{ ok: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'dialbook-bench-wl-'));
  const pg = db === 'postgresql' ? await createTestDatabase(process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/postgres') : null;
  const url = pg ? pg.url : `sqlite:${join(dir, 'bench.sqlite')}`;
  const config = await loadConfig({ env: {}, config: { database: { url }, logLevel: 'silent', server: { port: 0, host: '127.0.0.1' }, plugins: { yealink: { plugin: yealink } } } });
  const dialbook = await createDialbook(config, { migrate: true });
  await dialbook.start();
  const running = await listen(dialbook, { port: await freePort(), host: '127.0.0.1' });
  try {
    const phones = await dialbook.sites.create({ name: 'Phones', slug: 'phones', defaultCountry: 'DE' });
    const writes = await dialbook.sites.create({ name: 'Writes', slug: 'writes', defaultCountry: 'DE' });
    const gen = createContactGenerator(phones.id);
    for (let done = 0; done < COUNT; done += 1000) {
      const bodies: ContactCreate[] = [];
      for (let j = 0; j < Math.min(1000, COUNT - done); j++) bodies.push(gen.next().body);
      await dialbook.contacts.createMany(bodies, systemActor, { emit: false });
    }
    const pb = await dialbook.phonebooks.create({ siteId: phones.id, name: 'Everyone', filter: {} });
    const cred = await dialbook.credentials.createForPhonebook(pb.id, 'bench', systemActor);
    const { user } = await dialbook.accounts.createUser({ email: 'bench@example.com', role: 'admin', siteIds: [] }, systemActor);
    const { token } = await dialbook.accounts.createApiToken(user.id, 'bench', null, systemActor);
    const dirUrl = `${running.url}/directory/${pb.id}/yealink`;
    const dirHeaders = { authorization: `Basic ${Buffer.from(`${cred.username}:${cred.secret}`).toString('base64')}`, 'user-agent': 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56' };
    const warm = await fetch(dirUrl, { headers: dirHeaders });
    const bytes = (await warm.arrayBuffer()).byteLength;
    if (!warm.ok) throw new Error(`directory fetch answered ${warm.status}`);
    const targets = [
      { label: 'healthz', url: `${running.url}/healthz`, headers: {} },
      { label: 'directory', url: dirUrl, headers: dirHeaders },
    ];
    const body = JSON.stringify({ siteId: writes.id, firstName: 'Jörg', lastName: 'Weiß', department: 'Sales', phones: [{ type: 'work', number: '030 9876543' }] });
    const post = await fetch(`${running.url}/api/v1/contacts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    if (post.status !== 201) throw new Error(`a write answered ${post.status}: ${await post.text()}`);

    // Baseline: the probe alone, idle server.
    const idle = await probe(targets, DURATION * 1000);

    // Under load: writers and probe together.
    const cannon = spawn(process.execPath, [AUTOCANNON, '-j', '-c', String(WRITERS), '-d', String(DURATION), '-m', 'POST', '-H', `authorization=Bearer ${token}`, '-H', 'content-type=application/json', '-b', body, `${running.url}/api/v1/contacts`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const cannonOut = collect(cannon);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const loaded = await probe(targets, DURATION * 1000);
    const cannonCpu = childCpu(cannon);
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - wall0;
    const writers = JSON.parse(await cannonOut) as Cannon;
    const serverBusy = (cpu.user + cpu.system) / 1000 / wall;
    const cannonBusy = (cannonCpu * 1000) / wall;

    const stats = (p: Probe) => ({ healthz: summarise(p.healthz.samples), directory: summarise(p.directory.samples) });
    const a = stats(idle);
    const b = stats(loaded);
    const row = (name: string, l: Latency, r: ProbeResult) => [name, fmtInt(l.n), fmtMs(l.p50), fmtMs(l.p95), fmtMs(l.p99), fmtMs(l.max), fmtInt(r.timeouts + r.errors)];
    console.log(`\n${db}: ${fmtInt(COUNT)}-contact directory (${fmtInt(bytes)} bytes, cached), probe every ${INTERVAL} ms on a new connection, ${DURATION} s per phase`);
    console.log(
      table(['probe', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors'], [
        row('/healthz idle', a.healthz, idle.healthz),
        row(`/healthz, ${WRITERS} writers`, b.healthz, loaded.healthz),
        row('directory idle', a.directory, idle.directory),
        row(`directory, ${WRITERS} writers`, b.directory, loaded.directory),
      ]),
    );
    const non2xx = writers.non2xx + writers.errors;
    console.log(
      `writers: ${fmtInt(writers.requests.total)} contacts written (${fmtInt(writers.requests.average)}/s), p50 ${fmtMs(writers.latency.p50)} ms, p99 ${fmtMs(writers.latency.p99)} ms, non-2xx/errors ${fmtInt(non2xx)}`,
    );
    console.log(`server process busy ${Math.round(serverBusy * 100)}% of one core; load generator (autocannon) ${Math.round(cannonBusy * 100)}%`);
    console.log(`p99 under load ÷ idle: /healthz ${fmtRatio(b.healthz.p99 / a.healthz.p99)}, directory ${fmtRatio(b.directory.p99 / a.directory.p99)}`);
    const verdicts = [
      { what: '/healthz p99 under load', value: b.healthz.p99, limit: TARGETS.healthz },
      { what: 'directory p99 under load', value: b.directory.p99, limit: TARGETS.directory },
    ];
    let ok = non2xx === 0 && loaded.healthz.timeouts + loaded.directory.timeouts === 0;
    for (const v of verdicts) {
      const pass = v.value < v.limit;
      ok &&= pass;
      console.log(`${pass ? 'PASS' : 'FAIL'}: ${v.what} ${fmtMs(v.value)} ms (target < ${v.limit} ms)`);
    }
    if (serverBusy < 0.7) console.log(`NOTE: the server was busy only ${Math.round(serverBusy * 100)}%: the writers may not saturate it; raise --writers`);
    return { ok };
  } finally {
    await running.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`Write-load benchmark: ${WRITERS} writers, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  const dbs = args.db === 'both' ? (['sqlite', 'postgresql'] as const) : [args.db as 'sqlite' | 'postgresql'];
  let ok = true;
  for (const db of dbs) {
    if (db === 'postgresql' && (await postgresReachable('postgres://postgres@127.0.0.1:5432/postgres')) !== true) {
      console.log('\n!!! PostgreSQL is not reachable at 127.0.0.1:5432: the PostgreSQL half is SKIPPED !!!');
      continue;
    }
    ok = (await run(db)).ok && ok;
  }
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
