/** Small helpers for dotted key paths (`smtp.password`) over plain JSON objects. */

export type Json = Record<string, unknown>;

export const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

export const splitPath = (path: string): string[] => (path ? path.split('.') : []);

export function getPath(obj: unknown, path: readonly string[]): unknown {
  let node = obj;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Set a value, creating intermediate objects (never mutating shared children: callers pass their own copy). */
export function setPath(obj: Json, path: readonly string[], value: unknown): void {
  let node = obj;
  path.slice(0, -1).forEach((key) => {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Json;
  });
  node[path[path.length - 1]!] = value;
}

/** Remove a value and any object it leaves empty. */
export function deletePath(obj: Json, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || !(head in obj)) return;
  if (!rest.length) {
    delete obj[head];
    return;
  }
  const child = obj[head];
  if (!isPlainObject(child)) return;
  deletePath(child, rest);
  if (!Object.keys(child).length) delete obj[head];
}

/** `b` over `a`, recursively for plain objects; arrays and other values replace. Returns a new object. */
export function deepMerge(a: unknown, b: unknown): unknown {
  if (b === undefined) return clone(a);
  if (!isPlainObject(a) || !isPlainObject(b)) return clone(b);
  const out: Json = clone(a) as Json;
  for (const [k, v] of Object.entries(b)) out[k] = deepMerge(out[k], v);
  return out;
}

export const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** Do two key paths overlap (equal, or one inside the other)? */
export const overlaps = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
