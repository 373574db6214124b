/**
 * Scheduled syncs: schedules follow the settings, a firing syncs the site, two instances on
 * one database run each firing once, and a site another instance is syncing is left alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createDialbook, createLogger, loadConfig, systemActor, type Dialbook, type HookEvents } from '@dialbook/core';
import { createTestDatabase, eventually, testDatabaseKind } from '@dialbook/core/testing';
import ldap from '@dialbook/plugin-ldap';
import { Store } from '../src/store.js';
import { generatePeople, describeWithSlapd, startSlapd, type Slapd } from '@dialbook/test-slapd';
import { configure, json, ldapContacts, startCore, sync, type Core } from './helpers.js';

const N = 30;
const people = generatePeople(N, { seed: 9 });
const wait = { timeout: 15_000, interval: 100 };

interface Status {
  schedule: string | null;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastMode: string | null;
  lastStatus: string | null;
}

describeWithSlapd('scheduled sync', () => {
  let dir: Slapd;
  let core: Core | undefined;
  beforeAll(async () => {
    dir = await startSlapd({ entries: people });
  });
  afterAll(async () => {
    await dir?.stop();
  });
  afterEach(async () => {
    await core?.close();
    core = undefined;
  });

  it('a schedule set in the settings fires syncs (full first, then incremental); null stops it', async () => {
    core = await startCore();
    const c = core;
    const status = () => json<Status>(c, `/api/v1/plugins/ldap/status?siteId=${c.site.id}`);
    await configure(c, dir);
    expect(await status()).toMatchObject({ schedule: null, nextRunAt: null, lastRunAt: null });

    await configure(c, dir, { schedule: '* * * * * *' }); // every second (croner's six fields)
    expect((await status()).nextRunAt).not.toBeNull();
    await eventually('a scheduled sync', async () => (await status()).lastStatus === 'succeeded', wait);
    expect(await ldapContacts(c)).toHaveLength(N);
    await eventually('an incremental run', async () => (await status()).lastMode === 'incremental', wait);

    await configure(c, dir, { schedule: null });
    expect((await status()).nextRunAt).toBeNull();
    // A broken schedule is refused when saved.
    const bad = await c.request(`/api/v1/settings/ldap?siteId=${c.site.id}`, { method: 'PATCH', json: { schedule: 'every hour' } });
    expect(bad.status).toBe(422);
  }, 60_000);

  it('a site another instance is syncing is refused with 409; an expired lease is taken over', async () => {
    core = await startCore();
    await configure(core, dir);
    const other = new Store(() => core!.dialbook.orm.em.fork(), 'ldap', 'other-host-4711-abcd');
    expect(await other.lock(core.site.id)).toBe(true);
    const res = await core.request('/api/v1/plugins/ldap/sync', { method: 'POST', json: { siteId: core.site.id } });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'DIALBOOK_LDAP_SYNC_RUNNING', detail: 'LDAP "ldap": a sync of site "test" is already running on other-host-4711-abcd; try again when it has finished' });
    // The other instance died: its lease runs out after two minutes.
    await other.lock(core.site.id, new Date(Date.now() - 3 * 60_000));
    expect((await sync(core)).created).toBe(N);
    expect(await other.lock(core.site.id)).toBe(true); // released by the finished sync
    await other.unlock(core.site.id);
  });

  it('two instances on one database: every firing runs on one of them only', async () => {
    const kind = testDatabaseKind();
    const tmp = kind === 'sqlite' ? await mkdtemp(join(tmpdir(), 'dialbook-ldap-')) : null;
    const db = tmp ? { url: `sqlite:${join(tmp, 'db.sqlite')}`, drop: () => rm(tmp, { recursive: true, force: true }) } : await createTestDatabase();
    const logger = createLogger('silent');
    const config = await loadConfig({ env: {}, config: { logLevel: 'silent', secretKey: 'k'.repeat(40), database: { url: db.url }, plugins: { ldap: { plugin: ldap } } } });
    const instances: Dialbook[] = [];
    try {
      const a = await createDialbook(config, { logger, migrate: true });
      instances.push(a);
      const site = await a.sites.create({ name: 'Test', slug: 'test', defaultCountry: 'DE' });
      await a.settings.update('ldap', { url: dir.url, bindDN: dir.bindDN, bindPassword: dir.bindPassword, baseDN: dir.baseDN, schedule: '* * * * * *' }, { siteId: site.id, actor: systemActor });
      const b = await createDialbook(config, { logger, migrate: false });
      instances.push(b);
      const runs: { instance: string; event: HookEvents['sync.finished'] }[] = [];
      a.hooks.on('sync.finished', (event) => void runs.push({ instance: 'a', event }));
      b.hooks.on('sync.finished', (event) => void runs.push({ instance: 'b', event }));
      await a.start();
      await b.start();
      await eventually('four scheduled syncs', async () => runs.length >= 4, { ...wait, timeout: 20_000 });
      // Stop firing, let running syncs end, then compare claims with runs.
      a.jobs.stop();
      b.jobs.stop();
      await eventually('the last run to end', async () => !a.jobs.list().running.length && !b.jobs.list().running.length, wait);
      const rows = (await a.orm.em.fork().getConnection().execute('select slot, instance, status from job_run where job = ? order by slot', [`ldap.sync:${site.id}`])) as { slot: string; instance: string; status: string }[];
      expect(rows.length).toBeGreaterThanOrEqual(4);
      expect(new Set(rows.map((r) => r.slot)).size).toBe(rows.length);
      // One sync per claimed firing, across both instances together. (A firing whose claim met a
      // sync still running elsewhere — a slow machine — ends as failed with "already running".)
      expect(runs).toHaveLength(rows.filter((r) => r.status === 'succeeded').length);
      expect(runs[0]!.event).toMatchObject({ source: 'ldap', siteId: site.id, created: N });
      expect(runs.slice(1).every((r) => r.event.created === 0)).toBe(true);
    } finally {
      for (const d of instances.reverse()) await d.stop();
      await db.drop();
    }
  }, 60_000);
});
