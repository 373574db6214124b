/**
 * Deterministic directory data for the LDAP tests and the sync benchmark.
 *
 * `generatePeople(n, { seed })` always returns the same entries for the same arguments:
 * inetOrgPerson entries under `ou=people,<base>` (every 25th under `ou=external,<base>`) with
 * names in UTF-8 (umlauts, accents, ß, Polish/Czech/Turkish letters), apostrophes, and, at the
 * start, a handful of names with `(`, `)`, `*`, `\`, `,` and `+` that need escaping in filters
 * (RFC 4515) and DNs (RFC 4514). Some entries have no phone or no mail; some have two mails or
 * two numbers; numbers are written nationally (`030 1234567`) or internationally
 * (`+49 30 1234567`). Every number is unique across the set.
 *
 * `{ ad: true }` gives Active-Directory-shaped entries instead (needs the harness's
 * `adSchema: true`): RDN `cn=` (as AD names objects), objectClass `user` and `objectCategory:
 * person`, sAMAccountName, userPrincipalName, a seeded 16-byte objectGUID, ipPhone, department,
 * company, whenCreated/whenChanged and uSNCreated/uSNChanged increasing with the entry index;
 * like AD, telephoneNumber and mobile hold one value and further numbers go to otherTelephone.
 */
import { escapeDnValue, type LdifEntry, type LdifValue, ldifLine, valuesOf } from './ldif.js';

export { toLdif, escapeDnValue, type LdifEntry, type LdifValue } from './ldif.js';

export const DEFAULT_BASE_DN = 'dc=example,dc=org';
/** Size of the default fixture: above 2× AD's page/size limit of 1,000, not a multiple of it. */
export const DEFAULT_PEOPLE = 2600;
/** uSNChanged of the first generated entry (ad mode); entry i has USN_BASE + i. */
export const USN_BASE = 100_000;

export interface GenerateOptions {
  seed?: number;
  /** Active-Directory-shaped entries (see the module comment). Default false. */
  ad?: boolean;
  /** Default dc=example,dc=org. */
  baseDN?: string;
  /** Every n-th entry goes to ou=external (default 25); 0: none. */
  externalEvery?: number;
}

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Jürgen', 'Jörg', 'Zoë', 'Anaïs', 'Sören', 'Björn', 'François', 'José', 'Małgorzata', 'Çağla', 'Øystein', 'Åsa', 'Renée',
  'Hans', 'Peter', 'Anna', 'Maria', 'Thomas', 'Stefan', 'Sabine', 'Claudia', 'Michael', 'Andreas', 'Katharina', 'Lena',
  'Lukas', 'Leonie', 'Mehmet', 'Aylin', 'Dmitrij', 'Olga', 'Søren', 'Chloé', 'Noël', 'Günther', 'Käthe', 'Mónica', 'Ángel',
  'Łucja', 'Jiří', 'Ines', 'Max', 'Sophie', 'Paul', 'Emma', 'Felix', 'Mia', 'Jonas', 'Hannah', 'Tim',
];
const LAST = [
  'Müller', 'Weiß', 'Groß', 'Schröder', 'Dvořák', "O'Brien", "D'Angelo", 'Núñez', 'Łukasiewicz', 'Öztürk', 'Schmidt',
  'Meier', 'Schneider', 'Fischer', 'Becker', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf',
  'Neumann', 'Schwarz', 'Zimmermann', 'Krüger', 'Hartmann', 'Lange', 'Jäger', 'Strauß', 'Fußmann', 'Gößling', 'Çelik',
  'Kowalski', 'Novák', 'García', 'Lefèvre', 'Åberg', 'Le Roux', 'von der Heide', 'Müller-Lüdenscheidt', "Dell'Orto",
  'Wagner', 'Schulz', 'Braun', 'Krause', 'Vogel', 'Peters', 'Šimková', 'Ðorđević',
];
const DEPARTMENTS = [
  'Vertrieb', 'Einkauf', 'Buchhaltung', 'IT', 'Support', 'Geschäftsführung', 'Marketing', 'Personal', 'Logistik',
  'Forschung & Entwicklung', 'Qualitätssicherung', 'Empfang',
];
const TITLES = ['Teamleiter', 'Sachbearbeiterin', 'Geschäftsführer', 'Werkstudent', 'Assistenz der Geschäftsführung', 'Senior Engineer', 'Leiterin Einkauf', 'Prokurist'];
const PARTNERS = ['Müller & Söhne KG', 'Dvořák s.r.o.', 'Acme Corp.', "L'Atelier Lefèvre SARL", 'Großhandel Weiß GmbH', 'Öztürk Logistik'];
const CITIES: Array<[string, string]> = [
  ['30', 'Berlin'], ['89', 'München'], ['40', 'Hamburg'], ['221', 'Köln'], ['69', 'Frankfurt am Main'], ['711', 'Stuttgart'], ['351', 'Dresden'],
];
const MOBILE_PREFIXES = ['151', '160', '170', '171', '176', '157'];

/** Names that need escaping somewhere (filters, DNs, LDIF); placed at the start of every set. */
const SPECIAL: Array<{ given?: string; sn: string; cn: string }> = [
  { given: 'Seán', sn: "O'Brien", cn: "O'Brien, Seán" },
  { sn: 'Hotline', cn: 'Hotline (24/7)' },
  { sn: 'Support', cn: 'Star*Support' },
  { given: 'Back', sn: 'Slash', cn: 'Back\\Slash' },
  { given: 'Jörg', sn: 'Weiß', cn: 'Jörg Weiß (Vertretung)' },
  { given: 'Zoë', sn: 'Ärger-Groß', cn: 'Dr. Zoë Ärger-Groß' },
  { sn: 'Empfang', cn: 'Müller + Söhne Empfang' },
  { given: 'Renée', sn: 'Straßmann', cn: 'Renée "Rena" Straßmann' },
];

/** Folds a name to ASCII for uids and mail addresses: ä → ae, ß → ss, é → e, ł → l, "'" and spaces dropped. */
export function asciiFold(s: string): string {
  return s
    .replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/Ä/g, 'Ae').replace(/Ö/g, 'Oe').replace(/Ü/g, 'Ue')
    .replace(/ß/g, 'ss').replace(/[łŁ]/g, 'l').replace(/[øØ]/g, 'o').replace(/[đĐ]/g, 'd')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

/** AD-style generalized time: 20240101120000.0Z */
export function adTime(d: Date): string {
  const s = d.toISOString();
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}${s.slice(11, 13)}${s.slice(14, 16)}${s.slice(17, 19)}.0Z`;
}

/** LDAP generalized time: 20240101120000Z */
export function ldapTime(d: Date): string {
  return adTime(d).replace('.0Z', 'Z');
}

const EPOCH = Date.UTC(2024, 0, 1, 8, 0, 0);

/**
 * n people (deterministic for the same n and options). Only the people: the harness adds the
 * base entry and the `ou=` containers their DNs need.
 */
export function generatePeople(n: number, options: GenerateOptions = {}): LdifEntry[] {
  const { seed = 1, ad = false, baseDN = DEFAULT_BASE_DN, externalEvery = 25 } = options;
  const rand = prng(seed);
  const uids = new Map<string, number>();
  const cns = new Set<string>();
  const out: LdifEntry[] = [];
  const mailDomain = baseDN.split(',').filter((r) => /^dc=/i.test(r)).map((r) => r.slice(3)).join('.') || 'example.org';

  for (let i = 0; i < n; i++) {
    const external = externalEvery > 0 && i % externalEvery === externalEvery - 1;
    const special = SPECIAL[i];
    const given = special ? special.given : rand() < 0.02 ? undefined : pick(rand, FIRST);
    const sn = special ? special.sn : pick(rand, LAST);
    let cn = special ? special.cn : given ? `${given} ${sn}` : sn;

    let uid = asciiFold(`${given ? given[0] : ''}${sn}`) || `user${i}`;
    const seen = uids.get(uid) ?? 0;
    uids.set(uid, seen + 1);
    if (seen) uid = `${uid}${seen + 1}`;

    // Numbers: unique per entry index (the multipliers are coprime with the ranges).
    const [area, city] = CITIES[i % CITIES.length]!;
    const subscriber = 2_000_000 + ((i * 7919) % 7_000_000);
    const landline = (national: boolean, sub: number) => (national ? `0${area} ${sub}` : `+49 ${area} ${sub}`);
    const phones: string[] = [];
    const r = rand();
    if (r >= 0.08) {
      phones.push(landline(rand() < 0.5, subscriber));
      if (r > 0.85) phones.push(landline(rand() < 0.5, 9_000_000 + ((i * 104_729) % 999_999)));
    }
    const mobiles: string[] = [];
    if (rand() < 0.55) {
      const m = `${pick(rand, MOBILE_PREFIXES)}`;
      const num = 10_000_000 + ((i * 15_485_863) % 89_999_999);
      mobiles.push(rand() < 0.5 ? `0${m} ${num}` : `+49 ${m} ${num}`);
    }

    const mails: string[] = [];
    if (rand() >= 0.07) {
      const local = given ? `${asciiFold(given)}.${asciiFold(sn)}` : asciiFold(sn) || `user${i}`;
      const dupe = seen ? `${seen + 1}` : '';
      mails.push(`${local}${dupe}@${mailDomain}`);
      if (rand() < 0.12) mails.push(`${uid}@mail.${mailDomain}`);
    }
    const department = external || rand() < 0.1 ? undefined : pick(rand, DEPARTMENTS);
    const title = rand() < 0.3 ? pick(rand, TITLES) : undefined;
    const org = external ? pick(rand, PARTNERS) : 'Example GmbH';
    const displayName = rand() < 0.9 ? (given && rand() < 0.3 ? `${sn}, ${given}` : cn) : undefined;
    const guid = Buffer.alloc(16);
    for (let b = 0; b < 16; b++) guid[b] = Math.floor(rand() * 256);

    const ou = external ? 'external' : 'people';
    let dn: string;
    if (ad) {
      // AD names objects by cn, unique within their container.
      let unique = cn;
      for (let k = 2; cns.has(`${ou}/${unique.toLowerCase()}`); k++) unique = `${cn} ${k}`;
      cns.add(`${ou}/${unique.toLowerCase()}`);
      cn = unique;
      dn = `cn=${escapeDnValue(cn)},ou=${ou},${baseDN}`;
    } else {
      dn = `uid=${escapeDnValue(uid)},ou=${ou},${baseDN}`;
    }

    const attributes: Record<string, LdifValue | LdifValue[]> = {
      objectClass: ad ? ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'user'] : ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
      cn,
      sn,
    };
    if (given) attributes.givenName = given;
    if (displayName) attributes.displayName = displayName;
    attributes.uid = uid;
    if (mails.length) attributes.mail = mails;
    if (ad) {
      if (phones[0]) attributes.telephoneNumber = phones[0];
      if (phones.length > 1) attributes.otherTelephone = phones.slice(1);
      if (mobiles[0]) attributes.mobile = mobiles[0];
    } else {
      if (phones.length) attributes.telephoneNumber = phones;
      if (mobiles.length) attributes.mobile = mobiles;
    }
    attributes.o = org;
    if (department) {
      attributes.ou = department;
      if (!ad) attributes.departmentNumber = department;
    }
    if (title) attributes.title = title;
    attributes.l = city;

    if (ad) {
      const sam = uid.slice(0, 20);
      attributes.sAMAccountName = sam;
      attributes.userPrincipalName = `${sam}@${mailDomain}`;
      attributes.objectGUID = guid;
      attributes.objectCategory = 'person';
      if (!external && rand() < 0.6) attributes.ipPhone = String(10_000 + i);
      if (department) attributes.department = department;
      attributes.company = org;
      const created = new Date(EPOCH + i * 60_000);
      attributes.whenCreated = adTime(created);
      attributes.whenChanged = adTime(created);
      attributes.uSNCreated = String(USN_BASE + i);
      attributes.uSNChanged = String(USN_BASE + i);
    }
    out.push({ dn, attributes });
  }
  return out;
}

/** The default fixture: 2,600 OpenLDAP-style people (seed 2600). */
export function defaultPeople(options: Omit<GenerateOptions, 'seed'> = {}): LdifEntry[] {
  return generatePeople(DEFAULT_PEOPLE, { seed: DEFAULT_PEOPLE, ...options });
}

/** The highest uSNChanged among entries (ad mode), e.g. to make the next change's USN. */
export function maxUsn(entries: readonly LdifEntry[]): number {
  let max = 0;
  for (const e of entries) for (const v of valuesOf(e.attributes.uSNChanged)) max = Math.max(max, Number(typeof v === 'string' ? v : Buffer.from(v).toString()));
  return max;
}

/** The first value of an attribute as text (undefined when absent). */
export function attr(entry: LdifEntry, name: string): string | undefined {
  const key = Object.keys(entry.attributes).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key ? valuesOf(entry.attributes[key])[0] : undefined;
  return v === undefined ? undefined : typeof v === 'string' ? v : Buffer.from(v).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// Change records for harness.modify() (ldapmodify).

export interface ModifyOp {
  op: 'replace' | 'add' | 'delete';
  attr: string;
  /** For delete: omit to delete the whole attribute. For replace: [] removes it. */
  values?: readonly LdifValue[];
}

/** AD bookkeeping to write with a change: uSNChanged and whenChanged, as AD would. */
export interface AdTouch {
  usn: number;
  when?: Date;
}

const touchOps = (ad?: AdTouch): ModifyOp[] =>
  ad
    ? [
        { op: 'replace', attr: 'uSNChanged', values: [String(ad.usn)] },
        { op: 'replace', attr: 'whenChanged', values: [adTime(ad.when ?? new Date())] },
      ]
    : [];

/** A `changetype: modify` record. */
export function modifyLdif(dn: string, ops: readonly ModifyOp[]): string {
  const lines = [ldifLine('dn', dn), 'changetype: modify'];
  for (const o of ops) {
    lines.push(`${o.op}: ${o.attr}`);
    for (const v of o.values ?? []) lines.push(ldifLine(o.attr, v));
    lines.push('-');
  }
  return lines.join('\n') + '\n';
}

/** Replaces an entry's numbers in `attribute` (default telephoneNumber); [] removes them. */
export function changePhoneLdif(dn: string, numbers: readonly string[], options: { attribute?: string; ad?: AdTouch } = {}): string {
  return modifyLdif(dn, [{ op: 'replace', attr: options.attribute ?? 'telephoneNumber', values: numbers }, ...touchOps(options.ad)]);
}

/** Replaces attributes (each given value list replaces the attribute; [] removes it). */
export function replaceLdif(dn: string, attributes: Record<string, LdifValue | readonly LdifValue[]>, options: { ad?: AdTouch } = {}): string {
  const ops: ModifyOp[] = Object.entries(attributes).map(([a, v]) => ({ op: 'replace', attr: a, values: valuesOf(v) }));
  return modifyLdif(dn, [...ops, ...touchOps(options.ad)]);
}

/**
 * A rename (`changetype: modrdn`): `newRdn` like `uid=jdoe2` or `cn=Weiß\, Jörg` (escaped as in a
 * DN); `newSuperior` moves the entry. The entry keeps its entryUUID (and objectGUID).
 */
export function renameLdif(dn: string, newRdn: string, options: { newSuperior?: string; deleteOldRdn?: boolean } = {}): string {
  const lines = [ldifLine('dn', dn), 'changetype: modrdn', ldifLine('newrdn', newRdn), `deleteoldrdn: ${options.deleteOldRdn === false ? 0 : 1}`];
  if (options.newSuperior) lines.push(ldifLine('newsuperior', options.newSuperior));
  return lines.join('\n') + '\n';
}

/** A `changetype: delete` record. */
export function deleteLdif(dn: string): string {
  return `${ldifLine('dn', dn)}\nchangetype: delete\n`;
}

/** `changetype: add` records (for modify(); harness.add() takes entries directly). */
export function addLdif(entries: readonly LdifEntry[]): string {
  return entries
    .map((e) => {
      const lines = [ldifLine('dn', e.dn), 'changetype: add'];
      for (const [name, v] of Object.entries(e.attributes)) for (const value of valuesOf(v)) lines.push(ldifLine(name, value));
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

/** Joins change records into one LDIF for a single ldapmodify run. */
export const joinLdif = (...records: string[]): string => records.map((r) => r.trimEnd() + '\n').join('\n');

/** e.g. `030 2000017` → the same number `+49 30 2000017` (and back) for lookup tests. */
export function otherForm(number: string): string {
  const national = /^0(\d+) (\d+)$/.exec(number);
  if (national) return `+49 ${national[1]} ${national[2]}`;
  const intl = /^\+49 (\d+) (\d+)$/.exec(number);
  if (intl) return `0${intl[1]} ${intl[2]}`;
  return number;
}
