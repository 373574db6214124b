/**
 * Attribute mappings for the two directory families most deployments have, and how a
 * site's settings combine with them. Pure data and functions.
 */

/** Contact fields read from the directory. Each lists attributes; the first one with a value wins. */
export const TEXT_FIELDS = ['firstName', 'lastName', 'displayName', 'organization', 'department', 'title', 'uid'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Phone types of the core, in the order numbers are listed on the contact. */
export const PHONE_TYPES = ['work', 'mobile', 'home', 'fax', 'pager', 'other'] as const;
export type PhoneKind = (typeof PHONE_TYPES)[number];

/** A complete mapping: contact field → LDAP attributes. */
export interface AttributeMapping {
  firstName: string[];
  lastName: string[];
  displayName: string[];
  organization: string[];
  department: string[];
  title: string[];
  /** The login name UID conflicts are about (`uid`, `sAMAccountName`). */
  uid: string[];
  /** Every value of every attribute becomes an address. */
  emails: string[];
  /** Every value of every attribute becomes a number of that type. */
  phones: Record<PhoneKind, string[]>;
}

/** What a site may set: any field, any phone type; the rest comes from the preset. */
export interface MappingOverride {
  firstName?: string[] | undefined;
  lastName?: string[] | undefined;
  displayName?: string[] | undefined;
  organization?: string[] | undefined;
  department?: string[] | undefined;
  title?: string[] | undefined;
  uid?: string[] | undefined;
  emails?: string[] | undefined;
  phones?: Partial<Record<PhoneKind, string[] | undefined>> | undefined;
}

export type PresetName = 'openldap' | 'ad' | 'custom';

/** The attribute that tells when an entry changed, for incremental syncs. */
export type ChangeAttribute = 'modifyTimestamp' | 'uSNChanged';

export interface Preset {
  label: string;
  /** Filter used when the settings name none. */
  filter: string;
  mapping: AttributeMapping;
  /** Identity attributes tried in order by `identity: auto` before falling back to the DN. */
  identity: string[];
  changeAttribute: ChangeAttribute;
}

const NONE: AttributeMapping = {
  firstName: [],
  lastName: [],
  displayName: [],
  organization: [],
  department: [],
  title: [],
  uid: [],
  emails: [],
  phones: { work: [], mobile: [], home: [], fax: [], pager: [], other: [] },
};

export const PRESETS: Record<PresetName, Preset> = {
  /** OpenLDAP (and 389 DS, FreeIPA …) with `inetOrgPerson` entries. */
  openldap: {
    label: 'OpenLDAP inetOrgPerson',
    filter: '(objectClass=inetOrgPerson)',
    identity: ['entryUUID', 'nsUniqueId'],
    changeAttribute: 'modifyTimestamp',
    mapping: {
      firstName: ['givenName'],
      lastName: ['sn'],
      displayName: ['displayName', 'cn'],
      organization: ['o'],
      department: ['departmentNumber', 'ou'],
      title: ['title'],
      uid: ['uid'],
      emails: ['mail'],
      phones: {
        work: ['telephoneNumber'],
        mobile: ['mobile'],
        home: ['homePhone'],
        fax: ['facsimileTelephoneNumber'],
        pager: ['pager'],
        other: [],
      },
    },
  },
  /** Active Directory user objects. */
  ad: {
    label: 'Active Directory',
    filter: '(&(objectCategory=person)(objectClass=user))',
    identity: ['objectGUID'],
    changeAttribute: 'uSNChanged',
    mapping: {
      firstName: ['givenName'],
      lastName: ['sn'],
      displayName: ['displayName', 'cn'],
      organization: ['company'],
      department: ['department'],
      title: ['title'],
      uid: ['sAMAccountName'],
      emails: ['mail'],
      phones: {
        work: ['telephoneNumber', 'otherTelephone'],
        mobile: ['mobile', 'otherMobile'],
        home: ['homePhone', 'otherHomePhone'],
        fax: ['facsimileTelephoneNumber', 'otherFacsimileTelephoneNumber'],
        pager: ['pager', 'otherPager'],
        other: ['ipPhone', 'otherIpPhone'],
      },
    },
  },
  /** Nothing preset: the settings' `mapping` says everything. */
  custom: {
    label: 'Custom',
    filter: '(objectClass=person)',
    identity: ['entryUUID', 'objectGUID', 'nsUniqueId'],
    changeAttribute: 'modifyTimestamp',
    mapping: NONE,
  },
};

/** The preset's mapping with the site's keys laid over it (a key set to `[]` maps nothing). */
export function effectiveMapping(preset: PresetName, override: MappingOverride = {}): AttributeMapping {
  const base = PRESETS[preset].mapping;
  const out: AttributeMapping = { ...base, phones: { ...base.phones } };
  for (const field of [...TEXT_FIELDS, 'emails'] as const) {
    const v = override[field];
    if (v) out[field] = [...v];
  }
  for (const type of PHONE_TYPES) {
    const v = override.phones?.[type];
    if (v) out.phones[type] = [...v];
  }
  return out;
}

/** Every attribute a mapping reads. */
export function mappedAttributes(mapping: AttributeMapping): string[] {
  const all = [...TEXT_FIELDS.flatMap((f) => mapping[f]), ...mapping.emails, ...PHONE_TYPES.flatMap((t) => mapping.phones[t])];
  return unique(all);
}

/** Case-insensitive de-duplication, first spelling kept. */
export function unique(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => {
    const k = n.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
