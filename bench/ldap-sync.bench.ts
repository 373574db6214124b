/**
 * LDAP sync benchmark: a real OpenLDAP slapd (the plugin tests' harness) with 50,000 entries,
 * read into Dialbook by @dialbook/plugin-ldap, next to a plain `ldapsearch` paged dump of the
 * same entries and attributes in the same run.
 *
 *   npm run bench:ldap                                   # 50,000 entries, SQLite (+ PostgreSQL if reachable)
 *   npm run bench:ldap -- --count 5000 --db sqlite       # quicker
 *
 * See bench/README.md ("LDAP sync") for what each figure means. Never part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createDialbook, loadConfig, systemActor, type Dialbook, type DialbookPlugin, type SiteDto, createApp } from '@dialbook/core';
import { createTestDatabase } from '@dialbook/core/testing';
import { Client } from 'ldapts';
import { generatePeople, runTool, SLAPD_BIN, slapdAvailable, startSlapd, type Slapd } from '@dialbook/test-slapd';
import { openPostgres, openSqlite, postgresReachable, type Dialect, type RawDb } from './lib/raw.js';
import { fmtInt, fmtRatio, mib, table } from './lib/stats.js';

// ---- options -----------------------------------------------------------------------------

interface Options {
  count: number;
  databases: Dialect[];
  pageSize: number;
  sizeLimit: number;
  preset: 'openldap' | 'ad';
  dumps: number;
  resync: boolean;
  keep: boolean;
  postgresUrl: string;
}

const USAGE = `usage: npm run bench:ldap -- [--count N] [--db sqlite|postgresql|both] [--page-size N] [--size-limit N] [--preset openldap|ad] [--dumps N] [--no-resync] [--keep]

  --count N        directory entries (default 50000; env BENCH_COUNT)
  --db WHICH       sqlite, postgresql or both (default both; PostgreSQL is skipped when unreachable; env BENCH_DB)
  --page-size N    page size of the sync and the baseline dump (default 1000; env BENCH_PAGE_SIZE)
  --size-limit N   the server's size limit for non-paged searches (default 1000, as AD; env BENCH_SIZE_LIMIT)
  --preset P       openldap (inetOrgPerson, entryUUID, modifyTimestamp) or ad (AD-style schema and data,
                   objectGUID, uSNChanged) (default openldap; env BENCH_PRESET)
  --dumps N        baseline dumps; the median counts (default 3; env BENCH_DUMPS)
  --no-resync      skip the second full sync (no changes)
  --keep           keep the SQLite file / PostgreSQL database and slapd's directory (env BENCH_KEEP=1)

PostgreSQL: a fresh database on $DATABASE_URL's server, else postgres://postgres@127.0.0.1:5432/postgres.`;

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg === '--keep' || arg === '--no-resync') {
      flags.set(arg.slice(2), '1');
      continue;
    }
    const m = /^--(count|db|page-size|size-limit|preset|dumps)(?:=(.*))?$/.exec(arg);
    if (!m) fail(`unknown argument "${arg}"\n\n${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) fail(`--${m[1]} needs a value\n\n${USAGE}`);
    flags.set(m[1]!, value);
  }
  const positive = (name: string, fallback: number): number => {
    const raw = flags.get(name) ?? env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1) fail(`--${name} must be an integer ≥ 1 (found "${raw}")`);
    return n;
  };
  const db = (flags.get('db') ?? env.BENCH_DB ?? 'both').toLowerCase();
  const databases = ({ sqlite: ['sqlite'], postgresql: ['postgresql'], postgres: ['postgresql'], pg: ['postgresql'], both: ['sqlite', 'postgresql'] } as Record<string, Dialect[]>)[db];
  if (!databases) fail(`--db must be sqlite, postgresql or both (found "${db}")`);
  const preset = (flags.get('preset') ?? env.BENCH_PRESET ?? 'openldap').toLowerCase();
  if (preset !== 'openldap' && preset !== 'ad') fail(`--preset must be openldap or ad (found "${preset}")`);
  const dbUrl = env.DATABASE_URL?.trim();
  const opts: Options = {
    count: positive('count', 50_000),
    databases,
    pageSize: positive('page-size', 1000),
    sizeLimit: positive('size-limit', 1000),
    preset,
    dumps: positive('dumps', 3),
    resync: !flags.has('no-resync'),
    keep: flags.has('keep') || env.BENCH_KEEP === '1',
    postgresUrl: dbUrl && /^postgres(ql)?:\/\//.test(dbUrl) ? dbUrl : 'postgres://postgres@127.0.0.1:5432/postgres',
  };
  if (opts.pageSize > opts.sizeLimit) fail(`--page-size (${opts.pageSize}) must not exceed --size-limit (${opts.sizeLimit}): the server refuses larger pages`);
  return opts;
}

class CorrectnessError extends Error {}
function check(condition: unknown, message: () => string): asserts condition {
  if (!condition) throw new CorrectnessError(message());
}

// ---- the plugin --------------------------------------------------------------------------

interface PluginModule {
  default: DialbookPlugin;
  PRESETS?: Record<string, { identity: string[] }>;
  effectiveMapping?: (preset: 'openldap' | 'ad') => {
    firstName: string[]; lastName: string[]; displayName: string[]; organization: string[]; department: string[]; title: string[]; uid: string[]; emails: string[];
    phones: Record<string, string[]>;
  };
}

/** The plugin, or a clear exit when it is not there yet. */
async function loadPlugin(): Promise<PluginModule> {
  let mod: Partial<PluginModule>;
  try {
    mod = (await import('@dialbook/plugin-ldap')) as Partial<PluginModule>;
  } catch (err) {
    fail(`@dialbook/plugin-ldap cannot be loaded (${err instanceof Error ? err.message : String(err)}). The benchmark needs the LDAP plugin (packages/plugin-ldap/src/index.ts).`);
  }
  if (!mod.default || typeof mod.default.setup !== 'function') {
    fail('@dialbook/plugin-ldap has no plugin as its default export (definePlugin) yet: the benchmark needs the LDAP plugin (packages/plugin-ldap/src/index.ts).');
  }
  return mod as PluginModule;
}

/** The attributes the sync asks for (as the plugin's requestedAttributes does), for the baseline dump. */
function syncedAttributes(plugin: PluginModule, preset: Options['preset']): string[] {
  const fallback =
    preset === 'ad'
      ? ['objectGUID', 'givenName', 'sn', 'displayName', 'cn', 'company', 'department', 'title', 'sAMAccountName', 'mail', 'telephoneNumber', 'otherTelephone', 'mobile', 'otherMobile', 'homePhone', 'facsimileTelephoneNumber', 'pager', 'ipPhone', 'otherIpPhone']
      : ['entryUUID', 'nsUniqueId', 'givenName', 'sn', 'displayName', 'cn', 'o', 'departmentNumber', 'ou', 'title', 'uid', 'mail', 'telephoneNumber', 'mobile', 'homePhone', 'facsimileTelephoneNumber', 'pager'];
  let attrs = fallback;
  if (plugin.effectiveMapping && plugin.PRESETS?.[preset]) {
    const m = plugin.effectiveMapping(preset);
    attrs = [...plugin.PRESETS[preset]!.identity, ...m.firstName, ...m.lastName, ...m.displayName, ...m.organization, ...m.department, ...m.title, ...m.uid, ...m.emails, ...Object.values(m.phones).flat()];
  }
  const seen = new Set<string>();
  return [...attrs, 'modifyTimestamp', 'uSNChanged'].filter((a) => !seen.has(a.toLowerCase()) && seen.add(a.toLowerCase()));
}

// ---- baselines ---------------------------------------------------------------------------

/** `ldapsearch -E pr=N/noprompt` of every entry with the synced attributes, to /dev/null. */
async function ldapsearchDump(ldap: Slapd, filter: string, attrs: string[], pageSize: number): Promise<number> {
  const devnull = openSync('/dev/null', 'w');
  try {
    const t0 = performance.now();
    const code = await new Promise<number>((res, rej) => {
      const child = spawn('ldapsearch', ['-x', '-H', ldap.url, '-D', ldap.bindDN, '-w', ldap.bindPassword, '-LLL', '-E', `pr=${pageSize}/noprompt`, '-b', ldap.baseDN, filter, ...attrs], {
        stdio: ['ignore', devnull, 'pipe'],
        env: { ...process.env, LDAPNOINIT: '1' },
      });
      let err = '';
      child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
      child.once('error', rej);
      child.once('close', (c) => (c === 0 ? res(0) : rej(new Error(`ldapsearch exited ${c}: ${err.trim()}`))));
    });
    check(code === 0, () => 'ldapsearch failed');
    return performance.now() - t0;
  } finally {
    closeSync(devnull);
  }
}

/** The same paged read with ldapts in this process, entries dropped: the client library's floor. */
async function ldaptsRead(ldap: Slapd, filter: string, attrs: string[], pageSize: number): Promise<{ ms: number; entries: number }> {
  const client = new Client({ url: ldap.url, timeout: 120_000 });
  try {
    const t0 = performance.now();
    await client.bind(ldap.bindDN, ldap.bindPassword);
    let entries = 0;
    for await (const page of client.searchPaginated(ldap.baseDN, { filter, attributes: attrs, explicitBufferAttributes: ['objectGUID'], paged: { pageSize } })) entries += page.searchEntries.length;
    return { ms: performance.now() - t0, entries };
  } finally {
    await client.unbind().catch(() => {});
  }
}

// ---- Dialbook ----------------------------------------------------------------------------

interface Target {
  url: string;
  display: string;
  cleanup(): Promise<void>;
}

async function createTarget(dialect: Dialect, opts: Options): Promise<Target> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'dialbook-bench-ldap-'));
    const file = join(dir, 'bench.sqlite');
    return { url: `sqlite:${file}`, display: file, cleanup: async () => (opts.keep ? undefined : rmSync(dir, { recursive: true, force: true })) };
  }
  const db = await createTestDatabase(opts.postgresUrl);
  const u = new URL(db.url);
  if (u.password) u.password = '***';
  return { url: db.url, display: u.toString(), cleanup: async () => (opts.keep ? undefined : db.drop()) };
}

/**
 * The write floor: the rows the first sync wrote (contacts, numbers, History; read back from
 * its database, untimed) written again by the raw driver into a second database that the
 * core's migrations made (same columns, indexes and constraints), one transaction per page.
 * Only the writes are timed. No sync can write its result faster than this.
 */
async function writeFloor(dialect: Dialect, mainUrl: string, opts: Options): Promise<{ ms: number; rows: number }> {
  let url: string;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const file = `${mainUrl.slice('sqlite:'.length)}.floor`;
    url = `sqlite:${file}`;
    drop = async () => rmSync(file, { force: true });
  } else {
    const db = await createTestDatabase(opts.postgresUrl);
    url = db.url;
    drop = () => db.drop();
  }
  const schema = await createDialbook(await loadConfig({ env: {}, config: { database: { url }, logLevel: 'silent' } }), { migrate: true });
  await schema.stop();
  const open = (u: string, asText = false): Promise<RawDb> => (dialect === 'sqlite' ? Promise.resolve(openSqlite(u.slice('sqlite:'.length))) : openPostgres(u, { asText }));
  const src = await open(mainUrl, true);
  const dst = await open(url);
  try {
    const sites = await src.all('select * from site');
    await dst.insertRows('site', Object.keys(sites[0]!), sites);
    const contacts = await src.all('select * from contact order by id');
    const phones = new Map<string, Record<string, unknown>[]>();
    for (const ph of await src.all('select * from contact_phone order by contact_id, position')) {
      const { id: _id, ...row } = ph;
      const list = phones.get(String(row.contact_id));
      if (list) list.push(row);
      else phones.set(String(row.contact_id), [row]);
    }
    const history = new Map((await src.all('select * from history')).map(({ id: _id, ...h }) => [String(h.contact_id), h] as const));
    check(contacts.length === opts.count && history.size === opts.count, () => `write floor: the sync's database holds ${contacts.length} contacts / ${history.size} History rows, expected ${opts.count}`);
    let ms = 0;
    let rows = 0;
    for (let i = 0; i < contacts.length; i += opts.pageSize) {
      const page = contacts.slice(i, i + opts.pageSize);
      const pagePhones = page.flatMap((c) => phones.get(String(c.id)) ?? []);
      const pageHistory = page.map((c) => history.get(String(c.id))!);
      const t0 = performance.now();
      await dst.exec('begin');
      await dst.insertRows('contact', Object.keys(page[0]!), page);
      if (pagePhones.length) await dst.insertRows('contact_phone', Object.keys(pagePhones[0]!), pagePhones);
      await dst.insertRows('history', Object.keys(pageHistory[0]!), pageHistory);
      await dst.exec('commit');
      ms += performance.now() - t0;
      rows += page.length + pagePhones.length + pageHistory.length;
    }
    return { ms, rows };
  } finally {
    await src.close();
    await dst.close();
    await drop();
  }
}

async function startCore(url: string, plugin: DialbookPlugin, ldap: Slapd, opts: Options): Promise<{ core: Dialbook; site: SiteDto; token: string }> {
  const config = await loadConfig({
    env: {},
    config: {
      database: { url },
      logLevel: 'silent',
      secretKey: 'bench-secret-key-bench-secret-key-0123456789',
      plugins: { ldap: { plugin } },
      // Fixed by the deployment, as a production config would: the shared set every site inherits.
      settings: { ldap: { url: ldap.url, bindDN: ldap.bindDN, bindPassword: ldap.bindPassword, baseDN: ldap.baseDN, pageSize: opts.pageSize, preset: opts.preset, timeoutSeconds: 600 } },
    },
  });
  const core = await createDialbook(config, { migrate: true });
  const site = await core.sites.create({ name: 'Bench', slug: 'bench', defaultCountry: 'DE' });
  await core.start();
  // An administrator's API token, for the plugin's own route (incremental runs).
  const { user, signupLink } = await core.accounts.createUser({ email: 'bench@test.invalid', role: 'admin', siteIds: [] }, systemActor);
  await core.accounts.completeSignup(new URL(signupLink).searchParams.get('token')!, 'bench-password-1234');
  const { token } = await core.accounts.createApiToken(user.id, 'bench', null, systemActor);
  return { core, site, token };
}

interface SyncOutcome {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
  mode?: string;
  entries?: number;
  pages?: number;
  [k: string]: unknown;
}

interface Measured {
  ms: number;
  outcome: SyncOutcome;
  rssBeforeMiB: number;
  peakRssMiB: number;
  /** RSS when 25/50/75/100% of the entries had been read (from the sync's progress calls). */
  rssAtMiB: Record<'25%' | '50%' | '75%' | '100%', number | null>;
  rssAfterMiB: number;
  /** [seconds since start, RSS MiB, entries read] every 100 ms (when the event loop lets the timer run). */
  timeline: Array<[number, number, number]>;
  /** Longest time the event loop did not get to the 100 ms timer (minus the 100 ms): how long HTTP requests would wait. */
  maxStallMs: number;
}

/** Runs `fn` sampling RSS every 100 ms and at the quartiles of `count` entries (via progress). */
async function measured(count: number, fn: (progress: (done: number) => void) => Promise<SyncOutcome>): Promise<Measured> {
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  let done = 0;
  const timeline: Measured['timeline'] = [];
  const at: Measured['rssAtMiB'] = { '25%': null, '50%': null, '75%': null, '100%': null };
  const t0 = performance.now();
  const sample = () => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
    timeline.push([Math.round(performance.now() - t0) / 1000, mib(rss), done]);
    return rss;
  };
  let lastTick = performance.now();
  let maxStall = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxStall = Math.max(maxStall, now - lastTick - 100);
    lastTick = now;
    sample();
  }, 100);
  const progress = (n: number) => {
    done = n;
    const rss = sample();
    for (const [key, share] of [['25%', 0.25], ['50%', 0.5], ['75%', 0.75], ['100%', 1]] as const) if (at[key] === null && n >= share * count) at[key] = mib(rss);
  };
  try {
    const outcome = await fn(progress);
    const ms = performance.now() - t0;
    maxStall = Math.max(maxStall, performance.now() - lastTick - 100);
    return { ms, maxStallMs: Math.round(Math.max(0, maxStall)), outcome, rssBeforeMiB: mib(rssBefore), peakRssMiB: mib(Math.max(peak, sample())), rssAtMiB: at, rssAfterMiB: mib(process.memoryUsage().rss), timeline };
  } finally {
    clearInterval(timer);
  }
}

const flatness = (m: Measured): { growthMiB: number | null; flat: boolean | null } => {
  const a = m.rssAtMiB['25%'];
  const b = m.rssAtMiB['100%'];
  if (a === null || b === null) return { growthMiB: null, flat: null };
  const growthMiB = Math.round((b - a) * 10) / 10;
  return { growthMiB, flat: growthMiB < 64 };
};

async function benchDatabase(dialect: Dialect, plugin: DialbookPlugin, ldap: Slapd, opts: Options) {
  const target = await createTarget(dialect, opts);
  console.log(`\n== ${dialect}: ${target.display}`);
  const { core, site, token } = await startCore(target.url, plugin, ldap, opts);
  try {
    const source = core.registries.contactSources.require('ldap');
    if (!source.sync) fail('the LDAP plugin registered a contact source without sync()');

    // (b) the first full sync, through the contact source as the core calls it
    console.log(`full sync of ${fmtInt(opts.count)} entries …`);
    const full = await measured(opts.count, (progress) => source.sync!({ siteId: site.id, actor: systemActor, progress: (n) => progress(n) }) as Promise<SyncOutcome>);
    check(full.outcome.failed === 0, () => `full sync: ${full.outcome.failed} entries failed: ${JSON.stringify(full.outcome).slice(0, 2000)}`);
    check(full.outcome.created === opts.count, () => `full sync created ${full.outcome.created} contacts, expected ${opts.count}`);
    const page = await core.contacts.list({ siteId: site.id, pageSize: 1 });
    check(page.total === opts.count, () => `the site holds ${page.total} contacts after the sync, expected ${opts.count}`);
    console.log(`  ${(full.ms / 1000).toFixed(1)} s, ${fmtInt(opts.count / (full.ms / 1000))} entries/s, peak RSS ${full.peakRssMiB} MiB, longest event-loop stall ${fmtInt(full.maxStallMs)} ms`);

    const floor = await writeFloor(dialect, target.url, opts);
    console.log(`  write floor: the same ${fmtInt(floor.rows)} rows through the raw driver in ${(floor.ms / 1000).toFixed(2)} s`);

    // A second full run with nothing changed: the cost of the daily full sync.
    let resync: Measured | null = null;
    if (opts.resync) {
      console.log('full sync again, nothing changed …');
      resync = await measured(opts.count, (progress) => source.sync!({ siteId: site.id, actor: systemActor, progress: (n) => progress(n) }) as Promise<SyncOutcome>);
      check(resync.outcome.unchanged === opts.count && resync.outcome.created + resync.outcome.updated + resync.outcome.deleted === 0, () => `re-sync changed something: ${JSON.stringify(resync!.outcome).slice(0, 2000)}`);
      console.log(`  ${(resync.ms / 1000).toFixed(1)} s`);
    }

    // (c) an incremental run with no changes, through the plugin's route (the contact source's sync is always full)
    console.log('incremental sync, nothing changed …');
    const incremental = await measured(opts.count, async () => {
      const res = await createApp(core).request('/api/v1/plugins/ldap/sync', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ siteId: site.id, mode: 'incremental' }),
      });
      const body = (await res.json()) as SyncOutcome;
      check(res.status === 200, () => `POST /api/v1/plugins/ldap/sync answered ${res.status}: ${JSON.stringify(body)}`);
      return body;
    });
    check(incremental.outcome.mode === 'incremental', () => `the incremental request ran as ${incremental.outcome.mode}: ${JSON.stringify(incremental.outcome).slice(0, 500)}`);
    check(incremental.outcome.created + incremental.outcome.updated + incremental.outcome.deleted === 0, () => `incremental run changed something: ${JSON.stringify(incremental.outcome).slice(0, 2000)}`);
    console.log(`  ${incremental.ms.toFixed(0)} ms, ${incremental.outcome.entries ?? '?'} entries read`);
    return { dialect, database: target.display, full, floor, resync, incremental };
  } finally {
    await core.stop();
    await target.cleanup();
  }
}

// ---- main --------------------------------------------------------------------------------

async function main() {
  const opts = parseOptions(process.argv.slice(2), process.env);
  if (!slapdAvailable()) fail(`OpenLDAP slapd is not installed (${SLAPD_BIN}): apt-get install -y slapd ldap-utils`);
  const plugin = await loadPlugin();
  const attrs = syncedAttributes(plugin, opts.preset);
  const filter = opts.preset === 'ad' ? '(&(objectCategory=person)(objectClass=user))' : '(objectClass=inetOrgPerson)';

  const databases: Dialect[] = [];
  for (const d of opts.databases) {
    if (d === 'postgresql') {
      const ok = await postgresReachable(opts.postgresUrl);
      if (ok !== true) {
        console.log(`\n!!! SKIPPED PostgreSQL: ${new URL(opts.postgresUrl).host} is not reachable (${ok}) !!!`);
        continue;
      }
    }
    databases.push(d);
  }
  if (!databases.length) fail('no database to measure');

  const version = (await runTool(SLAPD_BIN, ['-VV'])).stderr.split('\n')[0]?.replace(/^.*\$OpenLDAP: /, '').replace(/ \$.*$/, '') ?? '?';
  console.log(`LDAP sync benchmark: ${fmtInt(opts.count)} entries (${opts.preset}), page size ${opts.pageSize}, server size limit ${opts.sizeLimit}; ${version}`);
  let t = performance.now();
  const entries = generatePeople(opts.count, { seed: opts.count, ad: opts.preset === 'ad' });
  const generateMs = performance.now() - t;
  t = performance.now();
  const ldap = await startSlapd({ entries, sizeLimit: opts.sizeLimit, adSchema: opts.preset === 'ad' });
  const setupMs = performance.now() - t;
  console.log(
    `slapd: ${fmtInt(ldap.timings.loadedEntries)} entries, slapadd ${(ldap.timings.slapaddMs / 1000).toFixed(2)} s, start ${ldap.timings.startMs.toFixed(0)} ms (LDIF written and loaded in ${(setupMs / 1000).toFixed(2)} s; generated in ${(generateMs / 1000).toFixed(2)} s) at ${ldap.url}`,
  );
  if (opts.keep) console.log(`slapd directory: ${ldap.dir} (kept)`);

  const results: Array<Awaited<ReturnType<typeof benchDatabase>>> = [];
  let status = 0;
  try {
    // (a) baseline: every entry with the synced attributes, paged, to /dev/null
    const plain = await ldap.ldapsearch(['-LLL', '-b', ldap.baseDN, filter, 'dn'], { as: 'reader' });
    check(opts.count <= opts.sizeLimit || plain.code === 4, () => `a non-paged search should hit the size limit (exit 4), got exit ${plain.code}`);
    const counted = await ldap.ldapsearch(['-LLL', '-E', `pr=${opts.pageSize}/noprompt`, '-b', ldap.baseDN, filter, '1.1'], { as: 'reader' });
    const n = counted.stdout.split('\n').filter((l) => /^dn::? /.test(l)).length;
    check(counted.code === 0 && n === opts.count, () => `the paged dump returned ${n} entries (exit ${counted.code}), expected ${opts.count}`);
    const dumps: number[] = [];
    for (let i = 0; i < opts.dumps; i++) dumps.push(await ldapsearchDump(ldap, filter, attrs, opts.pageSize));
    const dumpMs = [...dumps].sort((a, b) => a - b)[Math.floor(dumps.length / 2)]!;
    console.log(`baseline ldapsearch -E pr=${opts.pageSize}/noprompt → /dev/null: ${dumps.map((d) => `${(d / 1000).toFixed(2)} s`).join(', ')} (median ${(dumpMs / 1000).toFixed(2)} s); attributes: ${attrs.join(' ')}`);
    const read = await ldaptsRead(ldap, filter, attrs, opts.pageSize);
    check(read.entries === opts.count, () => `ldapts read ${read.entries} entries, expected ${opts.count}`);
    console.log(`ldapts paged read in this process: ${(read.ms / 1000).toFixed(2)} s`);

    for (const d of databases) results.push(await benchDatabase(d, plugin.default, ldap, opts));

    // ---- summary
    const rows: string[][] = [
      ['ldapsearch paged dump (baseline)', '—', (dumpMs / 1000).toFixed(2), fmtInt(opts.count / (dumpMs / 1000)), '1.0×', '', '', ''],
      ['ldapts paged read, no processing', '—', (read.ms / 1000).toFixed(2), fmtInt(opts.count / (read.ms / 1000)), fmtRatio(read.ms / dumpMs), '', '', ''],
    ];
    for (const r of results) {
      const f = flatness(r.full);
      const q = r.full.rssAtMiB;
      rows.push([`full sync (first)`, r.dialect, (r.full.ms / 1000).toFixed(2), fmtInt(opts.count / (r.full.ms / 1000)), fmtRatio(r.full.ms / dumpMs), fmtInt(r.full.maxStallMs), `${r.full.peakRssMiB}`, `${q['25%']}/${q['50%']}/${q['75%']}/${q['100%']}${f.flat === null ? '' : f.flat ? ' flat' : ' GROWS'}`]);
      rows.push(['  write floor (raw driver, same rows)', r.dialect, (r.floor.ms / 1000).toFixed(2), fmtInt(opts.count / (r.floor.ms / 1000)), fmtRatio(r.floor.ms / dumpMs), '', '', `sync = ${fmtRatio(r.full.ms / r.floor.ms)} the floor`]);
      if (r.resync) rows.push(['full sync (no changes)', r.dialect, (r.resync.ms / 1000).toFixed(2), fmtInt(opts.count / (r.resync.ms / 1000)), fmtRatio(r.resync.ms / dumpMs), fmtInt(r.resync.maxStallMs), `${r.resync.peakRssMiB}`, '']);
      rows.push([`incremental (no changes, ${r.incremental.outcome.entries ?? '?'} read)`, r.dialect, (r.incremental.ms / 1000).toFixed(2), '—', '—', fmtInt(r.incremental.maxStallMs), `${r.incremental.peakRssMiB}`, '']);
    }
    console.log(`\n${table(['what', 'db', 'seconds', 'entries/s', '× dump', 'longest stall ms', 'peak RSS MiB', 'RSS at 25/50/75/100% MiB'], rows, 2)}`);
    for (const r of results) {
      const ratio = r.full.ms / dumpMs;
      const f = flatness(r.full);
      console.log(
        `${r.dialect}: first full sync ${fmtRatio(ratio)} the dump (target ≤ 2×: ${ratio <= 2 ? 'met' : 'MISSED'}; writing the same rows with the raw driver alone is ${fmtRatio(r.floor.ms / dumpMs)} the dump); memory from 25% to 100% of the entries ${f.growthMiB === null ? 'not sampled (no progress calls)' : `${f.growthMiB >= 0 ? '+' : ''}${f.growthMiB} MiB (${f.flat ? 'flat' : 'grows'}: the criterion is < 64 MiB)`}; incremental with no changes ${r.incremental.ms.toFixed(0)} ms`,
      );
    }

    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const outDir = resolve(dirname(fileURLToPath(import.meta.url)), 'results');
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `ldap-sync-${stamp}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          benchmark: 'ldap-sync',
          at: new Date().toISOString(),
          environment: { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? null, memoryGiB: Math.round(totalmem() / 1024 ** 3), slapd: version },
          options: { ...opts, postgresUrl: undefined },
          filter,
          attributes: attrs,
          slapd: { url: ldap.url, sizeLimit: ldap.sizeLimit, maxPageSize: ldap.maxPageSize, generateMs, slapaddMs: ldap.timings.slapaddMs, startMs: ldap.timings.startMs, loadedEntries: ldap.timings.loadedEntries },
          baseline: { ldapsearchDumpMs: dumps, ldapsearchDumpMedianMs: dumpMs, ldaptsReadMs: read.ms },
          databases: results.map((r) => ({
            ...r,
            ratioFullToDump: r.full.ms / dumpMs,
            ratioResyncToDump: r.resync ? r.resync.ms / dumpMs : null,
            targetMet: r.full.ms / dumpMs <= 2,
            memory: flatness(r.full),
          })),
        },
        null,
        2,
      ),
    );
    console.log(`\nresults: ${file}`);
  } catch (err) {
    if (err instanceof CorrectnessError) {
      console.error(`\nCORRECTNESS FAILURE: ${err.message}`);
      status = 1;
    } else throw err;
  } finally {
    await ldap.stop({ keepData: opts.keep });
  }
  process.exit(status);
}

await main();
