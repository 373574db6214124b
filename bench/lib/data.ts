/**
 * Deterministic contact data for the benchmarks: the same seed always yields the same
 * contacts in the same order, so runs (and the Dialbook and raw-driver halves of one run)
 * write identical data.
 */
import { fold, type ContactCreate, type PhoneType } from '@dialbook/core';

/** mulberry32: tiny, fast, good enough for test data, fully reproducible. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const chance = (p: number): boolean => next() < p;
  const digits = (n: number): string => {
    let s = String(int(1, 9)); // no leading zero: a subscriber number never starts with the trunk prefix
    while (s.length < n) s += String(int(0, 9));
    return s;
  };
  return { next, int, pick, chance, digits };
}
export type Random = ReturnType<typeof createRandom>;

/**
 * The core's own folding (public API) and LIKE escaping, so the raw SQL baseline matches exactly
 * what the product stores and searches. likeEscape is internal to core (domain/text.ts): this is
 * the same one line (backslash, `%` and `_` escaped with a backslash, for `like ? escape '\\'`).
 */
export { fold };
export const likeEscape = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

export const FIRST_NAMES = [
  'Jürgen', 'Jörg', 'Björn', 'Sören', 'Günther', 'Käthe', 'Zoë', 'Chloé', 'Renée', 'José', 'François', 'Élodie',
  'Anna', 'Lena', 'Marie', 'Sophie', 'Hannah', 'Emma', 'Mia', 'Lea', 'Laura', 'Julia', 'Sarah', 'Katharina',
  'Maximilian', 'Alexander', 'Paul', 'Lukas', 'Leon', 'Jonas', 'Felix', 'Tobias', 'Stefan', 'Michael', 'Thomas',
  'Andreas', 'Markus', 'Matthias', 'Christian', 'Sebastian', 'Ömer', 'Ayşe', 'Zeynep', 'Mustafa', 'Małgorzata',
  'Łukasz', 'Jiří', 'Tomáš', 'Åsa', 'Øystein', 'Inés', 'Núria', 'João', 'Agnès', 'Noël',
] as const;

export const LAST_NAMES = [
  'Müller', 'Schäfer', 'Schröder', 'Groß', 'Weiß', 'Jäger', 'Krüger', 'Köhler', 'Bäcker', 'Löffler', 'Hölzl',
  'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter',
  'Klein', 'Wolf', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner',
  'Krause', 'Meier', 'Lehmann', 'Schmid', 'Schulze', 'Maier', 'Köster', 'Öztürk', 'Çelik', 'Yılmaz', 'Nuñez',
  'García', 'Pérez', 'Lefèvre', 'Dvořák', 'Nováková', 'Wałęsa', 'Ångström', 'Søndergaard', 'Ó Briain', 'Dupont-Aignan',
  'von Bülow', 'de la Cruz', 'Fußmann', 'Straßburger',
] as const;

export const ORGANISATIONS = [
  'Müller & Söhne GmbH', 'Bäckerei Schäfer', 'Nordlicht Logistik AG', 'Südwind Energie GmbH', 'Krüger Maschinenbau KG',
  'Weiß Rechtsanwälte PartG', 'Alpenblick Hotel GmbH', 'Rheinland Versicherung AG', 'Öko-Markt Hölzl e.K.',
  'Stadtwerke Lüneburg', 'Klinikum Süd', 'Café Crème', 'Société Générale Deutschland', 'Núñez Import Export',
  'Dialbook Demo AG', 'Elbe Spedition GmbH', 'Hanse Consulting', 'Bayerische Brauerei Jäger', 'Fjord Software AS',
  'Schwarzwald Uhren GmbH', 'Großhandel Weber', 'Techniker Werkstatt Braun', 'Zahnarztpraxis Dr. Köhler',
  'Autohaus Zimmermann', 'Immobilien Lange', 'Steuerberatung Richter', 'Druckerei Koch', 'Gärtnerei Wolf',
  'Ingenieurbüro Hartmann', 'Blumen Krause',
] as const;

/** ~20 departments: a department filter selects ~5% of the contacts. */
export const DEPARTMENTS = [
  'Vertrieb', 'Marketing', 'Einkauf', 'Buchhaltung', 'Controlling', 'Personal', 'IT', 'Support', 'Kundenservice',
  'Logistik', 'Produktion', 'Qualitätssicherung', 'Forschung & Entwicklung', 'Rechtsabteilung', 'Geschäftsführung',
  'Empfang', 'Facility Management', 'Presse', 'Außendienst', 'Öffentlichkeitsarbeit',
] as const;

export const TITLES = ['Dr.', 'Prof. Dr.', 'Teamleiterin', 'Teamleiter', 'Geschäftsführer', 'Assistenz', 'Sachbearbeiterin', 'Ingenieur', 'Werkstudent'] as const;

export const TAGS = ['vip', 'kunde', 'lieferant', 'partner', 'intern', 'extern', 'presse', 'notfall', 'rückruf', 'newsletter', 'key-account', 'ehemalig', 'bewerber', 'behörde', 'service'] as const;

const DOMAINS = ['example.com', 'example.de', 'example.org', 'firma.example', 'mail.example', 'dialbook.example'] as const;

/** German area codes (without the trunk 0) and mobile prefixes used; 2151 (Krefeld) is never used: lookup misses dial it. */
const AREA_CODES = ['30', '40', '69', '89', '221', '211', '341', '351', '711', '911', '421', '511', '231', '201', '228', '761', '6221', '7531'] as const;
const MOBILE_PREFIXES = ['151', '152', '157', '160', '162', '170', '171', '172', '173', '175', '176', '177', '178', '179'] as const;
export const MISS_AREA_CODE = '2151';

/** How a German number is written: `national` (030 …), `plus` (+49 30 …) or `zero` (0049 30 …). */
export type NumberFamily = 'national' | 'plus' | 'zero';

/** A German number: its national significant number split into area code (or mobile prefix) and subscriber part. */
export interface GermanNumber {
  prefix: string;
  subscriber: string;
}

export const e164Of = (n: GermanNumber): string => `+49${n.prefix}${n.subscriber}`;

/** Render a German number in one of several spellings of `family`. */
export function writeGerman(n: GermanNumber, family: NumberFamily, rnd: Random): string {
  const { prefix: p, subscriber: s } = n;
  const split = s.length > 5 ? `${s.slice(0, 3)} ${s.slice(3)}` : s;
  switch (family) {
    case 'national':
      return rnd.pick([`0${p} ${s}`, `0${p}/${s}`, `0${p}-${s}`, `(0${p}) ${split}`, `0${p}${s}`]);
    case 'plus':
      return rnd.pick([`+49 ${p} ${s}`, `+49${p}${s}`, `+49 ${p} ${split}`, `+49-${p}-${s}`]);
    case 'zero':
      return rnd.pick([`0049 ${p} ${s}`, `0049${p}${s}`, `0049-${p}-${s}`]);
  }
}

export function randomGermanNumber(rnd: Random, mobile: boolean): GermanNumber {
  if (mobile) return { prefix: rnd.pick(MOBILE_PREFIXES), subscriber: rnd.digits(rnd.int(7, 8)) };
  const prefix = rnd.pick(AREA_CODES);
  return { prefix, subscriber: rnd.digits(prefix.length >= 4 ? rnd.int(5, 6) : rnd.int(6, 8)) };
}

/** What the generator remembers about a German number it wrote, for lookups. */
export interface WrittenNumber {
  number: GermanNumber;
  family: NumberFamily;
  written: string;
}

export interface GeneratedContact {
  body: ContactCreate;
  germanNumbers: WrittenNumber[];
  /** For search fragments. */
  firstName: string | null;
  lastName: string | null;
}

const FOREIGN = [
  (r: Random) => `+43 1 ${r.digits(7)}`,
  (r: Random) => `0043 662 ${r.digits(6)}`,
  (r: Random) => `+41 44 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  (r: Random) => `+33 1 ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
  (r: Random) => `+44 20 ${r.digits(4)} ${r.digits(4)}`,
  (r: Random) => `+1 (212) ${r.digits(3)}-${r.digits(4)}`,
];

const asciiLocal = (s: string): string => fold(s).replace(/[^a-z0-9]+/g, '');

/**
 * The stream of contacts: `next()` returns contact number `index` (0-based) of the stream.
 * 1–3 numbers each (German landline/mobile in national, +49 and 0049 spellings, some
 * foreign numbers, some internal extensions), 0–2 e-mails, 0–3 tags, ~20 departments.
 */
export function createContactGenerator(siteId: string, seed = 0xd1a1b00c) {
  const rnd = createRandom(seed);
  let index = 0;
  const next = (): GeneratedContact => {
    const i = index++;
    const orgOnly = rnd.chance(0.03); // a switchboard / shared line: no person
    const firstName = orgOnly ? null : rnd.pick(FIRST_NAMES);
    const lastName = orgOnly ? null : rnd.pick(LAST_NAMES);
    const organization = orgOnly || rnd.chance(0.85) ? rnd.pick(ORGANISATIONS) : null;
    const department = rnd.chance(0.9) ? rnd.pick(DEPARTMENTS) : null;
    const title = rnd.chance(0.25) ? rnd.pick(TITLES) : null;

    const phoneCount = rnd.int(1, 3);
    const phones: { type: PhoneType; number: string; label?: string | null }[] = [];
    const germanNumbers: WrittenNumber[] = [];
    for (let k = 0; k < phoneCount; k++) {
      const roll = rnd.next();
      if (roll < 0.03) {
        phones.push({ type: 'work', number: String(rnd.int(100, 9999)), label: 'Durchwahl' });
      } else if (roll < 0.11) {
        phones.push({ type: rnd.pick(['work', 'mobile'] as const), number: rnd.pick(FOREIGN)(rnd) });
      } else {
        const mobile = k > 0 && rnd.chance(0.5);
        const number = randomGermanNumber(rnd, mobile);
        const family: NumberFamily = rnd.pick(['national', 'national', 'plus', 'zero'] as const);
        const written = writeGerman(number, family, rnd);
        germanNumbers.push({ number, family, written });
        phones.push({ type: mobile ? 'mobile' : rnd.pick(['work', 'work', 'home', 'fax'] as const), number: written, label: rnd.chance(0.1) ? 'Zentrale' : null });
      }
    }

    const emails: string[] = [];
    const emailCount = rnd.pick([0, 1, 1, 1, 2] as const);
    const local = [firstName, lastName].filter(Boolean).map((s) => asciiLocal(s!)).join('.') || 'info';
    for (let k = 0; k < emailCount; k++) emails.push(`${local}${k ? k + 1 : ''}.${i}@${rnd.pick(DOMAINS)}`);

    const tags = new Set<string>();
    const tagCount = rnd.pick([0, 0, 1, 1, 2, 3] as const);
    for (let k = 0; k < tagCount; k++) tags.add(rnd.pick(TAGS));

    const body: ContactCreate = {
      siteId,
      firstName,
      lastName,
      organization,
      department,
      title,
      phones,
      emails,
      tags: [...tags],
      ...(rnd.chance(0.05) ? { notes: 'Bitte nur vormittags anrufen. Rückruf über die Zentrale.' } : {}),
    };
    return { body, germanNumbers, firstName, lastName };
  };
  return { next, get index() { return index; } };
}

/** A search fragment as a person would type it: mostly a last-name prefix, sometimes a first-name infix. */
export function searchFragment(rnd: Random): string {
  if (rnd.chance(0.7)) {
    const name = rnd.pick(LAST_NAMES).replace(/^(von|de la|Ó) /, '');
    const s = name.slice(0, Math.min(name.length, rnd.int(3, 6)));
    return rnd.chance(0.3) ? s.toLowerCase() : s;
  }
  const name = rnd.pick(FIRST_NAMES);
  const len = Math.min(name.length, rnd.int(3, 4));
  const start = rnd.int(0, name.length - len);
  return name.slice(start, start + len);
}
