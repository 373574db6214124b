/**
 * Letters and signs Unicode decomposition (NFKD) leaves alone, each with what a person types
 * for it on a plain keyboard: `ø` is found by `o`, `ł` by `l`, `æ` by `ae`, `þ` by `th`, an en
 * dash by a hyphen, a typographic apostrophe by `'`. Lower-case keys only: {@link fold}
 * lower-cases first. Letters with a diacritic that NFKD splits off (ä, é, ř, ş, …) need no
 * entry.
 */
export const TRANSLITERATION: Readonly<Record<string, string>> = {
  // Latin letters without a decomposition
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ħ: 'h',
  ı: 'i',
  ȷ: 'j',
  ŧ: 't',
  ŋ: 'ng',
  ĸ: 'k',
  ƀ: 'b',
  ƈ: 'c',
  ɗ: 'd',
  ƒ: 'f',
  ɠ: 'g',
  ɨ: 'i',
  ƙ: 'k',
  ƚ: 'l',
  ɲ: 'n',
  ƥ: 'p',
  ʠ: 'q',
  ƭ: 't',
  ʉ: 'u',
  ƴ: 'y',
  ƶ: 'z',
  ȥ: 'z',
  ɇ: 'e',
  ɍ: 'r',
  ꝁ: 'k',
  // Greek final sigma: as the sigma typed in a search box
  ς: 'σ',
  // Dashes and minus signs: as a hyphen
  '\u2010': '-', // hyphen
  '\u2012': '-', // figure dash
  '\u2013': '-', // en dash
  '\u2014': '-', // em dash
  '\u2015': '-', // horizontal bar
  '\u2212': '-', // minus sign
  '\u2e3a': '-', // two-em dash
  '\u2e3b': '-', // three-em dash
  // Apostrophes: as the ASCII one (O’Brien, D‘Angelo)
  '\u2018': "'",
  '\u2019': "'",
  '\u201b': "'",
  '\u02bc': "'",
  '\u02b9': "'",
  '\u2032': "'",
};

const TRANSLITERATE = new RegExp(`[${Object.keys(TRANSLITERATION).join('')}]`, 'gu');

/**
 * What search and filters compare: full Unicode folding. NFKD (compatibility forms such as
 * `ﬁ`, full-width letters and `ŉ` become their plain letters), the combining marks dropped,
 * lower-cased, then {@link TRANSLITERATION} for the letters NFKD keeps. So `Müller`, `muller`
 * and `MÜLLER` fold alike, `Søren Łukasz Ærø Đorđe` folds to `soren lukasz aero dorde`, and
 * `Müller–Lüdenscheidt` (en dash) to `muller-ludenscheidt`.
 *
 * Idempotent, and folding an already folded text gives what folding the original gives, so
 * stored folded columns can be brought up to date from themselves (migration 0008).
 */
export const fold = (value: string): string =>
  value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(TRANSLITERATE, (c) => TRANSLITERATION[c]!);

/** Escape `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern. */
export const likeEscape = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Deterministic JSON (sorted object keys) for comparing values. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
