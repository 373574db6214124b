import { z } from 'zod';
import { describeExpected, describeFound } from '../config/issues.js';
import { deepMerge, getPath, isPlainObject, overlaps, type Json } from './paths.js';
import { defaultsOf, isSecretPath, leafPaths, matchKey, shapeOf } from './schema.js';

/**
 * Settings given by the deployment config (`settings: { email: { smtp: { host } } }`)
 * or the environment (`DIALBOOK_SETTING_EMAIL__SMTP__HOST`). They win over the database
 * and lock the keys they set. Keys are matched to the schema ignoring case, `-` and `_`;
 * a number or boolean (an env value that parses as JSON) is taken as text where the key
 * wants text.
 */
export interface Overrides {
  values: Json;
  /** Leaf key paths set here (`smtp.host`): the API refuses to change them. */
  locked: string[];
}

/** Map an override object onto the schema's keys; problems are one line each, never showing a secret. */
export function mapOverrides(categoryId: string, schema: z.ZodObject, raw: unknown): { overrides: Overrides; problems: string[] } {
  const problems: string[] = [];
  const where = (path: string[]) => `settings.${[categoryId, ...path].join('.')}`;
  const walk = (value: unknown, s: z.core.$ZodType, path: string[]): unknown => {
    const shape = shapeOf(s);
    if (!shape || !isPlainObject(value)) return coerceLeaf(value, s);
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      const key = matchKey(shape, k);
      if (!key) problems.push(`${where([...path, k])}: no such setting (known: ${Object.keys(shape).join(', ')})`);
      else out[key] = walk(v, shape[key]!, [...path, key]);
    }
    return out;
  };
  if (raw !== undefined && !isPlainObject(raw)) return { overrides: { values: {}, locked: [] }, problems: [`${where([])}: expected an object of settings, found ${describeFound(raw)}`] };
  const values = (walk(raw ?? {}, schema, []) ?? {}) as Json;
  const locked = leafPaths(values, schema).leaves;

  // Validate what the overrides set, together with the defaults (refinements across keys included).
  const parsed = schema.safeParse(deepMerge(defaultsOf(schema), values));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      if (!locked.some((l) => overlaps(l, path.join('.')))) continue; // not caused by an override
      if (getPath(values, path) === undefined && issue.code === 'invalid_type') continue; // missing: the database may fill it
      const found = isSecretPath(schema, path) ? 'a value (not shown: secret)' : describeFound(getPath(values, path));
      problems.push(`${where(path)}: expected ${describeExpected(issue)}, found ${found}`);
    }
  }
  return { overrides: { values, locked }, problems };
}

function coerceLeaf(value: unknown, schema: z.core.$ZodType): unknown {
  if ((typeof value === 'number' || typeof value === 'boolean') && !z.safeParse(schema, value).success && z.safeParse(schema, String(value)).success) return String(value);
  return value;
}

/** Which category an override key means: exact id, else ignoring case, `-` and `_`. */
export function matchCategory(ids: string[], key: string): string | undefined {
  return matchKey(Object.fromEntries(ids.map((id) => [id, null as never])), key);
}

