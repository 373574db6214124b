/**
 * Audit: who did what, newest first (`GET /audit`, staff and administrators). Phone directory fetches show
 * the phonebook, vendor, status, the device parsed from the phone's User-Agent and the client address.
 * Filters (action, phonebook, actor, time range) and the page live in the URL.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, ApiError, ok, type Schemas } from '../api/client';
import { usePhonebooks, useSites } from '../api/queries';
import { Link, useSearchParams } from '../router';
import { columnHelper, DataTable, pageOf, urlPages } from '../ui/table';

type AuditEvent = Schemas['AuditEvent'];
type Detail = NonNullable<Schemas['AuditDetail']>;

/** Action filters offered in the select; the API takes one action or several separated by commas. */
const ACTIONS: { value: string; label: string }[] = [
  { value: 'directory.served', label: 'Directory fetches' },
  { value: 'auth.signin,auth.signin-failed', label: 'Sign-ins (and failed ones)' },
  { value: 'auth.signin-failed', label: 'Failed sign-ins' },
  { value: 'user.signup,user.reset-requested,user.password-reset', label: 'Sign-ups and password resets' },
  { value: 'user.created,user.invited,user.updated,user.deleted', label: 'User accounts' },
  { value: 'token.created,token.revoked', label: 'API tokens' },
];
const LABELS: Record<string, string> = {
  'directory.served': 'Directory fetch',
  'auth.signin': 'Sign-in',
  'auth.signin-failed': 'Failed sign-in',
  'user.signup': 'Sign-up',
  'user.reset-requested': 'Password reset requested',
  'user.password-reset': 'Password reset',
  'user.created': 'User created',
  'user.invited': 'Invitation sent',
  'user.updated': 'User changed',
  'user.deleted': 'User deleted',
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
};
const HOUR = 3_600_000;

/** ISO time → the value of a `datetime-local` input (local time, minutes). */
const toLocalInput = (iso: string | undefined): string => {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
/** A `datetime-local` value (local time) → ISO with `Z`, as the API wants it. */
const fromLocalInput = (value: string): string | null => {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const sites = useSites();
  const books = usePhonebooks();
  const pages = urlPages(params, setParams);
  const filters = {
    action: params.get('action') ?? undefined,
    phonebookId: params.get('phonebookId') ?? undefined,
    actor: params.get('actor') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
  };
  // Checked here too, so an impossible range says so at the field instead of asking the server.
  const rangeError = filters.from && filters.to && Date.parse(filters.from) >= Date.parse(filters.to) ? 'To must be later than From.' : null;
  const query = { ...filters, page: pages.page, pageSize: pages.pageSize };
  const list = useQuery({
    queryKey: ['audit', query],
    queryFn: () => ok(api.GET('/audit', { params: { query } })),
    placeholderData: keepPreviousData,
    enabled: !rangeError,
  });
  const apiFieldErrors = list.error instanceof ApiError ? list.error.fieldErrors() : {};
  const fieldError = (name: string) => apiFieldErrors[`query.${name}`];

  const bookName = (id: string | null | undefined) => (id ? books.data?.find((b) => b.id === id)?.name : undefined);
  const siteName = (id: string | null | undefined) => (id ? sites.data?.find((s) => s.id === id)?.name : undefined);
  const manySites = (sites.data?.length ?? 0) > 1;
  const filtered = Object.values(filters).some(Boolean);
  const set = (next: Record<string, string | null | undefined>) => setParams({ ...next, page: null });
  const columns = useMemo(() => auditColumns({ onAction: (action) => setParams({ action, page: null }) }), [setParams]);
  const knownAction = !filters.action || ACTIONS.some((a) => a.value === filters.action);

  return (
    <section>
      <header className="page-head">
        <div>
          <h1>Audit</h1>
          <p className="muted small">Who did what: API changes, sign-ins, accounts, and every directory fetch by a phone. Newest first.</p>
        </div>
        <div className="actions">
          <button type="button" onClick={() => void list.refetch()} disabled={list.isFetching || !!rangeError}>
            {list.isFetching ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </header>

      <form className="card audit-filters" aria-label="Audit filters" onSubmit={(e) => e.preventDefault()}>
        <div className="filter-grid">
          <label>
            Action
            <select value={filters.action ?? ''} onChange={(e) => set({ action: e.target.value })} aria-invalid={!!fieldError('action')}>
              <option value="">All actions</option>
              {ACTIONS.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
              {!knownAction && <option value={filters.action}>{filters.action}</option>}
            </select>
            {fieldError('action') && <small className="field-error">{fieldError('action')}</small>}
          </label>
          <label>
            Phonebook
            <select value={filters.phonebookId ?? ''} onChange={(e) => set({ phonebookId: e.target.value })}>
              <option value="">All phonebooks</option>
              {books.data?.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                  {manySites && siteName(b.siteId) ? ` (${siteName(b.siteId)})` : ''}
                </option>
              ))}
              {filters.phonebookId && books.data && !bookName(filters.phonebookId) && <option value={filters.phonebookId}>{filters.phonebookId}</option>}
            </select>
          </label>
          <ActorInput value={filters.actor} error={fieldError('actor')} onChange={(v) => set({ actor: v })} />
          <label>
            From
            <input type="datetime-local" value={toLocalInput(filters.from)} onChange={(e) => set({ from: fromLocalInput(e.target.value) })} aria-invalid={!!fieldError('from')} />
            {fieldError('from') && <small className="field-error">{fieldError('from')}</small>}
          </label>
          <label>
            To
            <input type="datetime-local" value={toLocalInput(filters.to)} onChange={(e) => set({ to: fromLocalInput(e.target.value) })} aria-invalid={!!(rangeError || fieldError('to'))} aria-describedby={rangeError ? 'audit-range-error' : undefined} />
            {(rangeError ?? fieldError('to')) && (
              <small className="field-error" id="audit-range-error">
                {rangeError ?? fieldError('to')}
              </small>
            )}
          </label>
        </div>
        <div className="actions audit-quick" role="group" aria-label="Time range">
          <span className="muted small">Time range:</span>
          <button type="button" onClick={() => set({ from: new Date(Date.now() - HOUR).toISOString(), to: null })}>
            Last hour
          </button>
          <button type="button" onClick={() => set({ from: new Date(Date.now() - 24 * HOUR).toISOString(), to: null })}>
            Last 24 hours
          </button>
          <button type="button" onClick={() => set({ from: new Date(Date.now() - 7 * 24 * HOUR).toISOString(), to: null })}>
            Last 7 days
          </button>
          <button type="button" className="link" disabled={!filtered} onClick={() => set({ action: null, phonebookId: null, actor: null, from: null, to: null })}>
            Clear filters
          </button>
        </div>
      </form>

      {!rangeError && (
        <DataTable label="Audit events" className="audit" cards="tablet" columns={columns} {...pageOf(list, pages, 'event')} loading="Loading the audit log" empty={filtered ? 'No audit event matches these filters.' : 'Nothing has been recorded yet.'} />
      )}
    </section>
  );
}

/** The actor filter: applied on Enter or when leaving the field. */
function ActorInput({ value, error, onChange }: { value: string | undefined; error: string | undefined; onChange: (v: string) => void }) {
  const [draft, setDraft] = useState(value ?? '');
  const [last, setLast] = useState(value);
  if (value !== last) {
    setLast(value);
    setDraft(value ?? '');
  }
  const apply = () => draft.trim() !== (value ?? '') && onChange(draft.trim());
  return (
    <label>
      Actor
      <input value={draft} placeholder="e-mail, user:…, phone:…" onChange={(e) => setDraft(e.target.value)} onBlur={apply} onKeyDown={(e) => e.key === 'Enter' && apply()} aria-invalid={!!error} />
      {error && <small className="field-error">{error}</small>}
    </label>
  );
}

const statusClass = (status: number | null) => (status === null ? '' : status < 300 ? 'ok' : status < 400 ? '' : status < 500 ? 'warn' : 'bad');

const col = columnHelper<AuditEvent>();

/** Time, actor, action (a click filters by it), target, details (a phone's fetch: what was served to which device). */
const auditColumns = ({ onAction }: { onAction: (action: string) => void }) =>
  col.columns([
    col.accessor('at', {
      header: 'Time',
      cell: (c) => (
        <time dateTime={c.getValue()} title={c.getValue()}>
          {new Date(c.getValue()).toLocaleDateString()}
          <br />
          <span className="muted">{new Date(c.getValue()).toLocaleTimeString()}</span>
        </time>
      ),
      meta: { className: 'nowrap' },
    }),
    col.accessor('actor', { header: 'Actor', cell: (c) => <Actor event={c.row.original} /> }),
    col.accessor('action', {
      header: 'Action',
      cell: (c) => (
        <>
          <button type="button" className="link" title="Show only this action" onClick={() => onAction(c.getValue())}>
            {LABELS[c.getValue()] ?? c.getValue()}
          </button>
          {LABELS[c.getValue()] && <div className="muted small">{c.getValue()}</div>}
        </>
      ),
    }),
    col.accessor('targetId', { header: 'Target', cell: (c) => <Target event={c.row.original} /> }),
    col.display({ id: 'details', header: 'Details', cell: (c) => (c.row.original.action === 'directory.served' ? <FetchDetail event={c.row.original} detail={c.row.original.detail ?? {}} /> : <OtherDetail event={c.row.original} />), meta: { wide: true } }),
  ]);

function Actor({ event: e }: { event: AuditEvent }) {
  const phone = e.actor.startsWith('phone:');
  return (
    <>
      {phone ? <span className="badge">phone</span> : null} {e.actorName ?? (phone ? 'unknown device' : e.actor)}
      <div className="muted small break">{e.actor}</div>
    </>
  );
}

/** A fetch's phonebook (linked), else the request path or the target's id; the site when there are several. */
function Target({ event: e }: { event: AuditEvent }) {
  const sites = useSites();
  const books = usePhonebooks();
  const bookName = e.targetId ? books.data?.find((b) => b.id === e.targetId)?.name : undefined;
  const siteName = (sites.data?.length ?? 0) > 1 && e.siteId ? sites.data?.find((s) => s.id === e.siteId)?.name : undefined;
  return (
    <>
      {e.action === 'directory.served' && e.targetId ? (
        <>
          <Link to={`/phonebooks/${e.targetId}`}>{bookName ?? 'phonebook'}</Link>
          {!bookName && <div className="muted small break">{e.targetId} (deleted?)</div>}
        </>
      ) : e.path ? (
        <code className="break" title={`${e.method ?? ''} ${e.path}`}>
          {e.path.replace(/^\/api\/v1(?=\/)/, '')}
        </code>
      ) : (
        <code className="break small">{e.targetId ?? '—'}</code>
      )}
      {siteName && <div className="muted small">{siteName}</div>}
    </>
  );
}

function FetchDetail({ event: e, detail: d }: { event: AuditEvent; detail: Detail }) {
  const device = d.device;
  return (
    <dl className="audit-detail">
      <dt>Served</dt>
      <dd>
        <span className="badge">{d.vendor ?? '?'}</span> {d.variant ? <span className="badge">{d.variant}</span> : null}{' '}
        <span className={`badge ${statusClass(e.status)}`}>{e.status === 304 ? '304 not modified' : (e.status ?? '?')}</span> {d.kind && d.kind !== 'fetch' ? <span className="muted">{d.kind}</span> : null}{' '}
        {typeof d.bytes === 'number' && d.bytes > 0 ? <span className="muted small">{formatBytes(d.bytes)}</span> : null}
      </dd>
      <dt>Device</dt>
      <dd>
        {device ? (
          <>
            <strong>{device.model}</strong>
            {device.mac && (
              <>
                {' '}
                · MAC <code>{device.mac}</code>
              </>
            )}
            {device.firmware && <span className="muted small"> · firmware {device.firmware}</span>}
          </>
        ) : (
          <span className="muted">not recognised</span>
        )}
        {d.userAgent && <div className="muted small break">{d.userAgent}</div>}
      </dd>
      <dt>Client</dt>
      <dd>
        <code>{e.ip ?? 'unknown'}</code>
        {d.via && d.via !== 'core' && <span className="muted small"> via {d.via}</span>}
      </dd>
    </dl>
  );
}

function OtherDetail({ event: e }: { event: AuditEvent }) {
  const entries = Object.entries(e.detail ?? {});
  return (
    <div className="small">
      {e.status !== null && <span className={`badge ${statusClass(e.status)}`}>{e.status}</span>} {e.ip && <span className="muted">from {e.ip}</span>}
      {entries.length > 0 && (
        <dl className="audit-detail">
          {entries.map(([k, v]) => (
            <div key={k} className="kv">
              <dt>{k}</dt>
              <dd className="break">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

const formatBytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
