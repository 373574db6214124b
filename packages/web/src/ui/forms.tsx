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
  const id = useId();
  return (
    <Wrap id={id} label={label} error={error} hint={hint}>
      <input id={id} aria-invalid={!!error} aria-describedby={described(id, error, hint)} {...input} />
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

/** Messages for fields the form does not show (so no error from the API is ever hidden). */
export function OtherErrors({ errors, shown }: { errors: Record<string, string>; shown: (field: string) => boolean }) {
  const rest = Object.entries(errors).filter(([f]) => !shown(f));
  if (!rest.length) return null;
  return (
    <ul className="state error" role="alert">
      {rest.map(([f, m]) => (
        <li key={f}>
          <code>{f}</code>: {m}
        </li>
      ))}
    </ul>
  );
}
