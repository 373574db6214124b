/* eslint-disable @typescript-eslint/no-explicit-any -- parsed XML trees are untyped JSON */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { DirectoryContact, DirectoryInput } from '@dialbook/core';
import { expect } from 'vitest';

let n = 0;
/** A directory contact with defaults; `phones` as `[type, number]` pairs. */
export function contact(fields: Partial<Omit<DirectoryContact, 'phones'>> & { phones?: [string, string, string?][] } = {}): DirectoryContact {
  const { phones = [['work', '030 1234567']], ...rest } = fields;
  return {
    id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    displayName: [fields.firstName, fields.lastName].filter(Boolean).join(' ') || fields.organization || 'Someone',
    firstName: null,
    lastName: null,
    organization: null,
    department: null,
    title: null,
    emails: [],
    tags: [],
    attributes: {},
    ...rest,
    phones: phones.map(([type, number, label]) => ({ type: type as DirectoryContact['phones'][number]['type'], number, label: label ?? null, e164: number.startsWith('+') ? number.replace(/[^\d+]/g, '') : number.startsWith('0') && number.length > 6 ? `+49${number.replace(/\D/g, '').slice(1)}` : null })),
  };
}

export function input(contacts: DirectoryContact[], extra: Partial<DirectoryInput> = {}): DirectoryInput {
  return {
    phonebook: { id: '11111111-1111-4111-8111-111111111111', name: 'ACME & Co', siteId: '22222222-2222-4222-8222-222222222222', siteName: 'Main' },
    vendor: 'yealink',
    contacts,
    variant: '',
    params: {},
    options: {},
    generatedAt: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseAttributeValue: false, parseTagValue: false, trimValues: true, isArray: (name) => ['Menu', 'Unit', 'DirectoryEntry', 'Telephone', 'group', 'contact'].includes(name), processEntities: true, htmlEntities: false });

/** Validate with a real XML parser (well-formedness, strict) and return the parsed tree. */
export function parseXml(xml: string): Record<string, any> {
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  expect(valid, typeof valid === 'object' ? JSON.stringify(valid.err) : '').toBe(true);
  return parser.parse(xml) as Record<string, any>;
}
