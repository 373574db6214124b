/**
 * Reports (`/routing/reports`, issue 15 items 9 and 11): a seller's routed calls — a seller sees their own,
 * admin and staff everyone's with a seller filter. Summary tiles (calls, connect rate, converted, average
 * talk time), the figures per campaign and per client, and the calls newest first in keyset pages ("Load
 * more", `?limit=` sets the page size, default 50), all following the filters kept in the URL; Export CSV downloads the API's CSV of the same filters.
 */
import { useQuery } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { useCallback, useMemo } from 'react';
import { api, ApiError, ok } from '../../api/client';
import { OUTCOME_LABELS, reportExportUrl, reportFilters, reportQueryString, useReportSummary, useRoutedCallPages, type ReportFilters, type RoutedCall } from '../../api/reports';
import { useCampaigns, useDids, useRoutingClients } from '../../api/routing';
import { useAuth } from '../../auth';
import { formatDuration } from '../../components/calls/format';
import { useSearchParams } from '../../router';
import { formatDate, QueryState } from '../../ui/states';
import { columnHelper, DataTable } from '../../ui/table';
import { ReportFiltersBar, type Choice } from './ReportFiltersBar';
import { SummaryTables, SummaryTiles } from './ReportSummary';
import '../../components/calls/calls.css';

const col = columnHelper<RoutedCall>();
const columns = col.columns([
  col.accessor('startedAt', { header: 'Started', meta: { cardTitle: true }, cell: (c) => formatDate(c.getValue()) }),
  col.accessor('campaignName', { header: 'Campaign' }),
  col.accessor('did', { header: 'DID', cell: (c) => <code>{c.getValue()}</code> }),
  col.accessor((r) => r.caller ?? '—', { id: 'caller', header: 'Caller' }),
  col.accessor((r) => r.clientName ?? '—', { id: 'client', header: 'Client' }),
  col.accessor((r) => OUTCOME_LABELS[r.outcome], { id: 'outcome', header: 'Outcome', cell: (c) => <span className={`badge outcome-${c.row.original.outcome}`}>{c.getValue()}</span> }),
  col.accessor('talkSeconds', { header: 'Talk', cell: (c) => formatDuration(c.getValue()) }),
]);

export function ReportsPage() {
  const [params, setParams] = useSearchParams();
  const { isAtLeast } = useAuth();
  const staff = isAtLeast('staff');
  const search = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- a new object only when the query string changes
  const filters = useMemo<ReportFilters>(() => reportFilters(params), [search]);
  const set = useCallback((next: Record<string, string | null | undefined>) => setParams(next), [setParams]);
  const summary = useReportSummary(filters);
  const limit = Math.min(500, Math.max(1, Number(params.get('limit')) || 50));
  const list = useRoutedCallPages(filters, limit);
  const campaigns = useCampaigns();
  const dids = useDids();
  const clients = useRoutingClients(staff);
  const users = useQuery({ queryKey: ['users'], queryFn: () => ok(api.GET('/users')), enabled: staff });

  // The choices a viewer may filter by; a seller's clients are those their calls reached (they cannot list clients).
  const campaignChoices: Choice[] = (campaigns.data ?? []).filter((c) => !filters.sellerId || c.ownerId === filters.sellerId).map((c) => ({ id: c.id, label: c.name }));
  const didChoices: Choice[] = (dids.data ?? []).filter((d) => !filters.sellerId || d.ownerId === filters.sellerId).map((d) => ({ id: d.id, label: d.label ? `${d.number} (${d.label})` : d.number }));
  const clientChoices: Choice[] = staff ? (clients.data ?? []).map((c) => ({ id: c.id, label: c.name })) : (summary.data?.clients ?? []).flatMap((c) => (c.clientId ? [{ id: c.clientId, label: c.name ?? c.clientId }] : []));
  const refused = list.error instanceof ApiError ? list.error.fieldErrors() : {};
  const fieldError = (name: string) => refused[`query.${name}`];
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items), [list.data]);
  const filtered = reportQueryString(filters) !== '';

  return (
    <section>
      <header className="page-head">
        <div>
          <h1>Reports</h1>
          <p className="muted small">{staff ? 'Routed calls of every seller.' : 'The routed calls of your campaigns.'} Newest first.</p>
        </div>
        <div className="actions" role="toolbar" aria-label="Report actions">
          <a className="button" href={reportExportUrl(filters)} download>
            <Download size={14} aria-hidden="true" /> Export CSV
          </a>
        </div>
      </header>

      <ReportFiltersBar filters={filters} set={set} sellers={staff ? users.data?.items : undefined} campaigns={campaignChoices} dids={didChoices} clients={clientChoices} fieldError={fieldError} />

      <QueryState query={summary} what="Counting the calls">
        {(s) => (
          <>
            <SummaryTiles totals={s.totals} />
            {s.totals.calls > 0 && <SummaryTables summary={s} />}
          </>
        )}
      </QueryState>

      <h2>Calls</h2>
      <DataTable label="Routed calls" className="calls" cards="tablet" columns={columns} rows={rows} rowId={(r) => r.callId} query={list} loading="Loading the calls" empty={filtered ? 'No routed call matches these filters.' : 'No routed calls yet.'} />
      {rows && rows.length > 0 && (
        <nav className="pager" aria-label="Pages">
          <span>
            {rows.length} call{rows.length === 1 ? '' : 's'} shown{list.hasNextPage ? '' : ' · all of them'}
          </span>
          {list.hasNextPage && (
            <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
        </nav>
      )}
    </section>
  );
}
