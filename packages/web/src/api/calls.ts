/**
 * The call log's filters and its three read-only endpoints the typed client does not know yet
 * (`/calls/sources`, `/calls/stats`, `/calls/export`): hand-written types of their contract, plain `fetch`
 * (same-origin credentials) through `getJson`. The list, the record and its edits go through the typed `api`.
 *
 * ```ts
 * const filters = callFilters(params);           // from the URL
 * const stats = useCallStats(filters, 'day');    // { timeZone, totals, groups }
 * <a href={callExportUrl(filters, 'csv')}>CSV</a>
 * ```
 */
import { useQuery } from '@tanstack/react-query';
import { API_BASE, ApiError, getJson, type Schemas } from './client';

export type Call = Schemas['Call'];
export type CallDirection = Call['direction'];
export type CallStatus = Call['status'];

export const CALL_DIRECTIONS: CallDirection[] = ['inbound', 'outbound', 'internal'];
export const CALL_STATUSES: CallStatus[] = ['ringing', 'in_progress', 'answered', 'missed', 'busy', 'failed', 'voicemail', 'blocked', 'canceled'];

/** `GET /calls/sources`: the registered call sources, `manual` first. */
export interface CallSourceInfo {
  id: string;
  label: string;
  /** The plugin that registered it; null for core's own (`manual`). */
  plugin: string | null;
}

export type StatsGroupBy = 'day' | 'week' | 'hour' | 'user' | 'source' | 'direction' | 'status' | 'remote';

export interface CallFigures {
  count: number;
  answered: number;
  missed: number;
  /** 0..1; null without calls. */
  answeredRate: number | null;
  totalDurationSeconds: number;
  avgDurationSeconds: number | null;
}
export interface CallStatsGroup extends CallFigures {
  /** `YYYY-MM-DD` (day, ascending, gap-filled), `00`..`23` (hour), `contact:<uuid>` or `number:<…>` (remote). */
  key: string;
  label: string;
}
/** `GET /calls/stats`. */
export interface CallStats {
  /** The time zone days and hours are counted in. */
  timeZone: string;
  groupBy: StatsGroupBy;
  totals: CallFigures;
  groups: CallStatsGroup[];
}

/** The list filters, as `GET /calls`, `/calls/stats` and `/calls/export` take them. */
export interface CallFilters {
  siteId?: string;
  userId?: string;
  start?: string;
  end?: string;
  source?: string;
  direction?: CallDirection;
  status?: CallStatus;
  number?: string;
  contactId?: string;
  q?: string;
}
export const FILTER_KEYS = ['siteId', 'userId', 'start', 'end', 'source', 'direction', 'status', 'number', 'contactId', 'q'] as const satisfies readonly (keyof CallFilters)[];

/** The filters in a URL's query string (unknown directions and statuses are left out). */
export function callFilters(params: URLSearchParams): CallFilters {
  const out: CallFilters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k)?.trim();
    if (!v) continue;
    if (k === 'direction' && !(CALL_DIRECTIONS as string[]).includes(v)) continue;
    if (k === 'status' && !(CALL_STATUSES as string[]).includes(v)) continue;
    (out as Record<string, string>)[k] = v;
  }
  return out;
}

/** The filters (and more parameters) as a query string, without a leading `?`. */
export function callQueryString(filters: CallFilters, extra: Record<string, string | number | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v !== undefined && v !== '') p.set(k, String(v));
  return p.toString();
}

/** The manual source, when `/calls/sources` cannot be read (an older server). */
const FALLBACK_SOURCES: CallSourceInfo[] = [{ id: 'manual', label: 'Manual', plugin: null }];

export const useCallSources = () =>
  useQuery({
    queryKey: ['calls', 'sources'],
    queryFn: () =>
      getJson<CallSourceInfo[]>(`${API_BASE}/calls/sources`).catch((err: unknown) => {
        // A server without the endpoint answers 404 (or 422, taking `sources` for a call id): offer manual only.
        if (err instanceof ApiError && (err.status === 404 || err.status === 422)) return FALLBACK_SOURCES;
        throw err;
      }),
    staleTime: 60_000,
  });

export const useCallStats = (filters: CallFilters, groupBy: StatsGroupBy, limit?: number) =>
  useQuery({
    queryKey: ['calls', 'stats', groupBy, limit ?? null, filters],
    queryFn: () => getJson<CallStats>(`${API_BASE}/calls/stats?${callQueryString(filters, { groupBy, limit })}`),
  });

/** Where the current selection downloads as a file (the server answers with an attachment). */
export const callExportUrl = (filters: CallFilters, format: 'csv' | 'xlsx'): string => `${API_BASE}/calls/export?${callQueryString(filters, { format })}`;

/** Where a call's recording or voicemail plays (streamed through Dialbook with the caller's rights). */
export const recordingUrl = (id: string): string => `${API_BASE}/calls/${encodeURIComponent(id)}/recording`;
