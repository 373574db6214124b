/**
 * The mail templates (`GET /mail/templates`): core's and the plugins', each with its label, who
 * registered it, the placeholders it may use (secret ones marked) and a preview with sample data —
 * of the saved text, or of an unsaved draft. Templates are edited in the `email` settings form above.
 */
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { SelectField, TextField } from '../ui/forms';
import { ErrorMessage, QueryState } from '../ui/states';

type Template = Schemas['MailTemplate'];

export function MailTemplatePreview() {
  const templates = useQuery({ queryKey: ['mail', 'templates'], queryFn: () => ok(api.GET('/mail/templates')).then((r) => r.items) });
  return (
    <div className="card">
      <h2>Templates and preview</h2>
      <p className="muted small">Edit templates in the form above (Mail templates; plugin templates in their plugin's group) and save them there; try a draft here first — empty fields use the saved template. Previews use sample data, never real data.</p>
      <QueryState query={templates} what="Loading the templates">
        {(items) => <Preview templates={items} />}
      </QueryState>
    </div>
  );
}

function Preview({ templates }: { templates: Template[] }) {
  const [id, setId] = useState(templates[0]?.id ?? '');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [preview, setPreview] = useState<Schemas['MailPreview'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const template = templates.find((t) => t.id === id);
  const render = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setPreview(await ok(api.POST('/mail/templates/{id}/preview', { params: { path: { id } }, body: { ...(subject ? { subject } : {}), ...(body ? { body } : {}) } })));
    } catch (err) {
      setPreview(null);
      setError(err);
    }
  };
  return (
    <form onSubmit={(e) => void render(e)}>
      <SelectField
        label="Template"
        value={id}
        onChange={(e) => {
          setId(e.target.value);
          setPreview(null);
        }}
      >
        {templates.map((t) => (
          <option key={t.id} value={t.id}>
            {t.label}
            {t.owner === 'core' ? '' : ` (plugin ${t.owner})`}
          </option>
        ))}
      </SelectField>
      {template && (
        <div className="template-info" aria-label="Template details">
          <p className="small">
            <code>{template.id}</code> · {template.owner === 'core' ? 'core' : `plugin ${template.owner}`}
            {template.edited ? ' · edited' : ' · default text'}
            {template.description ? ` — ${template.description}` : ''}
          </p>
          <dl className="facts small" aria-label="Placeholders">
            {Object.entries(template.placeholders).map(([name, meaning]) => [
              <dt key={`${name}-t`}>
                <code>{`{${name}}`}</code>
              </dt>,
              <dd key={`${name}-d`}>
                {meaning}
                {template.secret.includes(name) && <span className="badge warn">secret: kept encrypted until sent</span>}
              </dd>,
            ])}
          </dl>
        </div>
      )}
      <TextField label="Draft subject" value={subject} onChange={(e) => setSubject(e.target.value)} />
      <div className="field">
        <label htmlFor="mail-draft-body">Draft body</label>
        <textarea id="mail-draft-body" rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
      </div>
      <button type="submit">Preview</button>
      <ErrorMessage error={error} />
      {preview && (
        <div className="mail-preview" aria-label="Preview">
          <p>
            <strong>Subject:</strong> {preview.subject}
          </p>
          <pre>{preview.text}</pre>
        </div>
      )}
    </form>
  );
}
