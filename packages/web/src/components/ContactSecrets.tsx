/**
 * The secret attributes plugins registered (`GET /enrichers` → `secretAttributes`: a PIN), on a contact's
 * page. The contact holds only a marker (`{ secret: 'set', updatedAt }`), shown masked; staff and
 * administrators **Reveal** the value (`POST …/secrets/{key}/reveal`, audited), which stays in this
 * component's state only — never in the query cache, the URL or storage — until hidden, the page changes or
 * the secret changes; **Set** (a password field in a dialog) and **Clear** write it with
 * `PUT /contacts/{id}/secrets/{key}`. Users (role `user`) see only whether each is set.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, ok, type Contact } from '../api/client';
import { attributeAt, useEnrichment } from '../api/plugin-features';
import { useAuth } from '../auth';
import { isSecretMarker, MASK, relativeTime } from '../ui/attributes';
import { ConfirmButton } from '../ui/confirm';
import { FormDialog } from '../ui/dialog';
import { TextField } from '../ui/forms';
import { errorText, ErrorMessage, formatDate, Loading } from '../ui/states';

interface Secret {
  key: string;
  label: string;
}

export function ContactSecrets({ contact }: { contact: Contact }) {
  const { isAtLeast } = useAuth();
  return isAtLeast('staff') ? <StaffSecrets contact={contact} /> : <SetMarkers contact={contact} />;
}

/** For users: the markers the contact carries, as "set" (the registered list is for staff). */
function SetMarkers({ contact }: { contact: Contact }) {
  const set = Object.entries(contact.attributes).flatMap(([ns, values]) => Object.entries(values).filter(([, v]) => isSecretMarker(v)).map(([k]) => `${ns}.${k}`));
  if (!set.length) return null;
  return (
    <SecretsCard>
      {set.map((key) => (
        <li key={key}>
          <span className="secret-name">
            <code>{key}</code>
          </span>
          <span className="secret-value">set</span>
        </li>
      ))}
    </SecretsCard>
  );
}

function SecretsCard({ children }: { children: ReactNode }) {
  return (
    <section className="card contact-secrets" aria-labelledby="contact-secrets">
      <h2 id="contact-secrets">Secrets</h2>
      <ul className="secrets">{children}</ul>
    </section>
  );
}

function StaffSecrets({ contact }: { contact: Contact }) {
  const state = useEnrichment();
  if (state.isPending) return <Loading what="Loading the secret attributes" />;
  if (state.error) return <ErrorMessage error={state.error} retry={() => void state.refetch()} />;
  const secrets = state.data.secretAttributes;
  if (!secrets.length) return null; // no plugin registers one: no empty card
  return (
    <SecretsCard>
      {secrets.map((s) => {
        const marker = attributeAt(contact.attributes, s.key);
        const updatedAt = isSecretMarker(marker) ? (marker.updatedAt ?? '') : null;
        // Keyed by when it changed: a new value hides the one revealed before.
        return <SecretRow key={`${s.key}:${updatedAt}`} contact={contact} secret={s} updatedAt={updatedAt} />;
      })}
    </SecretsCard>
  );
}

function SecretRow({ contact, secret, updatedAt }: { contact: Contact; secret: Secret; updatedAt: string | null }) {
  const queries = useQueryClient();
  const [revealed, setRevealed] = useState<string | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const path = { params: { path: { id: contact.id, key: secret.key } } };
  const isSet = updatedAt !== null;

  const reveal = async () => {
    setBusy(true);
    setError(null);
    try {
      setRevealed((await ok(api.POST('/contacts/{id}/secrets/{key}/reveal', path))).value);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const write = async (value: string | null) => {
    await ok(api.PUT('/contacts/{id}/secrets/{key}', { ...path, body: { value } }));
    setRevealed(undefined);
    await queries.invalidateQueries({ queryKey: ['contact', contact.id] });
    await queries.invalidateQueries({ queryKey: ['contacts'] });
  };

  return (
    <li aria-label={secret.label}>
      <span className="secret-name">
        <strong>{secret.label}</strong> <code className="muted small">{secret.key}</code>
      </span>
      <span className="secret-value" aria-live="polite">
        {revealed !== undefined ? (
          revealed === null ? (
            <span className="muted">not set</span>
          ) : (
            <code className="revealed" aria-label={`${secret.label} value`}>
              {revealed}
            </code>
          )
        ) : isSet ? (
          <>
            <span aria-label="hidden value">{MASK}</span>{' '}
            <span className="muted small" title={formatDate(updatedAt)}>
              set {relativeTime(updatedAt)}
            </span>
          </>
        ) : (
          <span className="muted">not set</span>
        )}
      </span>
      <span className="actions">
        {isSet &&
          (revealed !== undefined ? (
            <button type="button" onClick={() => setRevealed(undefined)} aria-label={`Hide ${secret.label}`}>
              Hide
            </button>
          ) : (
            <button type="button" onClick={() => void reveal()} disabled={busy} aria-label={`Reveal ${secret.label}`}>
              {busy ? 'Revealing…' : 'Reveal'}
            </button>
          ))}
        {!contact.deleted && <SetDialog secret={secret} isSet={isSet} onSave={write} />}
        {isSet && !contact.deleted && (
          <ConfirmButton title={`Clear ${secret.label}`} message={<p>Clear the {secret.label} of {contact.displayName}? The value is removed for good.</p>} confirmLabel="Clear" danger onConfirm={() => write(null)}>
            Clear
          </ConfirmButton>
        )}
      </span>
      {error !== null && (
        <span className="state error small" role="alert">
          {errorText(error)}
        </span>
      )}
    </li>
  );
}

function SetDialog({ secret, isSet, onSave }: { secret: Secret; isSet: boolean; onSave: (value: string) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const change = (next: boolean) => {
    if (busy) return;
    setOpen(next);
    setValue('');
    setError(null);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!value) return setError(`Enter the ${secret.label}.`);
    setBusy(true);
    setError(null);
    try {
      await onSave(value);
      setValue('');
      setOpen(false);
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldErrors().value ?? errorText(err)) : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const title = `${isSet ? 'Change' : 'Set'} ${secret.label}`;
  const trigger = (
    <button type="button" aria-label={title}>
      {isSet ? 'Change' : 'Set'}
    </button>
  );
  return (
    <FormDialog open={open} onOpenChange={change} trigger={trigger} title={title} description="Kept encrypted; shown only to staff and administrators who reveal it (each reveal is audited).">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField label={secret.label} type="password" autoComplete="new-password" value={value} onChange={(e) => setValue(e.target.value)} error={error ?? undefined} autoFocus />
        <div className="dialog-actions">
          <button type="button" onClick={() => change(false)} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </FormDialog>
  );
}
