import type { Contact, ContactPhone } from './entities.js';
import type { ContactDto, ContactInput, FieldChange, PhoneType } from './types.js';
import { refId } from './phones.js';
import { normaliseNumber } from '../base/phone.js';
import { fold, stableJson } from '../base/text.js';

/** Fields compared for History, in the order they are reported. */
export const TRACKED_FIELDS = [
  'firstName',
  'lastName',
  'displayName',
  'organization',
  'department',
  'title',
  'emails',
  'phones',
  'tags',
  'notes',
  'source',
  'externalId',
  'attributes',
] as const satisfies readonly (keyof ContactInput)[];

export const autoDisplayName = (c: Pick<ContactInput, 'firstName' | 'lastName' | 'organization'>): string =>
  [c.firstName, c.lastName].filter(Boolean).join(' ') || c.organization || '';

export interface StoredPhone {
  position: number;
  type: PhoneType;
  number: string;
  label: string | null;
  e164: string | null;
  digits: string;
}

export const normalisePhones = (phones: ContactInput['phones'], country: string | null): StoredPhone[] =>
  phones.map((ph, position) => ({ position, type: ph.type, number: ph.number, label: ph.label, ...normaliseNumber(ph.number, country) }));

/** What substring search matches: names, e-mails, organisation, department and every form of every number. */
export function buildSearchText(input: ContactInput, phones: StoredPhone[]): string {
  const parts = [input.firstName, input.lastName, input.displayName, input.organization, input.department, input.title, ...input.emails];
  for (const ph of phones) {
    parts.push(ph.digits.replace('+', ''));
    if (ph.e164) parts.push(ph.e164.slice(1));
  }
  return fold(parts.filter(Boolean).join(' '));
}

export const sortNameOf = (input: ContactInput): string =>
  fold([input.lastName, input.firstName, input.lastName || input.firstName ? '' : input.displayName, input.organization].filter(Boolean).join(' ')).slice(0, 600);

export const tagIndexOf = (tags: string[]): string => (tags.length ? `|${tags.map(fold).join('|')}|` : '');

/** The stored columns of a contact (and its numbers, for the search text) written from its input. */
export function columnsOf(input: ContactInput, phones: StoredPhone[]) {
  return {
    firstName: input.firstName,
    lastName: input.lastName,
    displayName: input.displayName ?? '',
    sortName: sortNameOf(input),
    organization: input.organization,
    department: input.department,
    departmentKey: input.department ? fold(input.department) : null,
    title: input.title,
    emails: input.emails,
    tags: input.tags,
    tagIndex: tagIndexOf(input.tags),
    notes: input.notes,
    source: input.source,
    externalId: input.externalId,
    attributes: input.attributes,
    searchText: buildSearchText(input, phones),
  };
}

// A contact's fields before and after its numbers, shared by its input and its DTO (in this order).
const namesOf = (c: Contact) => ({
  firstName: c.firstName ?? null,
  lastName: c.lastName ?? null,
  displayName: c.displayName,
  organization: c.organization ?? null,
  department: c.department ?? null,
  title: c.title ?? null,
  emails: c.emails ?? [],
});
const restOf = (c: Contact) => ({
  tags: c.tags ?? [],
  notes: c.notes ?? null,
  source: c.source,
  externalId: c.externalId ?? null,
  attributes: c.attributes ?? {},
});

export function toInput(c: Contact, phones: Pick<ContactPhone, 'type' | 'number' | 'label'>[]): ContactInput {
  return {
    ...namesOf(c),
    phones: phones.map((p) => ({ type: p.type as PhoneType, number: p.number, label: p.label ?? null })),
    ...restOf(c),
  };
}

export function toDto(c: Contact, phones: Pick<ContactPhone, 'type' | 'number' | 'label' | 'e164'>[]): ContactDto {
  return {
    id: c.id,
    siteId: refId(c.site),
    ...namesOf(c),
    phones: phones.map((p) => ({ type: p.type as PhoneType, number: p.number, label: p.label ?? null, e164: p.e164 ?? null })),
    ...restOf(c),
    deleted: c.deletedAt != null,
    deletedAt: c.deletedAt ? c.deletedAt.toISOString() : null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
  };
}

/** One change per tracked field whose value differs (deep comparison for lists and attributes). */
export function diffInputs(before: ContactInput, after: ContactInput): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of TRACKED_FIELDS) {
    if (stableJson(before[field]) !== stableJson(after[field])) changes.push({ field, old: before[field], new: after[field] });
  }
  return changes;
}
