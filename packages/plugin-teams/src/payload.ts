/**
 * `rawPayload` with its keys in PostgreSQL's jsonb order (shorter keys first, then by bytes), at
 * every depth. Core tells an unchanged call by the JSON text of its payload, and jsonb hands keys
 * back in that order: a payload in any other order reads as changed on every sync on PostgreSQL.
 */
const order = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

export function jsonbOrdered<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => jsonbOrdered(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort(order)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = jsonbOrdered(v);
    }
    return out as T;
  }
  return value;
}
