import type { SiteDto } from '../sites/types.js';
import type { PhonebookDto } from '../phonebooks/types.js';
import { DialbookError } from '../base/errors.js';
import type { ConfigField, ConfigValues } from './protocol.js';

/** A declared field as the API shows it: with its current value (secrets only as `{ set }`). */
export interface FieldView extends ConfigField {
  value: string | number | boolean | { set: boolean } | null;
  /** Filled by core from the phonebook or site (the admin may still override it). */
  filled: boolean;
}

/** The value core knows for a `fill` field. */
export function filledValue(field: ConfigField, phonebook: PhonebookDto, site: SiteDto): string | undefined {
  switch (field.fill) {
    case 'phonebook.name':
      return phonebook.name;
    case 'phonebook.id':
      return phonebook.id;
    case 'site.name':
      return site.name;
    case 'site.slug':
      return site.slug;
    default:
      return undefined;
  }
}

/**
 * Check what the admin sent against the fields the service declared and merge it over what
 * is stored: unknown keys, wrong types and values outside `options` are refused (422 naming
 * `values.<key>`); a secret left out keeps its stored value; `null` clears a value.
 * Returns the effective values (filled and default values included) and the keys still missing.
 */
export function mergeConfiguration(
  fields: ConfigField[],
  stored: { values: Record<string, unknown>; secrets: Record<string, unknown> },
  input: Record<string, unknown>,
  known: (field: ConfigField) => string | undefined,
): { values: ConfigValues; secrets: ConfigValues; effective: ConfigValues; missing: string[] } {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  for (const key of Object.keys(input)) {
    if (!byKey.has(key)) {
      throw new DialbookError('DIALBOOK_VENDOR_CONFIG_UNKNOWN_KEY', `the service asks for no "${key}" (it asks for: ${fields.map((f) => f.key).join(', ') || 'nothing'})`, { status: 422, field: `values.${key}` });
    }
  }
  const values: ConfigValues = {};
  const secrets: ConfigValues = {};
  const effective: ConfigValues = {};
  const missing: string[] = [];
  for (const f of fields) {
    const target = f.type === 'secret' ? secrets : values;
    const sent = input[f.key];
    let v: unknown = f.key in input ? sent : f.type === 'secret' ? stored.secrets[f.key] : stored.values[f.key];
    if (v !== undefined && v !== null) {
      v = coerce(f, v);
      target[f.key] = v as string | number | boolean;
    }
    const eff = v ?? known(f) ?? f.default;
    if (eff === undefined || eff === null || eff === '') {
      if (f.required) missing.push(f.key);
    } else effective[f.key] = eff as string | number | boolean;
  }
  return { values, secrets, effective, missing };
}

function coerce(f: ConfigField, v: unknown): string | number | boolean {
  const fail = (expected: string) =>
    new DialbookError('DIALBOOK_VENDOR_CONFIG_INVALID', `${f.label}: expected ${expected}, found ${typeof v === 'string' ? `"${v.slice(0, 40)}"` : JSON.stringify(v)}`, { status: 422, field: `values.${f.key}` });
  switch (f.type) {
    case 'number':
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      throw fail('a number');
    case 'boolean':
      if (typeof v === 'boolean') return v;
      throw fail('true or false');
    default:
      if (typeof v !== 'string') throw fail('text');
      if (v.length > 4000) throw fail('at most 4000 characters');
      if (f.minLength && v.length < f.minLength) throw fail(`at least ${f.minLength} characters`);
      if (f.options && !f.options.includes(v)) throw fail(`one of ${f.options.join(', ')}`);
      return v;
  }
}
