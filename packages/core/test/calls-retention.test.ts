import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';

/**
 * Retention of the call log: a site keeps its calls `calls.retentionDays` days (0: forever); the
 * daily job deletes older ones and writes one audit row of counts per site. On SQLite and PostgreSQL.
 */
let core: TestCore;
let other: string;

beforeAll(async () => {
  core = await createTestCore();
  other = (await core.dialbook.sites.create({ name: 'Kept site', slug: 'kept', defaultCountry: 'DE' })).id;
});
afterAll(() => core?.close());

const now = new Date('2026-06-15T12:00:00Z');
const daysAgo = (d: number, plusSeconds = 0) => new Date(now.getTime() - d * 86400_000 + plusSeconds * 1000).toISOString();
const record = async (siteId: string, startedAt: string) => {
  const res = await core.request('/api/v1/calls', { method: 'POST', json: { siteId, direction: 'inbound', startedAt, remote: { number: '030 1234567' } } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
};
const idsOf = async (siteId: string) => ((await (await core.request(`/api/v1/calls?siteId=${siteId}&limit=500`)).json()) as { items: { id: string }[] }).items.map((c) => c.id).sort();

describe('call retention', () => {
  test('the setting is per site, validated, and 0 (forever) by default', async () => {
    const read = await core.request(`/api/v1/settings/calls?siteId=${core.site.id}`);
    expect(read.status, await read.clone().text()).toBe(200);
    expect(((await read.json()) as { values: { retentionDays: number } }).values.retentionDays).toBe(0);
    const bad = await core.request(`/api/v1/settings/calls?siteId=${core.site.id}`, { method: 'PATCH', json: { retentionDays: -3 } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('retentionDays');
  });

  test('the purge deletes only what is older than the site keeps, only on sites that set it, and audits the count', async () => {
    const old1 = await record(core.site.id, daysAgo(31));
    const old2 = await record(core.site.id, daysAgo(400));
    const edge = await record(core.site.id, daysAgo(30, 1)); // one second inside the 30 days: kept
    const recent = await record(core.site.id, daysAgo(1));
    const otherOld = await record(other, daysAgo(400)); // the other site keeps calls forever

    const set = await core.request(`/api/v1/settings/calls?siteId=${core.site.id}`, { method: 'PATCH', json: { retentionDays: 30 } });
    expect(set.status, await set.clone().text()).toBe(200);

    const report = await core.dialbook.callRetention.purge(now);
    expect(report).toMatchObject({ deleted: 2, sites: [{ siteId: core.site.id, retentionDays: 30, deleted: 2, before: daysAgo(30) }] });
    expect(await idsOf(core.site.id)).toEqual([edge, recent].sort());
    expect(await idsOf(other)).toEqual([otherOld]);
    for (const id of [old1, old2]) expect((await core.request(`/api/v1/calls/${id}`)).status).toBe(404);

    const audit = (await (await core.request('/api/v1/audit?action=calls.purged')).json()) as { items: { action: string; siteId: string; detail: Record<string, unknown> }[] };
    const rows = audit.items.filter((r) => r.action === 'calls.purged');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ siteId: core.site.id, detail: { deleted: 2, retentionDays: 30, before: daysAgo(30) } });

    // Nothing more to purge: no second audit row.
    expect((await core.dialbook.callRetention.purge(now)).deleted).toBe(0);
    const again = (await (await core.request('/api/v1/audit?action=calls.purged')).json()) as { items: { action: string }[] };
    expect(again.items.filter((r) => r.action === 'calls.purged')).toHaveLength(1);
  });
});
