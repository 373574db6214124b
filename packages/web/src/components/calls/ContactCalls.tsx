/**
 * A contact's calls (`GET /contacts/{id}/calls`), newest first in keyset pages, linking to the filtered Calls page.
 * Sources show by id here (`manual` as "Manual"), so a contact's page asks nothing more than its calls.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, ok } from '../../api/client';
import { Link, useRouter } from '../../router';
import { DataTable } from '../../ui/table';
import { callColumns } from './columns';
import './calls.css';

const PAGE = 10;
const noUser = () => null;

export function ContactCalls({ contactId }: { contactId: string }) {
  const { navigate } = useRouter();
  const list = useInfiniteQuery({
    queryKey: ['calls', 'contact', contactId],
    queryFn: ({ pageParam }) => ok(api.GET('/contacts/{id}/calls', { params: { path: { id: contactId }, query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items), [list.data]);
  const columns = useMemo(() => callColumns({ onOpen: (id) => navigate(`/calls?contactId=${contactId}&call=${id}`), sources: undefined, userName: noUser, remote: false }), [navigate, contactId]);
  return (
    <section className="card contact-calls" aria-label="Calls">
      <div className="row between">
        <h2>Calls</h2>
        <Link to={`/calls?contactId=${contactId}`}>All calls with this contact</Link>
      </div>
      <DataTable label="Calls with this contact" className="calls" cards="tablet" columns={columns} rows={rows} query={list} loading="Loading the calls" empty="No calls with this contact." />
      {list.hasNextPage && (
        <nav className="pager" aria-label="Call pages">
          <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? 'Loading…' : 'Older calls'}
          </button>
        </nav>
      )}
    </section>
  );
}
