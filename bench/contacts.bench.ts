/**
 * Contacts benchmark: bulk insert through `contacts.createMany` and list/search/lookup latency,
 * each next to a raw-driver baseline measured in the same run on the same database engine.
 *
 *   npm run bench:contacts                                  # 100,000 contacts, SQLite and PostgreSQL
 *   npm run bench:contacts -- --count 10000 --db sqlite     # smaller, one database
 *
 * See bench/README.md for what each figure means. Never part of `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createDialbook, loadConfig, normaliseNumber, systemActor, type ContactCreate, type ContactDto, type Dialbook, type Page, type SiteDto } from '@dialbook/core';
import { createTestDatabase } from '@dialbook/core/testing';
import {
  createContactGenerator,
  createRandom,
  DEPARTMENTS,
  e164Of,
  fold,
  likeEscape,
  MISS_AREA_CODE,
  searchFragment,
  writeGerman,
  type NumberFamily,
  type WrittenNumber,
} from './lib/data.js';
import { openPostgres, openSqlite, postgresReachable, type Dialect, type RawDb } from './lib/raw.js';
import { fmtInt, fmtMs, fmtRatio, mib, rssSampler, summarise, table, type Latency } from './lib/stats.js';

// ---- options -----------------------------------------------------------------------------

interface Options {
  count: number;
  batch: number;
  queries: number;
  warmup: number;
  databases: Dialect[];
  keep: boolean;
  postgresUrl: string;
}

const USAGE = `usage: npm run bench:contacts -- [--count N] [--db sqlite|postgresql|both] [--batch N] [--queries N] [--warmup N] [--keep]

  --count N     contacts to insert (default 100000; env BENCH_COUNT)
  --db WHICH    sqlite, postgresql or both (default both; env BENCH_DB)
  --batch N     contacts per createMany call / per baseline transaction (default 1000; env BENCH_BATCH)
  --queries N   measured runs of each query (default 200; env BENCH_QUERIES)
  --warmup N    unmeasured runs of each query first (default 20; env BENCH_WARMUP)
  --keep        keep the benchmark databases and print where they are (env BENCH_KEEP=1)

PostgreSQL: a fresh database on $DATABASE_URL's server, else postgres://postgres@127.0.0.1:5432/postgres.`;

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg === '--keep') {
      flags.set('keep', '1');
      continue;
    }
    const m = /^--(count|db|batch|queries|warmup)(?:=(.*))?$/.exec(arg);
    if (!m) fail(`unknown argument "${arg}"\n\n${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) fail(`--${m[1]} needs a value\n\n${USAGE}`);
    flags.set(m[1]!, value);
  }
  const positive = (name: string, fallback: number, min = 1): number => {
    const raw = flags.get(name) ?? env[`BENCH_${name.toUpperCase()}`];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min} (found "${raw}")`);
    return n;
  };
  const db = (flags.get('db') ?? env.BENCH_DB ?? 'both').toLowerCase();
  const databases: Dialect[] | undefined = { sqlite: ['sqlite'], postgresql: ['postgresql'], postgres: ['postgresql'], pg: ['postgresql'], both: ['sqlite', 'postgresql'] }[db] as Dialect[] | undefined;
  if (!databases) fail(`--db must be sqlite, postgresql or both (found "${db}")`);
  const dbUrl = env.DATABASE_URL?.trim();
  return {
    count: positive('count', 100_000),
    batch: positive('batch', 1_000),
    queries: positive('queries', 200),
    warmup: positive('warmup', 20, 0),
    databases,
    keep: flags.has('keep') || env.BENCH_KEEP === '1',
    postgresUrl: dbUrl && /^postgres(ql)?:\/\//.test(dbUrl) ? dbUrl : 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

class CorrectnessError extends Error {}

function check(condition: unknown, message: () => string): asserts condition {
  if (!condition) throw new CorrectnessError(message());
}

// ---- databases ---------------------------------------------------------------------------

interface Targets {
  /** The database Dialbook writes to (and the raw query baseline reads). */
  mainUrl: string;
  /** A second, empty database with the same schema for the raw insert baseline. */
  baselineUrl: string;
  display: string;
  cleanup(): Promise<void>;
}

const showUrl = (url: string): string => {
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length);
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

async function createTargets(dialect: Dialect, opts: Options): Promise<Targets> {
  if (dialect === 'sqlite') {
    // A file, as the product's embedded default is: WAL, fsync behaviour and page cache all count.
    const dir = mkdtempSync(join(tmpdir(), 'dialbook-bench-'));
    return {
      mainUrl: `sqlite:${join(dir, 'bench.sqlite')}`,
      baselineUrl: `sqlite:${join(dir, 'baseline.sqlite')}`,
      display: join(dir, 'bench.sqlite'),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const main = await createTestDatabase(opts.postgresUrl);
  const baseline = await createTestDatabase(opts.postgresUrl).catch(async (err: unknown) => {
    await main.drop();
    throw err;
  });
  return {
    mainUrl: main.url,
    baselineUrl: baseline.url,
    display: showUrl(main.url),
    cleanup: async () => {
      await main.drop();
      await baseline.drop();
    },
  };
}

const sqliteFile = (url: string): string => url.slice('sqlite:'.length);
const openRaw = (dialect: Dialect, url: string, asText = false): Promise<RawDb> =>
  dialect === 'sqlite' ? Promise.resolve(openSqlite(sqliteFile(url))) : openPostgres(url, { asText });

/** A core as a deployment starts it: config through `loadConfig`, migrations applied, no plugins. */
async function startCore(url: string): Promise<Dialbook> {
  const config = await loadConfig({ env: {}, config: { database: { url }, logLevel: 'silent' } });
  const dialbook = await createDialbook(config, { migrate: true });
  await dialbook.start();
  return dialbook;
}

async function countRows(raw: RawDb, tableName: string): Promise<number> {
  const [row] = await raw.all<{ n: number | string }>(`select count(*) as n from ${tableName}`);
  return Number(row?.n ?? 0);
}

// ---- 1. insert through Dialbook ----------------------------------------------------------

interface InsertResult {
  contacts: number;
  phones: number;
  batches: number;
  totalMs: number;
  wallMs: number;
  rowsPerSec: number;
  firstTenthRowsPerSec: number;
  lastTenthRowsPerSec: number;
  batchMs: Latency;
  rssStartMiB: number;
  peakRssMiB: number;
}

interface LookupSample {
  index: number;
  number: WrittenNumber;
}

async function benchInsert(core: Dialbook, site: SiteDto, opts: Options, label: string) {
  const gen = createContactGenerator(site.id);
  const sampleRnd = createRandom(0x5eed);
  const want = opts.queries + opts.warmup;
  const samples: LookupSample[] = [];
  let seen = 0;
  const ids: string[] = [];
  const batchMs: number[] = [];
  const batchRows: number[] = [];
  let phones = 0;
  const rss = rssSampler();
  const wall0 = performance.now();
  let reported = 0; // tenths of the run reported so far
  for (let start = 0; start < opts.count; start += opts.batch) {
    const n = Math.min(opts.batch, opts.count - start);
    const bodies: ContactCreate[] = [];
    for (let j = 0; j < n; j++) {
      const g = gen.next();
      bodies.push(g.body);
      phones += g.body.phones?.length ?? 0;
      for (const number of g.germanNumbers) {
        // Reservoir sample of German numbers (and their owners) for the lookups.
        seen++;
        if (samples.length < want) samples.push({ index: start + j, number });
        else {
          const k = Math.floor(sampleRnd.next() * seen);
          if (k < want) samples[k] = { index: start + j, number };
        }
      }
    }
    const t0 = performance.now();
    const out = await core.contacts.createMany(bodies, systemActor, { emit: false });
    batchMs.push(performance.now() - t0);
    batchRows.push(n);
    check(out.length === n, () => `createMany returned ${out.length} contacts for a batch of ${n}`);
    for (const c of out) ids.push(c.id);
    rss.sample();
    const done = start + n;
    const tenths = Math.floor((done * 10) / opts.count);
    if (tenths > reported) {
      reported = tenths;
      const ms = batchMs.reduce((a, b) => a + b, 0);
      console.log(`  [${label}] dialbook insert ${fmtInt(done).padStart(9)} / ${fmtInt(opts.count)}  ${fmtInt(done / (ms / 1000)).padStart(7)} rows/s  rss ${mib(process.memoryUsage().rss)} MiB`);
    }
  }
  const wallMs = performance.now() - wall0;
  const mem = rss.stop();
  const totalMs = batchMs.reduce((a, b) => a + b, 0);
  const tenth = Math.max(1, Math.round(batchMs.length / 10));
  const rate = (from: number, to: number) => {
    const rows = batchRows.slice(from, to).reduce((a, b) => a + b, 0);
    return rows / (batchMs.slice(from, to).reduce((a, b) => a + b, 0) / 1000);
  };
  const result: InsertResult = {
    contacts: opts.count,
    phones,
    batches: batchMs.length,
    totalMs: Math.round(totalMs),
    wallMs: Math.round(wallMs),
    rowsPerSec: Math.round(opts.count / (totalMs / 1000)),
    firstTenthRowsPerSec: Math.round(rate(0, tenth)),
    lastTenthRowsPerSec: Math.round(rate(batchMs.length - tenth, batchMs.length)),
    batchMs: summarise(batchMs),
    rssStartMiB: mib(mem.startBytes),
    peakRssMiB: mib(mem.peakBytes),
  };
  return { result, ids, samples };
}

// ---- 2. insert baseline through the raw driver -------------------------------------------

interface BaselineInsertResult {
  contacts: number;
  phones: number;
  totalMs: number;
  rowsPerSec: number;
  peakRssMiB: number;
  method: string;
}

/**
 * Writes exactly the rows Dialbook wrote (read back from its database, untimed) into a second
 * database whose schema the core's own migrations created, so columns, indexes (incl. the
 * trigram index on PostgreSQL) and constraints are identical. Only the writes are timed.
 */
async function benchBaselineInsert(dialect: Dialect, targets: Targets, ids: string[], expectedPhones: number, opts: Options, label: string): Promise<BaselineInsertResult> {
  const schemaCore = await startCore(targets.baselineUrl);
  await schemaCore.stop();
  const src = await openRaw(dialect, targets.mainUrl, true);
  const dst = await openRaw(dialect, targets.baselineUrl);
  try {
    // Dialbook's own writes, checked before they serve as the baseline's input.
    const [contactsIn, phonesIn, historyIn] = [await countRows(src, 'contact'), await countRows(src, 'contact_phone'), await countRows(src, 'history')];
    check(contactsIn === opts.count, () => `Dialbook's database holds ${contactsIn} contacts, expected ${opts.count}`);
    check(phonesIn === expectedPhones, () => `Dialbook's database holds ${phonesIn} numbers, expected ${expectedPhones}`);
    check(historyIn === opts.count, () => `Dialbook's database holds ${historyIn} history rows, expected one per contact (${opts.count})`);

    const sites = await src.all('select * from site');
    await dst.insertRows('site', Object.keys(sites[0]!), sites);
    let contactColumns: string[] | undefined;
    let phoneColumns: string[] | undefined;
    let totalMs = 0;
    const rss = rssSampler();
    for (let i = 0; i < ids.length; i += opts.batch) {
      const chunk = ids.slice(i, i + opts.batch);
      const inIds = src.anyOf('id', chunk);
      const byId = new Map((await src.all(`select * from contact where ${inIds.sql}`, inIds.params)).map((r) => [String(r.id), r]));
      const contacts = chunk.map((id) => byId.get(id)!);
      const inOwners = src.anyOf('contact_id', chunk);
      const phones = await src.all(`select * from contact_phone where ${inOwners.sql} order by id`, inOwners.params);
      contactColumns ??= Object.keys(contacts[0]!);
      phoneColumns ??= Object.keys(phones[0] ?? {}).filter((c) => c !== 'id'); // serial / autoincrement, as for Dialbook
      const t0 = performance.now();
      await dst.exec('begin');
      await dst.insertRows('contact', contactColumns, contacts);
      if (phones.length) await dst.insertRows('contact_phone', phoneColumns, phones);
      await dst.exec('commit');
      totalMs += performance.now() - t0;
      rss.sample();
    }
    const mem = rss.stop();
    const [contactsOut, phonesOut] = [await countRows(dst, 'contact'), await countRows(dst, 'contact_phone')];
    check(contactsOut === contactsIn && phonesOut === phonesIn, () => `baseline wrote ${contactsOut} contacts / ${phonesOut} numbers, expected ${contactsIn} / ${phonesIn}`);
    const result: BaselineInsertResult = {
      contacts: contactsOut,
      phones: phonesOut,
      totalMs: Math.round(totalMs),
      rowsPerSec: Math.round(contactsOut / (totalMs / 1000)),
      peakRssMiB: mib(mem.peakBytes),
      method:
        dialect === 'sqlite'
          ? `node:sqlite DatabaseSync, one prepared INSERT per row, one transaction per ${opts.batch} contacts`
          : `pg Client, one multi-row INSERT per table per batch (named prepared statements), one transaction per ${opts.batch} contacts`,
    };
    console.log(`  [${label}] raw insert      ${fmtInt(contactsOut).padStart(9)} contacts  ${fmtInt(result.rowsPerSec).padStart(7)} rows/s`);
    return result;
  } finally {
    await src.close();
    await dst.close();
  }
}

// ---- 3. queries --------------------------------------------------------------------------

interface RawPage {
  total: number;
  ids: string[];
  phones: number;
}

interface QueryResult {
  name: string;
  description: string;
  rawSql: string;
  dialbook: Latency;
  raw: Latency;
  ratioP50: number;
  ratioP95: number;
  /** Runs (warm-up included) whose result was wrong, and the first few messages. */
  failedRuns: number;
  runs: number;
  failures: string[];
  /** For list queries: the mean `total` (matching contacts), to judge what the query had to do. */
  meanMatches?: number;
}

/** The hand-written equivalent of `contacts.list`: count, one page, the page's numbers. */
async function rawList(raw: RawDb, siteId: string, filter: { sql: string; params: unknown[] }, limit: number, offset: number): Promise<RawPage> {
  const where = `c.site_id = ? and c.deleted_at is null${filter.sql ? ` and ${filter.sql}` : ''}`;
  const params = [siteId, ...filter.params];
  const [count] = await raw.all<{ n: number | string }>(`select count(*) as n from contact c where ${where}`, params);
  const rows = await raw.all(`select c.* from contact c where ${where} order by c.sort_name, c.id limit ? offset ?`, [...params, limit, offset]);
  const ids = rows.map((r) => String(r.id));
  return { total: Number(count?.n ?? 0), ids, phones: await rawPhones(raw, ids) };
}

async function rawPhones(raw: RawDb, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const inIds = raw.anyOf('p.contact_id', ids);
  return (await raw.all(`select p.* from contact_phone p where ${inIds.sql} order by p.contact_id, p.position`, inIds.params)).length;
}

/**
 * The hand-written equivalent of `contacts.lookup`: the matching active contacts of the site
 * (found through the number indexes), then those contacts in name order, then their numbers.
 * (Two steps on purpose: in one statement with `order by sort_name`, SQLite without ANALYZE
 * walks the whole site in name order and probes each contact's numbers: ~130 ms at 100k.)
 */
async function rawLookup(raw: RawDb, siteId: string, n: { e164: string | null; digits: string }): Promise<RawPage> {
  const match = n.e164 ? '(p.e164 = ? or p.digits = ?)' : 'p.digits = ?';
  const owners = await raw.all<{ contact_id: string }>(
    `select distinct p.contact_id from contact_phone p join contact c on c.id = p.contact_id where ${match} and c.site_id = ? and c.deleted_at is null`,
    [...(n.e164 ? [n.e164, n.digits] : [n.digits]), siteId],
  );
  if (!owners.length) return { total: 0, ids: [], phones: 0 };
  const inIds = raw.anyOf('c.id', owners.map((o) => o.contact_id));
  const rows = await raw.all(`select c.* from contact c where ${inIds.sql} order by c.sort_name, c.id`, inIds.params);
  const ids = rows.map((r) => String(r.id));
  return { total: ids.length, ids, phones: await rawPhones(raw, ids) };
}

const phoneCount = (items: ContactDto[]): number => items.reduce((a, c) => a + c.phones.length, 0);
const sameIds = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

interface Timings {
  dialbook: number[];
  raw: number[];
  runs: number;
  /** Correctness mismatches (one message per failed run, warm-up included). */
  failures: string[];
}

/**
 * Run `dialbook` and `raw` alternately (which goes first flips every run, so neither
 * profits systematically from the other warming the cache), verify, time both.
 */
async function measure<P, A, B>(
  params: P[],
  warmup: number,
  dialbook: (p: P) => Promise<A>,
  raw: (p: P) => Promise<B>,
  verify: (p: P, a: A, b: B) => void,
): Promise<Timings> {
  const d: number[] = [];
  const r: number[] = [];
  const failures: string[] = [];
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const v = await fn();
    return [v, performance.now() - t0];
  };
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    let a: [A, number];
    let b: [B, number];
    if (i % 2 === 0) {
      a = await timed(() => dialbook(p));
      b = await timed(() => raw(p));
    } else {
      b = await timed(() => raw(p));
      a = await timed(() => dialbook(p));
    }
    try {
      verify(p, a[0], b[0]);
    } catch (err) {
      // Keep measuring (the figures are still worth having), report every mismatch at the end.
      if (!(err instanceof CorrectnessError)) throw err;
      failures.push(err.message);
    }
    if (i >= warmup) {
      d.push(a[1]);
      r.push(b[1]);
    }
  }
  return { dialbook: d, raw: r, runs: params.length, failures };
}

async function benchQueries(core: Dialbook, site: SiteDto, dialect: Dialect, targets: Targets, ids: string[], samples: LookupSample[], opts: Options, label: string): Promise<QueryResult[]> {
  const raw = await openRaw(dialect, targets.mainUrl);
  const rnd = createRandom(0x9e3779b9);
  const runs = opts.warmup + opts.queries;
  const siteId = site.id;
  const results: QueryResult[] = [];
  const record = (name: string, description: string, rawSql: string, t: Timings, meanMatches?: number) => {
    const d = summarise(t.dialbook);
    const r = summarise(t.raw);
    const q: QueryResult = {
      name,
      description,
      rawSql,
      dialbook: d,
      raw: r,
      ratioP50: Math.round((d.p50 / r.p50) * 100) / 100,
      ratioP95: Math.round((d.p95 / r.p95) * 100) / 100,
      failedRuns: t.failures.length,
      runs: t.runs,
      failures: [...new Set(t.failures)].slice(0, 5),
      ...(meanMatches !== undefined ? { meanMatches: Math.round(meanMatches) } : {}),
    };
    results.push(q);
    const verdict = q.failedRuns ? `WRONG in ${q.failedRuns}/${q.runs} runs` : 'ok';
    console.log(`  [${label}] ${name.padEnd(16)} dialbook p50 ${fmtMs(d.p50).padStart(7)} ms  p95 ${fmtMs(d.p95).padStart(7)} ms │ raw p50 ${fmtMs(r.p50).padStart(7)} ms  p95 ${fmtMs(r.p95).padStart(7)} ms │ ${fmtRatio(q.ratioP50).padStart(5)} │ ${verdict}`);
    if (q.failedRuns) console.log(`  [${label}]   e.g. ${q.failures[0]}`);
  };
  const listChecks = (what: string, arg: unknown, page: Page<ContactDto>, rawPage: RawPage) => {
    const got = page.items.map((c) => c.id);
    check(page.total === rawPage.total, () => `${what} ${JSON.stringify(arg)}: Dialbook total ${page.total}, raw SQL ${rawPage.total}`);
    check(sameIds(got, rawPage.ids), () => `${what} ${JSON.stringify(arg)}: Dialbook returned other contacts (or another order) than the raw SQL\n  dialbook ${got.slice(0, 5).join(',')}…\n  raw      ${rawPage.ids.slice(0, 5).join(',')}…`);
    check(phoneCount(page.items) === rawPage.phones, () => `${what} ${JSON.stringify(arg)}: Dialbook's page carries ${phoneCount(page.items)} numbers, the raw SQL ${rawPage.phones}`);
  };

  try {
    // Search: what a person types into the search box.
    {
      const params = Array.from({ length: runs }, () => searchFragment(rnd));
      let matches = 0;
      const t = await measure(
        params,
        opts.warmup,
        (q) => core.contacts.list({ siteId, q, pageSize: 50 }),
        (q) => rawList(raw, siteId, { sql: "c.search_text like ? escape '\\'", params: [`%${likeEscape(fold(q))}%`] }, 50, 0),
        (q, page, rawPage) => {
          listChecks('list q', q, page, rawPage);
          matches += page.total;
        },
      );
      record('search q', 'list({ siteId, q: <name fragment>, pageSize: 50 })', "count(*) + select … where site_id = ? and deleted_at is null and search_text like ? order by sort_name, id limit 50 + numbers", t, matches / runs);
    }
    // Department filter, sorted by name.
    {
      const params = Array.from({ length: runs }, () => rnd.pick(DEPARTMENTS));
      let matches = 0;
      const t = await measure(
        params,
        opts.warmup,
        (department) => core.contacts.list({ siteId, department, sort: 'name', order: 'asc', pageSize: 50 }),
        (department) => rawList(raw, siteId, { sql: 'c.department_key = ?', params: [fold(department)] }, 50, 0),
        (department, page, rawPage) => {
          listChecks('list department', department, page, rawPage);
          check(page.items.every((c) => c.department === department), () => `list department "${department}" returned a contact of another department`);
          check(page.total > 0, () => `list department "${department}" found nothing`);
          matches += page.total;
        },
      );
      record('department+sort', 'list({ siteId, department, sort: "name", pageSize: 50 })', 'count(*) + select … where site_id = ? and deleted_at is null and department_key = ? order by sort_name, id limit 50 + numbers', t, matches / runs);
    }
    // A page deep into the unfiltered list (page 500 of 50 at 100,000 contacts: offset 24,950).
    {
      const page = Math.min(500, Math.max(1, Math.floor(opts.count / 200)));
      const offset = (page - 1) * 50;
      const t = await measure(
        Array.from({ length: runs }, () => page),
        opts.warmup,
        (p) => core.contacts.list({ siteId, page: p, pageSize: 50 }),
        () => rawList(raw, siteId, { sql: '', params: [] }, 50, offset),
        (p, result, rawPage) => {
          listChecks('list page', p, result, rawPage);
          check(result.total === opts.count && result.items.length === Math.min(50, opts.count - offset), () => `list page ${p}: ${result.items.length} items of ${result.total}`);
        },
      );
      record(`page ${page}`, `list({ siteId, page: ${page}, pageSize: 50 })`, `count(*) + select … where site_id = ? and deleted_at is null order by sort_name, id limit 50 offset ${offset} + numbers`, t, opts.count);
    }
    // Lookup by number, written differently than stored (national vs +49 vs 0049).
    {
      check(samples.length > 0, () => 'no German numbers were generated to look up');
      const families: NumberFamily[] = ['national', 'plus', 'zero'];
      const params = Array.from({ length: runs }, (_, i) => {
        const s = samples[i % samples.length]!;
        const family = rnd.pick(families.filter((f) => f !== s.number.family));
        const query = writeGerman(s.number.number, family, rnd);
        const expected = e164Of(s.number.number);
        const normalised = normaliseNumber(query, 'DE');
        check(normaliseNumber(s.number.written, 'DE').e164 === expected && normalised.e164 === expected, () => `benchmark data: "${s.number.written}" / "${query}" do not both normalise to ${expected}`);
        return { owner: ids[s.index]!, stored: s.number.written, query, expected, normalised };
      });
      const t = await measure(
        params,
        opts.warmup,
        (p) => core.contacts.lookup(p.query, { siteId }),
        (p) => rawLookup(raw, siteId, p.normalised),
        (p, found, rawFound) => {
          const got = found.map((c) => c.id);
          check(got.includes(p.owner), () => `lookup("${p.query}") did not return the contact owning "${p.stored}" (${p.owner}); got [${got.join(', ')}]`);
          check(found.every((c) => c.phones.some((ph) => ph.e164 === p.expected)), () => `lookup("${p.query}") returned a contact without ${p.expected}`);
          check(sameIds(got, rawFound.ids), () => `lookup("${p.query}"): Dialbook [${got.join(', ')}], raw SQL [${rawFound.ids.join(', ')}]`);
        },
      );
      record(
        'lookup hit',
        'lookup(<stored number in another spelling>, { siteId })',
        'select distinct p.contact_id from contact_phone p join contact c … where (e164 = ? or digits = ?) and site_id = ? and deleted_at is null; select c.* … where id in (…) order by sort_name, id; numbers',
        t,
      );
    }
    // Lookup miss: an area code the data never uses.
    {
      const families: NumberFamily[] = ['national', 'plus', 'zero'];
      const params = Array.from({ length: runs }, () => {
        const query = writeGerman({ prefix: MISS_AREA_CODE, subscriber: rnd.digits(7) }, rnd.pick(families), rnd);
        return { query, normalised: normaliseNumber(query, 'DE') };
      });
      const t = await measure(
        params,
        opts.warmup,
        (p) => core.contacts.lookup(p.query, { siteId }),
        (p) => rawLookup(raw, siteId, p.normalised),
        (p, found, rawFound) => {
          check(found.length === 0, () => `lookup("${p.query}") should find nothing, found ${found.map((c) => c.id).join(', ')}`);
          check(rawFound.ids.length === 0, () => `raw lookup of "${p.query}" should find nothing`);
        },
      );
      record('lookup miss', 'lookup(<number nobody has>, { siteId })', 'as lookup hit', t);
    }
  } finally {
    await raw.close();
  }
  return results;
}

// ---- one database end to end ---------------------------------------------------------------

interface DatabaseResult {
  database: Dialect;
  target: string;
  serverVersion: string;
  analyzedBeforeQueries: boolean;
  insert: InsertResult;
  baseline: BaselineInsertResult;
  insertRatio: number;
  deepPage: number;
  queries: QueryResult[];
}

async function runDatabase(dialect: Dialect, opts: Options): Promise<DatabaseResult> {
  const label = dialect === 'sqlite' ? 'sqlite' : 'postgres';
  const targets = await createTargets(dialect, opts);
  console.log(`\n== ${dialect}: ${targets.display}`);
  let core: Dialbook | undefined;
  try {
    core = await startCore(targets.mainUrl);
    const site = await core.sites.create({ name: 'Benchmark', slug: 'bench', defaultCountry: 'DE' });
    const { result: insert, ids, samples } = await benchInsert(core, site, opts, label);
    const baseline = await benchBaselineInsert(dialect, targets, ids, insert.phones, opts, label);

    const probe = await openRaw(dialect, targets.mainUrl);
    let serverVersion: string;
    try {
      serverVersion =
        dialect === 'sqlite'
          ? String((await probe.all<{ v: string }>('select sqlite_version() as v'))[0]?.v)
          : String((await probe.all<{ server_version: string }>('show server_version'))[0]?.server_version);
      // PostgreSQL: autovacuum would ANALYZE the fresh 100k rows at some unknown moment and switch
      // plans mid-run; do it now so every query is measured with statistics. (SQLite: the product
      // never runs ANALYZE, so neither does the benchmark.)
      if (dialect === 'postgresql') await probe.exec('analyze');
    } finally {
      await probe.close();
    }

    const queries = await benchQueries(core, site, dialect, targets, ids, samples, opts, label);
    return {
      database: dialect,
      target: targets.display,
      serverVersion,
      analyzedBeforeQueries: dialect === 'postgresql',
      insert,
      baseline,
      insertRatio: Math.round((insert.totalMs / baseline.totalMs) * 100) / 100,
      deepPage: Math.min(500, Math.max(1, Math.floor(opts.count / 200))),
      queries,
    };
  } finally {
    await core?.stop();
    if (opts.keep) console.log(`  kept: ${showUrl(targets.mainUrl)} (Dialbook) and ${showUrl(targets.baselineUrl)} (raw baseline)`);
    else await targets.cleanup();
  }
}

// ---- summary -----------------------------------------------------------------------------

function summaryText(results: DatabaseResult[], skipped: { database: Dialect; reason: string }[]): string {
  const inserts = table(
    ['database', 'contacts', 'numbers', 'dialbook rows/s', 'baseline rows/s', 'ratio', 'first 10% rows/s', 'last 10% rows/s', 'peak RSS MiB'],
    results.map((r) => [
      r.database,
      fmtInt(r.insert.contacts),
      fmtInt(r.insert.phones),
      fmtInt(r.insert.rowsPerSec),
      fmtInt(r.baseline.rowsPerSec),
      fmtRatio(r.insertRatio),
      fmtInt(r.insert.firstTenthRowsPerSec),
      fmtInt(r.insert.lastTenthRowsPerSec),
      String(r.insert.peakRssMiB),
    ]),
  );
  const queries = table(
    ['database', 'query (ms)', 'dialbook p50', 'p95', 'p99', 'raw p50', 'p95', 'p99', 'ratio p50', 'ratio p95', 'results'],
    results.flatMap((r) =>
      r.queries.map((q) => [
        r.database,
        q.name,
        fmtMs(q.dialbook.p50),
        fmtMs(q.dialbook.p95),
        fmtMs(q.dialbook.p99),
        fmtMs(q.raw.p50),
        fmtMs(q.raw.p95),
        fmtMs(q.raw.p99),
        fmtRatio(q.ratioP50),
        fmtRatio(q.ratioP95),
        q.failedRuns ? `WRONG ${q.failedRuns}/${q.runs}` : 'ok',
      ]),
    ),
    2,
  );
  const lines = [inserts, '', queries];
  for (const s of skipped) lines.push('', `${s.database}: SKIPPED (${s.reason})`);
  return lines.join('\n');
}

function loud(message: string): void {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n${message
    .split('\n')
    .map((l) => `!! ${l}`)
    .join('\n')}\n${bar}\n`);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2), process.env);
  const startedAt = new Date();
  const environment = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  };
  console.log(`Dialbook contacts benchmark: ${fmtInt(opts.count)} contacts, batches of ${fmtInt(opts.batch)}, ${opts.queries} runs per query (+${opts.warmup} warm-up), databases: ${opts.databases.join(', ')}`);
  console.log(`node ${environment.node} · ${environment.platform} · ${environment.cpus} CPUs (${environment.cpuModel}) · ${environment.totalMemoryGiB} GiB RAM`);

  const results: DatabaseResult[] = [];
  const skipped: { database: Dialect; reason: string }[] = [];
  for (const dialect of opts.databases) {
    if (dialect === 'postgresql') {
      const reachable = await postgresReachable(opts.postgresUrl);
      if (reachable !== true) {
        const reason = `PostgreSQL at ${showUrl(opts.postgresUrl)} is unreachable: ${reachable}`;
        loud(`${reason}\nPostgreSQL benchmark SKIPPED. Start a server or set DATABASE_URL=postgres://user@host:5432/postgres.`);
        skipped.push({ database: dialect, reason });
        continue;
      }
    }
    results.push(await runDatabase(dialect, opts));
  }

  const summary = summaryText(results, skipped);
  console.log(`\n== Summary (${fmtInt(opts.count)} contacts; ratio = Dialbook ÷ raw driver, 1.0× = no overhead)\n${summary}`);

  const dir = resolve(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `contacts-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const report = { benchmark: 'contacts', startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), environment, options: { ...opts, postgresUrl: showUrl(opts.postgresUrl) }, databases: results, skipped, summary };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults: ${file}`);
  const wrong = results.flatMap((r) => r.queries.filter((q) => q.failedRuns).map((q) => `${r.database} ${q.name}: wrong in ${q.failedRuns}/${q.runs} runs, e.g.\n  ${q.failures.join('\n  ')}`));
  if (wrong.length) {
    loud(`CORRECTNESS FAILURE: Dialbook's results differ from the raw SQL's\n${wrong.join('\n')}`);
    process.exitCode = 1;
  }
  if (skipped.length && !results.length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  if (err instanceof CorrectnessError) loud(`CORRECTNESS FAILURE: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
