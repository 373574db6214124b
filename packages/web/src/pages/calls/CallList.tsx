/**
 * The calls, newest first, in keyset pages (`next` passed back as `cursor`): "Load more" appends the next
 * page. A row's start time opens its details.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { callQueryString, type CallFilters, type CallSourceInfo } from '../../api/calls';
import { api, ok } from '../../api/client';
import { callColumns } from '../../components/calls/columns';
import { DataTable } from '../../ui/table';

/** The pages of calls of these filters, appended by `fetchNextPage`. */
export const useCallPages = (filters: CallFilters, limit: number) =>
  useInfiniteQuery({
    queryKey: ['calls', 'list', filters, limit],
    queryFn: ({ pageParam }) => ok(api.GET('/calls', { params: { query: { ...filters, limit, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.next ?? undefined,
  });

export function CallList({ list, filters, onOpen, sources, userName }: { list: ReturnType<typeof useCallPages>; filters: CallFilters; onOpen: (id: string) => void; sources: CallSourceInfo[] | undefined; userName: (id: string | null) => string | null }) {
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items), [list.data]);
  const columns = useMemo(() => callColumns({ onOpen, sources, userName }), [onOpen, sources, userName]);
  const filtered = callQueryString(filters) !== '';
  return (
    <>
      <DataTable label="Calls" className="calls" cards="tablet" columns={columns} rows={rows} query={list} loading="Loading the calls" empty={filtered ? 'No call matches these filters.' : 'No calls recorded yet.'} />
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
    </>
  );
}
