/**
 * The plugins' actions for one contact (`GET /contacts/{id}/actions`), as buttons on its page: an
 * action that does not apply to the contact is disabled and says why; each run shows what the
 * plugin reported, or the API's error. Staff and administrators only (the API refuses others).
 */
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { api, ok, sentence, type Schemas } from '../api/client';
import { useAuth } from '../auth';
import { useActionRun } from '../ui/actions';
import { ErrorMessage, Loading } from '../ui/states';

type ContactAction = Schemas['ContactAction'];

export function ContactActions({ contactId }: { contactId: string }) {
  const { isAtLeast } = useAuth();
  return isAtLeast('staff') ? <ActionsCard contactId={contactId} /> : null;
}

function ActionsCard({ contactId }: { contactId: string }) {
  const actions = useQuery({ queryKey: ['contact', contactId, 'actions'], queryFn: () => ok(api.GET('/contacts/{id}/actions', { params: { path: { id: contactId } } })).then((r) => r.items) });
  if (actions.isPending) return <Loading what="Loading the contact's actions" />;
  if (actions.error) return <ErrorMessage error={actions.error} retry={() => void actions.refetch()} />;
  if (!actions.data.length) return null; // no plugin offers any: no empty card
  return (
    <div className="card contact-actions">
      <h2>Actions</h2>
      <div className="action-list">
        {actions.data.map((a) => (
          <ActionButton key={a.id} contactId={contactId} action={a} />
        ))}
      </div>
    </div>
  );
}

function ActionButton({ contactId, action }: { contactId: string; action: ContactAction }) {
  const reasonId = useId();
  // The action may have changed the contact (attributes, History) or started a job.
  const { busy, result, run } = useActionRun(
    () => ok(api.POST('/contacts/{id}/actions/{actionId}', { params: { path: { id: contactId, actionId: action.id } } })).then((r) => ({ ok: r.ok, message: r.message })),
    [['contact', contactId], ['contacts'], ['jobs']],
  );
  return (
    <div className="action">
      <button type="button" onClick={() => void run()} disabled={busy || !action.enabled} aria-describedby={action.reason ? reasonId : undefined} title={action.description ?? undefined}>
        {busy ? `${action.label}…` : action.label}
      </button>
      {action.reason ? (
        <span id={reasonId} className="muted small">
          Not available: {sentence(action.reason)}
        </span>
      ) : (
        action.description && <span className="muted small">{action.description}</span>
      )}
      {result && (
        <div className={`result ${result.ok ? 'ok' : 'bad'}`} role="status" aria-label={`${action.label} result`}>
          <strong>{result.ok ? 'Done' : 'Failed'}:</strong> {result.message}
        </div>
      )}
    </div>
  );
}
