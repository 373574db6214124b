/**
 * The call filters, all kept in the URL: search (name or number, applied a moment after typing stops), dates,
 * direction, status, source, user (staff: every user; a user sees their own sites' calls anyway) and site
 * (when there are several). A contact filter (from a contact's page) shows as a removable chip.
 */
import { useEffect, useState } from 'react';
import { CALL_DIRECTIONS, CALL_STATUSES, type CallFilters, type CallSourceInfo } from '../../api/calls';
import type { Site, User } from '../../api/client';
import { DateRangeFilter } from './DateRangeFilter';
import { DIRECTION_LABELS, STATUS_LABELS } from '../../components/calls/format';

export interface CallFiltersBarProps {
  filters: CallFilters;
  set: (next: Partial<Record<keyof CallFilters, string | null>>) => void;
  sources: CallSourceInfo[] | undefined;
  users: User[] | undefined;
  sites: Site[] | undefined;
  contactName: string | undefined;
  fieldError: (name: string) => string | undefined;
}

export function CallFiltersBar({ filters, set, sources, users, sites, contactName, fieldError }: CallFiltersBarProps) {
  const [q, setQ] = useState(filters.q ?? '');
  const [last, setLast] = useState(filters.q);
  if (filters.q !== last) {
    setLast(filters.q);
    setQ(filters.q ?? '');
  }
  useEffect(() => {
    if (q.trim() === (filters.q ?? '')) return;
    const t = setTimeout(() => set({ q: q.trim() || null }), 300);
    return () => clearTimeout(t);
  }, [q, filters.q, set]);
  const any = Object.values(filters).some(Boolean);
  const userLabel = (u: User) => [u.firstName, u.lastName].filter(Boolean).join(' ') || u.email;
  return (
    <form className="card call-filters" aria-label="Call filters" onSubmit={(e) => (e.preventDefault(), set({ q: q.trim() || null }))}>
      <div className="filter-grid">
        <label className="grow">
          Search
          <input type="search" value={q} placeholder="Name or number…" onChange={(e) => setQ(e.target.value)} aria-label="Search calls" aria-invalid={!!fieldError('q')} />
          {fieldError('q') && <small className="field-error">{fieldError('q')}</small>}
        </label>
        <DateRangeFilter start={filters.start} end={filters.end} onChange={(r) => set(r)} />
        <label>
          Direction
          <select value={filters.direction ?? ''} onChange={(e) => set({ direction: e.target.value || null })}>
            <option value="">All directions</option>
            {CALL_DIRECTIONS.map((d) => (
              <option key={d} value={d}>
                {DIRECTION_LABELS[d]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={filters.status ?? ''} onChange={(e) => set({ status: e.target.value || null })}>
            <option value="">All statuses</option>
            {CALL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Source
          <select value={filters.source ?? ''} onChange={(e) => set({ source: e.target.value || null })}>
            <option value="">All sources</option>
            {sources?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
            {filters.source && sources && !sources.some((s) => s.id === filters.source) && <option value={filters.source}>{filters.source}</option>}
          </select>
        </label>
        {users && (
          <label>
            User
            <select value={filters.userId ?? ''} onChange={(e) => set({ userId: e.target.value || null })}>
              <option value="">All users</option>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {userLabel(u)}
                </option>
              ))}
            </select>
          </label>
        )}
        {sites && sites.length > 1 && (
          <label>
            Site
            <select value={filters.siteId ?? ''} onChange={(e) => set({ siteId: e.target.value || null })}>
              <option value="">All sites</option>
              {sites.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {(fieldError('start') || fieldError('end')) && <p className="field-error">{fieldError('start') ?? fieldError('end')}</p>}
      <div className="actions">
        {filters.contactId && (
          <span className="tag">
            Contact: {contactName ?? filters.contactId}{' '}
            <button type="button" className="link" aria-label="Remove the contact filter" onClick={() => set({ contactId: null })}>
              ×
            </button>
          </span>
        )}
        {filters.number && (
          <span className="tag">
            Number: {filters.number}{' '}
            <button type="button" className="link" aria-label="Remove the number filter" onClick={() => set({ number: null })}>
              ×
            </button>
          </span>
        )}
        <button
          type="button"
          className="link"
          disabled={!any}
          onClick={() => {
            setQ('');
            set({ siteId: null, userId: null, start: null, end: null, source: null, direction: null, status: null, number: null, contactId: null, q: null });
          }}
        >
          Clear filters
        </button>
      </div>
    </form>
  );
}
