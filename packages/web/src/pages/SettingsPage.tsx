/** Settings by category, rendered from each category's JSON Schema; the owner's actions; mail tools for `email`. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, ok, sentence, type Schemas } from '../api/client';
import { usePlugins, useSites } from '../api/queries';
import { MailTemplatePreview } from '../components/MailTemplatePreview';
import { Link } from '../router';
import { ActionButtons } from '../ui/actions';
import { fieldName, TextField, SelectField } from '../ui/forms';
import { diffPatch, SchemaFields, type JsonSchema, type SecretEdits, type Values } from '../ui/schema-form';
import { Empty, ErrorMessage, formatDate, QueryState } from '../ui/states';

type Category = Schemas['SettingCategory'];

export function SettingsPage({ category }: { category?: string | undefined }) {
  const categories = useQuery({ queryKey: ['settings'], queryFn: () => ok(api.GET('/settings')).then((r) => r.items) });
  return (
    <section>
      <header className="page-head">
        <h1>Settings</h1>
      </header>
      <QueryState query={categories} what="Loading settings">
        {(items) => {
          if (!items.length) return <Empty>No settings categories.</Empty>;
          const current = items.find((c) => c.id === category) ?? items[0]!;
          return (
            <div className="settings-layout">
              <nav className="subnav" aria-label="Settings categories">
                {items.map((c) => (
                  <Link key={c.id} to={`/settings/${c.id}`} aria-current={c.id === current.id ? 'page' : undefined}>
                    {c.label}
                    <span className="muted small"> {c.owner === 'core' ? 'core' : `plugin ${c.owner}`}</span>
                  </Link>
                ))}
              </nav>
              <CategoryView key={current.id} category={current} />
            </div>
          );
        }}
      </QueryState>
    </section>
  );
}

function CategoryView({ category }: { category: Category }) {
  const sites = useSites();
  const plugins = usePlugins();
  const [siteId, setSiteId] = useState('');
  const owner = plugins.data?.find((p) => p.id === category.owner);
  return (
    <div className="settings-main">
      <h2>{category.label}</h2>
      {category.description && <p className="muted">{category.description}</p>}
      {category.scope === 'site' && (
        <SelectField label="Values for" value={siteId} onChange={(e) => setSiteId(e.target.value)} hint="Site values override the shared ones.">
          <option value="">all sites (shared)</option>
          {sites.data?.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
      )}
      <ValuesForm key={siteId} category={category} siteId={siteId || undefined} />
      {owner && (
        <div className="card">
          <h2>Actions of {owner.name}</h2>
          <ActionButtons actions={owner.actions} />
        </div>
      )}
      {category.id === 'email' && <MailTools />}
    </div>
  );
}

function ValuesForm({ category, siteId }: { category: Category; siteId: string | undefined }) {
  const queries = useQueryClient();
  const key = ['settings', category.id, siteId ?? null];
  const params = { params: { path: { category: category.id }, query: siteId ? { siteId } : {} } };
  const view = useQuery({ queryKey: key, queryFn: () => ok(api.GET('/settings/{category}', params)) });
  return <QueryState query={view} what="Loading values">{(v) => <Editor schema={category.schema as JsonSchema} view={v} onSaved={(next) => queries.setQueryData(key, next)} save={(body) => ok(api.PATCH('/settings/{category}', { ...params, body }))} />}</QueryState>;
}

function Editor({ schema, view, save, onSaved }: { schema: JsonSchema; view: Schemas['Settings']; save: (patch: Values) => Promise<Schemas['Settings']>; onSaved: (v: Schemas['Settings']) => void }) {
  const [values, setValues] = useState<Values>(view.values);
  const [secrets, setSecrets] = useState<SecretEdits>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const patch = diffPatch(schema, view.values, values, secrets);
  const dirty = Object.keys(patch).length > 0;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setFailure(null);
    setSaved(false);
    setBusy(true);
    try {
      const next = await save(patch);
      setValues(next.values);
      setSecrets({});
      setSaved(true);
      onSaved(next);
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      setFailure(Object.keys(fe).length ? new Error('Please correct the marked fields.') : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" noValidate onSubmit={(e) => void submit(e)}>
      {view.missing.length > 0 && (
        <p className="notice">
          Still to set: <code>{view.missing.join(', ')}</code>
        </p>
      )}
      {view.errors.map((er) => (
        <p key={er.field} className="state error">
          <strong>{fieldName(er.field)}</strong> (<code>{er.field}</code>): {sentence(er.message)}
        </p>
      ))}
      <div className="form-grid">
        <SchemaFields schema={schema} values={values} saved={view.values} secrets={secrets} locked={view.locked} errors={errors} onChange={setValues} onSecret={(p, v) => setSecrets((s) => ({ ...s, [p]: v }))} />
      </div>
      <ErrorMessage error={failure} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy || !dirty}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        {saved && !dirty && <span role="status">Saved.</span>}
        <span className="muted small">{view.updatedAt ? `Last changed ${formatDate(view.updatedAt)} by ${view.updatedByName ?? 'a user who no longer exists'}` : 'Never changed: defaults in effect.'}</span>
      </div>
    </form>
  );
}

/** Templates with their preview, and a test send: the core's mail routes. */
function MailTools() {
  const [to, setTo] = useState('');
  const [sendResult, setSendResult] = useState<string | null>(null);
  const [sendError, setSendError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setSendError(null);
    setSendResult(null);
    setBusy(true);
    try {
      const r = await ok(api.POST('/mail/test', { body: { to } }));
      setSendResult(`Sent to ${r.to}. The server answered: ${r.response}`);
    } catch (err) {
      setSendError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <MailTemplatePreview />
      <form className="card" noValidate onSubmit={(e) => void send(e)}>
        <h2>Send a test mail</h2>
        <TextField label="Send test mail to" type="email" value={to} onChange={(e) => setTo(e.target.value)} />
        <button type="submit" disabled={busy || !to}>
          {busy ? 'Sending…' : 'Send test mail'}
        </button>
        <ErrorMessage error={sendError} />
        {sendResult && <p role="status">{sendResult}</p>}
      </form>
    </>
  );
}
