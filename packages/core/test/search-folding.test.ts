import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { fold, type ContactDto } from '@dialbook/core';
import { fold0008 } from '../src/contacts/migrations/0008-refold-contacts.sqlite.js';

/**
 * Search folds with full Unicode folding (issue 10): NFKD plus a table for the letters NFKD
 * keeps (ø, ł, æ, đ, œ, þ, ð, ħ, ı) and dashes; contacts stored before are re-folded by migration 0008.
 */
let core: TestCore;
beforeAll(async () => {
  core = await createTestCore();
});
afterAll(() => core?.close());

const create = async (body: Record<string, unknown>): Promise<ContactDto> => {
  const res = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, ...body } });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as ContactDto;
};
const found = async (query: string): Promise<string[]> => {
  const res = await core.request(`/api/v1/contacts?${query}&pageSize=100`);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { items: ContactDto[] }).items.map((c) => c.displayName);
};
const q = (term: string) => found(`q=${encodeURIComponent(term)}`);

describe('search folds every letter a keyboard lacks', () => {
  beforeAll(async () => {
    await create({ firstName: 'Søren Łukasz', lastName: 'Ærø Đorđe' });
    await create({ firstName: 'Þórður', lastName: 'Ðalsson', organization: 'Œuvre Ħamrun' });
    await create({ firstName: 'Işık', lastName: 'Yılmaz', department: 'Øst – Ålesund', tags: ['Ærø'] });
    await create({ lastName: 'Müller–Lüdenscheidt', organization: 'Beispiel GmbH – Empfang', phones: [{ number: '030 555-0199' }] });
    await create({ firstName: 'Seán', lastName: 'O’Brien' });
  });

  test.each([
    ['soren lukasz aero dorde', 'Søren Łukasz Ærø Đorđe'],
    ['SØREN ŁUKASZ', 'Søren Łukasz Ærø Đorđe'],
    ['thordur dalsson', 'Þórður Ðalsson'],
    ['oeuvre hamrun', 'Þórður Ðalsson'],
    ['isik yilmaz', 'Işık Yılmaz'],
    ['muller-ludenscheidt', 'Müller–Lüdenscheidt'],
    ['Müller—Lüdenscheidt', 'Müller–Lüdenscheidt'],
    ['gmbh - empfang', 'Müller–Lüdenscheidt'],
    ["o'brien", 'Seán O’Brien'],
  ])('%s finds %s', async (term, name) => {
    expect(await q(term)).toEqual([name]);
  });

  test('an en dash in a typed number is a separator like a hyphen', async () => {
    expect(await q('030 555–0199')).toEqual(['Müller–Lüdenscheidt']);
  });

  test('the department and tag filters fold alike', async () => {
    expect(await found(`department=${encodeURIComponent('ost - alesund')}`)).toEqual(['Işık Yılmaz']);
    expect(await found('tag=aero')).toEqual(['Işık Yılmaz']);
  });
});

describe('contacts stored with the old folding', () => {
  /** How `fold` worked before (kept ø, ł, æ, đ, þ and dashes as they are). */
  const oldFold = (value: string) => value.normalize('NFKD').replace(/\p{M}+/gu, '').replace(/ß/g, 'ss').toLowerCase();

  test('are found after migration 0008 re-folds them', async () => {
    const c = await create({ firstName: 'Bjørn', lastName: 'Łęcki–Æbelø', department: 'Ødegård', tags: ['Þing'] });
    const db = core.dialbook.orm.em.fork().getConnection();
    const row = (await db.execute('select sort_name, department_key, tag_index, search_text from contact where id = ?', [c.id]))[0] as Record<string, string>;
    // Put the row back the way the previous release stored it.
    const old = { sort: oldFold('Łęcki–Æbelø Bjørn'), search: oldFold('Bjørn Łęcki–Æbelø Bjørn Łęcki–Æbelø Ødegård') };
    expect(row).toEqual({ sort_name: fold('Łęcki–Æbelø Bjørn'), department_key: 'odegard', tag_index: '|thing|', search_text: fold('Bjørn Łęcki–Æbelø Bjørn Łęcki–Æbelø Ødegård') });
    await db.execute('update contact set sort_name = ?, department_key = ?, tag_index = ?, search_text = ? where id = ?', [old.sort, oldFold('Ødegård'), '|þing|', old.search, c.id]);
    expect(await q('bjorn lecki-aebelo')).toEqual([]);
    expect(await found('department=odegard')).toEqual([]);

    await db.execute("delete from dialbook_migrations where name = '0008-refold-contacts'");
    expect(await core.dialbook.migrate()).toEqual(['0008-refold-contacts']);

    expect(await q('bjorn lecki-aebelo')).toEqual(['Bjørn Łęcki–Æbelø']);
    expect(await found('department=odegard')).toEqual(['Bjørn Łęcki–Æbelø']);
    expect(await found('tag=thing')).toEqual(['Bjørn Łęcki–Æbelø']);
    expect((await db.execute('select sort_name, department_key, tag_index, search_text from contact where id = ?', [c.id]))[0]).toEqual(row);
  });

  test("the migration's frozen folding is today's fold, for every code point", () => {
    const differs: string[] = [];
    for (let cp = 0; cp <= 0x2ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const s = String.fromCodePoint(cp);
      if (fold0008(s) !== fold(s)) differs.push(cp.toString(16));
      // What the re-fold relies on: folding an old-folded value gives today's folding of the original.
      if (fold(oldFold(s)) !== fold(s)) differs.push(`old:${cp.toString(16)}`);
    }
    expect(differs).toEqual([]);
  });
});
