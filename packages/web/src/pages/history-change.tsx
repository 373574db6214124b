/**
 * One History row's change, for people: numbers added, removed and changed (type, label or the number
 * itself); e-mail addresses and tags added and removed; plain fields old → new; plugin attributes per key;
 * a plugin's note ("PIN e-mailed to …") as it is written.
 */
import type { ReactNode } from 'react';
import { showAttribute } from '../ui/attributes';

interface Phone {
  type?: string;
  number?: string;
  label?: string | null;
}

const FIELD_LABELS: Record<string, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  displayName: 'Display name',
  organization: 'Organisation',
  department: 'Department',
  title: 'Title',
  emails: 'E-mail addresses',
  phones: 'Numbers',
  tags: 'Tags',
  notes: 'Notes',
  attributes: 'Plugin attributes',
  siteId: 'Site',
  externalId: 'External id',
};

/** A plugin's History note ("PIN e-mailed to …", `ctx.contacts.recordHistory`): a `<namespace>.<what>` field, no old value, the note as the new one. */
export const isNote = (h: { field: string; old?: unknown; new?: unknown }): h is { field: string; old?: null; new: string } => /^[a-z][a-z0-9_-]*\./.test(h.field) && h.old == null && typeof h.new === 'string';

export const fieldLabel = (field: string): string => FIELD_LABELS[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

const show = (v: unknown): string => (v === null || v === undefined || v === '' ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
const digits = (n: string | undefined) => (n ?? '').replace(/[^\d+]/g, '');
const describe = (p: Phone) => `${p.number ?? ''}${p.type ? ` (${p.type}${p.label ? `, ${p.label}` : ''})` : ''}`;
const isRecord = (v: unknown): v is Record<string, unknown> | null | undefined => v == null || (typeof v === 'object' && !Array.isArray(v));
const asList = <T,>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export interface PhoneDiff {
  added: Phone[];
  removed: Phone[];
  changed: { from: Phone; to: Phone }[];
}

/** Numbers matched by their digits first (type or label changed), then the rest by position (the number itself changed). */
export function diffPhones(before: Phone[], after: Phone[]): PhoneDiff {
  const out: PhoneDiff = { added: [], removed: [], changed: [] };
  const rest = [...after];
  const unmatched: Phone[] = [];
  for (const b of before) {
    const i = rest.findIndex((a) => digits(a.number) === digits(b.number));
    if (i < 0) {
      unmatched.push(b);
      continue;
    }
    const [a] = rest.splice(i, 1);
    if (a!.type !== b.type || (a!.label ?? null) !== (b.label ?? null) || a!.number !== b.number) out.changed.push({ from: b, to: a! });
  }
  // A number edited in place: same type, one left over on each side.
  for (const b of unmatched) {
    const i = rest.findIndex((a) => a.type === b.type);
    if (i >= 0 && unmatched.length === 1 && rest.length === 1) out.changed.push({ from: b, to: rest.splice(i, 1)[0]! });
    else out.removed.push(b);
  }
  out.added.push(...rest);
  return out;
}

function ListDiff({ before, after, noun }: { before: string[]; after: string[]; noun: string }) {
  const added = after.filter((x) => !before.includes(x));
  const removed = before.filter((x) => !after.includes(x));
  if (!added.length && !removed.length) return <span className="muted"> order of {noun} changed</span>;
  return (
    <ul className="change-list">
      {added.map((x) => (
        <li key={`+${x}`}>
          added <ins>{x}</ins>
        </li>
      ))}
      {removed.map((x) => (
        <li key={`-${x}`}>
          removed <del>{x}</del>
        </li>
      ))}
    </ul>
  );
}

export function HistoryChange({ field, old: before, new: after }: { field: string; old: unknown; new: unknown }): ReactNode {
  if (field === 'phones') {
    const d = diffPhones(asList<Phone>(before), asList<Phone>(after));
    if (!d.added.length && !d.removed.length && !d.changed.length) return <span className="muted"> order of numbers changed</span>;
    return (
      <ul className="change-list">
        {d.added.map((p, i) => (
          <li key={`a${i}`}>
            added <ins>{describe(p)}</ins>
          </li>
        ))}
        {d.removed.map((p, i) => (
          <li key={`r${i}`}>
            removed <del>{describe(p)}</del>
          </li>
        ))}
        {d.changed.map((c, i) => (
          <li key={`c${i}`}>
            changed <del>{describe(c.from)}</del> → <ins>{describe(c.to)}</ins>
          </li>
        ))}
      </ul>
    );
  }
  if (field === 'emails' || field === 'tags') return <ListDiff before={asList<string>(before)} after={asList<string>(after)} noun={field === 'tags' ? 'tags' : 'addresses'} />;
  // Attributes per key (null: none yet); a secret's marker shows masked, never as JSON.
  if (field === 'attributes' && isRecord(before) && isRecord(after)) {
    const flat = (o: object | null | undefined) => Object.fromEntries(Object.entries(o ?? {}).flatMap(([ns, v]) => (v && typeof v === 'object' ? Object.entries(v as object).map(([k, x]) => [`${ns}.${k}`, x]) : [[ns, v]])));
    const a = flat(before);
    const b = flat(after);
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    return (
      <ul className="change-list">
        {keys.map((k) => (
          <li key={k}>
            <code>{k}</code> <del>{showAttribute(a[k])}</del> → <ins>{showAttribute(b[k])}</ins>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <span className="change">
      {' '}
      <del>{show(before)}</del> → <ins>{show(after)}</ins>
    </span>
  );
}
