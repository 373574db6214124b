/**
 * The seller report's filters, all kept in the URL: dates, campaign, DID, client and outcome, and for admin
 * and staff the seller. Each select lists what the viewer may see (a seller: their own campaigns and DIDs,
 * the clients their calls reached).
 */
import type { User } from '../../api/client';
import { OUTCOME_LABELS, REPORT_FILTER_KEYS, REPORT_OUTCOMES, type ReportFilters } from '../../api/reports';
import { DateRangeFilter } from '../calls/DateRangeFilter';

/** One option of a filter select. */
export interface Choice {
  id: string;
  label: string;
}

export interface ReportFiltersBarProps {
  filters: ReportFilters;
  set: (next: Partial<Record<keyof ReportFilters, string | null>>) => void;
  /** Admin and staff: the users to pick a seller from; sellers: undefined (no seller filter). */
  sellers: User[] | undefined;
  campaigns: Choice[];
  dids: Choice[];
  clients: Choice[];
  fieldError: (name: string) => string | undefined;
}

function Select({ label, value, all, choices, onChange, error }: { label: string; value: string | undefined; all: string; choices: Choice[]; onChange: (v: string | null) => void; error: string | undefined }) {
  const known = !value || choices.some((c) => c.id === value);
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} aria-invalid={!!error}>
        <option value="">{all}</option>
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {c.label}
          </option>
        ))}
        {!known && <option value={value}>{value}</option>}
      </select>
      {error && <small className="field-error">{error}</small>}
    </label>
  );
}

export function ReportFiltersBar({ filters, set, sellers, campaigns, dids, clients, fieldError }: ReportFiltersBarProps) {
  const any = REPORT_FILTER_KEYS.some((k) => filters[k]);
  const userLabel = (u: User) => [u.firstName, u.lastName].filter(Boolean).join(' ') || u.email;
  return (
    <form className="card call-filters" aria-label="Report filters" onSubmit={(e) => e.preventDefault()}>
      <div className="filter-grid">
        <DateRangeFilter start={filters.start} end={filters.end} onChange={(r) => set(r)} />
        {sellers && <Select label="Seller" value={filters.sellerId} all="All sellers" choices={sellers.map((u) => ({ id: u.id, label: userLabel(u) }))} onChange={(v) => set({ sellerId: v })} error={fieldError('sellerId')} />}
        <Select label="Campaign" value={filters.campaignId} all="All campaigns" choices={campaigns} onChange={(v) => set({ campaignId: v })} error={fieldError('campaignId')} />
        <Select label="DID" value={filters.didId} all="All DIDs" choices={dids} onChange={(v) => set({ didId: v })} error={fieldError('didId')} />
        <Select label="Client" value={filters.clientId} all="All clients" choices={clients} onChange={(v) => set({ clientId: v })} error={fieldError('clientId')} />
        <Select label="Outcome" value={filters.outcome} all="All outcomes" choices={REPORT_OUTCOMES.map((o) => ({ id: o, label: OUTCOME_LABELS[o] }))} onChange={(v) => set({ outcome: v })} error={fieldError('outcome')} />
      </div>
      {(fieldError('start') || fieldError('end')) && <p className="field-error">{fieldError('start') ?? fieldError('end')}</p>}
      <div className="actions">
        <button type="button" className="link" disabled={!any} onClick={() => set(Object.fromEntries(REPORT_FILTER_KEYS.map((k) => [k, null])))}>
          Clear filters
        </button>
      </div>
    </form>
  );
}
