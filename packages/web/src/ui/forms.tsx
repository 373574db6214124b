/** Labelled fields with their validation message (from the API's problem+json `field` paths). */
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
}

function Wrap({ id, label, error, hint, children }: FieldProps & { id: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

const described = (id: string, error?: string, hint?: ReactNode) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export function TextField({ label, error, hint, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const generated = useId();
  const id = input.id ?? generated;
  return (
    <Wrap id={id} label={label} error={error} hint={hint}>
      <input aria-invalid={!!error} aria-describedby={described(id, error, hint)} {...input} id={id} />
    </Wrap>
  );
}

export function TextArea({ label, error, hint, ...input }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <Wrap id={id} label={label} error={error} hint={hint}>
      <textarea id={id} aria-invalid={!!error} aria-describedby={described(id, error, hint)} {...input} />
    </Wrap>
  );
}

export function SelectField({ label, error, hint, children, ...input }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <Wrap id={id} label={label} error={error} hint={hint}>
      <select id={id} aria-invalid={!!error} aria-describedby={described(id, error, hint)} {...input}>
        {children}
      </select>
    </Wrap>
  );
}

/** `phones.1.number` → "Number 2 of Phones"; `siteId` → "Site id": a field path as a person reads it. */
export function fieldName(path: string): string {
  const words = (k: string) => k.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const parts = path.split('.');
  const out: string[] = [];
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i]!;
    if (/^\d+$/.test(p)) continue;
    const index = /^\d+$/.test(parts[i + 1] ?? '') ? ` ${Number(parts[i + 1]) + 1}` : '';
    out.push(`${words(p)}${index}`);
  }
  const text = out.join(' of ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Messages for fields the form does not show (so no error from the API is ever hidden), named for people. */
export function OtherErrors({ errors, shown }: { errors: Record<string, string>; shown: (field: string) => boolean }) {
  const rest = Object.entries(errors).filter(([f]) => !shown(f));
  if (!rest.length) return null;
  return (
    <ul className="state error" role="alert">
      {rest.map(([f, m]) => (
        <li key={f}>
          <strong>{fieldName(f)}</strong>: {m}
        </li>
      ))}
    </ul>
  );
}
