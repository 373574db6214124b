/**
 * Who a contact is in CUCM: their CUCM user id (from the attribute the settings name, or the
 * contact's externalId) and the name of their forced authorization code (by the matching rule).
 * Pure.
 *
 * @example
 * cucmUserId(contact, 'ldap.uid')                        // 'jdoe'
 * facNameFor(contact, { facMatch: 'first last', userIdAttribute: 'ldap.uid' }) // { ok: true, name: 'John Doe' }
 */
import type { ContactDto } from '@dialbook/core';
import type { CucmSettings } from './settings.js';

type Person = Pick<ContactDto, 'attributes' | 'externalId' | 'firstName' | 'lastName'>;

/** The value at an attribute path `ns.key` (the key may hold dots: `ldap.x.y` is key `x.y` of `ldap`). */
export function attributeAt(attributes: ContactDto['attributes'], path: string): unknown {
  const dot = path.indexOf('.');
  if (dot < 0) return attributes[path];
  return attributes[path.slice(0, dot)]?.[path.slice(dot + 1)];
}

/** The contact's CUCM user id, or null when the configured attribute is empty. */
export function cucmUserId(contact: Person, attribute: string): string | null {
  const raw = attribute === 'externalId' ? contact.externalId : attributeAt(contact.attributes, attribute);
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const id = String(value).trim();
  return id ? id : null;
}

/** Where the user id comes from, in words (for messages). */
export const userIdSource = (attribute: string): string => (attribute === 'externalId' ? "the contact's externalId" : `the attribute ${attribute}`);

/** The FAC name to look for, or why there is none. */
export function facNameFor(contact: Person, settings: Pick<CucmSettings, 'facMatch' | 'userIdAttribute'>): { ok: true; name: string } | { ok: false; problem: string } {
  if (settings.facMatch === 'uid') {
    const id = cucmUserId(contact, settings.userIdAttribute);
    return id ? { ok: true, name: id } : { ok: false, problem: `the contact has no CUCM user id (${userIdSource(settings.userIdAttribute)} is empty), which the FAC matching rule "uid" needs` };
  }
  const name = [contact.firstName, contact.lastName].map((s) => s?.trim() ?? '').filter(Boolean).join(' ');
  if (!contact.firstName?.trim() || !contact.lastName?.trim()) {
    return { ok: false, problem: `the contact needs a first and a last name for the FAC matching rule "first last"${name ? ` (it has only "${name}")` : ''}` };
  }
  return { ok: true, name };
}

/** A FAC name CUCM can be asked for with listFacInfo's LIKE without the name's own characters acting as wildcards. */
export const likeSafe = (name: string): boolean => !/[%_\\]/.test(name);
