/**
 * node-soap's parsed AXL answers → the plain shapes of `types.ts`. node-soap gives strings,
 * `null` for `<x/>`, `{attributes:{uuid}, $value}` for foreign keys with a uuid,
 * `{attributes:{uuid:''}}` for v14's nil foreign keys, `{attributes:{'xsi:nil':'true'}}` for nil
 * elements, and arrays only where the schema says `maxOccurs="unbounded"`. Pure.
 */
import { macOfDeviceName } from '../mac.js';
import type { CucmUser, FacInfo, Phone, PhoneCriteria, PhoneLine, PhoneSummary } from './types.js';

type Raw = Record<string, unknown> | null | undefined;

/** Text of a value or foreign key; null when empty, nil or absent. */
export function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && '$value' in v) return text((v as { $value: unknown }).$value);
  return null;
}

/** The `uuid` attribute, braces and case as CUCM sends them (`{ABC-…}`). */
export const uuidOf = (v: unknown): string | null => text((v as { attributes?: { uuid?: unknown } } | null)?.attributes?.uuid);

export const toArray = <T>(v: T | T[] | null | undefined): T[] => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);

const int = (v: unknown): number | null => {
  const s = text(v);
  const n = s === null ? Number.NaN : Number(s);
  return Number.isInteger(n) ? n : null;
};

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

export function mapLine(raw: Raw): PhoneLine {
  const r = obj(raw);
  const dirn = obj(r.dirn);
  return { index: int(r.index), dn: text(dirn.pattern), partition: text(dirn.routePartitionName), label: text(r.label), display: text(r.display), e164Mask: text(r.e164Mask) };
}

/** `listPhone` → each `return.phone[]`. */
export function mapPhoneSummary(raw: Raw): PhoneSummary {
  const r = obj(raw);
  const name = text(r.name) ?? '';
  return {
    uuid: uuidOf(r),
    name,
    mac: macOfDeviceName(name),
    description: text(r.description),
    model: text(r.model),
    product: text(r.product),
    protocol: text(r.protocol),
    devicePool: text(r.devicePoolName),
    owner: text(r.ownerUserName),
  };
}

/** `getPhone` → `return.phone`: the summary's fields, and the ones only `getPhone` returns. */
export function mapPhone(raw: Raw): Phone {
  const r = obj(raw);
  const lines = toArray(obj(r.lines).line as Raw | Raw[]).map(mapLine);
  lines.sort((a, b) => (a.index ?? 99) - (b.index ?? 99));
  return { ...mapPhoneSummary(raw), location: text(r.locationName), callingSearchSpace: text(r.callingSearchSpaceName), loginUserId: text(r.loginUserId), lines };
}

/** `getUser` → `return.user`. */
export function mapUser(raw: Raw): CucmUser {
  const r = obj(raw);
  const ext = obj(r.primaryExtension);
  const pattern = text(ext.pattern);
  return {
    uuid: uuidOf(r),
    userid: text(r.userid) ?? '',
    firstName: text(r.firstName),
    lastName: text(r.lastName),
    displayName: text(r.displayName),
    mail: text(r.mailid),
    department: text(r.department),
    telephoneNumber: text(r.telephoneNumber),
    associatedDevices: toArray(obj(r.associatedDevices).device as unknown)
      .map(text)
      .filter((d): d is string => d !== null),
    primaryExtension: pattern ? { pattern, partition: text(ext.routePartitionName) } : null,
  };
}

export function mapFacInfo(raw: Raw): FacInfo {
  const r = obj(raw);
  return { uuid: uuidOf(r), name: text(r.name) ?? '', code: text(r.code), authorizationLevel: int(r.authorizationLevel) };
}

/** The rows of `executeSQLQuery`: column name → text (null when empty). */
export function mapRows(ret: unknown): Record<string, string | null>[] {
  return toArray(obj(ret).row as Raw | Raw[]).map((row) => {
    const out: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(obj(row))) if (k !== 'attributes') out[k.toLowerCase()] = text(v);
    return out;
  });
}

const PHONE_CRITERIA_ORDER = ['name', 'description', 'protocol', 'callingSearchSpaceName', 'devicePoolName', 'securityProfileName'] as const;

/**
 * `searchCriteria` of listPhone in schema order (node-soap does not reorder inline types), only
 * the keys given: an empty element would mean "match empty", not "any".
 */
export function phoneSearchCriteria(c: PhoneCriteria): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of PHONE_CRITERIA_ORDER) if (typeof c[k] === 'string' && c[k] !== '') out[k] = c[k];
  if (!Object.keys(out).length) out.name = '%';
  return out;
}

/** `returnedTags`: every listed element, empty (node-soap puts them in schema order). */
export const tags = (...names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, '']));

export const PHONE_TAGS = {
  ...tags('name', 'description', 'product', 'model', 'class', 'protocol', 'callingSearchSpaceName', 'devicePoolName', 'locationName'),
  lines: { line: { ...tags('index', 'label', 'display'), dirn: tags('pattern', 'routePartitionName'), e164Mask: '' } },
  ...tags('loginUserId', 'ownerUserName'),
};
export const PHONE_SUMMARY_TAGS = tags('name', 'description', 'product', 'model', 'protocol', 'devicePoolName', 'ownerUserName');
export const USER_TAGS = { ...tags('firstName', 'displayName', 'lastName', 'userid', 'mailid', 'department'), associatedDevices: { device: '' }, primaryExtension: tags('pattern', 'routePartitionName'), telephoneNumber: '' };
export const FAC_TAGS = tags('name', 'code', 'authorizationLevel');
