import type { Dialect } from '../db/orm.js';
import type { ContactFilter } from './types.js';
import { dialDigits } from '../base/phone.js';
import { fold, likeEscape } from '../base/text.js';

const NUMBERISH = /^[+0-9 ()./-]+$/;

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/**
 * The shared contact filters as SQL conditions over `contact` aliased `c`.
 * Every value travels as a bound parameter; only fixed SQL reaches the text.
 */
export function contactFilterConditions(filter: ContactFilter, dialect: Dialect): SqlCondition[] {
  const out: SqlCondition[] = [];
  if (filter.q) {
    // Folded first: a number typed with an en dash or full-width digits is still a number.
    const folded = fold(filter.q);
    const term = NUMBERISH.test(folded) && /\d/.test(folded) ? dialDigits(folded).replace('+', '') : folded;
    out.push({ sql: "c.search_text like ? escape '\\'", params: [`%${likeEscape(term)}%`] });
  }
  if (filter.department) out.push({ sql: 'c.department_key = ?', params: [fold(filter.department)] });
  if (filter.tag) out.push({ sql: "c.tag_index like ? escape '\\'", params: [`%|${likeEscape(fold(filter.tag))}|%`] });
  if (filter.source) out.push({ sql: 'c.source = ?', params: [filter.source] });
  if (filter.hasAttribute) {
    const [ns, key] = filter.hasAttribute.split('.') as [string, string | undefined];
    out.push(
      dialect === 'postgresql'
        ? { sql: '(c.attributes #> ?::text[]) is not null', params: [key ? `{${ns},${key}}` : `{${ns}}`] }
        : { sql: 'json_extract(c.attributes, ?) is not null', params: [key ? `$."${ns}"."${key}"` : `$."${ns}"`] },
    );
  }
  return out;
}

/** All conditions joined with `and` (`1 = 1` when there are none). */
export function joinConditions(conditions: SqlCondition[]): SqlCondition {
  if (!conditions.length) return { sql: '1 = 1', params: [] };
  return { sql: conditions.map((c) => `(${c.sql})`).join(' and '), params: conditions.flatMap((c) => c.params) };
}

export function applyContactFilter(qb: { andWhere(sql: string, params: unknown[]): unknown }, filter: ContactFilter, dialect: Dialect): void {
  for (const c of contactFilterConditions(filter, dialect)) qb.andWhere(c.sql, c.params);
}
