/**
 * Graph's call-records API (calls.md §1.3, §1.6, §6) with a site's token:
 * - the list of callRecords that started in `[start, end)`, page by page, following
 *   `@odata.nextLink` (either spelling) as the string it is;
 * - one record with `$expand=sessions($expand=segments)` and one with `$expand=participants_v2`
 *   (both paged inside the expansion: `sessions@odata.nextLink`, `participants_v2@odata.nextLink`);
 * - 429 and 503 wait out `Retry-After` (exponential back-off without it), network failures are
 *   retried, a 401 renews the token once, a 403 names the missing permission;
 * - every request goes through the limiter; the PSTN and Direct Routing functions are paced below
 *   their own limits as well (calls.md §6: 200 requests per 60 s per app, 50 per 60 s per function).
 * - the change-notification subscription: create, renew, delete.
 * No token, secret or answer body goes into an error message or the log.
 */
import type { TokenSource } from './auth.js';
import { TeamsError } from './errors.js';
import type { GraphCallRecord, GraphParticipant, GraphSession } from './graph-types.js';
import { Pace, type Limiter } from './limiter.js';

export interface GraphClientOptions {
  baseUrl: string;
  tokens: TokenSource;
  limiter: Limiter;
  maxRetries: number;
  maxRetryAfterSeconds: number;
  timeoutSeconds: number;
  plugin: string;
  pageSize?: number | undefined;
  signal?: AbortSignal | undefined;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  /** Told about each wait for a 429/503 (the job's message). */
  onThrottle?: (waitMs: number, status: number) => void;
}

type RequestExtra = { prefer?: string; allow404?: boolean; permission?: string; method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; body?: unknown };

/** Safety stops. */
const MAX_PAGES = 10_000;
const MAX_EXPANSION_PAGES = 100;

/** Retry-After in ms (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Graph's time format in `$filter`: ISO 8601 UTC without fractions. */
export const graphTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const nextLinkOf = (body: Record<string, unknown>, prefix = ''): string | null => {
  const v = body[`${prefix}@odata.nextLink`] ?? body[`${prefix}@odata.NextLink`];
  return typeof v === 'string' && v ? v : null;
};

const permissionText = (permission: string) => `the app registration lacks ${permission} — grant admin consent in Entra ID`;
export const LOG_PERMISSION = 'CallRecord-PstnCalls.Read.All';

/** The documented limits of the log functions (calls.md §6), per 60 s. */
export const LOG_REQUESTS_PER_MINUTE = 200;
export const LOG_REQUESTS_PER_MINUTE_PER_FUNCTION = 50;
type LogFunction = 'getPstnCalls' | 'getDirectRoutingCalls';

export class GraphClient {
  /** The renewal in flight, and the token it replaced: requests refused together renew once. */
  private renewal: { replaced: string; token: Promise<string> } | null = null;

  /** Pacing of the log functions: both together, and each one. */
  private readonly logPace = new Pace(LOG_REQUESTS_PER_MINUTE, 60_000);
  private readonly logFunctionPaces: Record<LogFunction, Pace> = { getPstnCalls: new Pace(LOG_REQUESTS_PER_MINUTE_PER_FUNCTION, 60_000), getDirectRoutingCalls: new Pace(LOG_REQUESTS_PER_MINUTE_PER_FUNCTION, 60_000) };

  constructor(private readonly o: GraphClientOptions) {}

  /** A new token after Graph refused `used`; shared by every request that was refused the same one. */
  private async renewed(used: string): Promise<string> {
    if (this.renewal?.replaced !== used) this.renewal = { replaced: used, token: this.o.tokens.token({ fresh: true }) };
    return this.renewal.token;
  }

  private url(pathOrUrl: string): string {
    return /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.o.baseUrl.replace(/\/+$/, '')}${pathOrUrl}`;
  }

  /** Pages of callRecords that started in `[start, end)` (without sessions or participants). */
  async *callRecordPages(start: Date, end: Date): AsyncGenerator<GraphCallRecord[]> {
    const filter = `startDateTime ge ${graphTime(start)} and startDateTime lt ${graphTime(end)}`;
    let url: string | null = this.url(`/communications/callRecords?$filter=${encodeURIComponent(filter)}`);
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const body = await this.get(url, this.o.pageSize ? { prefer: `odata.maxpagesize=${this.o.pageSize}` } : {});
      if (!body || !Array.isArray(body.value)) throw new TeamsError('DIALBOOK_TEAMS_PROTOCOL', 'Graph answered the callRecords list without a value array', { plugin: this.o.plugin });
      yield body.value as GraphCallRecord[];
      url = nextLinkOf(body);
    }
  }

  /** One record with its sessions (and segments) and its participants; null when Graph no longer has it (404). */
  async callRecord(id: string): Promise<GraphCallRecord | null> {
    const path = `/communications/callRecords/${encodeURIComponent(id)}`;
    const withSessions = await this.get(this.url(`${path}?$expand=${encodeURIComponent('sessions($expand=segments)')}`), { allow404: true });
    if (!withSessions) return null;
    const sessions = await this.expansion<GraphSession>(withSessions, 'sessions');
    const withParticipants = await this.get(this.url(`${path}?$expand=participants_v2`), { allow404: true });
    const participants = withParticipants ? await this.expansion<GraphParticipant>(withParticipants, 'participants_v2') : [];
    return { ...(withSessions as unknown as GraphCallRecord), ...(withParticipants as unknown as GraphCallRecord | null), sessions, participants_v2: participants };
  }

  /**
   * Rows of the PSTN or Direct Routing log whose call started in the window (calls.md §1.4): the
   * OData function with both bounds, pages of up to 1,000 followed by `@odata.nextLink` as given,
   * each request paced below the functions' limits (and through the per-app limiter).
   */
  async *logPages<T>(fn: LogFunction, start: Date, end: Date): AsyncGenerator<T[]> {
    let url: string | null = this.url(`/communications/callRecords/${fn}(fromDateTime=${graphTime(start)},toDateTime=${graphTime(end)})`);
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const at: string = url;
      const paces = [this.logPace, this.logFunctionPaces[fn]];
      const body = await this.o.limiter.run(async () => {
        await Pace.all(paces, this.o, this.o.signal);
        return this.request(at, { permission: LOG_PERMISSION });
      }, this.o.signal);
      if (!body || !Array.isArray(body.value)) throw new TeamsError('DIALBOOK_TEAMS_PROTOCOL', `Graph answered ${fn} without a value array`, { plugin: this.o.plugin });
      yield body.value as T[];
      url = nextLinkOf(body);
    }
  }

  /** One page of the list: the connection test. */
  async firstPage(start: Date, end: Date): Promise<GraphCallRecord[]> {
    for await (const page of this.callRecordPages(start, end)) return page;
    return [];
  }

  private async expansion<T>(body: Record<string, unknown>, key: string): Promise<T[]> {
    const items = Array.isArray(body[key]) ? [...(body[key] as T[])] : [];
    let next = nextLinkOf(body, key);
    for (let i = 0; next && i < MAX_EXPANSION_PAGES; i++) {
      const page = await this.get(next);
      if (!page) break;
      if (Array.isArray(page.value)) items.push(...(page.value as T[]));
      next = nextLinkOf(page);
    }
    return items;
  }

  /**
   * A change-notification subscription (calls.md §1.5): `POST /subscriptions` (Graph checks the
   * notification URLs with the validationToken handshake before it answers), `PATCH` a new
   * `expirationDateTime` (null: Graph no longer has it, 404), `DELETE` (a 404 is fine too).
   */
  createSubscription(body: Record<string, unknown>): Promise<Record<string, unknown> | null> {
    return this.get(this.url('/subscriptions'), { method: 'POST', body });
  }

  renewSubscription(id: string, expirationDateTime: string): Promise<Record<string, unknown> | null> {
    return this.get(this.url(`/subscriptions/${encodeURIComponent(id)}`), { method: 'PATCH', body: { expirationDateTime }, allow404: true });
  }

  async deleteSubscription(id: string): Promise<void> {
    await this.get(this.url(`/subscriptions/${encodeURIComponent(id)}`), { method: 'DELETE', allow404: true });
  }

  private get(url: string, extra: RequestExtra = {}): Promise<Record<string, unknown> | null> {
    return this.o.limiter.run(() => this.request(url, extra), this.o.signal);
  }

  private async request(url: string, extra: RequestExtra): Promise<Record<string, unknown> | null> {
    let renewed: string | null = null;
    for (let attempt = 0; ; attempt++) {
      this.o.signal?.throwIfAborted();
      const token = renewed ?? (await this.o.tokens.token());
      let res: Response;
      try {
        const signals = [AbortSignal.timeout(this.o.timeoutSeconds * 1000), ...(this.o.signal ? [this.o.signal] : [])];
        const body = extra.body === undefined ? {} : { body: JSON.stringify(extra.body) };
        const headers = { authorization: `Bearer ${token}`, accept: 'application/json', ...(extra.prefer ? { prefer: extra.prefer } : {}), ...(extra.body === undefined ? {} : { 'content-type': 'application/json' }) };
        res = await fetch(url, { method: extra.method ?? 'GET', headers, ...body, signal: AbortSignal.any(signals), redirect: 'error' });
      } catch (err) {
        if (this.o.signal?.aborted) throw err;
        if (attempt < this.o.maxRetries) {
          await this.o.sleep(this.backoff(attempt), this.o.signal);
          continue;
        }
        throw new TeamsError('DIALBOOK_TEAMS_UNREACHABLE', `Microsoft Graph could not be reached (${err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${this.o.timeoutSeconds} s` : 'network error'})`, { cause: err, plugin: this.o.plugin });
      }
      if (res.status === 204) return {};
      if (res.ok) {
        const body = (await res.json().catch(() => null)) as unknown;
        if (!body || typeof body !== 'object') throw new TeamsError('DIALBOOK_TEAMS_PROTOCOL', `Graph answered ${res.status} without a JSON object`, { plugin: this.o.plugin });
        return body as Record<string, unknown>;
      }
      const error = await graphErrorOf(res);
      if (res.status === 401 && !renewed) {
        // The token expired or was revoked mid-sync: one fresh token, then the same request again.
        renewed = await this.renewed(token);
        attempt--;
        continue;
      }
      if ((res.status === 429 || res.status === 503 || res.status === 502 || res.status === 504) && attempt < this.o.maxRetries) {
        const asked = retryAfterMs(res.headers.get('retry-after'), this.o.now());
        if (asked !== null && asked > this.o.maxRetryAfterSeconds * 1000) throw new TeamsError('DIALBOOK_TEAMS_THROTTLED', `Graph asked to wait ${Math.ceil(asked / 1000)} s (${res.status}), longer than the ${this.o.maxRetryAfterSeconds} s honoured; try again later`, { plugin: this.o.plugin });
        const ms = asked ?? this.backoff(attempt);
        this.o.onThrottle?.(ms, res.status);
        await this.o.sleep(ms, this.o.signal);
        continue;
      }
      if (res.status === 404 && extra.allow404) return null;
      throw this.failure(res.status, error, extra.permission ?? 'CallRecords.Read.All');
    }
  }

  /** 1 s, 2 s, 4 s … up to a minute. */
  private backoff(attempt: number): number {
    return Math.min(60_000, 1000 * 2 ** attempt);
  }

  private failure(status: number, error: { code: string | null; message: string | null }, permission: string): TeamsError {
    const plugin = this.o.plugin;
    const code = error.code ? ` (${error.code})` : '';
    if (status === 401) return new TeamsError('DIALBOOK_TEAMS_AUTH', `Graph refused the token twice${code}: check the tenant and the app registration`, { plugin });
    if (status === 403) return new TeamsError('DIALBOOK_TEAMS_CONSENT', `Graph refused access to ${permission === LOG_PERMISSION ? 'the PSTN and Direct Routing logs' : 'call records'}${code}: ${permissionText(permission)}`, { plugin, details: { permission } });
    if (status === 429 || status === 503) return new TeamsError('DIALBOOK_TEAMS_THROTTLED', `Graph kept answering ${status}${code} after ${this.o.maxRetries} retries; try again later`, { plugin });
    if (status >= 500) return new TeamsError('DIALBOOK_TEAMS_UNREACHABLE', `Microsoft Graph failed with ${status}${code}`, { plugin });
    return new TeamsError('DIALBOOK_TEAMS_PROTOCOL', `Graph refused the request with ${status}${code}${error.message ? `: ${error.message.slice(0, 200)}` : ''}`, { plugin });
  }
}

/** Graph's error body `{ error: { code, message } }`: code and message only. */
async function graphErrorOf(res: Response): Promise<{ code: string | null; message: string | null }> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
  const code = typeof body?.error?.code === 'string' ? body.error.code.slice(0, 100) : null;
  const message = typeof body?.error?.message === 'string' ? body.error.message : null;
  return { code, message };
}
