/**
 * Call log benchmark: bulk upserts through `calls.upsertMany` next to the raw floor of writing the
 * same rows (PostgreSQL `COPY`, a SQLite prepared-insert loop in one transaction per batch) in the
 * same run, then list/filter/stats latencies once the log holds `--total` calls.
 *
 *   npm run bench:calls                                        # 200,000 upserts, 1M calls for queries, both databases
 *   npm run bench:calls -- --count 20000 --total 100000 --db sqlite
 *
 * See bench/README.md ("Calls") for what each figure means. Never part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDialbook, loadConfig, systemActor, type CallRecordInput, type Dialbook } from '@dialbook/core';
// Not public API: the report functions the routes call, measured without HTTP in between.
import { AuditToken } from '../packages/core/src/audit/module.js';
import { exportCalls } from '../packages/core/src/calls/export.js';
import { CallSourcesToken } from '../packages/core/src/calls/module.js';
import { callStats, type CallStatsQuery } from '../packages/core/src/calls/stats.js';
import { createTestDatabase } from '@dialbook/core/testing';
import { createRandom, randomGermanNumber, writeGerman, type Random } from './lib/data.js';
import { webhookThroughput } from './placetel-webhook.js';
import { openPostgres, openSqlite, postgresReachable, type Dialect, type RawDb, type Row } from './lib/raw.js';
import { fmtInt, fmtMs, mib, rssSampler, summarise, table, type Latency } from './lib/stats.js';

interface Options {
  count: number;
  total: number;
  batch: number;
  queries: number;
  /** Seconds of signed Placetel webhooks (0: none). */
  webhookSeconds: number;
  databases: Dialect[];
  postgresUrl: string;
}

const USAGE = `usage: npm run bench:calls -- [--count N] [--total N] [--batch N] [--queries N] [--db sqlite|postgresql|both]

  --count N     call records upserted through Dialbook (default 200000; env BENCH_COUNT)
  --total N     calls in the log for the query latencies (default 1000000; the rest bulk-loaded raw; env BENCH_TOTAL)
  --batch N     records per upsertMany call / per baseline batch (default 1000; env BENCH_BATCH)
  --queries N   measured runs of each query (default 100; env BENCH_QUERIES)
  --db WHICH    sqlite, postgresql or both (default both; env BENCH_DB)
  --webhook-seconds N  seconds of signed Placetel webhooks on one instance, 0 for none (default 10; env BENCH_WEBHOOK_SECONDS)`;

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { count: { type: 'string' }, total: { type: 'string' }, batch: { type: 'string' }, queries: { type: 'string' }, db: { type: 'string' }, 'webhook-seconds': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const flags = new Map(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const int = (name: string, fallback: number): number => {
    const raw = flags.get(name) ?? env[`BENCH_${name.toUpperCase()}`];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer (found "${raw}")`);
    return n;
  };
  const rawSeconds = flags.get('webhook-seconds') ?? env.BENCH_WEBHOOK_SECONDS ?? '10';
  const webhookSeconds = Number(rawSeconds);
  if (!Number.isInteger(webhookSeconds) || webhookSeconds < 0) fail(`--webhook-seconds must be a whole number of seconds, 0 for none (found "${rawSeconds}")`);
  const db = (flags.get('db') ?? env.BENCH_DB ?? 'both').toLowerCase();
  const databases = ({ sqlite: ['sqlite'], postgresql: ['postgresql'], pg: ['postgresql'], both: ['sqlite', 'postgresql'] } as Record<string, Dialect[]>)[db];
  if (!databases) fail(`--db must be sqlite, postgresql or both (found "${db}")`);
  const count = int('count', 200_000);
  const total = Math.max(count, int('total', 1_000_000));
  const dbUrl = env.DATABASE_URL?.trim();
  return { count, total, batch: int('batch', 1_000), queries: int('queries', 100), webhookSeconds, databases, postgresUrl: dbUrl && /^postgres(ql)?:\/\//.test(dbUrl) ? dbUrl : 'postgres://postgres@127.0.0.1:5432/postgres' };
}

function check(condition: unknown, message: () => string): asserts condition {
  if (!condition) throw new Error(`correctness: ${message()}`);
}

/** A whole number in [0, n). */
const below = (rnd: Random, n: number): number => rnd.int(0, n - 1);

// ---- data ----------------------------------------------------------------------------------

/** The window the generated calls start in: 90 days before this moment. */
const END = Date.UTC(2026, 10, 30);
const SPAN_MS = 90 * 86400_000;
/** Distinct remote numbers: callers repeat, as they do. */
const CALLERS = 20_000;

function callers(rnd: Random): string[] {
  return Array.from({ length: CALLERS }, (_, i) => writeGerman(randomGermanNumber(rnd, i % 3 === 0), (['national', 'plus', 'zero'] as const)[i % 3]!, rnd));
}

/** The i-th generated call as a source reports it once it ended (a back-fill row). */
function callAt(i: number, rnd: Random, numbers: string[]): CallRecordInput {
  const started = new Date(END - below(rnd, SPAN_MS));
  const kind = below(rnd, 10);
  const direction = kind < 6 ? 'inbound' : kind < 9 ? 'outbound' : 'internal';
  const answered = below(rnd, 10) < 7;
  const talk = answered ? 5 + below(rnd, 900) : 0;
  const answeredAt = answered ? new Date(started.getTime() + (2 + below(rnd, 20)) * 1000) : null;
  return {
    externalId: `bench-${i}`,
    direction,
    status: answered ? 'answered' : direction === 'inbound' ? (['missed', 'busy', 'voicemail'] as const)[below(rnd, 3)] : 'canceled',
    startedAt: started,
    answeredAt,
    endedAt: new Date((answeredAt ?? started).getTime() + talk * 1000 + (answered ? 0 : 15_000)),
    local: { number: '+4930123456', extension: String(100 + below(rnd, 80)) },
    remote: { number: numbers[below(rnd, numbers.length)]!, name: below(rnd, 4) === 0 ? `Caller ${below(rnd, 5000)}` : null },
    rawPayload: { id: i, kind: 'bench' },
  };
}

// ---- databases -------------------------------------------------------------------------------

interface Targets {
  mainUrl: string;
  baselineUrl: string;
  cleanup(): Promise<void>;
}

async function createTargets(dialect: Dialect, opts: Options): Promise<Targets> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'dialbook-bench-calls-'));
    return { mainUrl: `sqlite:${join(dir, 'bench.sqlite')}`, baselineUrl: `sqlite:${join(dir, 'baseline.sqlite')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const main = await createTestDatabase(opts.postgresUrl);
  const baseline = await createTestDatabase(opts.postgresUrl);
  return { mainUrl: main.url, baselineUrl: baseline.url, cleanup: async () => void (await Promise.all([main.drop(), baseline.drop()])) };
}

async function startCore(url: string): Promise<Dialbook> {
  const config = await loadConfig({ env: {}, config: { database: { url }, logLevel: 'silent' } });
  const dialbook = await createDialbook(config, { migrate: true });
  await dialbook.start();
  return dialbook;
}

const openRaw = (dialect: Dialect, url: string, asText = false): Promise<RawDb> => (dialect === 'sqlite' ? Promise.resolve(openSqlite(url.slice('sqlite:'.length))) : openPostgres(url, { asText }));

/** The columns of `call_record` in table order (read from the database, so the baseline writes exactly what Dialbook does). */
async function columnsOf(raw: RawDb): Promise<string[]> {
  if (raw.dialect === 'sqlite') return (await raw.all<{ name: string }>(`select name from pragma_table_info('call_record') order by cid`)).map((r) => r.name);
  return (await raw.all<{ column_name: string }>(`select column_name from information_schema.columns where table_name = 'call_record' order by ordinal_position`)).map((r) => r.column_name);
}

/** A COPY text-format field. */
const copyField = (v: unknown): string => (v === null || v === undefined ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));

/** Write rows (values as the server's text) with `COPY … FROM STDIN`, in one statement per batch. */
async function copyRows(client: pg.Client, tableName: string, columns: string[], rows: Row[]): Promise<void> {
  const stream = client.query(copyFrom(`copy "${tableName}" (${columns.map((c) => `"${c}"`).join(', ')}) from stdin`));
  await pipeline(Readable.from(rows.map((r) => `${columns.map((c) => copyField(r[c])).join('\t')}\n`)), stream);
}

// ---- 1. upserts through Dialbook --------------------------------------------------------------

interface UpsertResult {
  ms: number;
  rowsPerSec: number;
  batchMs: Latency;
  peakRssMiB: number;
  repeatMs: number;
}

async function benchUpserts(core: Dialbook, siteId: string, opts: Options): Promise<UpsertResult> {
  const rnd = createRandom(0xca11);
  const numbers = callers(createRandom(0x5eed));
  const batchMs: number[] = [];
  const rss = rssSampler();
  const t0 = performance.now();
  for (let i = 0; i < opts.count; i += opts.batch) {
    const records = Array.from({ length: Math.min(opts.batch, opts.count - i) }, (_, k) => callAt(i + k, rnd, numbers));
    const b0 = performance.now();
    const results = await core.calls.upsertMany(siteId, 'manual', records);
    batchMs.push(performance.now() - b0);
    const refused = results.find((r) => 'error' in r);
    check(!refused, () => `an upsert was refused: ${refused && 'error' in refused ? refused.error.message : ''}`);
  }
  const ms = performance.now() - t0;
  // The same first batch again: every record is known and unchanged, so nothing is written.
  const again = createRandom(0xca11);
  const first = Array.from({ length: Math.min(opts.batch, opts.count) }, (_, k) => callAt(k, again, numbers));
  const r0 = performance.now();
  const repeat = await core.calls.upsertMany(siteId, 'manual', first);
  const repeatMs = performance.now() - r0;
  check(repeat.every((r) => 'call' in r && !r.created && !r.changed), () => 'a redelivered batch created or changed a call');
  const peak = rss.stop();
  return { ms, rowsPerSec: (opts.count / ms) * 1000, batchMs: summarise(batchMs), peakRssMiB: mib(peak.peakBytes), repeatMs };
}

// ---- 2. the raw floor of the same rows ----------------------------------------------------------

async function benchBaseline(dialect: Dialect, targets: Targets, opts: Options): Promise<{ ms: number; rowsPerSec: number; method: string }> {
  const schemaCore = await startCore(targets.baselineUrl);
  await schemaCore.stop();
  const src = await openRaw(dialect, targets.mainUrl, true);
  const columns = await columnsOf(src);
  // Dialbook's rows, read once (not timed), are what the baseline writes.
  const rows = await src.all<Row>(`select ${columns.map((c) => `"${c}"`).join(', ')} from call_record order by external_id`);
  await src.close();
  check(rows.length === opts.count, () => `Dialbook wrote ${rows.length} calls, expected ${opts.count}`);
  let ms: number;
  if (dialect === 'postgresql') {
    const client = new pg.Client({ connectionString: targets.baselineUrl });
    await client.connect();
    await copySites(targets, client);
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += opts.batch) await copyRows(client, 'call_record', columns, rows.slice(i, i + opts.batch));
    ms = performance.now() - t0;
    const { rows: n } = await client.query<{ n: string }>('select count(*) as n from call_record');
    await client.end();
    check(Number(n[0]!.n) === opts.count, () => `COPY wrote ${n[0]!.n} rows`);
  } else {
    const dst = await openRaw('sqlite', targets.baselineUrl);
    await copySitesSqlite(targets, dst);
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += opts.batch) {
      await dst.exec('begin');
      await dst.insertRows('call_record', columns, rows.slice(i, i + opts.batch));
      await dst.exec('commit');
    }
    ms = performance.now() - t0;
    const [n] = await dst.all<{ n: number }>('select count(*) as n from call_record');
    await dst.close();
    check(Number(n!.n) === opts.count, () => `the insert loop wrote ${n!.n} rows`);
  }
  return { ms, rowsPerSec: (opts.count / ms) * 1000, method: dialect === 'postgresql' ? 'COPY FROM STDIN' : 'prepared insert loop' };
}

/** The site rows the calls belong to (a foreign key), copied into the baseline database. */
async function copySites(targets: Targets, client: pg.Client): Promise<void> {
  const src = await openPostgres(targets.mainUrl, { asText: true });
  const sites = await src.all<Row>('select * from site');
  await src.close();
  await client.query('delete from site');
  const cols = Object.keys(sites[0]!);
  await copyRows(client, 'site', cols, sites);
}

async function copySitesSqlite(targets: Targets, dst: RawDb): Promise<void> {
  const src = openSqlite(targets.mainUrl.slice('sqlite:'.length));
  const sites = await src.all<Row>('select * from site');
  await src.close();
  await dst.exec('delete from site');
  await dst.insertRows('site', Object.keys(sites[0]!), sites);
}

// ---- 3. the log at --total calls: list and filter latencies -------------------------------------

/** Bring the log to `opts.total` calls with raw writes of generated rows shaped as Dialbook writes them. */
async function fillTo(dialect: Dialect, url: string, opts: Options): Promise<void> {
  const raw = await openRaw(dialect, url, true);
  const columns = await columnsOf(raw);
  const template = (await raw.all<Row>(`select ${columns.map((c) => `"${c}"`).join(', ')} from call_record limit 1000`));
  const missing = opts.total - opts.count;
  const rnd = createRandom(0xf111);
  const make = (i: number): Row => {
    const base = template[i % template.length]!;
    const started = new Date(END - below(rnd, SPAN_MS));
    const iso = (d: Date) => (dialect === 'sqlite' ? d.getTime() : d.toISOString());
    const shift = (v: unknown) => (v == null ? null : iso(new Date(started.getTime() + (Number(dialect === 'sqlite' ? v : Date.parse(String(v))) - Number(dialect === 'sqlite' ? base.started_at : Date.parse(String(base.started_at)))))));
    return { ...base, id: randomUUID(), external_id: `fill-${i}`, started_at: iso(started), answered_at: shift(base.answered_at), ended_at: shift(base.ended_at) };
  };
  const chunk = 5000;
  if (dialect === 'postgresql') {
    await raw.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (let i = 0; i < missing; i += chunk) await copyRows(client, 'call_record', columns, Array.from({ length: Math.min(chunk, missing - i) }, (_, k) => make(i + k)));
    await client.query('analyze call_record');
    await client.end();
  } else {
    for (let i = 0; i < missing; i += chunk) {
      await raw.exec('begin');
      await raw.insertRows('call_record', columns, Array.from({ length: Math.min(chunk, missing - i) }, (_, k) => make(i + k)));
      await raw.exec('commit');
    }
    await raw.exec('analyze');
    await raw.close();
  }
}

interface QueryResult {
  name: string;
  latency: Latency;
  rows: number;
}

async function benchQueries(core: Dialbook, siteId: string, opts: Options): Promise<QueryResult[]> {
  const rnd = createRandom(0x9e1);
  const week = (): { start: string; end: string } => {
    const s = END - 7 * 86400_000 - below(rnd, SPAN_MS - 7 * 86400_000);
    return { start: new Date(s).toISOString(), end: new Date(s + 7 * 86400_000).toISOString() };
  };
  const firstPage = await core.calls.list({ siteId, limit: 50 });
  // Numbers the log holds, asked for in their national written form (`030 …`) while stored as E.164.
  const known = [...new Set(firstPage.items.map((c) => c.remote.e164).filter((e): e is string => !!e?.startsWith('+49')))].map((e) => `0${e.slice(3, 5)} ${e.slice(5)}`);
  check(known.length > 0, () => 'no stored call has a German E.164 remote number');
  const cursorAfter = firstPage.next!;
  const cases: { name: string; run: () => Promise<number> }[] = [
    { name: 'first page (50), no filter', run: async () => (await core.calls.list({ siteId, limit: 50 })).items.length },
    { name: 'second page (keyset cursor)', run: async () => (await core.calls.list({ siteId, limit: 50, cursor: cursorAfter })).items.length },
    { name: 'filtered page: a week, inbound, missed', run: async () => (await core.calls.list({ siteId, ...week(), direction: 'inbound', status: 'missed', limit: 50 })).items.length },
    { name: 'filtered page: one number (any written form)', run: async () => (await core.calls.list({ siteId, number: known[below(rnd, known.length)]!, limit: 50 })).items.length },
    { name: 'filtered page: q (name part)', run: async () => (await core.calls.list({ siteId, q: `Caller ${below(rnd, 5000)}`, limit: 50 })).items.length },
  ];
  const statsDeps = { orm: core.orm, sources: core.resolve(CallSourcesToken), defaultCountry: null };
  const stats = (q: CallStatsQuery) => callStats(statsDeps, q);
  const year = { start: new Date(END - SPAN_MS).toISOString(), end: new Date(END).toISOString() };
  cases.push({ name: 'stats: a week by day', run: async () => (await stats({ siteId, ...week(), groupBy: 'day' })).groups.length });
  cases.push({ name: 'stats: a week by hour', run: async () => (await stats({ siteId, ...week(), groupBy: 'hour' })).groups.length });
  cases.push({ name: 'stats: a week, top callers', run: async () => (await stats({ siteId, ...week(), groupBy: 'remote' })).groups.length });
  cases.push({ name: 'stats: the whole log by day', run: async () => (await stats({ siteId, ...year, groupBy: 'day' })).groups.length });
  const out: QueryResult[] = [];
  for (const c of cases) {
    for (let i = 0; i < 10; i++) await c.run();
    const samples: number[] = [];
    let rows = 0;
    for (let i = 0; i < opts.queries; i++) {
      const t0 = performance.now();
      rows += await c.run();
      samples.push(performance.now() - t0);
    }
    if (c.name.includes('one number')) check(rows > 0, () => 'the number filter found none of the stored numbers');
    out.push({ name: c.name, latency: summarise(samples), rows: rows / opts.queries });
  }
  return out;
}

interface ExportResult {
  rows: number;
  bytes: number;
  ms: number;
  rowsPerSec: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  /** JS heap in use after a full GC at each quarter of the rows (flat: nothing accumulates; needs `--expose-gc`). */
  heapAfterGcMiB: number[];
}

/** The whole log as CSV through the export's stream (what `GET /calls/export` sends), counted as it comes: rows/s and the process's peak RSS. */
async function benchExport(core: Dialbook, siteId: string, total: number): Promise<ExportResult> {
  global.gc?.();
  const heapAfterGcMiB: number[] = [];
  const heapNow = () => {
    global.gc?.();
    heapAfterGcMiB.push(mib(process.memoryUsage().heapUsed));
  };
  heapNow();
  let quarter = 1;
  const rss = rssSampler();
  const t0 = performance.now();
  const out = await exportCalls({ orm: core.orm, audit: core.resolve(AuditToken), defaultCountry: null }, { siteId, format: 'csv' }, systemActor);
  let bytes = 0;
  let newlines = 0;
  for await (const chunk of out.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) newlines++;
    if (global.gc && quarter < 4 && newlines >= (total * quarter) / 4) {
      quarter++;
      heapNow(); // timed with the rest: a few GCs in a run of seconds
    }
  }
  heapNow();
  const ms = performance.now() - t0;
  const { startBytes, peakBytes } = rss.stop();
  const rows = newlines - 1;
  return { rows, bytes, ms, rowsPerSec: (rows / ms) * 1000, rssBeforeMiB: mib(startBytes), peakRssMiB: mib(peakBytes), heapAfterGcMiB };
}

// ---- main -------------------------------------------------------------------------------------

async function runDatabase(dialect: Dialect, opts: Options) {
  const targets = await createTargets(dialect, opts);
  try {
    const core = await startCore(targets.mainUrl);
    const site = await core.sites.create({ name: 'Bench', slug: 'bench', defaultCountry: 'DE' });
    let upserts: UpsertResult;
    try {
      upserts = await benchUpserts(core, site.id, opts);
      await core.calls.resolution.settled();
    } finally {
      await core.stop();
    }
    const baseline = await benchBaseline(dialect, targets, opts);
    const t0 = performance.now();
    await fillTo(dialect, targets.mainUrl, opts);
    const fillMs = performance.now() - t0;
    const reader = await startCore(targets.mainUrl);
    let queries: QueryResult[];
    let exported: ExportResult;
    try {
      queries = await benchQueries(reader, site.id, opts);
      exported = await benchExport(reader, site.id, opts.total);
      check(exported.rows === opts.total, () => `the export wrote ${exported.rows} rows, the log holds ${opts.total}`);
    } finally {
      await reader.stop();
    }
    return { dialect, upserts, baseline, ratio: upserts.rowsPerSec / baseline.rowsPerSec, fillMs, queries, exported };
  } finally {
    await targets.cleanup();
  }
}

async function main() {
  const opts = parseOptions(process.argv.slice(2), process.env);
  console.log(`calls bench: ${fmtInt(opts.count)} upserts in batches of ${fmtInt(opts.batch)}, queries at ${fmtInt(opts.total)} calls, ${opts.queries} runs each`);
  console.log(`machine: ${cpus()[0]?.model ?? '?'} × ${availableParallelism()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  const results = [];
  for (const dialect of opts.databases) {
    if (dialect === 'postgresql') {
      const ok = await postgresReachable(opts.postgresUrl);
      if (ok !== true) {
        console.error(`!! PostgreSQL at ${opts.postgresUrl} unreachable (${ok}): skipped`);
        continue;
      }
    }
    console.log(`… ${dialect}`);
    results.push(await runDatabase(dialect, opts));
  }
  if (!results.length) fail('nothing was measured');
  console.log('\nUpserts (ctx.calls.upsertMany) vs the raw floor of the same rows, same run');
  console.log(
    table(
      ['database', 'dialbook rows/s', 'baseline', 'baseline rows/s', 'ratio (≥ 0.3× target)', 'batch p50 ms', 'batch p95 ms', 'redelivered batch ms', 'peak RSS MiB'],
      results.map((r) => [r.dialect, fmtInt(r.upserts.rowsPerSec), r.baseline.method, fmtInt(r.baseline.rowsPerSec), `${r.ratio.toFixed(2)}×`, fmtMs(r.upserts.batchMs.p50), fmtMs(r.upserts.batchMs.p95), fmtMs(r.upserts.repeatMs), String(r.upserts.peakRssMiB)]),
    ),
  );
  for (const r of results) {
    console.log(`\nQueries at ${fmtInt(opts.total)} calls on ${r.dialect} (filled in ${fmtMs(r.fillMs / 1000)} s; target p95 < 50 ms for a filtered page)`);
    console.log(table(['query', 'p50 ms', 'p95 ms', 'p99 ms', 'rows'], r.queries.map((q) => [q.name, fmtMs(q.latency.p50), fmtMs(q.latency.p95), fmtMs(q.latency.p99), fmtInt(q.rows)])));
  }
  if (opts.webhookSeconds) {
    const w = await webhookThroughput({ seconds: opts.webhookSeconds, connections: 8, baseline: true });
    check(w.non2xx === 0 && w.errors === 0, () => `webhooks: ${w.non2xx} answers other than 200, ${w.errors} errors`);
    console.log(`\nSigned Placetel webhooks on one instance (embedded SQLite, 8 connections, ${w.seconds} s; distinct events, each verified and upserted)`);
    console.log(
      table(
        ['webhooks/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'calls stored', 'GET /healthz/s same server (client headroom)'],
        [[fmtInt(w.requestsPerSecond), fmtMs(w.latency.p50), fmtMs(w.latency.p97_5), fmtMs(w.latency.p99), fmtInt(w.calls), fmtInt(w.baselineRequestsPerSecond ?? 0)]],
      ),
    );
  }
  console.log(`\nCSV export of the whole log (streamed; peak RSS of the process while it ran; heap after a full GC at 0, ¼, ½, ¾ and all rows${global.gc ? '' : ': run node with --expose-gc'})`);
  console.log(
    table(
      ['database', 'rows', 'MiB written', 'rows/s', 'RSS before MiB', 'peak RSS MiB', 'heap after GC MiB'],
      results.map((r) => [r.dialect, fmtInt(r.exported.rows), String(Math.round(r.exported.bytes / 2 ** 20)), fmtInt(r.exported.rowsPerSec), String(r.exported.rssBeforeMiB), String(r.exported.peakRssMiB), r.exported.heapAfterGcMiB.join(' → ')]),
    ),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
