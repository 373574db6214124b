/** Contacts: search, filters, sort, pagination, active/deleted switch, and row actions with confirmation. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState } from 'react';
import { api, ok, type Contact } from '../api/client';
import { useCallAndRefresh, useSiteName, useSites } from '../api/queries';
import { BulkActions } from '../components/BulkActions';
import { Link, useSearchParams } from '../router';
import { Combobox, type ComboOption } from '../ui/combobox';
import { ConfirmButton } from '../ui/confirm';
import { actionsColumn, columnHelper, DataTable, pageOf, urlPages } from '../ui/table';

type Sort = 'name' | 'firstName' | 'lastName' | 'organization' | 'department' | 'createdAt' | 'updatedAt';

export function ContactsPage() {
  const [params, setParams] = useSearchParams();
  const sites = useSites();
  const status = params.get('status') === 'deleted' ? 'deleted' : 'active';
  const sort = (params.get('sort') as Sort | null) ?? 'name';
  const order = params.get('order') === 'desc' ? 'desc' : 'asc';
  const pages = urlPages(params, setParams);
  const filters = {
    q: params.get('q') ?? undefined,
    department: params.get('department') ?? undefined,
    tag: params.get('tag') ?? undefined,
    source: params.get('source') ?? undefined,
    hasAttribute: params.get('hasAttribute') ?? undefined,
    siteId: params.get('siteId') ?? undefined,
  };
  const query = { ...filters, status, sort, order, page: pages.page, pageSize: pages.pageSize } as const;
  const list = useQuery({ queryKey: ['contacts', query], queryFn: () => ok(api.GET('/contacts', { params: { query } })), placeholderData: keepPreviousData });
  // The values the filters can take, with counts (under 'contacts', so every change to contacts refreshes them).
  const facetQuery = { status, ...(filters.siteId ? { siteId: filters.siteId } : {}) } as const;
  const facets = useQuery({ queryKey: ['contacts', 'facets', facetQuery], queryFn: () => ok(api.GET('/contacts/facets', { params: { query: facetQuery } })), placeholderData: keepPreviousData, staleTime: 30_000 });
  const asOptions = (list: { value: string; count: number }[] | undefined): ComboOption[] => (list ?? []).map((f) => ({ value: f.value, label: f.value, hint: String(f.count) }));
  const anyFilter = Object.values(filters).some(Boolean);
  const clearFilters = () => {
    setQ('');
    setParams({ q: null, department: null, tag: null, source: null, hasAttribute: null, siteId: null, page: null });
  };
  /** Names as they sort: by last name "Last, First", by first name "First Last". */
  const byFirst = sort === 'firstName';

  // The search box updates the URL (and so the query) a moment after typing stops.
  const [q, setQ] = useState(filters.q ?? '');
  useEffect(() => {
    if (q === (params.get('q') ?? '')) return;
    const t = setTimeout(() => setParams({ q, page: null }), 300);
    return () => clearTimeout(t);
  }, [q, params, setParams]);

  // The name column sorts by last or first name, as "Names by" says; the others by themselves.
  const sortBy = (by: string, desc: boolean) => setParams({ sort: by === 'name' && byFirst ? 'firstName' : by, order: desc ? 'desc' : 'asc', page: null });
  const columns = useMemo(() => contactColumns(byFirst), [byFirst]);

  return (
    <section>
      <header className="page-head">
        <h1>Contacts</h1>
        <Link to={filters.siteId ? `/contacts/new?siteId=${encodeURIComponent(filters.siteId)}` : '/contacts/new'} className="button primary">
          New contact
        </Link>
      </header>

      <div className="toolbar" role="search">
        <label className="grow">
          <span className="sr-only">Search</span>
          <input type="search" placeholder="Search names, numbers, e-mails…" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Search contacts" />
        </label>
        <div className="segmented" role="group" aria-label="Show">
          <button type="button" aria-pressed={status === 'active'} onClick={() => setParams({ status: null, page: null })}>
            Active
          </button>
          <button type="button" aria-pressed={status === 'deleted'} onClick={() => setParams({ status: 'deleted', page: null })}>
            Deleted
          </button>
        </div>
      </div>
      <details className="filters" open={Object.entries(filters).some(([k, v]) => k !== 'q' && v)}>
        <summary>Filters{anyFilter ? ` (${Object.values(filters).filter(Boolean).length} on)` : ''}</summary>
        <div className="filter-grid">
          <Combobox label="Department" allowCustom options={asOptions(facets.data?.departments)} value={filters.department ?? null} placeholder="Any department" noMatch="No department yet." onChange={(v) => setParams({ department: v, page: null })} />
          <Combobox label="Tag" allowCustom options={asOptions(facets.data?.tags)} value={filters.tag ?? null} placeholder="Any tag" noMatch="No tags yet." onChange={(v) => setParams({ tag: v, page: null })} />
          <Combobox label="Source" allowCustom options={asOptions(facets.data?.sources)} value={filters.source ?? null} placeholder="Any source" noMatch="No sources yet." onChange={(v) => setParams({ source: v, page: null })} />
          <FilterInput label="Has plugin attribute" value={filters.hasAttribute} placeholder="cucm or cucm.pin" onChange={(v) => setParams({ hasAttribute: v, page: null })} />
          <div className="field">
            <label htmlFor="contacts-site-filter">Site</label>
            <select id="contacts-site-filter" value={filters.siteId ?? ''} onChange={(e) => setParams({ siteId: e.target.value, page: null })}>
              <option value="">All sites</option>
              {sites.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        </div>
      </details>
      <div className="toolbar secondary">
        <label className="inline-label">
          Names by{' '}
          <select aria-label="Sort names by" value={byFirst ? 'firstName' : 'name'} onChange={(e) => setParams({ sort: e.target.value, page: null })}>
            <option value="name">last name (Last, First)</option>
            <option value="firstName">first name (First Last)</option>
          </select>
        </label>
        {anyFilter && (
          <button type="button" className="link" onClick={clearFilters}>
            Clear filters
          </button>
        )}
        {status === 'active' && <BulkActions filter={filters} matching={list.data?.total} />}
      </div>

      <DataTable
        label="Contacts"
        className="contacts"
        cards="phone"
        columns={columns}
        {...pageOf(list, pages, 'contact')}
        loading="Loading contacts"
        sort={{ by: sort === 'firstName' ? 'name' : sort, desc: order === 'desc', onChange: sortBy }}
        empty={
          <>
            {status === 'deleted' ? 'No deleted contacts.' : anyFilter ? 'No contact matches these filters.' : 'No contacts yet. Create one, or let a plugin sync them.'}
            {anyFilter && (
              <>
                {' '}
                <button type="button" className="link" onClick={clearFilters}>
                  Clear filters
                </button>
              </>
            )}
          </>
        }
      />
    </section>
  );
}

function FilterInput({ label, value, placeholder, onChange }: { label: string; value: string | undefined; placeholder?: string; onChange: (v: string) => void }) {
  const [draft, setDraft] = useState(value ?? '');
  const [last, setLast] = useState(value);
  if (value !== last) {
    setLast(value);
    setDraft(value ?? '');
  }
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={draft} placeholder={placeholder} onChange={(e) => setDraft(e.target.value)} onBlur={() => draft !== (value ?? '') && onChange(draft.trim())} onKeyDown={(e) => e.key === 'Enter' && onChange(draft.trim())} />
    </div>
  );
}

/** The name as the list sorts it: "Last, First" by last name, "First Last" by first name; else the display name. */
export function listName(c: Pick<Contact, 'firstName' | 'lastName' | 'displayName'>, byFirst: boolean): string {
  if (!c.lastName) return c.displayName || c.firstName || '(no name)';
  if (byFirst) return [c.firstName, c.lastName].filter(Boolean).join(' ');
  return c.firstName ? `${c.lastName}, ${c.firstName}` : c.lastName;
}

const col = columnHelper<Contact>();

/** The list's columns; the name reads (and sorts) "Last, First" or "First Last". */
const contactColumns = (byFirst: boolean) =>
  col.columns([
    col.accessor((c) => listName(c, byFirst), { id: 'name', header: byFirst ? 'Name (first, last)' : 'Name (last, first)', enableSorting: true, cell: (c) => <NameCell contact={c.row.original} name={c.getValue()} />, meta: { label: 'Name', cardTitle: true } }),
    col.accessor('organization', { header: 'Organisation', enableSorting: true, meta: { hideEmpty: true } }),
    col.accessor('department', { header: 'Department', enableSorting: true, meta: { hideEmpty: true } }),
    col.accessor('updatedAt', { header: 'Changed', enableSorting: true, cell: (c) => new Date(c.getValue()).toLocaleDateString(), meta: { className: 'nowrap small' } }),
    col.accessor('phones', {
      header: 'Numbers',
      cell: (c) =>
        c.getValue().map((p, i) => (
          <div key={i}>
            {p.number} <span className="muted">{p.type}</span>
          </div>
        )),
      meta: { className: 'small', hideEmpty: true },
    }),
    col.accessor('tags', {
      header: 'Tags',
      cell: (c) =>
        c.getValue().map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        )),
      meta: { className: 'hide-narrow', hideEmpty: true },
    }),
    col.accessor('source', { header: 'Source', meta: { className: 'hide-narrow' } }),
    actionsColumn(col, (c) => <ContactActions contact={c} />),
  ]);

function NameCell({ contact: c, name }: { contact: Contact; name: string }) {
  const siteName = useSiteName()(c.siteId);
  return (
    <>
      <Link to={`/contacts/${c.id}`}>{name}</Link>
      {c.displayName && c.displayName !== [c.firstName, c.lastName].filter(Boolean).join(' ') && c.displayName !== name && <div className="small">{c.displayName}</div>}
      {c.title && <div className="muted">{c.title}</div>}
      {siteName && <div className="muted small">{siteName}</div>}
    </>
  );
}

function ContactActions({ contact: c }: { contact: Contact }) {
  const call = useCallAndRefresh();
  const path = { params: { path: { id: c.id } } };
  const act = (request: Promise<{ response: Response; error?: unknown }>) => call(request, [['contacts'], ['contact']]);
  return c.deleted ? (
    <>
      <ConfirmButton title="Restore contact" message={<p>Restore {c.displayName}? It shows in phonebooks again.</p>} confirmLabel="Restore" onConfirm={() => act(api.POST('/contacts/{id}/restore', path))}>
        Restore
      </ConfirmButton>
      <ConfirmButton danger title="Delete for good" message={<p>Delete {c.displayName} permanently, with its history? This cannot be undone.</p>} confirmLabel="Delete permanently" onConfirm={() => act(api.DELETE('/contacts/{id}/permanent', path))}>
        Delete permanently
      </ConfirmButton>
    </>
  ) : (
    <ConfirmButton danger title="Delete contact" message={<p>Delete {c.displayName}? It can be restored from the deleted list.</p>} confirmLabel="Delete" onConfirm={() => act(api.DELETE('/contacts/{id}', path))}>
      Delete
    </ConfirmButton>
  );
}
