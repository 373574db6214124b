import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cron } from 'croner';
import { afterAll, describe, expect, test } from 'vitest';
import { createDialbook, definePlugin, loadConfig, type SyncResult } from '@dialbook/core';
import { createTestCore, createTestDatabase, eventually, testDatabaseKind, type TestCore } from '@dialbook/core/testing';
import { firingSlot } from '../src/jobs/service.js';
import { silentLogger } from '../src/base/logger.js';

const cleanup: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('scheduled jobs', () => {
  test('with two instances on one database, every firing runs on exactly one of them', { timeout: 20_000 }, async () => {
    // Two cores share one database, as two instances behind a load balancer would.
    let url: string;
    if (testDatabaseKind() === 'postgresql') {
      const db = await createTestDatabase();
      cleanup.push(db.drop);
      url = db.url;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'dialbook-jobs-'));
      cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
      url = `sqlite:${join(dir, 'shared.sqlite')}`;
    }
    const runs: { instance: string }[] = [];
    const ticker = (name: string) =>
      definePlugin({
        name: 'ticker',
        start(ctx) {
          ctx.jobs.schedule({ id: 'tick', label: 'Tick', cron: '* * * * * *', run: async () => void runs.push({ instance: name }) });
        },
        setup() {},
      });
    const boot = async (name: string) => {
      const config = await loadConfig({ env: {}, config: { database: { url }, logLevel: 'silent', plugins: { clock: { plugin: ticker(name) } } } });
      const d = await createDialbook(config, { logger: silentLogger() });
      await d.start();
      return d;
    };
    const a = await boot('a');
    const b = await boot('b');
    try {
      await eventually('three scheduled runs', () => runs.length >= 3, { timeout: 15_000 });
      a.jobs.stop();
      b.jobs.stop();
      // Compare the claimed slots with the runs (a firing claimed just before the stop may still be
      // on its way to running): every claimed slot ran once, on the instance that claimed it. The
      // slot, not the wall-clock second a run happens to start in, names the firing: on a busy
      // machine a run can start a second late.
      const claims = async () => (await a.orm.em.fork().getConnection().execute('select slot, instance from job_run where job = ?', ['clock.tick'])) as { slot: string; instance: string }[];
      const rows = await eventually('every claimed firing to have run', async () => {
        const r = await claims();
        return r.length === runs.length && r;
      }, { timeout: 15_000 });
      expect(rows.length).toBeGreaterThanOrEqual(3);
      expect(new Set(rows.map((r) => r.slot)).size).toBe(rows.length);
      for (const [name, d] of [['a', a], ['b', b]] as const) expect(runs.filter((r) => r.instance === name).length).toBe(rows.filter((r) => r.instance === d.jobs.instance).length);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  test('a firing belongs to the occurrence it was scheduled for, even when its timer runs late', () => {
    const quarter = new Cron('*/15 * * * *', { paused: true, timezone: 'UTC' });
    // On time, and 1.3 s late (a busy instance): both claim 12:15:00, so only one of them runs.
    expect(firingSlot(quarter, new Date('2024-05-01T12:15:00.004Z')).toISOString()).toBe('2024-05-01T12:15:00.000Z');
    expect(firingSlot(quarter, new Date('2024-05-01T12:15:01.300Z')).toISOString()).toBe('2024-05-01T12:15:00.000Z');
    const nightly = new Cron('0 3 * * *', { paused: true, timezone: 'Europe/Berlin' });
    expect(firingSlot(nightly, new Date('2024-05-01T01:00:02.300Z')).toISOString()).toBe('2024-05-01T01:00:00.000Z');
    const everySecond = new Cron('* * * * * *', { paused: true });
    expect(firingSlot(everySecond, new Date('2024-05-01T12:15:01.999Z')).toISOString()).toBe('2024-05-01T12:15:01.000Z');
  });

  test('a bad cron pattern is a clear error', async () => {
    const core = await createTestCore({
      plugins: {
        bad: definePlugin({ name: 'bad', setup() {}, start: (ctx) => void ctx.jobs.schedule({ id: 'x', label: 'X', cron: 'every tuesday', run: async () => {} }) }),
      },
    }).catch((e: unknown) => e as Error);
    expect(core).toBeInstanceOf(Error);
    expect((core as Error).message).toMatch(/plugin "bad" failed to start: "every tuesday" is not a cron schedule/);
  });
});

describe('sync through the API', () => {
  let core: TestCore;
  let release: () => void = () => {};
  let started: () => void = () => {};
  const running = new Promise<void>((r) => (started = r));
  const seen: { siteId: string; actor: string }[] = [];

  test('runs a source as a tracked job with progress; a second run of the same pair is 409', async () => {
    core = await createTestCore({
      plugins: {
        books: definePlugin({
          name: 'books',
          setup(ctx) {
            ctx.contacts.registerSource({
              id: ctx.id,
              label: 'Book source',
              sync: async ({ siteId, actor, progress }): Promise<SyncResult> => {
                seen.push({ siteId, actor: actor.type });
                progress?.(3, 10);
                started();
                await new Promise<void>((r) => (release = r));
                progress?.(10, 10);
                return { created: 10, updated: 0, deleted: 0, unchanged: 0, failed: 0 };
              },
            });
          },
        }),
      },
    });
    cleanup.push(() => core.close());
    const sources = (await (await core.request('/api/v1/sources')).json()) as { items: { id: string; sync: boolean; search: boolean }[] };
    expect(sources.items).toEqual([{ id: 'books', label: 'Book source', sync: true, search: false, importOne: false, test: false }]);

    const first = core.request('/api/v1/sources/books/sync', { method: 'POST', json: { siteId: core.site.id } });
    await running; // the source is syncing and has reported 3 of 10
    const jobs = (await (await core.request('/api/v1/jobs')).json()) as { running: { id: string; done: number; total: number; owner: string }[] };
    expect(jobs.running).toEqual([expect.objectContaining({ id: `books.sync:${core.site.id}`, done: 3, total: 10, owner: 'books' })]);
    const second = await core.request('/api/v1/sources/books/sync', { method: 'POST', json: { siteId: core.site.id } });
    expect(second.status).toBe(409);
    release();
    const res = await first;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ created: 10, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(seen).toEqual([{ siteId: core.site.id, actor: 'apiKey' }]);
    const after = (await (await core.request('/api/v1/jobs')).json()) as { running: unknown[]; finished: { status: string; done: number }[] };
    expect(after.running).toEqual([]);
    expect(after.finished[0]).toMatchObject({ status: 'succeeded', done: 10 });
    expect((await core.request('/api/v1/sources/nope/sync', { method: 'POST', json: { siteId: core.site.id } })).status).toBe(404);
    const user = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    expect((await user.request('/api/v1/sources/books/sync', { method: 'POST', json: { siteId: core.site.id } })).status).toBe(403);
  });
});
