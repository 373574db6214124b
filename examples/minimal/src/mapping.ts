/**
 * CSV row → contact input. Pure functions only: no I/O, no core services, so the
 * mapping can be tested on its own (see test/mapping.test.ts).
 */
import { ContactCreateSchema, type ContactCreate } from '@dialbook/core';

/** The columns this plugin reads. Others are ignored (and reported once per sync). */
export const CSV_COLUMNS = ['id', 'first_name', 'last_name', 'organization', 'department', 'title', 'email', 'work', 'mobile', 'home', 'tags'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Phone columns, in the order their numbers are listed on the contact. */
export const PHONE_COLUMNS = ['work', 'mobile', 'home'] as const satisfies readonly CsvColumn[];

/** Separator of several values in one cell (`email`, `tags` and the phone columns). */
export const LIST_SEPARATOR = ';';

/** One parsed CSV record, keyed by (normalised) header name. */
export type CsvRow = Readonly<Record<string, string | undefined>>;

/** What `upsertFromSource` takes for one contact (site, source and external id travel separately). */
export type ContactFields = Omit<ContactCreate, 'siteId' | 'source' | 'externalId'>;

export type MappedRow =
  | { ok: true; externalId: string; contact: ContactFields }
  /** `externalId` is the row's id when it had one: the contact it names is then kept as it is. */
  | { ok: false; externalId: string | null; problems: string[] };

/** Longest external id the core stores. */
const MAX_EXTERNAL_ID = 512;

/** The contact fields the core validates, without the ones the sync sets itself. */
const FieldsSchema = ContactCreateSchema.omit({ siteId: true, source: true, externalId: true });

/**
 * A header cell as a column name: trimmed, lower-case, spaces and dashes as `_`,
 * a stray byte-order mark removed. `First Name` and `first-name` both read as `first_name`.
 */
export function normaliseHeader(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Trimmed text, or `null` when the cell is missing or blank (so a sync clears the field). */
export function cell(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** `a; b;;a` → `['a', 'b']`: split on `;`, trim, drop blanks and repeats (case-insensitively). */
export function splitList(value: string | undefined): string[] {
  if (!value) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of value.split(LIST_SEPARATOR)) {
    const item = part.trim();
    if (!item || seen.has(item.toLowerCase())) continue;
    seen.add(item.toLowerCase());
    out.push(item);
  }
  return out;
}

const quote = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/**
 * Map one CSV record to a contact. Empty cells become `null`/`[]` so that a cell
 * emptied in the file clears the field on the next sync. Returns every problem of
 * the row at once, each naming the CSV column (and the value) it comes from.
 */
export function rowToContact(row: CsvRow): MappedRow {
  const problems: string[] = [];
  const externalId = cell(row.id);
  if (!externalId) problems.push('id: missing (every row needs the external id of its contact)');
  else if (externalId.length > MAX_EXTERNAL_ID) problems.push(`id: longer than ${MAX_EXTERNAL_ID} characters`);

  const phones: { type: 'work' | 'mobile' | 'home'; number: string; column: string }[] = [];
  for (const column of PHONE_COLUMNS) {
    for (const number of splitList(row[column])) phones.push({ type: column, number, column });
  }
  const contact: ContactFields = {
    firstName: cell(row.first_name),
    lastName: cell(row.last_name),
    organization: cell(row.organization),
    department: cell(row.department),
    title: cell(row.title),
    emails: splitList(row.email),
    phones: phones.map(({ type, number }) => ({ type, number })),
    tags: splitList(row.tags),
  };
  if (!contact.firstName && !contact.lastName && !contact.organization) {
    problems.push('first_name, last_name, organization: all empty (a contact needs a name or an organization)');
  }

  const parsed = FieldsSchema.safeParse(contact);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, index] = issue.path;
      const i = typeof index === 'number' ? index : -1;
      if (field === 'emails' && i >= 0) problems.push(`email ${quote(contact.emails?.[i])}: ${issue.message}`);
      else if (field === 'tags' && i >= 0) problems.push(`tags ${quote(contact.tags?.[i])}: ${issue.message}`);
      else if (field === 'phones' && i >= 0 && phones[i]) problems.push(`${phones[i].column} ${quote(phones[i].number)}: ${issue.message}`);
      else problems.push(`${columnOf(String(field ?? ''))}: ${issue.message}`);
    }
  }
  if (problems.length || !externalId) return { ok: false, externalId: externalId && externalId.length <= MAX_EXTERNAL_ID ? externalId : null, problems };
  return { ok: true, externalId, contact };
}

const FIELD_COLUMNS: Record<string, string> = {
  firstName: 'first_name',
  lastName: 'last_name',
  organization: 'organization',
  department: 'department',
  title: 'title',
  emails: 'email',
  phones: 'work/mobile/home',
  tags: 'tags',
};

const columnOf = (field: string): string => FIELD_COLUMNS[field] ?? (field || 'row');
