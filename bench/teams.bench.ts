/**
 * Teams sync benchmark: Dialbook with @dialbook/plugin-teams syncs `--count` callRecords (default
 * 50,000) from the plugin tests' Graph double (in a worker thread), listed in pages of 60 as Graph
 * sends them, each record read again with `$expand=sessions($expand=segments)` and
 * `$expand=participants_v2` as the plugin does; next to it, in the same run, the call-log upsert
 * baseline: the same records mapped up front and written through `calls.upsertMany` in batches of
 * 60 (the plugin's page size) into a fresh database.
 *
 *   npm run bench:teams                                    # 50,000 records, SQLite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/dialbook_bench npm run bench:teams   # PostgreSQL
 *   npm run bench:teams -- --count 5000                    # quicker
 *
 * Graph's pacing is off (the plugin's sleep hook returns at once): the figure is what Dialbook
 * itself can take; the bound Graph's documented limits put on a real tenant is printed beside it.
 * See bench/README.md ("Teams sync"). Never part of `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createDialbook, loadConfig, systemActor, type CallRecordInput, type Dialbook, type SiteDto } from '@dialbook/core';
import { createTestDatabase } from '@dialbook/core/testing';
import { createTeamsPlugin, mapCallRecord, type TeamsSyncReport } from '../packages/plugin-teams/src/index.js';
import { TENANT } from '../packages/plugin-teams/test/fixtures.js';
import { fmtInt, mib, rssSampler, table } from './lib/stats.js';
import { teamsRecords, tenantUser, type TeamsRecordsOptions } from './lib/teams-records.js';

interface Options {
  count: number;
  days: number;
  users: number;
  concurrency: number;
  batch: number;
  postgresUrl: string | null;
}

const USAGE = `usage: npm run bench:teams -- [--count N] [--days N] [--users N] [--concurrency N] [--batch N]

  --count N        callRecords served by the double and synced (default 50000; env BENCH_COUNT)
  --days N         the window the calls start in, at most 31 (default 7; env BENCH_DAYS)
  --users N        tenant users the calls are spread over; 3 in 4 are Dialbook users by UPN (default 200)
  --concurrency N  the plugin's concurrency option: Graph requests in flight (default 4, the plugin's default)
  --batch N        records per upsertMany call of the baseline (default 60: the plugin upserts per list page)

Database: SQLite files in a temporary directory, or with DATABASE_URL=postgres://… fresh databases on that
server (dropped afterwards).`;

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { count: { type: 'string' }, days: { type: 'string' }, users: { type: 'string' }, concurrency: { type: 'string' }, batch: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = (values[name] as string | undefined) ?? env[`BENCH_${name.toUpperCase()}`];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1 || n > max) fail(`--${name} must be a whole number from 1 to ${max} (found "${raw}")`);
    return n;
  };
  const url = env.DATABASE_URL?.trim();
  if (url && !/^postgres(ql)?:\/\//.test(url)) fail(`DATABASE_URL must be a postgres:// URL (found "${url.slice(0, 40)}")`);
  return { count: int('count', 50_000), days: int('days', 7, 31), users: int('users', 200), concurrency: int('concurrency', 4, 16), batch: int('batch', 60), postgresUrl: url || null };
}

function check(condition: unknown, message: () => string): asserts condition {
  if (!condition) throw new Error(`correctness: ${message()}`);
}

/** The window: `days` days up to this moment. */
const END = Date.UTC(2026, 10, 30);

// ---- the double ----------------------------------------------------------------------------

interface DoubleInfo {
  tenant: string;
  clientId: string;
  clientSecret: string;
  tokenEndpoint: string;
  graphBaseUrl: string;
  pageSize: number;
}

async function startDouble(records: TeamsRecordsOptions): Promise<{ info: DoubleInfo; stats(): Promise<{ requests: number; rss: number; cpuMs: number }>; close(): Promise<void> }> {
  const worker = new Worker(new URL('./lib/teams-double-worker.ts', import.meta.url), { workerData: records });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(m as T);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const info = await next<DoubleInfo>('ready');
  return {
    info,
    stats: () => {
      const p = next<{ requests: number; rss: number; cpuMs: number }>('stats');
      worker.postMessage({ type: 'stats' });
      return p;
    },
    close: async () => {
      worker.postMessage({ type: 'close' });
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

// ---- databases and cores --------------------------------------------------------------------

async function databases(opts: Options): Promise<{ kind: string; sync: string; baseline: string; cleanup(): Promise<void> }> {
  if (!opts.postgresUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'dialbook-bench-teams-'));
    return { kind: 'SQLite (file)', sync: `sqlite:${join(dir, 'sync.sqlite')}`, baseline: `sqlite:${join(dir, 'baseline.sqlite')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const a = await createTestDatabase(opts.postgresUrl);
  const b = await createTestDatabase(opts.postgresUrl);
  return { kind: `PostgreSQL (${new URL(opts.postgresUrl).host})`, sync: a.url, baseline: b.url, cleanup: async () => void (await Promise.all([a.drop(), b.drop()])) };
}

/** A core with the Teams plugin pointed at the double, the site, and the Dialbook users (3 in 4 tenant users, by UPN). */
async function startCore(url: string, double: DoubleInfo, opts: Options): Promise<{ core: Dialbook; site: SiteDto; userIds: Map<string, string> }> {
  const config = await loadConfig({
    env: {},
    config: {
      database: { url },
      logLevel: 'silent',
      secretKey: 'bench-secret-key-bench-secret-key-0123456789',
      plugins: { teams: { plugin: createTeamsPlugin({ sleep: async () => undefined }), options: { graphBaseUrl: double.graphBaseUrl, tokenEndpoint: double.tokenEndpoint, concurrency: opts.concurrency } } },
      settings: { teams: { tenantId: double.tenant, clientId: double.clientId, clientSecret: double.clientSecret, syncCron: null } },
    },
  });
  const core = await createDialbook(config, { migrate: true });
  const site = await core.sites.create({ name: 'Bench', slug: 'bench', defaultCountry: 'DE' });
  await core.start();
  const userIds = new Map<string, string>();
  for (let k = 0; k < opts.users; k++) {
    if (k % 4 === 3) continue;
    const email = tenantUser(k).userPrincipalName;
    const { user } = await core.accounts.createUser({ email, role: 'user', siteIds: [site.id] }, systemActor);
    userIds.set(email, user.id);
  }
  return { core, site, userIds };
}

// ---- 1. the sync ----------------------------------------------------------------------------

/** CPU time (ms) of this thread and of the whole process (every thread: the double's, SQLite's, …) since `t`. */
const cpuSince = (t: { thread: NodeJS.CpuUsage; process: NodeJS.CpuUsage }) => {
  const a = process.threadCpuUsage(t.thread);
  const b = process.cpuUsage(t.process);
  return { threadMs: (a.user + a.system) / 1000, processMs: (b.user + b.system) / 1000 };
};
const cpuNow = () => ({ thread: process.threadCpuUsage(), process: process.cpuUsage() });
type Cpu = ReturnType<typeof cpuSince>;

interface SyncFigures {
  ms: number;
  cpu: Cpu;
  doubleCpuMs: number;
  report: TeamsSyncReport;
  requests: number;
  rssBefore: number;
  rssAfter: number;
  rssPeak: number;
  doubleRss: number;
}

async function benchSync(url: string, double: Awaited<ReturnType<typeof startDouble>>, opts: Options, window: { start: Date; end: Date }): Promise<SyncFigures> {
  const { core, site } = await startCore(url, double.info, opts);
  try {
    const { cpuMs: doubleCpu0 } = await double.stats(); // also resets its request count
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const sync = core.registries.callSources.require('teams').sync;
    check(sync, () => 'the teams call source has no sync');
    const rss = rssSampler();
    const c0 = cpuNow();
    const t0 = performance.now();
    const report = (await sync({ siteId: site.id, actor: systemActor, ...window })) as TeamsSyncReport;
    const ms = performance.now() - t0;
    const cpu = cpuSince(c0);
    const { peakBytes } = rss.stop();
    const rssAfter = process.memoryUsage().rss;
    const { requests, rss: doubleRss, cpuMs: doubleCpu1 } = await double.stats();
    check(report.records === opts.count, () => `listed ${report.records} of ${opts.count} records`);
    check(report.created === opts.count && report.failed === 0, () => `created ${report.created}, failed ${report.failed}: ${report.errors.join('; ')}`);
    const stored = await core.calls.list({ siteId: site.id, limit: 1 });
    check(stored.items.length === 1, () => 'no call stored');
    return { ms, cpu, doubleCpuMs: doubleCpu1 - doubleCpu0, report, requests, rssBefore, rssAfter, rssPeak: peakBytes, doubleRss };
  } finally {
    await core.stop();
  }
}

// ---- 2. the baseline -------------------------------------------------------------------------

async function benchBaseline(url: string, double: DoubleInfo, opts: Options, records: TeamsRecordsOptions): Promise<{ ms: number; mapMs: number; cpu: Cpu }> {
  const { core, site, userIds } = await startCore(url, double, opts);
  try {
    const m0 = performance.now();
    // As the sync batches them: by hour slice of the start, in the order Graph lists them (generation order).
    const slice = (r: { startDateTime?: string | null }) => Math.floor(Date.parse(r.startDateTime!) / 3_600_000);
    const graph = teamsRecords(records)
      .map((r, i) => ({ r, i, s: slice(r) }))
      .sort((a, b) => a.s - b.s || a.i - b.i);
    const inputs: CallRecordInput[] = graph.map(({ r }) => {
      const mapped = mapCallRecord(r, { tenantId: TENANT });
      const upn = mapped.localUser?.upn?.toLowerCase();
      return { ...mapped.record, userId: (upn && userIds.get(upn)) ?? null };
    });
    const mapMs = performance.now() - m0;
    const c0 = cpuNow();
    const t0 = performance.now();
    let created = 0;
    for (let i = 0; i < inputs.length; i += opts.batch) {
      const results = await core.calls.upsertMany(site.id, 'teams', inputs.slice(i, i + opts.batch));
      for (const res of results) {
        check(!('error' in res), () => `an upsert was refused: ${'error' in res ? res.error.message : ''}`);
        if (res.created) created++;
      }
    }
    const ms = performance.now() - t0;
    const cpu = cpuSince(c0);
    check(created === opts.count, () => `the baseline created ${created} of ${opts.count}`);
    return { ms, mapMs, cpu };
  } finally {
    await core.stop();
  }
}

// ---- main -------------------------------------------------------------------------------------

async function main() {
  const opts = parseOptions(process.argv.slice(2), process.env);
  const window = { start: new Date(END - opts.days * 86_400_000), end: new Date(END) };
  const records: TeamsRecordsOptions = { count: opts.count, start: window.start.getTime(), spanMs: window.end.getTime() - window.start.getTime(), users: opts.users };
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Teams sync bench: ${fmtInt(opts.count)} callRecords over ${opts.days} days (${opts.days * 24} hour slices), ${opts.users} tenant users, concurrency ${opts.concurrency}`);
  console.log(`machine: ${availableParallelism()} cores (${cpu}), ${mib(totalmem())} MiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const d0 = performance.now();
  const double = await startDouble(records);
  console.log(`double ready in a worker (${fmtInt(performance.now() - d0)} ms, pages of ${double.info.pageSize})`);
  const dbs = await databases(opts);
  console.log(`database: ${dbs.kind}\n`);
  try {
    const sync = await benchSync(dbs.sync, double, opts, window);
    const base = await benchBaseline(dbs.baseline, double.info, opts, records);
    const syncRate = opts.count / (sync.ms / 1000);
    const baseRate = opts.count / (base.ms / 1000);
    console.log(
      table(
        ['', 'records', 'seconds', 'records/s', 'main thread CPU s', 'process CPU s'],
        [
          ['Teams sync (list + 2 expand requests per record + map + upsert)', fmtInt(opts.count), (sync.ms / 1000).toFixed(1), fmtInt(syncRate), (sync.cpu.threadMs / 1000).toFixed(1), (sync.cpu.processMs / 1000).toFixed(1)],
          [`baseline: calls.upsertMany, batches of ${opts.batch}, mapped up front`, fmtInt(opts.count), (base.ms / 1000).toFixed(1), fmtInt(baseRate), (base.cpu.threadMs / 1000).toFixed(1), (base.cpu.processMs / 1000).toFixed(1)],
        ],
      ),
    );
    console.log(`\nsync / baseline: ${(syncRate / baseRate).toFixed(2)}× of the baseline's rate (the sync takes ${(sync.ms / base.ms).toFixed(1)}× the baseline's time; in CPU of the process less the double's thread: ${((sync.cpu.processMs - sync.doubleCpuMs) / base.cpu.processMs).toFixed(1)}×)`);
    console.log(`Graph requests served: ${fmtInt(sync.requests)} (${fmtInt(sync.requests / (sync.ms / 1000))}/s), the double's thread busy ${(sync.doubleCpuMs / 1000).toFixed(1)} s of CPU (in the process figure); mapping the records up front for the baseline: ${fmtInt(base.mapMs)} ms`);
    console.log(`RSS of the sync's process: before ${mib(sync.rssBefore)} MiB, after ${mib(sync.rssAfter)} MiB, peak ${mib(sync.rssPeak)} MiB (the double's worker is in the same process: ${mib(sync.doubleRss)} MiB all told at the end)`);
    const pace = (per20s: number) => `${(sync.requests / (per20s / 20) / 60).toFixed(0)} min`;
    console.log(`Graph's pace on a real tenant (not applied here): at the plugin's default 600 requests per 20 s the same sync takes ≥ ${pace(600)}; at Graph's documented 1,500 per 20 s per app ≥ ${pace(1500)}`);
  } finally {
    await dbs.cleanup();
    await double.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
