/* eslint-disable @typescript-eslint/no-explicit-any -- parsed XML trees are untyped JSON */
import { describe, expect, test } from 'vitest';
import { LOCAL_MAX_CONTACTS, LOCAL_MAX_GROUPS, pickNumbers, provisioningSnippet, renderYealink, searchContacts, YealinkOptionsSchema } from '../src/render/index.js';
import { contact, input, parseXml } from './helpers.js';

const people = () => [
  contact({ firstName: 'Jürgen', lastName: 'Weiß', department: 'Sales', phones: [['home', '030 9999999'], ['work', '2001'], ['mobile', '+49 170 1234567'], ['fax', '030 8888888']] }),
  contact({ organization: 'Smith & Sons "Ltd" <UK>', department: 'Sales', phones: [['work', '2002']] }),
  contact({ firstName: 'Ana', lastName: 'Souza', department: 'Support', phones: [['work', '3001']] }),
  contact({ firstName: '王', lastName: '小明', phones: [['mobile', '0151 2345678']] }),
  contact({ firstName: 'No', lastName: 'Number', department: 'Sales', phones: [] }),
];

describe('YealinkIPPhoneBook (format phonebook, the default)', () => {
  test('Title, a Menu per department (catch-all last), a Unit per dialable contact with Phone1..3 in priority order', () => {
    const out = renderYealink(input(people()));
    expect(out.contentType).toBe('text/xml; charset=utf-8');
    const xml = out.body as string;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<YealinkIPPhoneBook>')).toBe(true);
    const doc = parseXml(xml).YealinkIPPhoneBook;
    expect(doc.Title).toBe('ACME & Co');
    expect(doc.Menu.map((m: any) => m['@Name'])).toEqual(['Sales', 'Support', 'Other']);
    const sales = doc.Menu[0].Unit;
    expect(sales).toHaveLength(2); // "No Number" has nothing to dial
    expect(sales[0]).toEqual({ '@Name': 'Jürgen Weiß', '@Phone1': '2001', '@Phone2': '+491701234567', '@Phone3': '0309999999', '@default_photo': 'Resource:' });
    expect(sales[1]['@Name']).toBe('Smith & Sons "Ltd" <UK>');
    expect(doc.Menu[2].Unit[0]).toMatchObject({ '@Name': '王 小明', '@Phone1': '01512345678', '@Phone2': '', '@Phone3': '' });
  });

  test('options: number priority, e164 form, group by organisation or none, title', () => {
    const options = { numberTypes: ['mobile', 'home'], numberForm: 'e164', groupBy: 'none', title: 'Phones' };
    const doc = parseXml(renderYealink(input(people(), { options })).body as string).YealinkIPPhoneBook;
    expect(doc.Title).toBe('Phones');
    expect(doc.Menu).toHaveLength(1);
    expect(doc.Menu[0]['@Name']).toBe('ACME & Co');
    expect(doc.Menu[0].Unit.map((u: any) => [u['@Name'], u['@Phone1'], u['@Phone2']])).toEqual([
      ['Jürgen Weiß', '+491701234567', '+49309999999'],
      ['王 小明', '+491512345678', ''],
    ]);
  });

  test('an empty phonebook is still a valid document', () => {
    const doc = parseXml(renderYealink(input([])).body as string);
    expect(doc.YealinkIPPhoneBook.Title).toBe('ACME & Co');
    expect(doc.YealinkIPPhoneBook.Menu).toBeUndefined();
  });

  test('one Menu of 200,000 contacts renders (no per-argument limit on the way)', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => contact({ organization: `Firm ${i}`, phones: [['work', String(1000 + i)]] }));
    const xml = renderYealink(input(many, { options: { groupBy: 'none' } })).body as string;
    expect(xml.match(/<Unit /g)).toHaveLength(200_000);
    expect(xml.match(/<Menu /g)).toHaveLength(1);
    expect(xml.endsWith('</Menu>\n</YealinkIPPhoneBook>\n')).toBe(true);
  });
});

describe('YealinkIPPhoneDirectory (variant directory)', () => {
  test('DirectoryEntry with Name and every allowed number as a labelled Telephone', () => {
    const doc = parseXml(renderYealink(input(people(), { variant: 'directory' })).body as string).YealinkIPPhoneDirectory;
    expect(doc.DirectoryEntry).toHaveLength(4);
    const first = doc.DirectoryEntry[0];
    expect(first.Name).toBe('Jürgen Weiß');
    expect(first.Telephone.map((t: any) => [t['@label'], t['#text']])).toEqual([
      ['Work', '2001'],
      ['Mobile', '+491701234567'],
      ['Home', '0309999999'],
      ['Fax', '0308888888'],
    ]);
  });

  test('the stored label wins over the type; duplicate numbers once', () => {
    const c = contact({ lastName: 'Dup', phones: [['work', '2001', 'Desk & "Lab"'], ['other', '20 01']] });
    const doc = parseXml(renderYealink(input([c], { options: { format: 'directory' } })).body as string).YealinkIPPhoneDirectory;
    expect(doc.DirectoryEntry[0].Telephone).toEqual([{ '@label': 'Desk & "Lab"', '#text': '2001' }]);
  });
});

describe('vp_contact (variant local)', () => {
  test('groups and contacts with office/mobile/other numbers', () => {
    const doc = parseXml(renderYealink(input(people(), { variant: 'local' })).body as string).vp_contact;
    expect(doc.root_group.group.map((g: any) => g['@display_name'])).toEqual(['Sales', 'Support', 'Other']);
    const j = doc.root_contact.contact[0];
    expect(j).toMatchObject({ '@display_name': 'Jürgen Weiß', '@office_number': '2001', '@mobile_number': '+491701234567', '@other_number': '0309999999', '@group_id_name': 'Sales', '@line': '-1' });
    expect(doc.root_contact.contact).toHaveLength(4);
  });

  test(`more than ${LOCAL_MAX_CONTACTS} contacts or ${LOCAL_MAX_GROUPS} groups: truncated, with a comment saying what was left out`, () => {
    const many = Array.from({ length: 1200 }, (_, i) => contact({ lastName: `P${String(i).padStart(4, '0')}`, department: `Dept ${i % 60}`, phones: [['work', `${1000 + i}`]] }));
    const xml = renderYealink(input(many, { variant: 'local' })).body as string;
    expect(xml).toContain('<!-- Dialbook: 1200 contacts in 60 groups');
    expect(xml).toContain('Left out: 200 contacts (the last in name order); 12 groups');
    const doc = parseXml(xml).vp_contact;
    expect(doc.root_contact.contact).toHaveLength(LOCAL_MAX_CONTACTS);
    expect(doc.root_group.group).toHaveLength(LOCAL_MAX_GROUPS);
    const groups = new Set(doc.root_group.group.map((g: any) => g['@display_name']));
    for (const c of doc.root_contact.contact) expect(groups.has(c['@group_id_name']) || c['@group_id_name'] === 'All Contacts').toBe(true);
    expect(doc.root_contact.contact.some((c: any) => c['@group_id_name'] === 'All Contacts')).toBe(true);
  });
});

describe('search (#SEARCH → ?q=)', () => {
  test('names accent- and case-insensitively, every word; numbers by digits in written or international form', () => {
    const list = people();
    const names = (q: string) => searchContacts(list, q).map((c) => c.displayName);
    expect(names('weiss')).toEqual(['Jürgen Weiß']);
    expect(names('JURGEN wei')).toEqual(['Jürgen Weiß']);
    expect(names('smith &')).toEqual(['Smith & Sons "Ltd" <UK>']);
    expect(names('王')).toEqual(['王 小明']);
    expect(names('support')).toEqual(['Ana Souza']);
    expect(names('2001')).toEqual(['Jürgen Weiß']);
    expect(names('+49 170 123')).toEqual(['Jürgen Weiß']);
    expect(names('0170 1234')).toEqual(['Jürgen Weiß']);
    expect(names('nobody')).toEqual([]);
    const doc = parseXml(renderYealink(input(list, { params: { q: 'souza' } })).body as string).YealinkIPPhoneBook;
    expect(doc.Menu).toHaveLength(1);
    expect(doc.Menu[0].Unit[0]['@Name']).toBe('Ana Souza');
  });
});

describe('search folds every letter (issue 10)', () => {
  test('ø, ł, æ, đ, þ, ı as their plain letters; an en dash as a hyphen, in the term and in the names', () => {
    const list = [
      contact({ firstName: 'Søren Łukasz', lastName: 'Ærø Đorđe', phones: [['work', '2101']] }),
      contact({ firstName: 'Þóra', lastName: 'Yılmaz–Öztürk', phones: [['work', '030 555-0199']] }),
    ];
    const names = (q: string) => searchContacts(list, q).map((c) => c.displayName);
    expect(names('soren lukasz aero dorde')).toEqual(['Søren Łukasz Ærø Đorđe']);
    expect(names('thora yilmaz-ozturk')).toEqual(['Þóra Yılmaz–Öztürk']);
    expect(names('yılmaz—öztürk')).toEqual(['Þóra Yılmaz–Öztürk']);
    expect(names('030 555–0199')).toEqual(['Þóra Yılmaz–Öztürk']);
  });
});

describe('options and numbers', () => {
  test('defaults; unknown keys and bad values refused', () => {
    expect(YealinkOptionsSchema.parse({})).toEqual({ format: 'phonebook', numberTypes: ['work', 'mobile', 'home', 'other', 'pager', 'fax'], numberForm: 'dialable', groupBy: 'department', otherGroup: 'Other', slot: 1, flashTime: 3600 });
    expect(YealinkOptionsSchema.safeParse({ colour: 1 }).success).toBe(false);
    expect(YealinkOptionsSchema.safeParse({ numberTypes: ['work', 'work'] }).success).toBe(false);
    expect(YealinkOptionsSchema.safeParse({ slot: 6 }).success).toBe(false);
  });

  test('pickNumbers: priority then stored order; types not listed left out', () => {
    const c = contact({ phones: [['mobile', '0170 1'], ['work', '1'], ['mobile', '0170 2'], ['fax', '9']] });
    expect(pickNumbers(c, { numberTypes: ['mobile', 'work'], numberForm: 'written' }).map((n) => n.number)).toEqual(['0170 1', '0170 2', '1']);
  });
});

describe('provisioning snippet', () => {
  test('slot, URL, name, credential, enable and flash_time', () => {
    const text = provisioningSnippet(
      { phonebook: { id: 'pb', name: 'Sales\nTeam' }, url: 'https://dialbook.example/directory/pb/yealink', tokenUrl: 'https://dialbook.example/directory/t/<secret>/yealink', username: 'phone-1234', options: {} },
      YealinkOptionsSchema.parse({ slot: 2, flashTime: 600 }),
    );
    expect(text).toContain('remote_phonebook.data.2.url = https://dialbook.example/directory/pb/yealink\n');
    expect(text).toContain('remote_phonebook.data.2.name = Sales Team\n');
    expect(text).toContain('remote_phonebook.data.2.username = phone-1234\n');
    expect(text).toContain('remote_phonebook.data.2.password = <the secret shown once');
    expect(text).toContain('features.remote_phonebook.enable = 1\n');
    expect(text).toContain('features.remote_phonebook.flash_time = 600\n');
    expect(text).toContain('?q=#SEARCH');
  });
});
