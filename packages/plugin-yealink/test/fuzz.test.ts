/* eslint-disable @typescript-eslint/no-explicit-any -- parsed XML trees are untyped JSON */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { DirectoryContact } from '@dialbook/core';
import { cleanText, renderYealink, UNIT_NUMBERS } from '../src/render/index.js';
import { input, parseXml } from './helpers.js';

/** Any Unicode, including controls, lone surrogates, markup characters and astral planes. */
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }), // any code point, lone surrogates included
  fc.string({ unit: fc.constantFrom('&', '<', '>', '"', "'", 'ä', 'ß', '王', '🙂', '\u0000', '\u0007', '\n', '\uD800', '\uDFFF', '\uFFFE', ' ', 'a'), maxLength: 20 }),
);
const phoneType = fc.constantFrom('work', 'mobile', 'home', 'fax', 'pager', 'other') as fc.Arbitrary<DirectoryContact['phones'][number]['type']>;
const phoneArb = fc.record({ type: phoneType, number: fc.oneof(fc.stringMatching(/^[+0-9 ()./#*-]{1,20}$/), anyText), label: fc.option(anyText, { nil: null }), e164: fc.option(fc.stringMatching(/^\+[1-9][0-9]{6,14}$/), { nil: null }) });
const contactArb: fc.Arbitrary<DirectoryContact> = fc.record({
  id: fc.uuid(),
  displayName: anyText,
  firstName: fc.option(anyText, { nil: null }),
  lastName: fc.option(anyText, { nil: null }),
  organization: fc.option(anyText, { nil: null }),
  department: fc.option(fc.oneof(anyText, fc.constantFrom('Sales', 'Vertrieb', 'Other')), { nil: null }),
  title: fc.option(anyText, { nil: null }),
  emails: fc.constant([]),
  phones: fc.array(phoneArb, { maxLength: 6 }),
  tags: fc.constant([]),
  attributes: fc.constant({}),
});
const optionsArb = fc.record({ numberForm: fc.constantFrom('dialable', 'e164', 'written'), groupBy: fc.constantFrom('department', 'organization', 'none'), title: anyText.map((t) => t.slice(0, 64)) }, { requiredKeys: [] });

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

describe('fuzz: random Unicode contacts always give well-formed Yealink XML of the expected structure', () => {
  test('YealinkIPPhoneBook: root, Menu elements with Name, Unit elements with Name and Phone1..3 only, at most three numbers', () => {
    fc.assert(
      fc.property(fc.array(contactArb, { maxLength: 25 }), anyText, optionsArb, (contacts, name, options) => {
        const xml = renderYealink(input(contacts, { phonebook: { ...input([]).phonebook, name }, options })).body as string;
        const doc = parseXml(xml);
        expect(Object.keys(doc)).toEqual(['?xml', 'YealinkIPPhoneBook']);
        const root = doc.YealinkIPPhoneBook === '' ? {} : doc.YealinkIPPhoneBook;
        expect(Object.keys(root).every((k) => k === 'Title' || k === 'Menu')).toBe(true);
        let units = 0;
        for (const menu of asArray<any>(root.Menu)) {
          expect(Object.keys(menu).sort()).toEqual(['@Name', 'Unit']);
          for (const unit of asArray<any>(menu.Unit)) {
            units++;
            expect(Object.keys(unit).sort()).toEqual(['@Name', '@Phone1', '@Phone2', '@Phone3', '@default_photo']);
            expect(unit['@Name']).not.toBe('');
            expect(unit['@Phone1']).not.toBe('');
            expect([unit['@Phone1'], unit['@Phone2'], unit['@Phone3']].filter(Boolean).length).toBeLessThanOrEqual(UNIT_NUMBERS);
          }
        }
        expect(units).toBeLessThanOrEqual(contacts.length);
      }),
      { numRuns: 300 },
    );
  });

  test('YealinkIPPhoneDirectory: DirectoryEntry with one Name and Telephone elements with a label; names survive cleaned', () => {
    fc.assert(
      fc.property(fc.array(contactArb, { maxLength: 25 }), (contacts) => {
        const doc = parseXml(renderYealink(input(contacts, { variant: 'directory', options: { numberForm: 'written' } })).body as string);
        const root = doc.YealinkIPPhoneDirectory === '' ? {} : doc.YealinkIPPhoneDirectory;
        const entries = asArray<any>(root.DirectoryEntry);
        const expected = contacts.filter((c) => c.phones.some((p) => cleanText(p.number) || p.number.trim()));
        expect(entries.length).toBeLessThanOrEqual(expected.length);
        for (const e of entries) {
          expect(Object.keys(e).sort()).toEqual(['Name', 'Telephone']);
          expect(typeof e.Name).toBe('string');
          for (const t of asArray<any>(e.Telephone)) expect(Object.keys(t).sort()).toEqual(['#text', '@label']);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('vp_contact: groups and contacts with the attributes Yealink documents', () => {
    fc.assert(
      fc.property(fc.array(contactArb, { maxLength: 25 }), (contacts) => {
        const doc = parseXml(renderYealink(input(contacts, { variant: 'local' })).body as string).vp_contact;
        const groups = new Set(asArray<any>(doc.root_group?.group).map((g) => g['@display_name']));
        for (const c of asArray<any>(doc.root_contact?.contact)) {
          expect(Object.keys(c).sort()).toEqual(['@auto_divert', '@default_photo', '@display_name', '@group_id_name', '@line', '@mobile_number', '@office_number', '@other_number', '@ring']);
          expect(c['@display_name']).not.toBe('');
          expect(groups.has(c['@group_id_name']) || c['@group_id_name'] === 'All Contacts').toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
