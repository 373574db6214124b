import { DialbookError } from '../base/errors.js';
import { Registry } from '../base/registry.js';
import { stableJson } from '../base/text.js';
import { attributeAt, withAttribute } from './attributes.js';
import type { ContactInput } from './types.js';

/**
 * A secret of a person kept with their contact (CUCM's PIN): registered by a plugin as
 * `<namespace>.<key>`. Its value is encrypted at rest in its own table (`contact_secret`) and read
 * only through `GET /contacts/{id}/secrets/{key}` (staff and admins, audited) or a plugin's
 * `ctx.contacts.getSecret`. The contact's attributes hold only a {@link SecretMarker} at that
 * path — so filters (`hasAttribute=cucm.pin`), History, events, exports and directories see that
 * a secret is set and when, never the value.
 */
export interface SecretAttribute {
  /** `cucm.pin`: the attribute namespace (lower-case), a dot, the key. */
  key: string;
  /** What it is, for people: `PIN (forced authorization code)`. */
  label: string;
}

/** What a contact's attributes hold where a secret is set. */
export interface SecretMarker {
  secret: 'set';
  /** When the value last changed (ISO 8601). */
  updatedAt: string;
}

const KEY = /^([a-z][a-z0-9_-]*)\.([A-Za-z][A-Za-z0-9_-]*)$/;

/** `cucm.pin` → `['cucm', 'pin']`; a clear error for anything else. */
export function splitSecretKey(key: string): [string, string] {
  const m = KEY.exec(key);
  if (!m) throw new DialbookError('DIALBOOK_VALIDATION', `"${key}" is not a secret attribute key: write <namespace>.<key>, e.g. cucm.pin`, { status: 422, field: 'key' });
  return [m[1]!, m[2]!];
}

export const secretMarker = (at: Date): SecretMarker => ({ secret: 'set', updatedAt: at.toISOString() });

/** The registered secret attributes, and the rule that keeps their markers out of ordinary writes. */
export class SecretAttributes {
  readonly registry = new Registry<SecretAttribute & { id: string }>('secret contact attribute');

  register(attribute: SecretAttribute, owner: string): void {
    splitSecretKey(attribute.key);
    this.registry.register({ ...attribute, id: attribute.key }, owner);
  }

  /** The registered attribute, or 404 naming the ones there are. */
  require(key: string): SecretAttribute {
    const found = this.registry.get(key);
    if (found) return found;
    const known = this.registry.list().map((a) => a.key);
    throw new DialbookError('DIALBOOK_CONTACT_SECRET_UNKNOWN', `no secret contact attribute "${key}" is registered${known.length ? ` (registered: ${known.join(', ')})` : ''}`, { status: 404, field: 'key' });
  }

  /**
   * The attributes a write may store: a secret's marker stays as it was — an edit form that sends
   * the attributes back with the marker unchanged, or without it, leaves it alone — and any other
   * value at a secret's path is refused (422 naming the path), so a secret never lands in the
   * attributes in clear. Only the secret store changes a marker (`allow`).
   */
  guard(before: ContactInput['attributes'] | null, after: ContactInput['attributes'], allow: readonly string[] = []): ContactInput['attributes'] {
    let out = after;
    for (const { key } of this.registry.list()) {
      if (allow.includes(key)) continue;
      const [ns, name] = splitSecretKey(key);
      const was = before ? attributeAt(before, `${ns}.${name}`) : undefined;
      const now = attributeAt(out, `${ns}.${name}`);
      if (now === undefined) {
        if (was !== undefined) out = withAttribute(out, ns, name, was);
        continue;
      }
      if (was !== undefined && stableJson(now) === stableJson(was)) continue;
      const field = `attributes.${key}`;
      const message = `${field} is a secret: set it with PUT /api/v1/contacts/{id}/secrets/${key} (staff and admins), never as an attribute`;
      throw new DialbookError('DIALBOOK_VALIDATION', message, { status: 422, field, details: { errors: [{ field, message }] } });
    }
    return out;
  }

  /** The attributes with the marker of `key` set (`at`) or removed (`null`). */
  mark(attributes: ContactInput['attributes'], key: string, at: Date | null): ContactInput['attributes'] {
    const [ns, name] = splitSecretKey(key);
    return withAttribute(attributes, ns, name, at ? secretMarker(at) : undefined);
  }
}
