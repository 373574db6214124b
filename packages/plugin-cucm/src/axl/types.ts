/** The shapes the AXL client returns: plain values, strings trimmed to null when empty. */

export interface PhoneLine {
  /** Button position, 1 first. */
  index: number | null;
  /** The directory number (DN) pattern, e.g. `1001`. */
  dn: string | null;
  /** Its route partition, e.g. `PT_Internal`. */
  partition: string | null;
  label: string | null;
  display: string | null;
  e164Mask: string | null;
}

/** A phone from `listPhone` (no lines: LPhone has none). */
export interface PhoneSummary {
  uuid: string | null;
  /** Device name, e.g. `SEP001A2B3C4D5E`. */
  name: string;
  /** `00:1A:2B:3C:4D:5E` for `SEP` devices, else null. */
  mac: string | null;
  description: string | null;
  model: string | null;
  product: string | null;
  protocol: string | null;
  devicePool: string | null;
  /** The phone's Owner User ID (`ownerUserName`). */
  owner: string | null;
}

/** A phone from `getPhone`: what `listPhone` tells, plus its location, search space, login and lines. */
export interface Phone extends PhoneSummary {
  location: string | null;
  callingSearchSpace: string | null;
  /** Extension Mobility login, if someone is logged in. */
  loginUserId: string | null;
  lines: PhoneLine[];
}

/** `listPhone` search criteria (SQL-LIKE, `%` wildcard); at least one must be given. */
export interface PhoneCriteria {
  name?: string;
  description?: string;
  protocol?: string;
  callingSearchSpaceName?: string;
  devicePoolName?: string;
  securityProfileName?: string;
}

export interface CucmUser {
  uuid: string | null;
  userid: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  mail: string | null;
  department: string | null;
  telephoneNumber: string | null;
  /** Controlled devices (`associatedDevices`), device names. */
  associatedDevices: string[];
  primaryExtension: { pattern: string; partition: string | null } | null;
}

/** A forced authorization code. `code` is the person's PIN: a secret; never log it. */
export interface FacInfo {
  uuid: string | null;
  name: string;
  code: string | null;
  authorizationLevel: number | null;
}

export interface FacCriteria {
  name?: string;
  code?: string;
  authorizationLevel?: string;
}

/** How a phone belongs to a user: Owner User ID on the phone, and/or a controlled device of the user. */
export type PhoneLink = 'owner' | 'associated';

export interface OwnedPhone {
  name: string;
  mac: string | null;
  description: string | null;
  model: string | null;
  links: PhoneLink[];
  lines: { index: number | null; dn: string; partition: string | null }[];
}

export interface OwnedPhones {
  /** Phones per user id, keys as the caller wrote them; [] for users without phones. */
  byUser: Map<string, OwnedPhone[]>;
  /** User ids CUCM does not know. */
  unknownUsers: string[];
}

/** Paging of a `list*` call: start at `skip`, return at most `first` rows (all when absent). */
export interface ListRange {
  skip?: number;
  first?: number;
  /** Rows per request (default 500); the pager shrinks it when CUCM says "too large". */
  pageSize?: number;
}
