/**
 * One call in a side sheet (Radix Dialog: focus moves in, Escape closes, focus returns): every field, the
 * other records of its conversation, its recording, and for administrators the payload the source sent.
 * Calls entered by hand can be edited and deleted here.
 */
import * as Dialog from '@radix-ui/react-dialog';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Pencil, X } from 'lucide-react';
import { useState } from 'react';
import { recordingUrl, type Call, type CallSourceInfo } from '../../api/calls';
import { api, ok, type Site } from '../../api/client';
import { useAuth } from '../../auth';
import { Link } from '../../router';
import { ConfirmButton } from '../../ui/confirm';
import { FormDialog } from '../../ui/dialog';
import { formatDate, QueryState } from '../../ui/states';
import { CallForm } from './CallForm';
import { CallSources, DirectionStatus, formatDuration, LocalParty, RemoteParty, SourceName } from '../../components/calls/format';

export interface CallDetailProps {
  id: string | null;
  onClose: () => void;
  /** Show another call (a linked record) in the sheet. */
  onOpen: (id: string) => void;
  sources: CallSourceInfo[] | undefined;
  sites: Site[];
  userName: (id: string | null) => string | null;
}

export function CallDetail({ id, onClose, ...rest }: CallDetailProps) {
  return (
    <Dialog.Root open={!!id} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="sheet" aria-describedby={undefined}>{id && <Sheet id={id} onClose={onClose} {...rest} />}</Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function Sheet({ id, onClose, onOpen, sources, sites, userName }: CallDetailProps & { id: string }) {
  const call = useQuery({ queryKey: ['calls', 'one', id], queryFn: () => ok(api.GET('/calls/{id}', { params: { path: { id } } })) });
  return (
    <>
      <div className="dialog-head">
        <Dialog.Title className="dialog-title">Call</Dialog.Title>
        <Dialog.Close asChild>
          <button type="button" className="link" aria-label="Close">
            <X size={18} aria-hidden="true" />
          </button>
        </Dialog.Close>
      </div>
      <QueryState query={call} what="Loading the call">
        {(c) => <Fields call={c} onClose={onClose} onOpen={onOpen} sources={sources} sites={sites} userName={userName} />}
      </QueryState>
    </>
  );
}

function Fields({ call: c, onClose, onOpen, sources, sites, userName }: Omit<CallDetailProps, 'id'> & { call: Call }) {
  const { isAtLeast } = useAuth();
  const queries = useQueryClient();
  const [editing, setEditing] = useState(false);
  const manual = c.source === 'manual';
  const site = sites.find((s) => s.id === c.siteId)?.name ?? c.siteId;
  return (
    <div className="call-detail">
      <p>
        <DirectionStatus call={c} />
      </p>
      <dl className="facts" aria-label="Call details">
        <dt>Remote</dt>
        <dd>
          <RemoteParty call={c} />
          {c.remote.name && c.remote.name !== c.displayName && <div className="muted small">as sent: {c.remote.name}</div>}
          {c.remote.e164 && c.remote.e164 !== c.remote.number && <div className="muted small">{c.remote.e164}</div>}
        </dd>
        <dt>Local</dt>
        <dd>
          <LocalParty call={c} userName={userName} />
          {c.local.userId && <div className="muted small">source user {c.local.userId}</div>}
        </dd>
        <dt>Started</dt>
        <dd>{formatDate(c.startedAt)}</dd>
        <dt>Answered</dt>
        <dd>{formatDate(c.answeredAt)}</dd>
        <dt>Ended</dt>
        <dd>{formatDate(c.endedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(c.durationSeconds)}</dd>
        <dt>Source</dt>
        <dd>
          <CallSources call={c} sources={sources} />
          <div className="muted small break">external id {c.externalId}</div>
        </dd>
        <dt>Site</dt>
        <dd>{site}</dd>
        <dt>Recorded / changed</dt>
        <dd>
          {formatDate(c.createdAt)} / {formatDate(c.updatedAt)}
        </dd>
      </dl>

      {c.recording && (
        <section aria-label={c.recording.kind === 'voicemail' ? 'Voicemail' : 'Recording'}>
          <h3>{c.recording.kind === 'voicemail' ? 'Voicemail' : 'Recording'}</h3>
          <audio controls preload="none" src={recordingUrl(c.id)}>
            <a href={recordingUrl(c.id)}>Download the {c.recording.kind}</a>
          </audio>
        </section>
      )}

      {c.links.length > 0 && (
        <section aria-label="Linked records">
          <h3>Linked records</h3>
          <p className="muted small">The same conversation as other sources logged it{c.linkPrimary ? '' : '; lists show it by its primary record'}.</p>
          <ul className="plain">
            {c.links.map((l) => (
              <li key={l.id}>
                <button type="button" className="link" onClick={() => onOpen(l.id)}>
                  <SourceName id={l.source} sources={sources} />
                </button>{' '}
                <span className="muted small break">{l.externalId}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {isAtLeast('admin') && (
        <details className="raw-payload">
          <summary>Raw payload</summary>
          <pre aria-label="Raw payload">{c.rawPayload === undefined || c.rawPayload === null ? 'null' : JSON.stringify(c.rawPayload, null, 2)}</pre>
        </details>
      )}

      <div className="actions">
        {c.contactId && (
          <Link to={`/contacts/${c.contactId}`} className="button" onClick={onClose}>
            Open the contact
          </Link>
        )}
        {manual && (
          <>
            <FormDialog
              open={editing}
              onOpenChange={setEditing}
              title="Edit call"
              trigger={
                <button type="button">
                  <Pencil size={14} aria-hidden="true" /> Edit
                </button>
              }
            >
              <CallForm call={c} sites={sites} siteId={c.siteId} onDone={() => setEditing(false)} onOpenCall={() => setEditing(false)} />
            </FormDialog>
            <ConfirmButton
              danger
              title="Delete call"
              message={<p>Delete this call entered by hand? This cannot be undone.</p>}
              confirmLabel="Delete"
              onConfirm={async () => {
                await ok(api.DELETE('/calls/{id}', { params: { path: { id: c.id } } }));
                onClose();
                queries.removeQueries({ queryKey: ['calls', 'one', c.id] });
                await queries.invalidateQueries({ queryKey: ['calls'] });
              }}
            >
              Delete
            </ConfirmButton>
          </>
        )}
      </div>
    </div>
  );
}
