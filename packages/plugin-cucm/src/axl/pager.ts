/**
 * Auto-paging of AXL `list*` calls with `skip`/`first`. When CUCM answers "Query request too
 * large … Suggestive Row Fetch: less than N rows" (DIALBOOK_CUCM_TOO_LARGE), the page is halved
 * (and kept below N) and the same offset is asked again; the smaller size holds for the rest.
 */
import { isCucmError } from '../errors.js';
import type { ListRange } from './types.js';

export const DEFAULT_PAGE_SIZE = 500;

/** The next page size after a "too large" answer for `size` rows. */
export function shrinkPage(size: number, suggestedRows?: number): number {
  let next = Math.floor(size / 2);
  if (suggestedRows && suggestedRows > 1) next = Math.min(next, suggestedRows - 1);
  return Math.max(1, next);
}

export interface PageEvent {
  skip: number;
  first: number;
  rows: number;
}

/**
 * Pages of `fetch(skip, first)` until a short page, or until `range.first` rows were returned.
 *
 * @example
 * for await (const page of pages((skip, first) => listPhonePage(criteria, skip, first), { pageSize: 200 })) …
 */
export async function* pages<T>(
  fetch: (skip: number, first: number) => Promise<T[]>,
  range: ListRange = {},
  hooks: { onShrink?: (from: number, to: number) => void; onPage?: (e: PageEvent) => void } = {},
): AsyncGenerator<T[]> {
  let skip = Math.max(0, range.skip ?? 0);
  let remaining = range.first === undefined ? Number.POSITIVE_INFINITY : Math.max(0, range.first);
  let size = Math.max(1, range.pageSize ?? DEFAULT_PAGE_SIZE);
  while (remaining > 0) {
    const want = Math.min(size, remaining);
    let rows: T[];
    try {
      rows = await fetch(skip, want);
    } catch (err) {
      if (isCucmError(err) && err.code === 'DIALBOOK_CUCM_TOO_LARGE' && want > 1) {
        const next = shrinkPage(want, err.info.suggestedRows);
        hooks.onShrink?.(want, next);
        size = next;
        continue;
      }
      throw err;
    }
    hooks.onPage?.({ skip, first: want, rows: rows.length });
    if (rows.length) yield rows;
    skip += rows.length;
    remaining -= rows.length;
    if (rows.length < want) return;
  }
}

/** All rows of `pages(…)` in one array. */
export async function collect<T>(it: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of it) out.push(...page);
  return out;
}
