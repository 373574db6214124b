import { describe, expect, test } from 'vitest';
import { CucmError } from '../errors.js';
import { collect, pages, shrinkPage } from './pager.js';

const tooLarge = (suggestedRows?: number) => new CucmError('DIALBOOK_CUCM_TOO_LARGE', 'too large', suggestedRows ? { suggestedRows } : {});

/** A fake listX over `total` rows that refuses pages of `limit` rows or more. */
function source(total: number, limit = Infinity) {
  const calls: [number, number][] = [];
  const fetch = async (skip: number, first: number) => {
    calls.push([skip, first]);
    const rows = Array.from({ length: Math.max(0, Math.min(first, total - skip)) }, (_, i) => skip + i);
    if (rows.length >= limit) throw tooLarge(limit);
    return rows;
  };
  return { fetch, calls };
}

describe('pager', () => {
  test('pages until a short page', async () => {
    const s = source(25);
    expect(await collect(pages(s.fetch, { pageSize: 10 }))).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(s.calls).toEqual([[0, 10], [10, 10], [20, 10]]);
  });

  test('an exact multiple needs one more (empty) page', async () => {
    const s = source(20);
    expect(await collect(pages(s.fetch, { pageSize: 10 }))).toHaveLength(20);
    expect(s.calls).toEqual([[0, 10], [10, 10], [20, 10]]);
  });

  test('skip and first bound the range', async () => {
    const s = source(100);
    expect(await collect(pages(s.fetch, { pageSize: 10, skip: 5, first: 12 }))).toEqual(Array.from({ length: 12 }, (_, i) => i + 5));
    expect(s.calls).toEqual([[5, 10], [15, 2]]);
  });

  test('"too large" halves the page (below the suggestion) and asks the same offset again', async () => {
    const s = source(50, 12);
    const shrunk: [number, number][] = [];
    const rows = await collect(pages(s.fetch, { pageSize: 40 }, { onShrink: (a, b) => shrunk.push([a, b]) }));
    expect(rows).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shrunk).toEqual([[40, 11]]);
    expect(s.calls.slice(0, 3)).toEqual([[0, 40], [0, 11], [11, 11]]);
  });

  test('shrinkPage', () => {
    expect(shrinkPage(500)).toBe(250);
    expect(shrinkPage(500, 844)).toBe(250);
    expect(shrinkPage(1000, 300)).toBe(299);
    expect(shrinkPage(1)).toBe(1);
  });

  test('other errors, and "too large" at one row, surface', async () => {
    await expect(collect(pages(source(10, 1).fetch, { pageSize: 4 }))).rejects.toMatchObject({ code: 'DIALBOOK_CUCM_TOO_LARGE' });
    const boom = async () => {
      throw new CucmError('DIALBOOK_CUCM_AUTH', 'no');
    };
    await expect(collect(pages(boom))).rejects.toMatchObject({ code: 'DIALBOOK_CUCM_AUTH' });
  });
});
