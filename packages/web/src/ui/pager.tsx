/** Previous / next and page size for a paginated list whose page lives in the URL (`page`, `pageSize`). */
export const PAGE_SIZES = ['25', '50', '100', '200'];

export function Pager({ total, page, pageSize, noun, setParams }: { total: number; page: number; pageSize: number; noun: string; setParams: (p: Record<string, string | null>) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label="Pages">
      <span>
        {total} {noun}
        {total === 1 ? '' : 's'} · page {page} of {pages}
      </span>
      <button type="button" disabled={page <= 1} onClick={() => setParams({ page: String(page - 1) })}>
        Previous
      </button>
      <button type="button" disabled={page >= pages} onClick={() => setParams({ page: String(page + 1) })}>
        Next
      </button>
      <label>
        Per page{' '}
        <select value={String(pageSize)} onChange={(e) => setParams({ pageSize: e.target.value, page: null })}>
          {PAGE_SIZES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
    </nav>
  );
}
