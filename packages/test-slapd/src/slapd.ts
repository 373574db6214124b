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
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { allThreadsStopped, installExitHook, live, sleep, type State } from './process.js';
import { type BindAs, DEFAULT_LOAD_TIME, DEFAULT_SIZE_LIMIT, type Slapd, type SlapdOptions } from './types.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEntry, makeCertificates, rootDseLdif, slapdConf, stampLdif, withContainers } from './config.js';
import { type LdifEntry, type LdifValue, toLdif } from './ldif.js';
import { freePort, MISSING, runTool, SBIN, SLAPD_BIN, slapdAvailable, toolEnv } from './tools.js';

export type { LdifEntry, LdifValue } from './ldif.js';
export { AD_SCHEMA_FILE } from './config.js';
export { describeWithSlapd, freePort, runTool, SLAPD_BIN, slapdAvailable, type ToolResult } from './tools.js';

export * from './types.js';

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
