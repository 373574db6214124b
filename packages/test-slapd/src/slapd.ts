/**
 * A real OpenLDAP `slapd` for integration tests and the sync benchmark, started by the test
 * itself: its own config, schema and mdb database in a temporary directory, listening on a free
 * port on 127.0.0.1. Never the system's slapd (no /etc/ldap/slapd.d, no system service).
 *
 * ```ts
 * describeWithSlapd('sync', () => {
 *   let ldap: Slapd;
 *   beforeAll(async () => { ldap = await startSlapd({ entries: defaultPeople() }); });
 *   afterAll(() => ldap?.stop());
 *   it('…', async () => { … ldap.url, ldap.bindDN, ldap.bindPassword, ldap.baseDN … });
 * });
 * ```
 *
 * Two accounts:
 * - `bindDN` / `bindPassword` (`cn=reader,<base>`): an ordinary entry, **subject to the size
 *   limits** like an AD service account — give this one to the plugin.
 * - `adminDN` / `adminPassword` (`cn=admin,<base>`): the rootdn, which slapd exempts from all
 *   limits and access rules — the harness uses it for changes and for `search()`.
 *
 * Size limits (like Active Directory's MaxPageSize = 1,000): a search without the paged-results
 * control returns at most `sizeLimit` entries and then fails with sizeLimitExceeded (4); a paged
 * search with a page size ≤ `maxPageSize` returns every entry; a page size above it is refused with
 * adminLimitExceeded (11) — AD would silently shrink the page instead. The directive, in the mdb
 * database section of the generated slapd.conf, is
 *   `sizelimit size.soft=1000 size.hard=1000 size.pr=1000 size.prtotal=unlimited`
 * (see slapd.conf(5), "limits"). Anonymous users may bind but read nothing but the root DSE and
 * the schema (AD refuses anonymous searches too), unless `anonymousRead: true`.
 *
 * Data: `entries` are loaded with `slapadd -q` before slapd starts (50,000 entries take a few
 * seconds), with createTimestamp/modifyTimestamp fixed at `loadTime` (default 2024-01-01) so any
 * later change is visibly newer; the harness adds the base entry, the reader account and every
 * `ou=` container the entries' DNs need. Changes while running go through ldapmodify / ldapadd /
 * ldapdelete bound as the rootdn; slapd keeps entryUUID across renames.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { attributeLines, dnKey, firstRdn, type LdifEntry, type LdifValue, parentDn, toLdif } from './ldif.js';

export type { LdifEntry, LdifValue } from './ldif.js';

/** Where Debian/Ubuntu put slapd (override with $DIALBOOK_SLAPD). */
export const SLAPD_BIN = process.env.DIALBOOK_SLAPD || '/usr/sbin/slapd';
const SBIN = dirname(SLAPD_BIN);
const SCHEMA_DIR = process.env.DIALBOOK_SLAPD_SCHEMA_DIR || '/etc/ldap/schema';
const MODULE_DIRS = ['/usr/lib/ldap', '/usr/lib/openldap', '/usr/lib64/openldap', '/usr/libexec/openldap', '/usr/local/libexec/openldap'];
/** The test schema with AD-style attribute names (see the file's header). */
export const AD_SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), 'ad-test.schema');

export const DEFAULT_SIZE_LIMIT = 1000;
export const DEFAULT_LOAD_TIME = '20240101000000Z';

export type BindAs = 'admin' | 'reader' | 'anonymous';

export interface SlapdOptions {
  /** Entries to load with slapadd before the start (or LDIF content records as text). */
  entries?: LdifEntry[] | string;
  /** Most entries a non-paged search returns (default 1000, AD's MaxPageSize); 0: unlimited. */
  sizeLimit?: number;
  /** Largest page size a paged search may ask for (default: sizeLimit). */
  maxPageSize?: number | 'unlimited';
  /** Load src/ad-test.schema (sAMAccountName, objectGUID, uSNChanged, …, objectClass user). */
  adSchema?: boolean;
  /** Default dc=example,dc=org. */
  baseDN?: string;
  /** Fixed port (default: a free one). */
  port?: number;
  /** createTimestamp/modifyTimestamp of the loaded entries (generalized time); null: slapadd's "now". */
  loadTime?: string | null;
  /**
   * Extra root DSE attributes (must exist in the schema). With adSchema, `highestCommittedUSN`
   * defaults to the highest uSNChanged among the loaded entries. Read once at start.
   */
  rootDSE?: Record<string, LdifValue | LdifValue[]>;
  /** Let anonymous clients read entries (default false, as in AD). */
  anonymousRead?: boolean;
  /** How long start may take (default 20 s). */
  startTimeoutMs?: number;
  /**
   * Also serve TLS: a test CA and a server certificate for 127.0.0.1 and localhost are made
   * with openssl; slapd offers StartTLS on `url` and LDAPS on `ldapsUrl`.
   */
  tls?: boolean;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SearchOptions {
  base?: string;
  scope?: 'base' | 'one' | 'sub' | 'children';
  /** Bind identity (default admin: no limits). */
  as?: BindAs;
  /** Use the paged-results control with this page size (`-E pr=N/noprompt`). */
  pageSize?: number;
  /** Client-requested size limit (`-z`). */
  sizeLimit?: number;
}

export interface Slapd {
  /** ldap://127.0.0.1:<port> */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly baseDN: string;
  /** rootdn cn=admin,<base>: no size limits, no access rules. */
  readonly adminDN: string;
  readonly adminPassword: string;
  /** cn=reader,<base>: an ordinary account, subject to the size limits. Use this for the plugin. */
  readonly bindDN: string;
  readonly bindPassword: string;
  readonly sizeLimit: number;
  readonly maxPageSize: number | 'unlimited';
  /** With `tls`: ldaps://127.0.0.1:<tlsPort>, and the PEM of the CA that issued the server certificate. */
  readonly ldapsUrl: string | undefined;
  readonly caPem: string | undefined;
  /** The temporary directory: slapd.conf, data/ (mdb), load.ldif, rootdse.ldif. */
  readonly dir: string;
  /** The running slapd's pid (undefined when stopped). */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Entries loaded by slapadd (including base, reader and containers), and how long it took; last start's duration. */
  readonly timings: { loadedEntries: number; slapaddMs: number; startMs: number };
  /** (Re)start on the same port with the same data (after kill() or stop({ keepData: true })). */
  start(): Promise<void>;
  /** SIGTERM and wait (SIGKILL after 10 s); removes the directory unless keepData. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** SIGKILL now ("server dies mid-sync"); data stays, start() brings it back. */
  kill(): void;
  /** Resolves once the slapd process has exited (after kill() or a crash). */
  exited(): Promise<void>;
  /**
   * SIGSTOP: connections hang without an answer (timeouts); resume() continues. Resolves once every
   * thread of slapd has stopped (the signal takes effect asynchronously, and a busy slapd would
   * otherwise still answer a request sent right after it).
   */
  pause(): Promise<void>;
  resume(): void;
  /** ldapmodify with change records (see fixtures: modifyLdif, changePhoneLdif, renameLdif, deleteLdif). */
  modify(ldif: string): Promise<void>;
  /** ldapadd of entries (or content records as text). */
  add(entries: LdifEntry[] | string): Promise<void>;
  /** ldapdelete of these DNs. */
  remove(dns: string[]): Promise<void>;
  /** ldapsearch -LLL (bound as admin unless options.as); throws on a non-zero exit. */
  search(filter?: string, attrs?: string[], options?: SearchOptions): Promise<string>;
  /** ldapsearch with the connection and bind arguments added; never throws on the exit code. */
  ldapsearch(args: string[], options?: { as?: BindAs }): Promise<ToolResult>;
  /** Rewrite the root DSE file (e.g. a new highestCommittedUSN); takes effect at the next start(). */
  setRootDSE(attributes: Record<string, LdifValue | LdifValue[]>): Promise<void>;
  /** What slapd printed (errors, start/stop), for failure messages. */
  log(): string;
}

const isCI = () => process.env.CI === 'true' || process.env.CI === '1';

/** Whether OpenLDAP's slapd (package slapd) and the ldap-utils tools are installed. */
export function slapdAvailable(): boolean {
  return existsSync(SLAPD_BIN) && existsSync(join(SBIN, 'slapadd')) && ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')].some((d) => d && existsSync(join(d, 'ldapsearch')));
}

const MISSING = `OpenLDAP slapd is not installed (${SLAPD_BIN}); install it with: sudo apt-get install -y slapd ldap-utils`;

/**
 * `describe` for tests that need slapd: runs them when it is installed; otherwise fails in CI
 * (CI=true) and skips loudly on a developer's machine.
 */
export function describeWithSlapd(name: string, fn: () => void): void {
  if (slapdAvailable()) {
    describe(name, fn);
    return;
  }
  if (isCI()) {
    describe(name, () => {
      it(`needs OpenLDAP slapd`, () => {
        throw new Error(`${MISSING} (.ci/run installs it; CI requires it)`);
      });
    });
    return;
  }
  console.warn(`\n!!! SKIPPED "${name}": ${MISSING} !!!\n`);
  describe.skip(name, fn);
}

/** A free TCP port on 127.0.0.1 (bind to 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const toolEnv = () => ({ ...process.env, LDAPNOINIT: '1' }); // ignore /etc/ldap/ldap.conf and ~/.ldaprc

/** Runs a program, feeding `input` to stdin; resolves with its exit code and output. */
export function runTool(cmd: string, args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: toolEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')}: no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs ?? 120_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {}); // EPIPE when the tool exits early; its exit code tells
    child.stdin.end(options.input ?? '');
  });
}

const moduleDir = () => MODULE_DIRS.find((d) => existsSync(join(d, 'back_mdb.so')) || existsSync(join(d, 'back_mdb.la')));

function baseEntry(baseDN: string): LdifEntry {
  const [type, value] = firstRdn(baseDN);
  switch (type.toLowerCase()) {
    case 'dc':
      return { dn: baseDN, attributes: { objectClass: ['top', 'dcObject', 'organization'], dc: value, o: value } };
    case 'o':
      return { dn: baseDN, attributes: { objectClass: ['top', 'organization'], o: value } };
    case 'ou':
      return { dn: baseDN, attributes: { objectClass: ['top', 'organizationalUnit'], ou: value } };
    default:
      throw new Error(`baseDN ${baseDN}: the harness makes dc=, o= or ou= bases`);
  }
}

/** The entries plus every missing ou= ancestor below the base, parents first. */
function withContainers(entries: readonly LdifEntry[], baseDN: string): LdifEntry[] {
  const base = dnKey(baseDN);
  const have = new Set(entries.map((e) => dnKey(e.dn)));
  have.add(base);
  const containers: LdifEntry[] = [];
  const ensure = (dn: string) => {
    const key = dnKey(dn);
    if (!dn || have.has(key) || !key.endsWith(`,${base}`)) return;
    ensure(parentDn(dn));
    const [type, value] = firstRdn(dn);
    if (type.toLowerCase() !== 'ou') throw new Error(`missing parent ${dn}: the harness only makes ou= containers`);
    have.add(key);
    containers.push({ dn, attributes: { objectClass: ['top', 'organizationalUnit'], ou: value } });
  };
  for (const e of entries) ensure(parentDn(e.dn));
  const depth = (dn: string) => dnKey(dn).split(',').length;
  return [...containers, ...[...entries].sort((a, b) => depth(a.dn) - depth(b.dn))];
}

/** Appends fixed timestamps to every content record of an LDIF text that has none. */
function stampLdif(ldif: string, time: string | null): string {
  if (!time) return ldif;
  return ldif
    .split(/\n\s*\n/)
    .filter((r) => r.trim())
    .map((r) => {
      const rec = r.trimEnd();
      if (!/^dn::?/im.test(rec)) return rec;
      const extra = [];
      if (!/^createTimestamp:/im.test(rec)) extra.push(`createTimestamp: ${time}`);
      if (!/^modifyTimestamp:/im.test(rec)) extra.push(`modifyTimestamp: ${time}`);
      return [rec, ...extra].join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

function rootDseLdif(attributes: Record<string, LdifValue | LdifValue[]>): string {
  return ['dn:', ...attributeLines(attributes)].join('\n') + '\n';
}

interface Config {
  dir: string;
  baseDN: string;
  adminDN: string;
  adminPassword: string;
  sizeLimit: number;
  maxPageSize: number | 'unlimited';
  adSchema: boolean;
  anonymousRead: boolean;
  rootDSE: boolean;
  tls: boolean;
}

/** A test CA and a server certificate it issued for 127.0.0.1 and localhost (ca.pem, server.pem, server.key in `dir`). */
async function makeCertificates(dir: string): Promise<void> {
  const at = (f: string) => join(dir, f);
  const steps: string[][] = [
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=Dialbook test CA'],
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1'],
    ['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'), '-days', '2', '-extfile', at('san.cnf')],
  ];
  await writeFile(at('san.cnf'), 'subjectAltName = IP:127.0.0.1, DNS:localhost\nextendedKeyUsage = serverAuth\n');
  for (const args of steps) {
    const r = await runTool('openssl', args, { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`openssl ${args[0]} failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
}

function slapdConf(c: Config): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const mod = moduleDir();
  const limit = c.sizeLimit > 0 ? String(c.sizeLimit) : 'unlimited';
  const pr = c.maxPageSize === 'unlimited' ? 'unlimited' : String(c.maxPageSize || 'unlimited');
  const schemas = ['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${q(join(SCHEMA_DIR, `${s}.schema`))}`);
  if (c.adSchema) schemas.push(`include ${q(AD_SCHEMA_FILE)}`);
  return [
    '# Generated by @dialbook/test-slapd (packages/test-slapd/src/slapd.ts) for one test run.',
    ...schemas,
    `pidfile ${q(join(c.dir, 'slapd.pid'))}`,
    `argsfile ${q(join(c.dir, 'slapd.args'))}`,
    ...(mod ? [`modulepath ${q(mod)}`, 'moduleload back_mdb'] : []),
    ...(c.rootDSE ? [`rootDSE ${q(join(c.dir, 'rootdse.ldif'))}`] : []),
    ...(c.tls ? [`TLSCACertificateFile ${q(join(c.dir, 'ca.pem'))}`, `TLSCertificateFile ${q(join(c.dir, 'server.pem'))}`, `TLSCertificateKeyFile ${q(join(c.dir, 'server.key'))}`] : []),
    '',
    '# Root DSE and schema: readable by anyone (clients probe them before binding).',
    'access to dn.base="" by * read',
    'access to dn.base="cn=Subschema" by * read',
    'access to attrs=userPassword by self read by anonymous auth by * none',
    `access to * by users read by * ${c.anonymousRead ? 'read' : 'none'}`,
    '',
    'database mdb',
    `suffix ${q(c.baseDN)}`,
    `rootdn ${q(c.adminDN)}`,
    `rootpw ${c.adminPassword}`,
    `directory ${q(join(c.dir, 'data'))}`,
    'maxsize 4294967296',
    'dbnosync',
    '# AD-like: plain searches stop at the limit (sizeLimitExceeded); paged searches with pages up to',
    '# the limit return everything (prtotal=unlimited). The rootdn is exempt from all of this.',
    c.sizeLimit > 0 ? `sizelimit size.soft=${limit} size.hard=${limit} size.pr=${pr} size.prtotal=unlimited` : `sizelimit unlimited`,
    'index objectClass eq',
    'index entryUUID eq',
    'index uid,mail eq',
    'index modifyTimestamp eq',
    ...(c.adSchema ? ['index uSNChanged,objectGUID,sAMAccountName eq'] : []),
    '',
  ].join('\n');
}

interface State {
  child?: ChildProcess;
  /** kill() or stop() sent a signal; the exit may not have been seen yet. */
  ending?: boolean;
  dir: string;
  destroyed: boolean;
}
const live = new Set<State>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const s of live) {
      try {
        s.child?.kill('SIGKILL');
      } catch {
        /* gone */
      }
      if (!process.env.DIALBOOK_SLAPD_KEEP) rmSync(s.dir, { recursive: true, force: true });
    }
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether every thread of `pid` is stopped (state T in /proc/<pid>/task/<tid>/stat); true without /proc or once it is gone. */
async function allThreadsStopped(pid: number): Promise<boolean> {
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return true;
  }
  for (const tid of tids) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2);
    if (fields[0] !== 'T' && fields[0] !== 't') return false;
  }
  return tids.length > 0;
}

/** Starts a fresh slapd (see the module comment). Call `stop()` when done. */
export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  if (!slapdAvailable()) throw new Error(MISSING);
  installExitHook();
  const baseDN = options.baseDN ?? 'dc=example,dc=org';
  const sizeLimit = options.sizeLimit ?? DEFAULT_SIZE_LIMIT;
  const maxPageSize = options.maxPageSize ?? (sizeLimit > 0 ? sizeLimit : 'unlimited');
  const adminDN = `cn=admin,${baseDN}`;
  const adminPassword = 'admin-secret';
  const bindDN = `cn=reader,${baseDN}`;
  const bindPassword = 'reader-secret';
  const host = '127.0.0.1';
  const loadTime = options.loadTime === undefined ? DEFAULT_LOAD_TIME : options.loadTime;
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;

  const dir = await mkdtemp(join(tmpdir(), 'dialbook-slapd-'));
  const state: State = { dir, destroyed: false };
  live.add(state);
  let logText = '';
  const appendLog = (b: Buffer) => {
    logText += b.toString('utf8');
    if (logText.length > 200_000) logText = logText.slice(-100_000);
  };

  try {
    // Root DSE
    const rootDSE: Record<string, LdifValue | LdifValue[]> = { ...(options.rootDSE ?? {}) };
    if (options.adSchema && rootDSE.highestCommittedUSN === undefined && Array.isArray(options.entries)) {
      let max = 0;
      for (const e of options.entries) {
        const v = e.attributes.uSNChanged;
        for (const x of v === undefined ? [] : Array.isArray(v) ? v : [v]) max = Math.max(max, Number(typeof x === 'string' ? x : Buffer.from(x as Uint8Array).toString()));
      }
      if (max) rootDSE.highestCommittedUSN = String(max);
    }
    const hasRootDSE = Object.keys(rootDSE).length > 0;
    if (hasRootDSE) await writeFile(join(dir, 'rootdse.ldif'), rootDseLdif(rootDSE));

    if (options.tls) await makeCertificates(dir);
    const conf = join(dir, 'slapd.conf');
    await writeFile(
      conf,
      slapdConf({ dir, baseDN, adminDN, adminPassword, sizeLimit, maxPageSize, adSchema: !!options.adSchema, anonymousRead: !!options.anonymousRead, rootDSE: true, tls: !!options.tls }),
    );
    // slapd wants the rootDSE file to exist when named; an empty one adds nothing.
    if (!hasRootDSE) await writeFile(join(dir, 'rootdse.ldif'), '');
    await mkdir(join(dir, 'data'));

    // Bulk load
    const reader: LdifEntry = {
      dn: bindDN,
      attributes: { objectClass: ['top', 'organizationalRole', 'simpleSecurityObject'], cn: 'reader', userPassword: bindPassword, description: 'Dialbook test bind account (subject to size limits)' },
    };
    const given = options.entries ?? [];
    let ldif: string;
    let loadedEntries: number;
    if (typeof given === 'string') {
      const head = withContainers([reader], baseDN);
      ldif = stampLdif(toLdif([baseEntry(baseDN), ...head]), loadTime) + '\n' + stampLdif(given, loadTime);
      loadedEntries = 1 + head.length + given.split(/\n\s*\n/).filter((r) => /^dn::?/im.test(r)).length;
    } else {
      const all = [baseEntry(baseDN), ...withContainers([reader, ...given], baseDN)];
      ldif = stampLdif(toLdif(all), loadTime);
      loadedEntries = all.length;
    }
    const loadFile = join(dir, 'load.ldif');
    await writeFile(loadFile, ldif);
    const t0 = performance.now();
    const added = await runTool(join(SBIN, 'slapadd'), ['-q', '-f', conf, '-b', baseDN, '-l', loadFile], { timeoutMs: 600_000 });
    const slapaddMs = performance.now() - t0;
    if (added.code !== 0) throw new Error(`slapadd failed (exit ${added.code}):\n${added.stderr}${added.stdout}\nconfig: ${conf}`);

    let port = options.port ?? (await freePort());
    let tlsPort = options.tls ? await freePort() : undefined;
    const caPem = options.tls ? await readFile(join(dir, 'ca.pem'), 'utf8') : undefined;
    let startMs = 0;
    let exited: Promise<void> = Promise.resolve();

    const url = () => `ldap://${host}:${port}`;
    const bindArgs = (as: BindAs = 'admin') =>
      as === 'admin' ? ['-D', adminDN, '-w', adminPassword] : as === 'reader' ? ['-D', bindDN, '-w', bindPassword] : [];
    const conn = (as?: BindAs) => ['-x', '-H', url(), ...bindArgs(as)];

    const launch = async (): Promise<void> => {
      const t = performance.now();
      const listen = tlsPort ? `${url()}/ ldaps://${host}:${tlsPort}/` : `${url()}/`;
      const child = spawn(SLAPD_BIN, ['-d', 'none', '-h', listen, '-f', conf], { stdio: ['ignore', 'pipe', 'pipe'], env: toolEnv() });
      state.child = child;
      state.ending = false;
      child.stdout?.on('data', appendLog);
      child.stderr?.on('data', appendLog);
      let exitInfo: string | undefined;
      exited = new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
          if (state.child === child) state.child = undefined;
          resolve();
        });
        child.once('error', (e) => {
          exitInfo = `spawn error ${e.message}`;
          if (state.child === child) state.child = undefined;
          resolve();
        });
      });
      const deadline = Date.now() + startTimeoutMs;
      for (;;) {
        if (exitInfo) throw new Error(`slapd (port ${port}) exited before it answered (${exitInfo}):\n${logText.trim()}`);
        const who = await runTool('ldapwhoami', [...conn('admin'), '-o', 'nettimeout=2'], { timeoutMs: 5000 }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
        if (who.code === 0) break;
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`slapd did not answer on ${url()} within ${startTimeoutMs} ms (last ldapwhoami: ${who.stderr.trim()}):\n${logText.trim()}`);
        }
        await sleep(50);
      }
      startMs = performance.now() - t;
    };

    for (let attempt = 1; ; attempt++) {
      try {
        await launch();
        break;
      } catch (e) {
        // Another process took the port between freePort() and slapd's bind: take another.
        if (options.port === undefined && attempt < 4 && /Address already in use/.test(String(e))) {
          port = await freePort();
          if (tlsPort) tlsPort = await freePort();
          continue;
        }
        throw e;
      }
    }

    const ensureAlive = () => {
      if (state.destroyed) throw new Error(`slapd at ${url()} was stopped and its directory removed`);
    };
    const tool = async (cmd: string, args: string[], input: string, what: string) => {
      ensureAlive();
      const r = await runTool(cmd, args, { input, timeoutMs: 600_000 });
      if (r.code !== 0) {
        const head = input.length > 2000 ? `${input.slice(0, 2000)}…` : input;
        throw new Error(`${what} failed (exit ${r.code}): ${r.stderr.trim()} ${r.stdout.trim()}\n--- input ---\n${head}`);
      }
      return r;
    };

    const api: Slapd = {
      get url() {
        return url();
      },
      host,
      get port() {
        return port;
      },
      get ldapsUrl() {
        return tlsPort ? `ldaps://${host}:${tlsPort}` : undefined;
      },
      caPem,
      baseDN,
      adminDN,
      adminPassword,
      bindDN,
      bindPassword,
      sizeLimit,
      maxPageSize,
      dir,
      get pid() {
        return state.child?.pid;
      },
      get running() {
        return !!state.child && !state.ending;
      },
      get timings() {
        return { loadedEntries, slapaddMs, startMs };
      },
      async start() {
        ensureAlive();
        if (state.child && !state.ending) return; // already running
        await exited; // a killed or stopping slapd must be gone (port, mdb lock) first
        await launch();
      },
      async stop({ keepData = false } = {}) {
        if (state.destroyed) return;
        const child = state.child;
        if (child) {
          state.ending = true;
          child.kill('SIGCONT');
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        if (!keepData) {
          state.destroyed = true;
          live.delete(state);
          if (process.env.DIALBOOK_SLAPD_KEEP) console.warn(`slapd data kept in ${dir}`);
          else await rm(dir, { recursive: true, force: true });
        }
      },
      kill() {
        if (!state.child) return;
        state.ending = true;
        state.child.kill('SIGKILL');
      },
      exited() {
        return exited;
      },
      async pause() {
        const child = state.child;
        const pid = child?.pid;
        if (!child || !pid) return;
        child.kill('SIGSTOP');
        const deadline = Date.now() + 10_000;
        while (!(await allThreadsStopped(pid))) {
          if (Date.now() > deadline) throw new Error(`slapd (pid ${pid}) did not stop within 10 s of SIGSTOP`);
          await sleep(5);
        }
      },
      resume() {
        state.child?.kill('SIGCONT');
      },
      async modify(text) {
        await tool('ldapmodify', conn('admin'), text, 'ldapmodify');
      },
      async add(entries) {
        await tool('ldapmodify', ['-a', ...conn('admin')], typeof entries === 'string' ? entries : toLdif(entries), 'ldapadd');
      },
      async remove(dns) {
        if (!dns.length) return;
        await tool('ldapdelete', conn('admin'), dns.join('\n') + '\n', 'ldapdelete');
      },
      async search(filter = '(objectClass=*)', attrs = [], o = {}) {
        const args = ['-LLL', '-o', 'ldif-wrap=no', '-b', o.base ?? baseDN, '-s', o.scope ?? 'sub'];
        if (o.pageSize) args.push('-E', `pr=${o.pageSize}/noprompt`);
        if (o.sizeLimit !== undefined) args.push('-z', String(o.sizeLimit));
        const r = await api.ldapsearch([...args, filter, ...attrs], { as: o.as ?? 'admin' });
        if (r.code !== 0) throw new Error(`ldapsearch ${filter} failed (exit ${r.code}): ${r.stderr.trim()}`);
        return r.stdout;
      },
      async ldapsearch(args, o = {}) {
        ensureAlive();
        return runTool('ldapsearch', [...conn(o.as ?? 'admin'), ...args], { timeoutMs: 600_000 });
      },
      async setRootDSE(attributes) {
        ensureAlive();
        await writeFile(join(dir, 'rootdse.ldif'), rootDseLdif(attributes));
      },
      log: () => logText,
    };
    return api;
  } catch (e) {
    state.child?.kill('SIGKILL');
    live.delete(state);
    if (!process.env.DIALBOOK_SLAPD_KEEP) await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
