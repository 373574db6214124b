/**
 * The seller report's figures (`GET /routing/reports/summary`): tiles for calls, connect rate, converted and
 * average talk time, then the same figures per campaign and per client.
 */
import type { RoutingSummary } from '../../api/reports';
import { formatDuration } from '../../components/calls/format';
import { columnHelper, DataTable } from '../../ui/table';

/** 0..1 → `42.5 %`. */
export const percent = (rate: number) => `${Math.round(rate * 1000) / 10} %`;

type Row = RoutingSummary['campaigns'][number] | RoutingSummary['clients'][number];
type Keyed = Row & { key: string; label: string };

export function SummaryTiles({ totals }: { totals: RoutingSummary['totals'] }) {
  return (
    <dl className="stat-tiles" aria-label="Totals">
      <div>
        <dt>Calls</dt>
        <dd>{totals.calls}</dd>
      </div>
      <div>
        <dt>Connect rate</dt>
        <dd>{percent(totals.connectRate)}</dd>
      </div>
      <div>
        <dt>Converted</dt>
        <dd>{totals.converted}</dd>
      </div>
      <div>
        <dt>Average talk time</dt>
        <dd>{formatDuration(Math.round(totals.averageTalkSeconds))}</dd>
      </div>
    </dl>
  );
}

const col = columnHelper<Keyed>();
const figures = (first: string) =>
  col.columns([
    col.accessor('label', { header: first, enableSorting: true, meta: { cardTitle: true } }),
    col.accessor('calls', { header: 'Calls' }),
    col.accessor('connected', { header: 'Connected' }),
    col.accessor('connectRate', { header: 'Connect rate', cell: (c) => percent(c.getValue()) }),
    col.accessor('converted', { header: 'Converted' }),
    col.accessor('averageTalkSeconds', { header: 'Average talk', cell: (c) => formatDuration(Math.round(c.getValue())) }),
  ]);
const campaignColumns = figures('Campaign');
const clientColumns = figures('Client');

/** Per campaign and per client, most calls first (as the API orders them). */
export function SummaryTables({ summary }: { summary: RoutingSummary }) {
  const campaigns: Keyed[] = summary.campaigns.map((c) => ({ ...c, key: c.campaignId, label: c.name }));
  const clients: Keyed[] = summary.clients.map((c) => ({ ...c, key: c.clientId ?? 'none', label: c.name ?? 'No client reached' }));
  return (
    <div className="report-tables">
      <h2>Per campaign</h2>
      <DataTable label="Per campaign" cards="phone" columns={campaignColumns} rows={campaigns} rowId={(r) => r.key} empty="No calls in any campaign." />
      <h2>Per client</h2>
      <DataTable label="Per client" cards="phone" columns={clientColumns} rows={clients} rowId={(r) => r.key} empty="No calls reached a client." />
    </div>
  );
}
