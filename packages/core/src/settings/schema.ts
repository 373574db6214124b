import { z } from 'zod';
import { deepMerge, isPlainObject, type Json } from './paths.js';

/**
 * Reading a settings schema: which keys exist, which are secret, what their
 * defaults are. Wrappers (`optional`, `default`, `prefault`, `nullable`, …) are
 * looked through, so `secret(z.string()).optional()` and
 * `secret(z.string().optional())` are both secret.
 */

type Schema = z.core.$ZodType;
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  getter?: () => Schema;
  shape?: Record<string, Schema>;
  defaultValue?: unknown;
}
const defOf = (s: Schema): Def => s._zod.def as unknown as Def;
const PASS_THROUGH = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/**
 * Mark a settings key as secret: stored encrypted (AES-256-GCM with `DIALBOOK_SECRET_KEY`),
 * never returned by the API (reported as `{ set: true | false }`), never logged.
 *
 * ```ts
 * settings: z.object({ bindDn: z.string(), password: secret(z.string()).optional() })
 * ```
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ secret: true }) as T;
}

const marked = (s: Schema): boolean => (z.globalRegistry.get(s) as { secret?: unknown } | undefined)?.secret === true;

/** Follow wrappers and pipes to the schema that holds the value's shape. */
export function unwrap(schema: Schema): { inner: Schema; secret: boolean } {
  let s = schema;
  let isSecret = marked(s);
  for (let i = 0; i < 32; i++) {
    const d = defOf(s);
    const next = PASS_THROUGH.has(d.type) ? d.innerType : d.type === 'pipe' ? d.in : d.type === 'lazy' ? d.getter?.() : undefined;
    if (!next) break;
    s = next;
    isSecret ||= marked(s);
  }
  return { inner: s, secret: isSecret };
}

export const isSecretSchema = (schema: Schema): boolean => unwrap(schema).secret;

/** The keys of an object schema (after unwrapping), or undefined for anything else. */
export function shapeOf(schema: Schema): Record<string, Schema> | undefined {
  const { inner, secret: isSecret } = unwrap(schema);
  const d = defOf(inner);
  return d.type === 'object' && !isSecret ? d.shape : undefined;
}

/** The schema at a key path, or undefined when the path names no key. */
export function schemaAt(root: Schema, path: readonly string[]): Schema | undefined {
  let s: Schema | undefined = root;
  for (const key of path) {
    const shape: Record<string, Schema> | undefined = s ? shapeOf(s) : undefined;
    if (!shape || !Object.hasOwn(shape, key)) return undefined;
    s = shape[key];
  }
  return s;
}

/** Every secret key path of a schema (`smtp.password`). A secret is always a leaf. */
export function secretPaths(root: Schema, prefix: string[] = []): string[] {
  const shape = shapeOf(root);
  if (!shape) return isSecretSchema(root) && prefix.length ? [prefix.join('.')] : [];
  return Object.entries(shape).flatMap(([k, s]) => secretPaths(s, [...prefix, k]));
}

/** Is `path` a secret, or inside one? */
export function isSecretPath(root: Schema, path: readonly string[]): boolean {
  for (let i = 1; i <= path.length; i++) {
    const s = schemaAt(root, path.slice(0, i));
    if (s && isSecretSchema(s)) return true;
  }
  return false;
}

/** The values the schema supplies when nothing is set (`default`, `prefault`, nested objects). */
export function defaultsOf(schema: Schema, root = true): unknown {
  const d = defOf(schema);
  if (d.type === 'default') return d.defaultValue;
  if (d.type === 'prefault') return deepMerge(defaultsOf(d.innerType!, false), d.defaultValue);
  if (d.type === 'optional') return undefined;
  if (PASS_THROUGH.has(d.type)) return defaultsOf(d.innerType!, false);
  if (d.type === 'pipe') return defaultsOf(d.in!, false);
  if (d.type === 'lazy') return defaultsOf(d.getter!(), false);
  if (d.type !== 'object' || !d.shape) return undefined;
  const out: Json = {};
  for (const [k, s] of Object.entries(d.shape)) {
    const v = defaultsOf(s, false);
    if (v !== undefined) out[k] = v;
  }
  return root || Object.keys(out).length ? out : undefined;
}

/** Find the schema key an override or env key means: exact, else ignoring case, `-` and `_`. */
export function matchKey(shape: Record<string, Schema>, key: string): string | undefined {
  if (Object.hasOwn(shape, key)) return key;
  const norm = (s: string) => s.replace(/[^a-z0-9]/gi, '').toLowerCase();
  return Object.keys(shape).find((k) => norm(k) === norm(key));
}

/**
 * The leaf key paths a (partial) value sets, walked along the schema: a value
 * that is a plain object under an object key is descended into; anything else is
 * a leaf. Keys the schema does not know are returned in `unknown`.
 */
export function leafPaths(value: unknown, schema: Schema, prefix: string[] = []): { leaves: string[]; unknown: string[] } {
  const shape = shapeOf(schema);
  if (!shape || !isPlainObject(value)) return { leaves: prefix.length ? [prefix.join('.')] : [], unknown: [] };
  const leaves: string[] = [];
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (!Object.hasOwn(shape, k)) {
      unknown.push([...prefix, k].join('.'));
      continue;
    }
    const r = leafPaths(v, shape[k]!, [...prefix, k]);
    leaves.push(...r.leaves);
    unknown.push(...r.unknown);
  }
  return { leaves, unknown };
}
