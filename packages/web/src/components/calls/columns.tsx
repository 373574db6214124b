/** The columns of a table of calls (the Calls page, a contact's calls). */
import type { Call, CallSourceInfo } from '../../api/calls';
import { columnHelper } from '../../ui/table';
import { CallSources, DirectionStatus, formatDuration, LocalParty, RemoteParty, Started } from './format';

const col = columnHelper<Call>();

/** Started (a button opening the call), direction and status, remote (unless `remote: false`), local, duration, sources. */
export function callColumns({ onOpen, sources, userName, remote = true }: { onOpen: (id: string) => void; sources: CallSourceInfo[] | undefined; userName: (id: string | null) => string | null; remote?: boolean }) {
  return col.columns([
    col.accessor('startedAt', {
      header: 'Started',
      cell: (c) => (
        <button type="button" className="link call-open" onClick={() => onOpen(c.row.original.id)} aria-haspopup="dialog">
          <Started iso={c.getValue()} />
        </button>
      ),
      meta: { className: 'nowrap', cardTitle: true },
    }),
    col.accessor('status', { header: 'Call', cell: (c) => <DirectionStatus call={c.row.original} /> }),
    ...(remote ? [col.accessor('displayName', { header: 'Remote', cell: (c) => <RemoteParty call={c.row.original} /> })] : []),
    col.accessor('local', { header: 'Local', cell: (c) => <LocalParty call={c.row.original} userName={userName} /> }),
    col.accessor('durationSeconds', { header: 'Duration', cell: (c) => formatDuration(c.getValue()), meta: { className: 'nowrap' } }),
    col.accessor('source', { header: 'Source', cell: (c) => <CallSources call={c.row.original} sources={sources} /> }),
  ]);
}

