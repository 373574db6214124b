/**
 * A phonebook's remote vendor services (`GET /phonebooks/{id}/vendors`): the live state of each
 * (phonebook, vendor) pair, polled, and — for staff — setup, the configuration form rendered from the
 * fields the service declared (no vendor-specific code), enable/disable, and what phones need once enabled.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, ok, type Schemas } from '../api/client';
import { useAuth } from '../auth';
import { ConfirmButton } from '../ui/confirm';
import { diffPatch, SchemaFields, type JsonSchema, type SecretEdits, type Values } from '../ui/schema-form';
import { OtherErrors } from '../ui/forms';
import { CopyButton, CopyValue } from '../ui/copy';
import { ErrorMessage, formatDate } from '../ui/states';

type Pair = Schemas['VendorServicePair'];
type Field = Pair['fields'][number];
type PairState = Pair['state'];

/** How often the states are read again: they live in core's memory and change when a service connects or answers. */
export const VENDOR_POLL_MS = 3000;

const STATE_TEXT: Record<PairState, string> = {
  unavailable: 'No instance of the service is connected. Start it with its service key; the state changes here by itself.',
  disabled: 'The service is connected but does not serve this phonebook.',
  setup: 'Setup: fill in what the service needs and save.',
  enabled: 'The service serves this phonebook.',
};
const BADGE: Record<PairState, string> = { unavailable: 'bad', disabled: 'warn', setup: 'warn', enabled: 'ok' };

const FILL_TEXT: Record<NonNullable<Field['fill']>, string> = {
  'phonebook.name': "the phonebook's name",
  'phonebook.id': "the phonebook's id",
  'site.name': "the site's name",
  'site.slug': "the site's short name",
};

/** The declared fields as a JSON Schema, so the settings form renderer draws them. */
function schemaOf(fields: Field[]): JsonSchema {
  return {
    type: 'object',
    required: fields.filter((f) => f.required).map((f) => f.key),
    properties: Object.fromEntries(
      fields.map((f) => [
        f.key,
        {
          type: f.type === 'secret' ? 'string' : f.type,
          title: f.label,
          ...(f.type === 'secret' ? { 'x-secret': true } : {}),
          ...(f.options ? { enum: f.options } : {}),
          ...(f.default !== undefined ? { default: f.default } : {}),
          description: [f.description, f.filled ? `Filled by Dialbook with ${FILL_TEXT[f.fill!]}; change it only to override.` : '', f.minLength ? `At least ${f.minLength} characters.` : ''].filter(Boolean).join(' ') || undefined,
        } satisfies JsonSchema,
      ]),
    ),
  };
}
const valuesOf = (fields: Field[]): Values => Object.fromEntries(fields.map((f) => [f.key, f.value]));

export function PhonebookVendors({ id }: { id: string }) {
  const pairs = useQuery({
    queryKey: ['phonebook', id, 'vendors'],
    queryFn: () => ok(api.GET('/phonebooks/{id}/vendors', { params: { path: { id } } })).then((r) => r.items),
    refetchInterval: VENDOR_POLL_MS,
  });
  return (
    <div className="card" aria-labelledby="vendor-services-head">
      <h2 id="vendor-services-head">Remote vendor services</h2>
      {pairs.isPending ? (
        <p className="state loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading vendor services…
        </p>
      ) : pairs.error && !pairs.data ? (
        <ErrorMessage error={pairs.error} retry={() => void pairs.refetch()} />
      ) : !pairs.data?.length ? (
        <p className="state empty">No remote vendor service is connected for this phonebook or configured for it. A service (such as dialbook-yealink) shows up here once it connects with its service key.</p>
      ) : (
        <>
          {pairs.error && <ErrorMessage error={pairs.error} />}
          {pairs.data.map((p) => (
            <VendorPair key={p.vendor} pair={p} />
          ))}
        </>
      )}
    </div>
  );
}

function VendorPair({ pair }: { pair: Pair }) {
  const { isAtLeast } = useAuth();
  const staff = isAtLeast('staff');
  const queries = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const path = { params: { path: { id: pair.phonebookId, vendor: pair.vendor } } };
  /** Put the answer into the list at once (the poll would show it a few seconds later). */
  const accept = (next: Pair) => {
    queries.setQueryData<Pair[]>(['phonebook', pair.phonebookId, 'vendors'], (old) => old?.map((p) => (p.vendor === next.vendor ? next : p)));
    void queries.invalidateQueries({ queryKey: ['phonebook', pair.phonebookId, 'vendors'] });
  };
  const act = async (what: string, call: () => Promise<Pair>) => {
    setBusy(what);
    setError(null);
    try {
      accept(await call());
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(null);
    }
  };
  const showForm = staff && pair.state !== 'unavailable' && (pair.state === 'setup' || editing);
  const headId = `vendor-${pair.vendor}-head`;

  return (
    <section className="vendor" aria-labelledby={headId}>
      <h3 id={headId} className="row between">
        <span>{pair.vendor}</span>
        <span className={`badge ${BADGE[pair.state]}`} data-testid={`vendor-state-${pair.vendor}`} role="status" aria-live="polite" aria-label={`${pair.vendor} state`}>
          {pair.state}
        </span>
      </h3>
      <p className="muted small">{STATE_TEXT[pair.state]}</p>
      {pair.message && (
        <p className={pair.state === 'enabled' ? 'small' : 'notice'}>
          <strong>The service says:</strong> {pair.message}
        </p>
      )}
      <dl className="facts small">
        <dt>Instances</dt>
        <dd>{pair.instances.length ? pair.instances.map((i) => `${i.instanceId} (${i.version}${i.state ? `, ${i.state}` : ''}, since ${formatDate(i.connectedAt)})`).join('; ') : 'none connected'}</dd>
        <dt>Configuration</dt>
        <dd>
          {pair.configured ? `stored, ${pair.enabled ? 'enabled' : 'disabled'} by an administrator` : 'none yet'}
          {pair.updatedAt && ` · changed ${formatDate(pair.updatedAt)}${pair.updatedBy ? ` by ${pair.updatedBy}` : ''}`}
        </dd>
        {pair.missing.length > 0 && pair.state !== 'unavailable' && (
          <>
            <dt>Still needed</dt>
            <dd>{pair.missing.map((k) => pair.fields.find((f) => f.key === k)?.label ?? k).join(', ')}</dd>
          </>
        )}
      </dl>

      {pair.access && <AccessInfo access={pair.access} vendor={pair.vendor} />}

      {staff && (
        <div className="actions">
          {pair.state === 'disabled' && (
            <button type="button" className="primary" disabled={!!busy} onClick={() => void act('setup', () => ok(api.POST('/phonebooks/{id}/vendors/{vendor}/setup', path)))}>
              {busy === 'setup' ? 'Starting setup…' : 'Start setup'}
            </button>
          )}
          {pair.state === 'enabled' && !editing && (
            <button type="button" onClick={() => setEditing(true)}>
              Change configuration
            </button>
          )}
          {pair.configured && !pair.enabled && pair.state === 'disabled' && (
            <button type="button" disabled={!!busy} onClick={() => void act('enable', () => ok(api.POST('/phonebooks/{id}/vendors/{vendor}/enable', path)))}>
              {busy === 'enable' ? 'Enabling…' : 'Enable'}
            </button>
          )}
          {pair.state === 'setup' && !pair.enabled && (
            <button type="button" disabled={!!busy} onClick={() => void act('cancel', () => ok(api.POST('/phonebooks/{id}/vendors/{vendor}/disable', path)))}>
              {busy === 'cancel' ? 'Cancelling…' : 'Cancel setup'}
            </button>
          )}
          {(pair.enabled || pair.state === 'enabled') && (
            <ConfirmButton
              danger
              title={`Disable ${pair.vendor}`}
              message={<p>Stop serving this phonebook through the {pair.vendor} service? Its key for this phonebook is revoked; phones fetching from the service stop getting updates. The configuration is kept.</p>}
              confirmLabel="Disable"
              onConfirm={async () => {
                accept(await ok(api.POST('/phonebooks/{id}/vendors/{vendor}/disable', path)));
                setEditing(false);
              }}
            >
              Disable
            </ConfirmButton>
          )}
        </div>
      )}
      <ErrorMessage error={error} />
      {showForm && (
        <ConfigurationForm
          pair={pair}
          onSaved={(next) => {
            accept(next);
            setEditing(false);
          }}
          onCancel={pair.state === 'setup' ? undefined : () => setEditing(false)}
        />
      )}
    </section>
  );
}

function AccessInfo({ access, vendor }: { access: NonNullable<Pair['access']>; vendor: string }) {
  return (
    <div className="access" aria-label={`How phones reach the ${vendor} service`}>
      <dl className="facts">
        <dt>Phones fetch from</dt>
        <dd>
          <CopyValue text={access.url} what={`${vendor} fetch URL`} />
        </dd>
        {access.username && (
          <>
            <dt>User name</dt>
            <dd>
              <code>{access.username}</code>
            </dd>
          </>
        )}
        {access.notes && (
          <>
            <dt>Notes</dt>
            <dd className="pre small">{access.notes}</dd>
          </>
        )}
      </dl>
      {access.provisioning && (
        <details open>
          <summary>Provisioning snippet from the service</summary>
          <pre aria-label={`${vendor} provisioning snippet`}>{access.provisioning}</pre>
          <CopyButton text={access.provisioning} what={`${vendor} provisioning snippet`} />
        </details>
      )}
    </div>
  );
}

/**
 * The fields the service declared, drawn by the settings form renderer. Only what the admin changed is
 * sent: a filled field left alone keeps following the phonebook; a secret left empty keeps its stored value.
 * The API's messages (`values.<key>`) show at their field.
 */
function ConfigurationForm({ pair, onSaved, onCancel }: { pair: Pair; onSaved: (p: Pair) => void; onCancel: (() => void) | undefined }) {
  // The fields as they were when the form opened: the poll must not overwrite what the admin is typing.
  const [fields] = useState(pair.fields);
  const schema = schemaOf(fields);
  const [initial] = useState(() => valuesOf(fields));
  const [values, setValues] = useState<Values>(initial);
  const [secrets, setSecrets] = useState<SecretEdits>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      const patch = diffPatch(schema, initial, values, secrets) as Record<string, string | number | boolean | null>;
      onSaved(await ok(api.PUT('/phonebooks/{id}/vendors/{vendor}/configuration', { params: { path: { id: pair.phonebookId, vendor: pair.vendor } }, body: { values: patch } })));
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      const byKey = Object.fromEntries(Object.entries(fe).map(([k, m]) => [k.replace(/^values\./, ''), m]));
      setErrors(byKey);
      if (!Object.keys(byKey).length) setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="vendor-config" noValidate aria-label={`${pair.vendor} configuration`} onSubmit={(e) => void submit(e)}>
      {!fields.length && <p className="muted">The service asks for no configuration: save to enable it.</p>}
      <div className="form-grid">
        <SchemaFields
          schema={schema}
          values={values}
          saved={valuesOf(fields)}
          secrets={secrets}
          locked={[]}
          errors={errors}
          onChange={setValues}
          onSecret={(key, v) => setSecrets((s) => ({ ...s, [key]: v }))}
        />
      </div>
      <OtherErrors errors={errors} shown={(k) => fields.some((f) => f.key === k)} />
      <ErrorMessage error={failure} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving… (waiting for the service)' : 'Save configuration'}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
