/**
 * One AXL connection to a publisher: the node-soap client per schema version (created lazily,
 * once: parsing a WSDL is slow), the version negotiation, the session cookie and the retries.
 * `AxlClient` builds its typed methods on `call()`.
 */
import { createClientAsync, type Client } from 'soap';
import { CucmError, isCucmError } from '../errors.js';
import { systemClock, withRetry, type Clock, type RetryOptions } from '../retry.js';
import { Transport, type TlsOptions } from '../transport.js';
import { catalogOf, type WsdlCatalog, type WsdlSource } from '../wsdl/source.js';
import { bestVersion, isVersion } from '../wsdl/versions.js';
import { classifyAxlError } from './classify.js';
import { text } from './mapping.js';

export interface AxlConnectionOptions {
  /** The publisher's host name or IP address. */
  host: string;
  /** HTTPS port (default 8443). */
  port?: number;
  username: string;
  password: string;
  tls?: TlsOptions;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** AXL schema version, e.g. `14.0`; `auto` (default) starts with the newest available. Either way a 599 falls back to the best version the cluster offers. */
  version?: string;
  /** Built-in description (default) or an admin-supplied AXL Toolkit. */
  wsdl?: WsdlSource;
  /** Backoff for throttling faults (axlcode -1 memory, HTTP 503). */
  retry?: RetryOptions;
  /** Replaceable for tests: backoffs then need no real sleeps. */
  clock?: Clock;
  random?: () => number;
  /** The plugin instance named in errors (default `cucm`). */
  plugin?: string;
  /** Things worth a log line or a metric; never carries request or response bodies. */
  onEvent?: (e: AxlEvent) => void;
}

export type AxlEvent =
  | { type: 'retry'; operation: string; attempt: number; delayMs: number; code: string }
  | { type: 'version-fallback'; from: string; to: string; offered: string[] }
  | { type: 'session-renewed'; operation: string; status: number }
  | { type: 'page-shrunk'; operation: string; from: number; to: number };

export interface VersionInfo {
  /** The cluster's software version, e.g. `14.0.1.13900(155)`. */
  release: string;
  /** The AXL schema version in use, e.g. `14.0`. */
  schemaVersion: string;
  /** The version tried first. */
  requested: string;
  /** What the cluster said it offers, when it refused `requested` (599); else []. */
  offered: string[];
}

export class AxlConnection {
  readonly endpoint: string;
  readonly url: string;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private catalog: Promise<WsdlCatalog> | null = null;
  private readonly clients = new Map<string, Promise<Client>>();
  private negotiated: Promise<VersionInfo> | null = null;

  constructor(readonly options: AxlConnectionOptions) {
    const port = options.port ?? 8443;
    const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
    this.endpoint = `${host}:${port}`;
    this.url = `https://${this.endpoint}/axl/`;
    this.transport = new Transport({ username: options.username, password: options.password, timeoutMs: options.timeoutMs ?? 30_000, ...(options.tls ? { tls: options.tls } : {}) });
    this.clock = options.clock ?? systemClock;
  }

  /** The cluster's version and the schema version in use; negotiated once (again after a failure). */
  version(): Promise<VersionInfo> {
    if (!this.negotiated) {
      this.negotiated = this.negotiate();
      this.negotiated.catch(() => (this.negotiated = null));
    }
    return this.negotiated;
  }

  /** Call `operation` with the negotiated schema version; rejects with a CucmError. */
  async call(operation: string, args: Record<string, unknown>): Promise<Record<string, unknown> | null> {
    const { schemaVersion } = await this.version();
    try {
      return await this.invoke(schemaVersion, operation, args);
    } catch (err) {
      // The cluster changed under us (upgrade, failover): negotiate again on the next call.
      if (isCucmError(err) && err.code === 'DIALBOOK_CUCM_VERSION') this.negotiated = null;
      throw err;
    }
  }

  /** Close kept-alive connections. */
  close(): void {
    this.transport.close();
  }

  emit(e: AxlEvent): void {
    this.options.onEvent?.(e);
  }

  private catalogue(): Promise<WsdlCatalog> {
    if (!this.catalog) {
      this.catalog = catalogOf(this.options.wsdl);
      this.catalog.catch(() => (this.catalog = null));
    }
    return this.catalog;
  }

  private async negotiate(): Promise<VersionInfo> {
    const catalog = await this.catalogue();
    const configured = this.options.version && this.options.version !== 'auto' ? this.options.version.trim() : null;
    if (configured && !isVersion(configured)) throw new CucmError('DIALBOOK_CUCM_VERSION', `"${configured}" is not an AXL schema version; use e.g. 14.0, or auto.`, { service: 'axl' }, { plugin: this.plugin });
    const requested = configured ?? catalog.versions[0]!;
    if (!catalog.versions.includes(requested)) {
      throw new CucmError('DIALBOOK_CUCM_WSDL', `AXL schema ${requested} is not available from ${catalog.describe()}. Pick one of ${catalog.versions.join(', ')}, or auto.`, { service: 'axl' }, { plugin: this.plugin });
    }
    const tried: string[] = [];
    let version = requested;
    let offered: string[] = [];
    for (;;) {
      tried.push(version);
      try {
        const res = await this.invoke(version, 'getCCMVersion', { processNodeName: '' });
        const release = text(((res?.return as Record<string, unknown> | undefined)?.componentVersion as Record<string, unknown> | undefined)?.version) ?? '';
        return { release, schemaVersion: version, requested, offered };
      } catch (err) {
        if (!isCucmError(err) || err.code !== 'DIALBOOK_CUCM_VERSION') throw err;
        offered = err.info.supportedVersions ?? [];
        const next = bestVersion(
          offered,
          catalog.versions.filter((v) => !tried.includes(v)),
        );
        if (!next) {
          const theirs = offered.length ? `it offers ${offered.join(', ')}` : 'its answer names no version';
          throw new CucmError(
            'DIALBOOK_CUCM_VERSION',
            `The cluster refused AXL schema ${tried.join(', then ')} (HTTP 599); ${theirs}, and ${catalog.describe()} has none of those. ${this.options.wsdl?.kind === 'toolkit' ? 'Download the AXL Toolkit from this cluster.' : 'Set the AXL schema version to one it offers.'}`,
            { ...err.info },
            { cause: err, plugin: this.plugin },
          );
        }
        this.emit({ type: 'version-fallback', from: version, to: next, offered });
        version = next;
      }
    }
  }

  private get plugin(): string {
    return this.options.plugin ?? 'cucm';
  }

  private soapClient(version: string): Promise<Client> {
    let c = this.clients.get(version);
    if (!c) {
      c = this.catalogue().then((catalog) => createClientAsync(catalog.wsdlFor(version), { endpoint: this.url, httpClient: this.transport }));
      this.clients.set(version, c);
      c.catch(() => this.clients.delete(version));
    }
    return c;
  }

  private async invoke(version: string, operation: string, args: Record<string, unknown>): Promise<Record<string, unknown> | null> {
    const client = await this.soapClient(version);
    const method = client[`${operation}Async`] as ((a: unknown) => Promise<[Record<string, unknown> | null]>) | undefined;
    if (typeof method !== 'function') throw new CucmError('DIALBOOK_CUCM_WSDL', `The AXL description has no operation ${operation}.`, { service: 'axl', operation }, { plugin: this.plugin });
    const ctx = { operation, endpoint: this.endpoint, host: this.options.host, version, timeoutMs: this.transport.timeoutMs, plugin: this.plugin };
    return withRetry(
      async () => {
        for (let renewed = false; ; renewed = true) {
          try {
            const [result] = await method.call(client, args);
            return result ?? null;
          } catch (err) {
            const res = (err as { response?: { status?: number; usedSession?: boolean } } | null)?.response;
            // An idle session (30 min) is answered 404 or 401: log in again with Basic, once.
            if (!renewed && res?.usedSession && (res.status === 401 || res.status === 404)) {
              this.transport.dropSession();
              this.emit({ type: 'session-renewed', operation, status: res.status });
              continue;
            }
            throw classifyAxlError(err, ctx);
          }
        }
      },
      {
        clock: this.clock,
        ...(this.options.retry ? { retry: this.options.retry } : {}),
        ...(this.options.random ? { random: this.options.random } : {}),
        onRetry: (e) => this.emit({ type: 'retry', operation, attempt: e.attempt, delayMs: e.delayMs, code: (e.error as CucmError).code }),
      },
    );
  }
}
