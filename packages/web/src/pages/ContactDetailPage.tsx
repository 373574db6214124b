/** One contact: its fields, plugin attributes, actions, and the History timeline. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok, type Contact } from '../api/client';
import { useSites } from '../api/queries';
import { ContactActions } from '../components/ContactActions';
import { ContactCalls } from '../components/calls/ContactCalls';
import { ContactSecrets } from '../components/ContactSecrets';
import { ContactViewPanels } from '../components/ContactViewPanels';
import { Link, useRouter } from '../router';
import { showAttribute } from '../ui/attributes';
import { ConfirmButton } from '../ui/confirm';
import { Empty, formatDate, QueryState } from '../ui/states';
import { fieldLabel, HistoryChange, isNote } from './history-change';

const show = (v: unknown): string => (v === null || v === undefined || v === '' ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

export function ContactDetailPage({ id }: { id: string }) {
  const contact = useQuery({ queryKey: ['contact', id], queryFn: () => ok(api.GET('/contacts/{id}', { params: { path: { id } } })) });
  return <QueryState query={contact} what="Loading the contact">{(c) => <Detail contact={c} />}</QueryState>;
}

function Detail({ contact: c }: { contact: Contact }) {
  const queries = useQueryClient();
  const { navigate } = useRouter();
  const sites = useSites();
  const history = useQuery({ queryKey: ['contact', c.id, 'history'], queryFn: () => ok(api.GET('/contacts/{id}/history', { params: { path: { id: c.id } } })).then((r) => r.items) });
  const path = { params: { path: { id: c.id } } };
  const after = async () => {
    await queries.invalidateQueries({ queryKey: ['contact', c.id] });
    await queries.invalidateQueries({ queryKey: ['contacts'] });
  };
  const attributes = Object.entries(c.attributes);
  return (
    <section>
      <header className="page-head">
        <div>
          <p className="crumbs">
            <Link to="/contacts">Contacts</Link> /
          </p>
          <h1>
            {c.displayName} {c.deleted && <span className="badge warn">deleted</span>}
          </h1>
        </div>
        <div className="actions">
          {!c.deleted && (
            <Link className="button" to={`/contacts/${c.id}/edit`}>
              Edit
            </Link>
          )}
          {c.deleted ? (
            <>
              <ConfirmButton title="Restore contact" message={<p>Restore {c.displayName}?</p>} confirmLabel="Restore" onConfirm={async () => (await ok(api.POST('/contacts/{id}/restore', path)), await after())}>
                Restore
              </ConfirmButton>
              <ConfirmButton
                danger
                title="Delete for good"
                message={<p>Delete {c.displayName} permanently, with its history? This cannot be undone.</p>}
                confirmLabel="Delete permanently"
                onConfirm={async () => {
                  await ok(api.DELETE('/contacts/{id}/permanent', path));
                  await queries.invalidateQueries({ queryKey: ['contacts'] });
                  navigate('/contacts?status=deleted');
                }}
              >
                Delete permanently
              </ConfirmButton>
            </>
          ) : (
            <ConfirmButton danger title="Delete contact" message={<p>Delete {c.displayName}? It can be restored later.</p>} confirmLabel="Delete" onConfirm={async () => (await ok(api.DELETE('/contacts/{id}', path)), await after())}>
              Delete
            </ConfirmButton>
          )}
        </div>
      </header>
      {!c.deleted && <ContactActions contactId={c.id} />}
      <ContactSecrets contact={c} />
      {!c.deleted && <ContactViewPanels contact={c} />}

      <div className="two-col">
        <div className="card">
          <dl className="facts">
            <dt>Name</dt>
            <dd>{[c.firstName, c.lastName].filter(Boolean).join(' ') || '—'}</dd>
            <dt>Organisation</dt>
            <dd>{show(c.organization)}</dd>
            <dt>Department</dt>
            <dd>{show(c.department)}</dd>
            <dt>Title</dt>
            <dd>{show(c.title)}</dd>
            <dt>Numbers</dt>
            <dd>
              {c.phones.length
                ? c.phones.map((p, i) => (
                    <div key={i}>
                      {p.number} <span className="muted">{p.type}{p.label ? ` · ${p.label}` : ''}{p.e164 && p.e164 !== p.number ? ` · ${p.e164}` : ''}</span>
                    </div>
                  ))
                : '—'}
            </dd>
            <dt>E-mail</dt>
            <dd>{c.emails.length ? c.emails.map((m) => <div key={m}>{m}</div>) : '—'}</dd>
            <dt>Tags</dt>
            <dd>{c.tags.length ? c.tags.map((t) => <span key={t} className="tag">{t}</span>) : '—'}</dd>
            <dt>Notes</dt>
            <dd className="pre">{show(c.notes)}</dd>
            <dt>Site</dt>
            <dd>{sites.data?.find((s) => s.id === c.siteId)?.name ?? c.siteId}</dd>
            <dt>Source</dt>
            <dd>
              {c.source}
              {c.externalId ? <span className="muted"> · {c.externalId}</span> : null}
            </dd>
            <dt>Created / changed</dt>
            <dd>
              {formatDate(c.createdAt)} / {formatDate(c.updatedAt)}
            </dd>
          </dl>
          {attributes.length > 0 && (
            <>
              <h2>Plugin attributes</h2>
              <dl className="facts">
                {attributes.flatMap(([ns, values]) =>
                  Object.entries(values).map(([k, v]) => [
                    <dt key={`${ns}.${k}-t`}>
                      {ns}.{k}
                    </dt>,
                    <dd key={`${ns}.${k}-d`}>{showAttribute(v)}</dd>,
                  ]),
                )}
              </dl>
            </>
          )}
        </div>
        <div className="card">
          <h2>History</h2>
          <QueryState query={history} what="Loading the history">
            {(rows) =>
              rows.length === 0 ? (
                <Empty>No history.</Empty>
              ) : (
                <ol className="timeline" aria-label="History">
                  {rows.map((h) => (
                    <li key={h.id}>
                      <time dateTime={h.at}>{formatDate(h.at)}</time>
                      {isNote(h) ? (
                        <div>
                          <strong>{h.new}</strong> <code className="muted small">{h.field}</code>
                        </div>
                      ) : (
                        <div>
                          <strong>{h.field === 'created' ? 'Created' : h.field === 'deleted' ? 'Deleted' : h.field === 'restored' ? 'Restored' : fieldLabel(h.field)}</strong>
                          {!['created', 'deleted', 'restored'].includes(h.field) && <HistoryChange field={h.field} old={h.old} new={h.new} />}
                        </div>
                      )}
                      <div className="muted small">by {h.actorName ?? h.actor}</div>
                    </li>
                  ))}
                </ol>
              )
            }
          </QueryState>
        </div>
      </div>
      {!c.deleted && <ContactCalls contactId={c.id} />}
    </section>
  );
}
