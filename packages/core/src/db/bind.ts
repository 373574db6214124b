import { isRaw, JsonProperty, Utils, type Platform } from '@mikro-orm/core';

/** A statement as the database driver receives it: SQL text with placeholders, and the values apart. */
export interface BoundStatement {
  sql: string;
  params: unknown[];
}

export type PlaceholderStyle = 'question' | 'dollar';

/**
 * Turns MikroORM's `?`-placeholder SQL and its parameter list into a statement whose values travel
 * as **bound parameters**, never as SQL text. (MikroORM itself inlines every value into the text with
 * `platform.formatQuery` before it reaches the driver; quoting held, but `node:sqlite` cuts a
 * statement at a NUL, and inlined values are one bug away from injection.)
 *
 * The placeholder grammar is MikroORM's own (`Platform.formatQuery`), so the same SQL means the
 * same thing: `?` is a value, `??` an identifier (quoted into the text: identifiers are code, not
 * data), `\?` a literal question mark. Values are shaped as the platform would have written them:
 * - an array expands to one placeholder per element (`in (?)` with `[a, b]` → `in (?, ?)`);
 * - a raw fragment (`raw('lower(?)', [x])`) is spliced in with its own values bound the same way;
 * - a plain object or JSON-tagged value becomes its JSON text;
 * - a `Date` becomes what the platform stores (`Platform.quoteValue`: epoch milliseconds on SQLite,
 *   the platform's date format on PostgreSQL);
 * - `undefined` is `null`; booleans become 1/0 on SQLite; integers are bound as integers on SQLite
 *   (`node:sqlite` binds every JS number as REAL otherwise, which `LIMIT` refuses).
 *
 * `dollar` numbers the placeholders `$1, $2, …` (PostgreSQL); `question` keeps `?` (SQLite).
 */
export function bindStatement(platform: Platform, sql: string, params: readonly unknown[], style: PlaceholderStyle): BoundStatement {
  const out: unknown[] = [];
  const text = splice(platform, sql, params, style, out);
  return { sql: text, params: out };
}

function splice(platform: Platform, sql: string, params: readonly unknown[], style: PlaceholderStyle, out: unknown[]): string {
  if (params.length === 0 && !sql.includes('\\?')) return sql;
  let text = '';
  let pos = 0;
  let j = 0;
  const placeholder = (value: unknown): string => {
    if (isRaw(value)) return `${splice(platform, value.sql, value.params, style, out)}`;
    if (Array.isArray(value)) return value.length ? value.map(placeholder).join(', ') : 'null';
    out.push(shape(platform, value, style));
    return style === 'dollar' ? `$${out.length}` : '?';
  };
  for (;;) {
    const idx = sql.indexOf('?', pos);
    if (idx === -1) {
      text += sql.slice(pos);
      break;
    }
    if (idx > 0 && sql[idx - 1] === '\\') {
      text += `${sql.slice(pos, idx - 1)}?`;
      pos = idx + 1;
    } else if (sql[idx + 1] === '?') {
      text += sql.slice(pos, idx) + platform.quoteIdentifier(params[j++] as string);
      pos = idx + 2;
    } else {
      text += sql.slice(pos, idx) + placeholder(params[j++]);
      pos = idx + 1;
    }
  }
  return text;
}

function shape(platform: Platform, value: unknown, style: PlaceholderStyle): unknown {
  if (value === undefined || value === null) return null;
  if (Utils.isPlainObject(value) || (value as Record<symbol, unknown>)[JsonProperty]) return JSON.stringify(value);
  if (value instanceof Date) {
    if (style === 'question') return +value;
    return (platform as Platform & { formatDate(d: Date): string }).formatDate(value);
  }
  if (style === 'question') {
    if (typeof value === 'boolean') return value ? 1n : 0n;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  } else if (typeof value === 'bigint') {
    return value.toString();
  }
  return value;
}
