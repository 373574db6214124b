/**
 * Seller reports (issue 15 item 9): the filters of `GET /routing/reports/*` kept in the URL, the summary and
 * the keyset pages of routed calls, and where the CSV of the selection downloads.
 *
 * ```ts
 * const filters = reportFilters(params);         // from the URL
 * const summary = useReportSummary(filters);     // { totals, campaigns, clients }
 * <a href={reportExportUrl(filters)}>CSV</a>
 * ```
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { API_BASE, api, ok, type Schemas } from './client';

export type RoutedCall = Schemas['RoutedCall'];
export type RoutingSummary = Schemas['RoutingSummary'];
export type ReportOutcome = RoutedCall['outcome'];

export const REPORT_OUTCOMES: ReportOutcome[] = ['converted', 'connected', 'no_answer', 'busy', 'failed', 'canceled', 'pending'];
export const OUTCOME_LABELS: Record<ReportOutcome, string> = { converted: 'Converted', connected: 'Connected', no_answer: 'No answer', busy: 'Busy', failed: 'Failed', canceled: 'Canceled', pending: 'Pending' };

/** The report filters as the API takes them (`sellerId` only for admin and staff). */
export interface ReportFilters {
  start?: string;
  end?: string;
  sellerId?: string;
  campaignId?: string;
  didId?: string;
  clientId?: string;
  outcome?: ReportOutcome;
}
export const REPORT_FILTER_KEYS = ['start', 'end', 'sellerId', 'campaignId', 'didId', 'clientId', 'outcome'] as const satisfies readonly (keyof ReportFilters)[];

/** The filters in a URL's query string (an unknown outcome is left out). */
export function reportFilters(params: URLSearchParams): ReportFilters {
  const out: ReportFilters = {};
  for (const k of REPORT_FILTER_KEYS) {
    const v = params.get(k)?.trim();
    if (!v) continue;
    if (k === 'outcome' && !(REPORT_OUTCOMES as string[]).includes(v)) continue;
    (out as Record<string, string>)[k] = v;
  }
  return out;
}

/** The filters as a query string, without a leading `?`. */
export const reportQueryString = (filters: ReportFilters): string => {
  const p = new URLSearchParams();
  for (const k of REPORT_FILTER_KEYS) if (filters[k]) p.set(k, filters[k]);
  return p.toString();
};

/** `GET /routing/reports/summary` over the filters (the outcome filter is the list's only). */
export const useReportSummary = (filters: ReportFilters) => {
  const { outcome: _outcome, ...query } = filters;
  return useQuery({ queryKey: ['routing', 'reports', 'summary', query], queryFn: () => ok(api.GET('/routing/reports/summary', { params: { query } })) });
};

/** The pages of routed calls of these filters, newest first, appended by `fetchNextPage`. */
export const useRoutedCallPages = (filters: ReportFilters, limit = 50) =>
  useInfiniteQuery({
    queryKey: ['routing', 'reports', 'calls', filters, limit],
    queryFn: ({ pageParam }) => ok(api.GET('/routing/reports/calls', { params: { query: { ...filters, limit, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.next ?? undefined,
  });

/** Where the selection downloads as CSV (the server answers with an attachment). */
export const reportExportUrl = (filters: ReportFilters): string => {
  const q = reportQueryString(filters);
  return `${API_BASE}/routing/reports/calls/export${q ? `?${q}` : ''}`;
};
