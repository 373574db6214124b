/**
 * A form rendered from a settings category's JSON Schema (no plugin-specific code): objects become
 * fieldsets, strings/numbers/booleans/enums inputs, string arrays one-per-line text areas, secrets
 * (`x-secret` / `writeOnly`) write-only password fields. Keys fixed by config or environment are read-only.
 */
import { useId } from 'react';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
  default?: unknown;
  format?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  writeOnly?: boolean;
  'x-secret'?: boolean;
}

export type Values = Record<string, unknown>;
/** What the user typed into secret fields (`null`: clear it), by key path. */
export type SecretEdits = Record<string, string | null>;

/** Words written in capitals wherever they appear in a key (`smtpHost` → "SMTP host", `baseDn` → "Base DN"). */
const ACRONYMS = new Set(['api', 'cucm', 'dn', 'dns', 'http', 'https', 'id', 'ip', 'ldap', 'mac', 'sip', 'smtp', 'ssl', 'tls', 'ttl', 'uri', 'url', 'xml']);
/** A label for a key whose schema has no `title`: words split, acronyms in capitals, the rest lower case. */
export const humanize = (key: string): string =>
  key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(' ')
    .filter(Boolean)
    .map((w, i) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : i === 0 ? w.charAt(0).toUpperCase() + w.slice(1).toLowerCase() : w.toLowerCase()))
    .join(' ');
const isSecret = (s: JsonSchema) => !!(s['x-secret'] || s.writeOnly);

/** The schema without a `null` branch (`anyOf: [X, {type: null}]` → X). */
export function effective(s: JsonSchema): JsonSchema {
  const branches = s.anyOf ?? s.oneOf;
  if (branches) {
    const nonNull = branches.filter((b) => b.type !== 'null');
    if (nonNull.length === 1) return { ...nonNull[0], description: s.description ?? nonNull[0]!.description, default: s.default ?? nonNull[0]!.default };
  }
  return s;
}
const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

export const getPath = (v: unknown, path: string[]): unknown => path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), v);
export function setPath(v: Values, path: string[], value: unknown): Values {
  const [head, ...rest] = path;
  if (head === undefined) return v;
  const child = (v[head] && typeof v[head] === 'object' && !Array.isArray(v[head]) ? v[head] : {}) as Values;
  return { ...v, [head]: rest.length ? setPath(child, rest, value) : value };
}

/** The smallest patch from `before` to `after` over the schema's leaves, plus the secrets typed or cleared. */
export function diffPatch(schema: JsonSchema, before: unknown, after: unknown, secrets: SecretEdits, path: string[] = []): Values {
  let patch: Values = {};
  const s = effective(schema);
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    const p = [...path, key];
    const c = effective(child);
    if (isSecret(c)) {
      const edit = secrets[p.join('.')];
      if (edit !== undefined && edit !== '') patch = setPath(patch, p.slice(path.length), edit);
      continue;
    }
    if (typeOf(c) === 'object' && c.properties) {
      const sub = diffPatch(c, getPath(before, [key]), getPath(after, [key]), secrets, p);
      if (Object.keys(sub).length) patch = { ...patch, [key]: sub };
      continue;
    }
    const a = getPath(before, [key]);
    const b = getPath(after, [key]);
    if (JSON.stringify(a) !== JSON.stringify(b)) patch = { ...patch, [key]: b === '' || b === undefined ? null : b };
  }
  return patch;
}

interface FormProps {
  schema: JsonSchema;
  values: Values;
  secrets: SecretEdits;
  /** Effective values as saved (secrets as `{ set }`). */
  saved: Values;
  locked: string[];
  errors: Record<string, string>;
  onChange(values: Values): void;
  onSecret(path: string, value: string | null): void;
}

export function SchemaFields(props: FormProps & { path?: string[] }) {
  const { schema, path = [] } = props;
  const s = effective(schema);
  return (
    <>
      {Object.entries(s.properties ?? {}).map(([key, child]) => (
        <SchemaField key={key} {...props} name={key} schema={child} path={[...path, key]} required={s.required?.includes(key) ?? false} />
      ))}
    </>
  );
}

function SchemaField(props: FormProps & { name: string; path: string[]; required: boolean }) {
  const { name, path, values, saved, locked, errors, onChange, onSecret, secrets } = props;
  const id = useId();
  const s = effective(props.schema);
  const key = path.join('.');
  const label = s.title ?? humanize(name);
  const isLocked = locked.some((l) => key === l || key.startsWith(`${l}.`));
  const error = errors[key];
  const type = typeOf(s);
  const hint = [s.description, isLocked ? 'Fixed by the config file or environment.' : ''].filter(Boolean).join(' ');
  const value = getPath(values, path);
  const set = (v: unknown) => onChange(setPath(values, path, v));
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const foot = (
    <>
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </>
  );

  if (type === 'object' && s.properties) {
    const errorsInside = Object.keys(errors).some((f) => f.startsWith(`${key}.`));
    return (
      <details className="schema-group span-all" open={path.length === 1 || errorsInside}>
        <summary>{label}</summary>
        {s.description && <p className="muted small">{s.description}</p>}
        <div className="form-grid">
          <SchemaFields {...props} schema={s} path={path} />
        </div>
        {error && (
          <small className="field-error" role="alert">
            {error}
          </small>
        )}
      </details>
    );
  }

  if (isSecret(s)) {
    const isSet = !!(getPath(saved, path) as { set?: boolean } | undefined)?.set;
    const edit = secrets[key];
    return (
      <div className={`field${error ? ' invalid' : ''}`}>
        <label htmlFor={id}>
          {label} <span className="badge">{edit === null ? 'will be cleared' : isSet ? 'set' : 'not set'}</span>
        </label>
        <input id={id} type="password" autoComplete="new-password" disabled={isLocked} value={edit ?? ''} placeholder={isSet ? 'unchanged (write-only)' : 'not set'} aria-invalid={!!error} aria-describedby={describedBy} onChange={(e) => onSecret(key, e.target.value)} />
        {isSet && !isLocked && (
          <label className="check small">
            <input type="checkbox" checked={edit === null} onChange={(e) => onSecret(key, e.target.checked ? null : '')} /> Clear the stored value
          </label>
        )}
        {foot}
      </div>
    );
  }

  if (type === 'boolean') {
    return (
      <div className={`field${error ? ' invalid' : ''}`}>
        <label className="check" htmlFor={id}>
          <input id={id} type="checkbox" disabled={isLocked} checked={value === true} aria-describedby={describedBy} onChange={(e) => set(e.target.checked)} /> {label}
        </label>
        {foot}
      </div>
    );
  }

  let control;
  if (s.enum) {
    control = (
      <select id={id} disabled={isLocked} value={value === undefined || value === null ? '' : String(value)} aria-invalid={!!error} aria-describedby={describedBy} onChange={(e) => set(e.target.value === '' ? null : s.enum!.find((x) => String(x) === e.target.value))}>
        {!props.required && <option value="">—</option>}
        {s.enum.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  } else if (type === 'integer' || type === 'number') {
    control = (
      <input
        id={id}
        type="number"
        disabled={isLocked}
        step={type === 'integer' ? 1 : 'any'}
        min={s.minimum}
        max={s.maximum}
        value={typeof value === 'number' ? value : ''}
        placeholder={s.default !== undefined ? String(s.default) : undefined}
        aria-invalid={!!error}
        aria-describedby={describedBy}
        onChange={(e) => set(e.target.value === '' ? null : Number(e.target.value))}
      />
    );
  } else if (type === 'array' && typeOf(effective(s.items ?? {})) === 'string') {
    control = (
      <textarea
        id={id}
        rows={3}
        disabled={isLocked}
        value={Array.isArray(value) ? value.join('\n') : ''}
        aria-invalid={!!error}
        aria-describedby={describedBy}
        onChange={(e) => set(e.target.value.split('\n').filter((l, i, all) => l !== '' || i === all.length - 1))}
      />
    );
  } else if (type === 'string' && (name === 'body' || (s.maxLength ?? 0) > 500)) {
    control = <textarea id={id} rows={8} disabled={isLocked} value={typeof value === 'string' ? value : ''} aria-invalid={!!error} aria-describedby={describedBy} onChange={(e) => set(e.target.value)} />;
  } else if (type === 'string') {
    control = (
      <input
        id={id}
        type={s.format === 'email' ? 'email' : s.format === 'uri' ? 'url' : 'text'}
        disabled={isLocked}
        value={typeof value === 'string' ? value : ''}
        placeholder={typeof s.default === 'string' ? s.default : undefined}
        aria-invalid={!!error}
        aria-describedby={describedBy}
        onChange={(e) => set(e.target.value)}
      />
    );
  } else {
    // Anything the form cannot show as a field (unions, arrays of objects) is edited as JSON.
    control = (
      <textarea
        id={id}
        rows={4}
        className="mono"
        disabled={isLocked}
        defaultValue={value === undefined ? '' : JSON.stringify(value, null, 2)}
        aria-invalid={!!error}
        aria-describedby={describedBy}
        onBlur={(e) => {
          try {
            set(e.target.value.trim() ? JSON.parse(e.target.value) : null);
          } catch {
            /* left as typed; the API reports the invalid value at this field */
          }
        }}
      />
    );
  }
  return (
    <div className={`field${error ? ' invalid' : ''}${control.type === 'textarea' ? ' span-all' : ''}`}>
      <label htmlFor={id}>
        {label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      {control}
      {foot}
    </div>
  );
}
