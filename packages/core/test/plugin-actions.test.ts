import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, type SiteDto } from '@dialbook/core';
import { createTestCore, type TestCore } from '@dialbook/core/testing';

/**
 * Plugin actions as callers meet them (issue 10): a site-limited user sees only the actions
 * concerning their sites, and an action that syncs a contact source runs as that source's
 * tracked sync job (`GET /api/v1/jobs`), the job `POST /sources/{id}/sync` runs.
 */
type Job = { id: string; label: string; owner: string; status: string; done: number; total: number | null; message: string | null; result: unknown };
type PluginInfo = { id: string; actions: { id: string; label: string; description: string | null }[] };

let core: TestCore;
let branch: SiteDto;
/** When set, a run waits at it after reporting 2 of 5: `entered` once it waits, `release()` lets it go on. */
let gate: { entered: () => void; released: Promise<void> } | undefined;
const runs: { siteId: string | undefined; tracked: boolean }[] = [];
/** Sites the `books` source is "set up" for: the test site only, unless a test says otherwise. */
let concerned: () => string[] = () => [core.site.id];

const books = definePlugin({
  name: 'books',
  setup(ctx) {
    ctx.contacts.registerSource({ id: ctx.id, label: 'Book source', sync: async () => ({ created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 }) });
    ctx.actions.register({
      id: 'sync',
      label: 'Sync now',
      description: 'Read the book list into the site',
      sites: () => concerned(),
      syncs: ctx.id,
      async run({ siteId, progress }) {
        runs.push({ siteId, tracked: !!progress });
        if (!siteId) return { ok: false, message: 'not set up for any site' };
        progress?.(2, 5, 'reading');
        if (gate) {
          gate.entered();
          await gate.released;
        }
        progress?.(5, 5);
        return siteId === branch?.id ? { ok: false, message: 'the branch list is empty' } : { ok: true, message: `5 read for ${siteId}`, data: { read: 5 } };
      },
    });
    ctx.actions.register({ id: 'about', label: 'About', description: 'Says hello', run: async () => ({ ok: true, message: 'hello' }) });
  },
});

beforeAll(async () => {
  core = await createTestCore({ plugins: { books } });
  branch = await core.dialbook.sites.create({ name: 'Branch', slug: 'branch', defaultCountry: 'DE' });
});
afterAll(() => core?.close());

const jobs = async () => (await (await core.request('/api/v1/jobs')).json()) as { running: Job[]; finished: Job[] };
const act = async (id: string, body?: Record<string, unknown>) => {
  const res = await core.request(`/api/v1/actions/${id}`, { method: 'POST', ...(body ? { json: body } : {}) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { ok: boolean; message: string; data?: unknown };
};

describe('which actions a caller sees', () => {
  test('a site-limited user sees the actions of their sites and those of no site in particular', async () => {
    const actionsFor = async (request: TestCore['request']) => ((await (await request('/api/v1/plugins')).json()) as { items: PluginInfo[] }).items.find((p) => p.id === 'books')!.actions.map((a) => a.id);
    expect(await actionsFor(core.request)).toEqual(['books.sync', 'books.about']);
    const here = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    expect(await actionsFor(here.request)).toEqual(['books.sync', 'books.about']);
    const elsewhere = await core.createUser({ role: 'user', siteIds: [branch.id] });
    expect(await actionsFor(elsewhere.request)).toEqual(['books.about']);
    const nowhere = await core.createUser({ role: 'user', siteIds: [] });
    expect(await actionsFor(nowhere.request)).toEqual(['books.about']);
    // An action whose site list cannot be read is not shown to a site-limited user.
    concerned = () => {
      throw new Error('settings unreadable');
    };
    try {
      expect(await actionsFor(here.request)).toEqual(['books.about']);
      expect(await actionsFor(core.request)).toEqual(['books.sync', 'books.about']);
    } finally {
      concerned = () => [core.site.id];
    }
  });
});

describe('an action that syncs a source', () => {
  test('runs as the tracked sync job of its site, with progress', async () => {
    runs.length = 0;
    expect(await act('books.sync')).toEqual({ ok: true, message: `5 read for ${core.site.id}`, data: { read: 5 } });
    expect(runs).toEqual([{ siteId: core.site.id, tracked: true }]);
    const { running, finished } = await jobs();
    expect(running).toEqual([]);
    expect(finished[0]).toMatchObject({ id: `books.sync:${core.site.id}`, label: 'Book source: sync of site "test"', owner: 'books', status: 'succeeded', done: 5, total: 5 });
  });

  test('while its job runs it answers not ok instead of running twice; the sources route is refused alike', async () => {
    let release!: () => void;
    const entered = new Promise<void>((resolve) => (gate = { entered: resolve, released: new Promise<void>((r) => (release = r)) }));
    runs.length = 0;
    const first = act('books.sync', { siteId: core.site.id });
    await entered;
    expect((await jobs()).running.map((j) => [j.id, j.done, j.total, j.message])).toEqual([[`books.sync:${core.site.id}`, 2, 5, 'reading']]);
    expect(await act('books.sync', { siteId: core.site.id })).toEqual({ ok: false, message: 'Book source: sync of site "test" is already running' });
    expect((await core.request('/api/v1/sources/books/sync', { method: 'POST', json: { siteId: core.site.id } })).status).toBe(409);
    gate = undefined;
    release();
    expect((await first).ok).toBe(true);
    expect(runs).toHaveLength(1);
  });

  test('without a site it runs once per site it concerns; a run that reports not ok is a failed job', async () => {
    concerned = () => [core.site.id, branch.id];
    try {
      const result = await act('books.sync');
      expect(result).toEqual({ ok: false, message: `5 read for ${core.site.id}\nthe branch list is empty`, data: [{ read: 5 }, null] });
      const finished = (await jobs()).finished.slice(0, 2);
      expect(finished.map((j) => [j.id, j.status])).toEqual([
        [`books.sync:${branch.id}`, 'failed'],
        [`books.sync:${core.site.id}`, 'succeeded'],
      ]);
      expect(finished[0]!.result).toBe('the branch list is empty');
    } finally {
      concerned = () => [core.site.id];
    }
  });

  test('with no site to run for, the action itself says why; an unknown site is 404', async () => {
    concerned = () => [];
    runs.length = 0;
    try {
      expect(await act('books.sync')).toEqual({ ok: false, message: 'not set up for any site' });
      expect(runs).toEqual([{ siteId: undefined, tracked: false }]);
    } finally {
      concerned = () => [core.site.id];
    }
    expect((await core.request('/api/v1/actions/books.sync', { method: 'POST', json: { siteId: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
  });
});
