import type { ContactInput } from './types.js';

type Attributes = ContactInput['attributes'];

/** The value at `ns.key` (or the namespace `ns`), or undefined. */
export function attributeAt(attributes: Attributes, path: string): unknown {
  const dot = path.indexOf('.');
  return dot < 0 ? attributes[path] : attributes[path.slice(0, dot)]?.[path.slice(dot + 1)];
}

/** `attributes` with `ns.key` set to `value`, or removed for `null`/`undefined` (an emptied namespace goes too). */
export function withAttribute(attributes: Attributes, ns: string, key: string, value: unknown): Attributes {
  return patchAttributes(attributes, { [ns]: { [key]: value } });
}

/** `patch` over `attributes`, key by key inside each namespace (`null` removes a key; an emptied namespace goes). */
export function patchAttributes(attributes: Attributes, patch: Record<string, Record<string, unknown>>): Attributes {
  const out = { ...attributes };
  for (const [ns, keys] of Object.entries(patch)) {
    const inner = { ...(out[ns] ?? {}) };
    for (const [k, v] of Object.entries(keys)) {
      if (v === null || v === undefined) delete inner[k];
      else inner[k] = v;
    }
    if (Object.keys(inner).length) out[ns] = inner;
    else delete out[ns];
  }
  return out;
}
