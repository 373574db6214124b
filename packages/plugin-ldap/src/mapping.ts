/**
 * LDAP entry → contact input. Pure functions only: no I/O, no core services, so the
 * mapping is tested on its own (test/mapping.test.ts).
 */
import { z, type ContactCreate } from '@dialbook/core';
import { PHONE_TYPES, PRESETS, type AttributeMapping, type ChangeAttribute, type PresetName } from './presets.js';

/** One entry as ldapts returns it: attribute values as text, or bytes for binary attributes. */
export interface LdapEntry {
  dn: string;
  [attribute: string]: string | string[] | Buffer | Buffer[];
}

/** What `upsertFromSource` takes for one contact (site, source and external id travel separately). */
export type ContactFields = Omit<ContactCreate, 'siteId' | 'source' | 'externalId'>;

/** `auto`, `dn`, or the name of an attribute holding a stable id (`entryUUID`, `objectGUID`). */
export type IdentitySetting = string;

export interface MapOptions {
  mapping: AttributeMapping;
  preset: PresetName;
  identity: IdentitySetting;
  /** Namespace of the contact attributes the entry's DN and uid are kept under (the plugin name). */
  namespace: string;
}

export type MappedEntry =
  | {
      ok: true;
      /** The stable id: the contact's `externalId`. */
      identity: string;
      /** Where it came from: the attribute name, or `dn`. */
      identityAttribute: string;
      dn: string;
      /** The login name (lower-case comparisons find UID conflicts), or null. */
      uid: string | null;
      contact: ContactFields;
      /** Values left out (an invalid address or number); the entry is imported without them. */
      warnings: string[];
      /** When the entry last changed, for incremental syncs. */
      changed: { modifyTimestamp: string | null; uSNChanged: string | null };
    }
  | { ok: false; identity: string | null; dn: string; problems: string[] };

/** Longest external id the core stores. */
const MAX_EXTERNAL_ID = 512;
const LIMITS = { firstName: 200, lastName: 200, displayName: 400, organization: 200, department: 200, title: 200 } as const;
const MAX_EMAILS = 20;
const MAX_PHONES = 50;
/** The characters the core accepts in a number. */
const NUMBER = /^[+0-9 ()./\-#*xX]+$/;
const Email = z.email().max(320);
/** Operational attributes that hold a stable id, in the order `identity: auto` tries them. */
export const BINARY_ATTRIBUTES = ['objectGUID', 'objectSid'];

/** Attribute values by lower-case name (servers answer in their own spelling). */
export function indexEntry(entry: LdapEntry): Map<string, (string | Buffer)[]> {
  const index = new Map<string, (string | Buffer)[]>();
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'dn') continue;
    const values = Array.isArray(value) ? value : [value];
    const k = key.toLowerCase();
    index.set(k, [...(index.get(k) ?? []), ...values]);
  }
  return index;
}

const asText = (v: string | Buffer): string => (typeof v === 'string' ? v : v.toString('utf8'));

/** Non-blank text values of an attribute, trimmed, in directory order. */
export function texts(index: Map<string, (string | Buffer)[]>, attribute: string): string[] {
  return (index.get(attribute.toLowerCase()) ?? []).map(asText).map((s) => s.trim()).filter(Boolean);
}

/**
 * Active Directory's `objectGUID` bytes as the GUID string AD tools show:
 * the first three groups are stored little-endian.
 *
 * ```ts
 * formatGuid(Buffer.from('3f2504e04f8941d39a0c0305e82c3301', 'hex')) // 'e004253f-894f-d341-9a0c-0305e82c3301'
 * ```
 */
export function formatGuid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new TypeError(`a GUID has 16 bytes, not ${bytes.length}`);
  const hex = (i: number) => bytes[i]!.toString(16).padStart(2, '0');
  const group = (...idx: number[]) => idx.map(hex).join('');
  return `${group(3, 2, 1, 0)}-${group(5, 4)}-${group(7, 6)}-${group(8, 9)}-${group(10, 11, 12, 13, 14, 15)}`;
}

/** The inverse of {@link formatGuid}: the bytes to search `objectGUID` with. */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/[{}-]/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new TypeError(`"${guid}" is not a GUID`);
  const b = Buffer.from(hex, 'hex');
  return Buffer.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8)]);
}

export const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

/**
 * A DN in one spelling: no spaces around separators, lower-case (attribute types and the
 * usual name values compare case-insensitively), so a re-read entry finds its contact.
 */
export function normaliseDn(dn: string): string {
  return dn
    .trim()
    .replace(/\s*(?<!\\)([,=+])\s*/g, '$1')
    .toLowerCase();
}

/** Prefix of identities that are DNs (entries without a stable id attribute). */
export const DN_IDENTITY = 'dn:';

/** One attribute value as an identity: GUID bytes formatted, UUIDs lower-case. */
function identityValue(v: string | Buffer): string | null {
  if (typeof v !== 'string') return v.length === 16 ? formatGuid(v) : v.length ? v.toString('hex') : null;
  const s = v.trim();
  if (!s) return null;
  return GUID.test(s) ? s.replace(/[{}]/g, '').toLowerCase() : s;
}

/**
 * The entry's stable id. `auto` tries the preset's id attributes (`entryUUID`, `objectGUID`, …)
 * and falls back to the DN; `dn` always uses the DN; any other value names the attribute,
 * which every entry must then carry.
 */
export function identityOf(entry: LdapEntry, index: Map<string, (string | Buffer)[]>, setting: IdentitySetting, preset: PresetName): { ok: true; value: string; attribute: string } | { ok: false; problem: string } {
  const fromDn = () => ({ ok: true as const, value: `${DN_IDENTITY}${normaliseDn(entry.dn)}`, attribute: 'dn' });
  if (setting.toLowerCase() === 'dn') return fromDn();
  const candidates = setting === 'auto' ? PRESETS[preset].identity : [setting];
  for (const attr of candidates) {
    const raw = index.get(attr.toLowerCase())?.[0];
    const value = raw === undefined ? null : identityValue(raw);
    if (value) return { ok: true, value, attribute: attr };
  }
  if (setting === 'auto') return fromDn();
  return { ok: false, problem: `the entry has no ${setting} (the identity attribute); is it requested and readable by the bind user?` };
}

/** Unicode dashes and spaces that directories hold in numbers, as the core accepts them. */
export function cleanNumber(raw: string): string {
  return raw
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u00a0\u2000-\u200b\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const digitsOf = (n: string): string => n.replace(/[^0-9+]/g, '');

/** Generalized time (`20240131120000Z`, `20240131120000.0Z`) as text that sorts by time. */
export function timeKey(value: string): string | null {
  const m = /^(\d{10,14})(?:[.,](\d+))?Z$/i.exec(value.trim());
  if (!m) return null;
  return `${m[1]!.padEnd(14, '0')}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}`;
}

/** A date as generalized time, to the second: `20240131120000Z`. */
export function toGeneralizedTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** The later of two change markers of the same attribute (generalized time or an integer USN). */
export function laterMarker(attribute: ChangeAttribute, a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  if (attribute === 'uSNChanged') return BigInt(a) >= BigInt(b) ? a : b;
  return (timeKey(a) ?? '') >= (timeKey(b) ?? '') ? a : b;
}

/** The earlier of two markers (null counts as unknown: the other one wins). */
export function earlierMarker(attribute: ChangeAttribute, a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return laterMarker(attribute, a, b) === a ? b : a;
}

/** Attributes the sync asks the server for. */
export function requestedAttributes(mapping: AttributeMapping, preset: PresetName, identity: IdentitySetting): string[] {
  const id = identity === 'auto' ? PRESETS[preset].identity : identity.toLowerCase() === 'dn' ? [] : [identity];
  const fields = [mapping.firstName, mapping.lastName, mapping.displayName, mapping.organization, mapping.department, mapping.title, mapping.uid, mapping.emails, ...PHONE_TYPES.map((t) => mapping.phones[t])].flat();
  const all = [...id, ...fields, 'modifyTimestamp', 'uSNChanged'];
  const seen = new Set<string>();
  return all.filter((a) => !seen.has(a.toLowerCase()) && seen.add(a.toLowerCase()));
}

/**
 * Map one entry. Empty attributes become `null`/`[]`, so a value removed in the directory
 * clears the field on the next sync. An address or number the core would refuse is left
 * out with a warning; an entry is refused only when it has no identity or no name at all.
 */
export function mapEntry(entry: LdapEntry, options: MapOptions): MappedEntry {
  const index = indexEntry(entry);
  const { mapping } = options;
  const warnings: string[] = [];
  const id = identityOf(entry, index, options.identity, options.preset);
  const problems: string[] = [];
  if (!id.ok) problems.push(id.problem);
  else if (id.value.length > MAX_EXTERNAL_ID) problems.push(`the identity is longer than ${MAX_EXTERNAL_ID} characters`);

  const first = (attrs: string[], field: keyof typeof LIMITS): string | null => {
    for (const a of attrs) {
      const v = texts(index, a)[0];
      if (v === undefined) continue;
      if (v.length > LIMITS[field]) {
        warnings.push(`${a}: shortened to ${LIMITS[field]} characters`);
        return v.slice(0, LIMITS[field]);
      }
      return v;
    }
    return null;
  };

  const emails: string[] = [];
  for (const a of mapping.emails) {
    for (const v of texts(index, a)) {
      const address = v.replace(/^smtp:/i, '');
      if (!Email.safeParse(address).success) warnings.push(`${a} "${v}": not an e-mail address, left out`);
      else if (!emails.some((e) => e.toLowerCase() === address.toLowerCase())) emails.push(address);
    }
  }
  if (emails.length > MAX_EMAILS) {
    warnings.push(`only the first ${MAX_EMAILS} of ${emails.length} e-mail addresses were kept`);
    emails.length = MAX_EMAILS;
  }

  const phones: { type: (typeof PHONE_TYPES)[number]; number: string }[] = [];
  const seenDigits = new Set<string>();
  for (const type of PHONE_TYPES) {
    for (const a of mapping.phones[type]) {
      for (const v of texts(index, a)) {
        const number = cleanNumber(v);
        if (!NUMBER.test(number) || number.length > 64 || !/\d/.test(number)) {
          warnings.push(`${a} "${v}": not a phone number, left out`);
          continue;
        }
        const key = digitsOf(number);
        if (seenDigits.has(key)) continue;
        seenDigits.add(key);
        phones.push({ type, number });
      }
    }
  }
  if (phones.length > MAX_PHONES) {
    warnings.push(`only the first ${MAX_PHONES} of ${phones.length} numbers were kept`);
    phones.length = MAX_PHONES;
  }

  const uid = mapping.uid.map((a) => texts(index, a)[0]).find((v) => v !== undefined) ?? null;
  const contact: ContactFields = {
    firstName: first(mapping.firstName, 'firstName'),
    lastName: first(mapping.lastName, 'lastName'),
    displayName: first(mapping.displayName, 'displayName'),
    organization: first(mapping.organization, 'organization'),
    department: first(mapping.department, 'department'),
    title: first(mapping.title, 'title'),
    emails,
    phones,
    attributes: { [options.namespace]: { dn: entry.dn, uid } },
  };
  if (!contact.firstName && !contact.lastName && !contact.displayName && !contact.organization) {
    const names = [...mapping.firstName, ...mapping.lastName, ...mapping.displayName, ...mapping.organization];
    problems.push(`no name: none of ${names.join(', ') || '(no name attributes mapped)'} has a value`);
  }
  if (problems.length || !id.ok) return { ok: false, identity: id.ok && id.value.length <= MAX_EXTERNAL_ID ? id.value : null, dn: entry.dn, problems };

  const modifyTimestamp = texts(index, 'modifyTimestamp')[0] ?? null;
  const usn = texts(index, 'uSNChanged')[0] ?? null;
  return {
    ok: true,
    identity: id.value,
    identityAttribute: id.attribute,
    dn: entry.dn,
    uid,
    contact,
    warnings,
    changed: { modifyTimestamp: modifyTimestamp && timeKey(modifyTimestamp) ? modifyTimestamp : null, uSNChanged: usn && /^\d+$/.test(usn) ? usn : null },
  };
}

/** A short line for search results: the uid, the first address and the first number. */
export function describeEntry(mapped: Extract<MappedEntry, { ok: true }>): string {
  return [mapped.uid, mapped.contact.emails?.[0], mapped.contact.phones?.[0]?.number].filter(Boolean).join(' · ');
}

/** The name a person reads for a mapped entry (as the core would show it). */
export function nameOf(contact: ContactFields): string {
  return contact.displayName || [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.organization || '';
}
