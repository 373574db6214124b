/**
 * The one table of the admin app, on TanStack Table (headless): it draws the markup, the states and the pager.
 *
 * - **Sorting**: a column sorts when its definition says `enableSorting: true`; the header is then a button
 *   (keyboard: Tab, Enter or Space) and the `th` carries `aria-sort`. With `sort` the server sorts (the page
 *   fetches in the order asked for); without it the loaded rows are sorted here (locale-aware, numbers in text
 *   by value).
 * - **Pages**: with `pages` the server pages; the pager says "N things · page x of y" and offers page sizes.
 *   `urlPages()` keeps page and size in the URL (`page`, `pageSize`); `pageOf()` takes rows, total and state
 *   from a query of one page (`{ items, total }`).
 * - **States**: loading (first load), an error with "Try again" (stale rows stay under it), empty (`empty`),
 *   dimmed while a refetch runs.
 * - **Narrow screens**: with `cards` each row becomes a card of labelled cells below 600 px (`'phone'`) or
 *   860 px (`'tablet'`); the headers stay for screen readers. Columns say how they fit a card in `meta`.
 *
 * ```tsx
 * const col = columnHelper<Site>();
 * const columns = col.columns([
 *   col.accessor('name', { header: 'Name', enableSorting: true, meta: { cardTitle: true } }),
 *   col.accessor('createdAt', { header: 'Created', enableSorting: true, cell: (c) => formatDate(c.getValue()), meta: { className: 'hide-narrow' } }),
 *   actionsColumn(col, (site) => <SiteActions site={site} />),
 * ]);
 * <DataTable label="Sites" columns={columns} rows={sites.data} query={sites} empty="No sites yet." cards="phone" />
 * ```
 * Keep `columns` stable (module scope, or `useMemo` when they depend on the page's state).
 */
import {
  constructSortFn,
  createColumnHelper,
  createSortedRowModel,
  functionalUpdate,
  metaHelper,
  rowPaginationFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type ColumnHelper,
  type PaginationState,
  type RowData,
  type SortingState,
  type Updater,
} from '@tanstack/react-table';
import { useCallback, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Empty, ErrorMessage, Loading } from './states';

/** How a column shows in the table and in a card. */
export interface ColumnMeta {
  /** The cell's label in a card (`data-label`); default the header, when that is text. */
  label?: string;
  /** Class of the column's header and cells: `hide-narrow` (not on a tablet), `nowrap`, `small`, `row-actions`. */
  className?: string;
  /** This cell titles the card: full width, no label. */
  cardTitle?: boolean;
  /** In a card this cell takes the full width. */
  wide?: boolean;
  /** In a card this cell is left out when its value is empty (null, '', an empty list). */
  hideEmpty?: boolean;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
/** Text as people read it: "Ä" beside "A", "item2" before "item10"; no value sorts first. */
const sortText = constructSortFn({ sort: (a: string, b: string) => collator.compare(a, b), resolveDataValue: (v: unknown) => (v == null ? '' : String(v)) });

/** One registry for every table: sorting (server or here), server pages (never sliced here), typed column meta. */
const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { text: sortText, alphanumeric: sortText },
  rowPaginationFeature,
  columnMeta: metaHelper<ColumnMeta>(),
});
type Features = typeof features;
export type Column<T extends RowData> = ColumnDef<Features, T, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- columns of any value type

/** The column helper of `DataTable`'s features, for rows of type T. */
export const columnHelper = <T extends RowData>(): ColumnHelper<Features, T> => createColumnHelper<Features, T>();

/** The last column: the row's buttons, labelled "Actions" for screen readers, a row of buttons in a card. */
export function actionsColumn<T extends RowData>(col: ColumnHelper<Features, T>, render: (row: T) => ReactNode) {
  return col.display({ id: 'actions', header: () => <span className="sr-only">Actions</span>, cell: (c) => render(c.row.original), meta: { className: 'row-actions' } });
}

/** A query's state as TanStack Query's `useQuery` returns it. */
export interface QueryStatus {
  isPending: boolean;
  isFetching?: boolean;
  error: unknown;
  refetch?: () => unknown;
}

export interface ServerSort {
  /** The id of the column sorted by. */
  by: string;
  desc: boolean;
  /** A header was clicked: fetch in this order. */
  onChange: (by: string, desc: boolean) => void;
}

export interface ServerPages {
  total: number;
  /** 1-based. */
  page: number;
  pageSize: number;
  /** What a row is, singular ("contact"): "12 contacts · page 1 of 1". */
  noun: string;
  /** Previous / Next (same size) or another size (back to page 1). */
  onChange: (next: { page: number; pageSize: number }) => void;
}

export interface DataTableProps<T extends RowData> {
  /** The table's accessible name (a caption screen readers read). */
  label: string;
  columns: Column<T>[];
  /** The rows to show (one page, with `pages`); undefined until the first load. */
  rows: readonly T[] | undefined;
  /** A row's stable id (default its `id`). */
  rowId?: (row: T) => string;
  /** Loading, error and refetching come from here. */
  query?: QueryStatus;
  /** What the spinner says during the first load ("Loading contacts"). */
  loading?: string;
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  /** Rows become cards below 600 px (`phone`) or 860 px (`tablet`). */
  cards?: 'phone' | 'tablet';
  /** More classes of the `<table>` (`contacts`, `audit`). */
  className?: string;
  sort?: ServerSort;
  pages?: ServerPages;
}

const NO_ROWS: never[] = [];
const defaultRowId = (row: unknown) => (row as { id: string }).id;
const BREAKPOINTS = { phone: '(max-width: 600px)', tablet: '(max-width: 860px)' } as const;

export function DataTable<T extends RowData>({ label, columns, rows, rowId = defaultRowId, query, loading = 'Loading', empty, cards, className, sort, pages }: DataTableProps<T>) {
  const [localSort, setLocalSort] = useState<SortingState>([]);
  const [serverBy, serverDesc] = [sort?.by, sort?.desc ?? false];
  const sorting = useMemo<SortingState>(() => (serverBy !== undefined ? [{ id: serverBy, desc: serverDesc }] : localSort), [serverBy, serverDesc, localSort]);
  const pagination = useMemo<PaginationState>(() => ({ pageIndex: (pages?.page ?? 1) - 1, pageSize: pages?.pageSize ?? Number.MAX_SAFE_INTEGER }), [pages?.page, pages?.pageSize]);
  const onSortingChange = (updater: Updater<SortingState>) => {
    const next = functionalUpdate(updater, sorting);
    if (!sort) return setLocalSort(next);
    if (next[0]) sort.onChange(next[0].id, next[0].desc);
  };
  const onPaginationChange = (updater: Updater<PaginationState>) => {
    const next = functionalUpdate(updater, pagination);
    if (!pages) return;
    if (next.pageSize !== pagination.pageSize) pages.onChange({ page: 1, pageSize: next.pageSize });
    else pages.onChange({ page: next.pageIndex + 1, pageSize: next.pageSize });
  };
  // A new array when the columns change: the row model caches each cell's value per row, and columns that read
  // something loaded later (site names) must be read again, not shown as they were first computed.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `columns` is the reason for a new array, not an input of it
  const data = useMemo(() => [...((rows ?? NO_ROWS) as T[])], [rows, columns]);
  const table = useTable({
    features,
    columns,
    data,
    getRowId: rowId,
    state: { sorting, pagination },
    onSortingChange,
    onPaginationChange,
    manualSorting: !!sort,
    manualPagination: true,
    ...(pages ? { rowCount: pages.total } : {}),
    enableMultiSort: false,
    enableSortingRemoval: false,
    sortDescFirst: false,
    defaultColumn: { enableSorting: false, sortFn: 'text' },
  });
  const asCards = useMediaQuery(cards ? BREAKPOINTS[cards] : null);

  if (rows === undefined) {
    if (query?.error) return <ErrorMessage error={query.error} {...(query.refetch ? { retry: () => void query.refetch!() } : {})} />;
    return <Loading what={loading} />;
  }
  const error = query?.error ? <ErrorMessage error={query.error} {...(query.refetch ? { retry: () => void query.refetch!() } : {})} /> : null;
  if (rows.length === 0) {
    return (
      <>
        {error}
        <Empty>{empty}</Empty>
      </>
    );
  }
  return (
    <>
      {error}
      <div className={`table-wrap${asCards ? ' row-cards' : ''}`} aria-busy={query?.isFetching ?? false}>
        <table className={['data', asCards && 'row-cards', className].filter(Boolean).join(' ')}>
          <caption className="sr-only">{label}</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const column = header.column;
                  const sorted = column.getIsSorted();
                  return (
                    <th key={header.id} className={column.columnDef.meta?.className} aria-sort={sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : undefined}>
                      {header.isPlaceholder ? null : column.getCanSort() ? (
                        <button type="button" className="sort" onClick={column.getToggleSortingHandler()}>
                          <table.FlexRender header={header} />
                          <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                        </button>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getAllCells().map((cell) => {
                  const def = cell.column.columnDef;
                  const meta = def.meta ?? {};
                  const label = meta.label ?? (typeof def.header === 'string' ? def.header : undefined);
                  const classes = [meta.className, meta.cardTitle && 'card-title', meta.wide && 'card-wide', meta.hideEmpty && isEmpty(cell.getValue()) && 'empty-cell'].filter(Boolean).join(' ');
                  return (
                    <td key={cell.id} className={classes || undefined} data-label={meta.cardTitle ? undefined : label}>
                      <table.FlexRender cell={cell} />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages && <Pager pages={pages} pageCount={table.getPageCount()} table={table} />}
    </>
  );
}

const isEmpty = (v: unknown) => v == null || v === '' || (Array.isArray(v) && v.length === 0);

const PAGE_SIZES = [25, 50, 100, 200];

function Pager({ pages, pageCount, table }: { pages: ServerPages; pageCount: number; table: { getCanPreviousPage(): boolean; getCanNextPage(): boolean; previousPage(): void; nextPage(): void; setPageSize(size: number): void } }) {
  const { total, page, pageSize, noun } = pages;
  return (
    <nav className="pager" aria-label="Pages">
      <span>
        {total} {noun}
        {total === 1 ? '' : 's'} · page {page} of {Math.max(1, pageCount)}
      </span>
      <button type="button" disabled={!table.getCanPreviousPage()} onClick={() => table.previousPage()}>
        Previous
      </button>
      <button type="button" disabled={!table.getCanNextPage()} onClick={() => table.nextPage()}>
        Next
      </button>
      <label>
        Per page{' '}
        <select value={String(pageSize)} onChange={(e) => table.setPageSize(Number(e.target.value))}>
          {PAGE_SIZES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
    </nav>
  );
}

/**
 * Page and page size kept in the URL (`page`, `pageSize`; default 1 and 50), for `DataTable`'s `pages`:
 * `pages={{ ...urlPages(params, setParams), total, noun: 'contact' }}`.
 */
export function urlPages(params: URLSearchParams, setParams: (p: Record<string, string | null>) => void): Omit<ServerPages, 'total' | 'noun'> {
  const pageSize = Number(params.get('pageSize')) || 50;
  return {
    page: Math.max(1, Number(params.get('page')) || 1),
    pageSize,
    onChange: (next) => setParams({ page: next.page > 1 ? String(next.page) : null, pageSize: next.pageSize === pageSize ? (params.get('pageSize') ?? null) : String(next.pageSize) }),
  };
}

/**
 * `rows`, `query` and `pages` of a table showing one server page (`{ items, total }`) of a list query:
 * `<DataTable {...pageOf(list, urlPages(params, setParams), 'contact')} … />`.
 */
export function pageOf<T extends RowData>(query: QueryStatus & { data?: { items: T[]; total: number } | undefined }, pages: Omit<ServerPages, 'total' | 'noun'>, noun: string) {
  return { rows: query.data?.items, query, pages: { ...pages, total: query.data?.total ?? 0, noun } };
}

/** Whether the media query matches now, following changes (window resized, device turned). */
function useMediaQuery(query: string | null): boolean {
  const subscribe = useCallback(
    (notify: () => void) => {
      if (!query) return () => undefined;
      const list = window.matchMedia(query);
      list.addEventListener('change', notify);
      return () => list.removeEventListener('change', notify);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => (query ? window.matchMedia(query).matches : false));
}
