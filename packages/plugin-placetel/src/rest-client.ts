/**
 * The REST API v2 (calls.md §2.3): `Authorization: Bearer <API key>`, JSON answers, `429` with
 * `Retry-After` honoured for a bounded number of retries (as are 5xx and network failures).
 * No key, URL or answer body goes into an error message or the log.
 */
import { PlacetelError } from './errors.js';
import type { RestCall } from './rest-mapping.js';

export interface RestClientOptions {
  baseUrl: string;
  apiKey: string;
  maxRetries: number;
  maxRetryAfterSeconds: number;
  timeoutSeconds: number;
  plugin: string;
  signal?: AbortSignal;
  /** Tests: a faster wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told about each wait for a 429 (the job's message). */
  onThrottle?: (waitMs: number, attempt: number) => void;
}

const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/** Retry-After in ms: delta-seconds or an HTTP date; a missing or unreadable one is 1 s. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (!header) return 1000;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
}

export class PlacetelRestClient {
  constructor(private readonly o: RestClientOptions) {}

  /** `GET /me`: the account the key belongs to. */
  me(): Promise<{ name?: string; company?: string; [k: string]: unknown }> {
    return this.get('/me') as Promise<{ name?: string; company?: string }>;
  }

  /** One page of one day's calls (a bare array; a page shorter than `perPage` is the last). */
  async calls(day: string, page: number, perPage: number): Promise<RestCall[]> {
    const q = new URLSearchParams({ 'filter[date]': day, page: String(page), per_page: String(perPage) });
    const rows = await this.get(`/calls?${q}`);
    if (!Array.isArray(rows)) throw new PlacetelError('DIALBOOK_PLACETEL_PROTOCOL', 'GET /calls did not answer a JSON array of calls', { plugin: this.o.plugin });
    return rows as RestCall[];
  }

  private async get(path: string): Promise<unknown> {
    const url = `${this.o.baseUrl.replace(/\/+$/, '')}${path}`;
    const what = `GET ${path.split('?')[0]}`;
    const sleep = this.o.sleep ?? wait;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        const timeout = AbortSignal.timeout(this.o.timeoutSeconds * 1000);
        res = await fetch(url, { headers: { authorization: `Bearer ${this.o.apiKey}`, accept: 'application/json' }, signal: this.o.signal ? AbortSignal.any([this.o.signal, timeout]) : timeout });
      } catch (cause) {
        if (this.o.signal?.aborted) throw cause;
        if (attempt < this.o.maxRetries) {
          await sleep(500 * 2 ** attempt, this.o.signal);
          continue;
        }
        throw new PlacetelError('DIALBOOK_PLACETEL_UNREACHABLE', `${what}: Placetel's API could not be reached (${cause instanceof Error ? cause.message : String(cause)})`, { cause, plugin: this.o.plugin });
      }
      if (res.ok) {
        try {
          return await res.json();
        } catch (cause) {
          throw new PlacetelError('DIALBOOK_PLACETEL_PROTOCOL', `${what}: the answer is not JSON`, { cause, plugin: this.o.plugin });
        }
      }
      await res.body?.cancel();
      if (res.status === 401 || res.status === 403) throw new PlacetelError('DIALBOOK_PLACETEL_AUTH', `${what}: Placetel refused the API key (HTTP ${res.status}); check apiKey (Placetel: Integrations → Web API)`, { plugin: this.o.plugin, details: { httpStatus: res.status } });
      if (res.status === 429 || res.status >= 500) {
        const ms = res.status === 429 ? retryAfterMs(res.headers.get('retry-after')) : 500 * 2 ** attempt;
        if (attempt < this.o.maxRetries && ms <= this.o.maxRetryAfterSeconds * 1000) {
          if (res.status === 429) this.o.onThrottle?.(ms, attempt + 1);
          await sleep(ms, this.o.signal);
          continue;
        }
        if (res.status === 429) throw new PlacetelError('DIALBOOK_PLACETEL_THROTTLED', `${what}: Placetel's rate limit held after ${attempt + 1} attempt(s) (Retry-After ${Math.ceil(ms / 1000)} s); try again later`, { plugin: this.o.plugin, details: { retryAfterMs: ms } });
      }
      throw new PlacetelError('DIALBOOK_PLACETEL_PROTOCOL', `${what}: Placetel answered HTTP ${res.status}`, { plugin: this.o.plugin, details: { httpStatus: res.status } });
    }
  }
}
