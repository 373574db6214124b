import { describe, expect, it } from 'vitest';
import { cell, normaliseHeader, rowToContact, splitList, type CsvRow } from '../src/mapping.js';

const full: CsvRow = {
  id: ' E1007 ',
  first_name: 'Zoë',
  last_name: 'Müller-Lüdenscheidt',
  organization: 'Beispiel GmbH',
  department: 'Support',
  title: 'Teamleiterin, 2nd Level',
  email: 'zoe.mueller@beispiel.de; support@beispiel.de',
  work: '030 2345676',
  mobile: '0160 1122334',
  home: '',
  tags: 'support;on-call',
};

describe('rowToContact', () => {
  it('maps every column of a full row', () => {
    const mapped = rowToContact(full);
    expect(mapped).toEqual({
      ok: true,
      externalId: 'E1007',
      contact: {
        firstName: 'Zoë',
        lastName: 'Müller-Lüdenscheidt',
        organization: 'Beispiel GmbH',
        department: 'Support',
        title: 'Teamleiterin, 2nd Level',
        emails: ['zoe.mueller@beispiel.de', 'support@beispiel.de'],
        phones: [
          { type: 'work', number: '030 2345676' },
          { type: 'mobile', number: '0160 1122334' },
        ],
        tags: ['support', 'on-call'],
      },
    });
  });

  it('turns empty and missing cells into null and empty lists, so a sync clears them', () => {
    const mapped = rowToContact({ id: 'x1', first_name: 'Seán', last_name: "O'Connor", title: '   ', email: '', tags: ' ; ' });
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    expect(mapped.contact).toEqual({
      firstName: 'Seán',
      lastName: "O'Connor",
      organization: null,
      department: null,
      title: null,
      emails: [],
      phones: [],
      tags: [],
    });
  });

  it('lists phones work, mobile, home, and allows several numbers per column', () => {
    const mapped = rowToContact({ id: '1', last_name: 'Großmann', home: '030 7788990', work: '030 2345678; 030 2345699', mobile: '0175 9988776' });
    expect(mapped.ok && mapped.contact.phones).toEqual([
      { type: 'work', number: '030 2345678' },
      { type: 'work', number: '030 2345699' },
      { type: 'mobile', number: '0175 9988776' },
      { type: 'home', number: '030 7788990' },
    ]);
  });

  it('accepts an organisation without a person (a reception desk)', () => {
    const mapped = rowToContact({ id: 'E1011', organization: 'Beispiel GmbH – Empfang', work: '030 2345600' });
    expect(mapped).toMatchObject({ ok: true, contact: { firstName: null, lastName: null, organization: 'Beispiel GmbH – Empfang' } });
  });

  it('rejects a row without id, naming the column, and keeps nothing to protect', () => {
    expect(rowToContact({ id: '  ', first_name: 'Anna' })).toEqual({ ok: false, externalId: null, problems: [expect.stringMatching(/^id: missing/)] });
    expect(rowToContact({ first_name: 'Anna' })).toMatchObject({ ok: false, externalId: null });
  });

  it('rejects a row without any name but reports its id, so its contact is kept', () => {
    expect(rowToContact({ id: 'E2', email: 'x@example.com' })).toEqual({
      ok: false,
      externalId: 'E2',
      problems: ['first_name, last_name, organization: all empty (a contact needs a name or an organization)'],
    });
  });

  it('names the column and the value of every invalid cell at once', () => {
    const mapped = rowToContact({ id: 'E3', first_name: 'Anna', email: 'anna@example.com;not-an-address', mobile: '0171 CALL ME', tags: 'a;' + 't'.repeat(65) });
    expect(mapped.ok).toBe(false);
    if (mapped.ok) return;
    expect(mapped.externalId).toBe('E3');
    expect(mapped.problems).toHaveLength(3);
    expect(mapped.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^email "not-an-address": /),
        expect.stringMatching(/^mobile "0171 CALL ME": number may hold digits/),
        expect.stringMatching(/^tags "t{65}": /),
      ]),
    );
  });

  it('reports an over-long id without protecting it', () => {
    const mapped = rowToContact({ id: 'x'.repeat(513), first_name: 'A' });
    expect(mapped).toEqual({ ok: false, externalId: null, problems: ['id: longer than 512 characters'] });
  });
});

describe('helpers', () => {
  it('normaliseHeader reads common spellings of the column names', () => {
    expect(['\uFEFFid', ' First Name ', 'last-name', 'EMAIL', 'tags'].map(normaliseHeader)).toEqual(['id', 'first_name', 'last_name', 'email', 'tags']);
  });

  it('splitList trims, drops blanks and repeats (ignoring case)', () => {
    expect(splitList(' a@x.de ;; b@x.de; A@x.de ;')).toEqual(['a@x.de', 'b@x.de']);
    expect(splitList(undefined)).toEqual([]);
    expect(splitList('')).toEqual([]);
  });

  it('cell trims and turns blanks into null', () => {
    expect(cell('  Köhler ')).toBe('Köhler');
    expect(cell('   ')).toBeNull();
    expect(cell(undefined)).toBeNull();
  });
});
