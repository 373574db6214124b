import { Migration } from '@mikro-orm/migrations';

/**
 * The folding of this migration: NFKD, combining marks dropped, lower case, then the letters and
 * signs NFKD keeps. A frozen copy of `fold` in `domain/text.ts` as it was when this migration was
 * written (a migration must do later what it did then; `test/search-folding.test.ts` checks that
 * the two agree while this is the latest re-fold). A later change to `fold` comes with a migration
 * of its own that re-folds again.
 */
const TABLE: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ħ: 'h', ı: 'i', ȷ: 'j', ŧ: 't', ŋ: 'ng', ĸ: 'k',
  ƀ: 'b', ƈ: 'c', ɗ: 'd', ƒ: 'f', ɠ: 'g', ɨ: 'i', ƙ: 'k', ƚ: 'l', ɲ: 'n', ƥ: 'p', ʠ: 'q', ƭ: 't', ʉ: 'u', ƴ: 'y', ƶ: 'z',
  ȥ: 'z', ɇ: 'e', ɍ: 'r', ꝁ: 'k', ς: 'σ',
  '\u2010': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-', '\u2e3a': '-', '\u2e3b': '-',
  '\u2018': "'", '\u2019': "'", '\u201b': "'", '\u02bc': "'", '\u02b9': "'", '\u2032': "'",
};
const TABLE_RE = new RegExp(`[${Object.keys(TABLE).join('')}]`, 'gu');
export const fold0008 = (value: string): string =>
  value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(TABLE_RE, (c) => TABLE[c]!);

const BATCH = 1000;
type Row = { id: string; sort_name: string; department_key: string | null; tag_index: string; search_text: string };

/**
 * Bring the folded columns of every contact (`sort_name`, `department_key`, `tag_index`,
 * `search_text`) up to {@link fold0008}, in batches by id; rows whose values do not change are not
 * written. Folding a value folded the old way (which kept ø, ł, æ, đ, þ, dashes) gives what
 * folding the original gives, so the columns are re-folded from themselves. The same statements
 * run on SQLite and PostgreSQL.
 */
export async function refoldContacts(migration: Pick<Migration, 'execute'>): Promise<void> {
  const columns = 'select id, sort_name, department_key, tag_index, search_text from contact';
  let after: string | null = null;
  for (;;) {
    const rows = (await (after === null ? migration.execute(`${columns} order by id limit ?`, [BATCH]) : migration.execute(`${columns} where id > ? order by id limit ?`, [after, BATCH]))) as unknown as Row[];
    for (const r of rows) {
      const next = {
        sort_name: fold0008(r.sort_name).slice(0, 600),
        department_key: r.department_key === null ? null : fold0008(r.department_key),
        tag_index: fold0008(r.tag_index),
        search_text: fold0008(r.search_text),
      };
      if (next.sort_name === r.sort_name && next.department_key === r.department_key && next.tag_index === r.tag_index && next.search_text === r.search_text) continue;
      await migration.execute('update contact set sort_name = ?, department_key = ?, tag_index = ?, search_text = ? where id = ?', [next.sort_name, next.department_key, next.tag_index, next.search_text, r.id]);
    }
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** Search folds ø, ł, æ, đ, œ, þ, ð, ħ, ı and dashes too: existing contacts are re-folded (SQLite). */
export class RefoldContacts0008Sqlite extends Migration {
  override name = '0008-refold-contacts';

  override async up(): Promise<void> {
    await refoldContacts(this);
  }
}
