/** The options and the handle of a test slapd (see ./slapd.ts). */
import type { LdifEntry, LdifValue } from './ldif.js';
import type { ToolResult } from './tools.js';

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

