/**
 * The rows a plugin view's route answered, in the one table, drawn from the view's `columns` alone:
 * `text`, `code` (monospace, with a copy button), `badge` (a string, or `{ label, tone: good | warn | bad | neutral }`), `list`
 * (an array of strings) and `datetime` (in local time). Columns sort in the browser. The answer's `message`
 * (why the rows are none or incomplete: "CUCM has no phone …", "Registration state unavailable: …") is the
 * empty state's text, or a note above the rows.
 */
import { useMemo } from 'react';
import type { PluginView, ViewColumn } from '../api/plugin-features';
import { CopyValue } from '../ui/copy';
import { formatDate } from '../ui/states';
import { columnHelper, DataTable, type Column, type QueryStatus } from '../ui/table';

interface Row {
  id: string;
  item: Record<string, unknown>;
}

const TONES: Record<string, string> = { good: 'ok', ok: 'ok', warn: 'warn', bad: 'bad', neutral: '' };

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const badgeOf = (v: unknown): { label: string; tone: string } | null => {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'object' && !Array.isArray(v) && 'label' in v) {
    const b = v as { label?: unknown; tone?: unknown };
    return { label: text(b.label), tone: TONES[text(b.tone)] ?? '' };
  }
  return { label: text(v), tone: '' };
};
const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(text) : v === null || v === undefined || v === '' ? [] : [text(v)]);

/** What a column sorts by: the badge's label, the list joined, the time as a number. */
function sortValue(kind: ViewColumn['kind'], v: unknown): string | number {
  if (kind === 'badge') return badgeOf(v)?.label ?? '';
  if (kind === 'list') return listOf(v).join(', ');
  if (kind === 'datetime') return v ? new Date(text(v)).getTime() || 0 : 0;
  return text(v);
}

/** One cell; a `code` value (a URL to paste elsewhere, a MAC, a token) comes with its copy button. */
export function ViewCell({ kind, value, label }: { kind: ViewColumn['kind']; value: unknown; label: string }) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  switch (kind) {
    case 'code':
      return <CopyValue text={text(value)} what={label} />;
    case 'badge': {
      const b = badgeOf(value)!;
      return <span className={`badge${b.tone ? ` ${b.tone}` : ''}`}>{b.label}</span>;
    }
    case 'list': {
      const items = listOf(value);
      return items.length ? (
        <ul className="cell-list">
          {items.map((x, i) => (
            <li key={i}>{x}</li>
          ))}
        </ul>
      ) : (
        <span className="muted">—</span>
      );
    }
    case 'datetime':
      return (
        <time dateTime={text(value)} className="nowrap">
          {formatDate(text(value))}
        </time>
      );
    default:
      return <>{text(value)}</>;
  }
}

export function ViewTable({ view, items, message, query, empty }: { view: PluginView; items: Record<string, unknown>[] | undefined; message?: string | undefined; query: QueryStatus; empty: string }) {
  const columns = useMemo(() => {
    const col = columnHelper<Row>();
    return view.columns.map(
      (c, i): Column<Row> =>
        col.accessor((r) => sortValue(c.kind, r.item[c.key]), {
          id: c.key,
          header: c.label,
          enableSorting: true,
          cell: (cell) => <ViewCell kind={c.kind} value={cell.row.original.item[c.key]} label={c.label} />,
          meta: { cardTitle: i === 0, hideEmpty: true, wide: c.kind === 'list' },
        }),
    );
  }, [view.columns]);
  const rows = useMemo(() => items?.map((item, i) => ({ id: String(i), item })), [items]);
  return (
    <>
      {message && !!rows?.length && (
        <p className="state note" role="note" aria-label={`${view.label}: note`}>
          {message}
        </p>
      )}
      <DataTable label={view.label} columns={columns} rows={rows} query={query} loading={`Loading ${view.label}`} empty={message || empty} cards="phone" />
    </>
  );
}
