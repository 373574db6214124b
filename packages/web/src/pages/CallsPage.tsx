/**
 * Calls: the call log of every source, newest first, with filters kept in the URL (search, dates, direction,
 * status, source, user, site, contact), keyset paging, a call's details in a side sheet (`?call=<id>`),
 * recording calls by hand, exports of the selection (CSV, Excel) and its analytics (`?view=analytics`).
 */
import { CallHistoryImport } from '../components/CallHistoryImport';
import { useQuery } from '@tanstack/react-query';
import { ChartColumn, Download, List, Plus } from 'lucide-react';
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { callExportUrl, callFilters, useCallSources, type CallFilters } from '../api/calls';
import { api, ApiError, ok } from '../api/client';
import { useSites } from '../api/queries';
import { useAuth } from '../auth';
import { useRouter, useSearchParams } from '../router';
import { FormDialog } from '../ui/dialog';
import { CallDetail } from './calls/CallDetail';
import { CallFiltersBar } from './calls/CallFiltersBar';
import { CallForm } from './calls/CallForm';
import { CallList, useCallPages } from './calls/CallList';
import { Loading } from '../ui/states';
import '../components/calls/calls.css';

/** The charts (recharts) load when the Analytics view first opens, not with the app. */
const CallAnalytics = lazy(() => import('./calls/CallAnalytics').then((m) => ({ default: m.CallAnalytics })));

export function CallsPage() {
  const [params, setParams] = useSearchParams();
  const { navigate } = useRouter();
  const { isAtLeast } = useAuth();
  const search = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- a new object only when the query string changes
  const filters = useMemo<CallFilters>(() => callFilters(params), [search]);
  const view = params.get('view') === 'analytics' ? 'analytics' : 'list';
  const limit = Math.min(500, Math.max(1, Number(params.get('limit')) || 50));
  const openId = params.get('call');
  const sites = useSites();
  const sources = useCallSources();
  const staff = isAtLeast('staff');
  const users = useQuery({ queryKey: ['users'], queryFn: () => ok(api.GET('/users')), enabled: staff });
  const contact = useQuery({ queryKey: ['contact', filters.contactId], queryFn: () => ok(api.GET('/contacts/{id}', { params: { path: { id: filters.contactId! } } })), enabled: !!filters.contactId });
  const [recording, setRecording] = useState(false);

  const set = useCallback((next: Record<string, string | null | undefined>) => setParams(next), [setParams]);
  const open = useCallback((id: string) => setParams({ call: id }), [setParams]);
  const userName = useCallback(
    (id: string | null) => {
      if (!id) return null;
      const u = users.data?.items.find((x) => x.id === id);
      return u ? [u.firstName, u.lastName].filter(Boolean).join(' ') || u.email : null;
    },
    [users.data],
  );
  const list = useCallPages(filters, limit);
  // Filter values the API refused (the list's 422) show at their fields.
  const listErrors = list.error instanceof ApiError ? list.error.fieldErrors() : {};
  const fieldError = (name: string) => listErrors[`query.${name}`];
  const siteList = sites.data ?? [];
  const recordSite = filters.siteId ?? siteList[0]?.id ?? '';

  return (
    <section>
      <header className="page-head">
        <div>
          <h1>Calls</h1>
          <p className="muted small">Every call the sources logged and those entered by hand, newest first.</p>
        </div>
        <div className="actions" role="toolbar" aria-label="Call actions">
          <FormDialog
            open={recording}
            onOpenChange={setRecording}
            title="Record call"
            description="A call entered by hand (source: manual)."
            trigger={
              <button type="button" className="primary" disabled={!recordSite}>
                <Plus size={14} aria-hidden="true" /> Record call
              </button>
            }
          >
            <CallForm
              sites={siteList}
              siteId={recordSite}
              onDone={(saved) => {
                setRecording(false);
                open(saved.id);
              }}
              onOpenCall={() => setRecording(false)}
            />
          </FormDialog>
          {recordSite ? <CallHistoryImport siteId={recordSite} /> : null}
          <a className="button" href={callExportUrl(filters, 'csv')} download>
            <Download size={14} aria-hidden="true" /> Export CSV
          </a>
          <a className="button" href={callExportUrl(filters, 'xlsx')} download>
            <Download size={14} aria-hidden="true" /> Export Excel
          </a>
        </div>
      </header>

      <CallFiltersBar filters={filters} set={set} sources={sources.data} users={staff ? users.data?.items : undefined} sites={sites.data} contactName={contact.data?.displayName} fieldError={fieldError} />

      <div className="toolbar">
        <div className="segmented" role="group" aria-label="View">
          <button type="button" aria-pressed={view === 'list'} onClick={() => set({ view: null })}>
            <List size={14} aria-hidden="true" /> List
          </button>
          <button type="button" aria-pressed={view === 'analytics'} onClick={() => set({ view: 'analytics' })}>
            <ChartColumn size={14} aria-hidden="true" /> Analytics
          </button>
        </div>
        {view === 'list' && (
          <label className="inline-label">
            Per page{' '}
            <select value={String(limit)} onChange={(e) => set({ limit: e.target.value === '50' ? null : e.target.value })}>
              {[...new Set([25, 50, 100, 200, limit])].sort((a, b) => a - b).map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
        )}
      </div>

      {view === 'list' ? <CallList list={list} filters={filters} onOpen={open} sources={sources.data} userName={userName} /> : (
        <Suspense fallback={<Loading what="Loading the charts" />}>
          <CallAnalytics filters={filters} />
        </Suspense>
      )}

      <CallDetail id={openId} onClose={() => setParams({ call: null })} onOpen={(id) => navigate(`/calls?${new URLSearchParams({ ...Object.fromEntries(params), call: id }).toString()}`, { replace: true })} sources={sources.data} sites={siteList} userName={userName} />
    </section>
  );
}
