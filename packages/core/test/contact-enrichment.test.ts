import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, type ContactDto, type EnrichBatch } from '@dialbook/core';
import { createTestCore, eventually, type TestCore } from '@dialbook/core/testing';

/**
 * Contact enrichers (issue 12): run after a source's batches have committed, in the background
 * and not while the site's sync runs; their writes go through History without enriching again;
 * an outage leaves the contacts pending (one notification), and the retry job catches up.
 */
const calls: EnrichBatch[] = [];
let outage: string | null = null;
/** While set, enrich() waits for it (to see that a sync is not held up by enrichment). */
let slow: Promise<void> | null = null;

const phones = definePlugin({
  name: 'phones',
  setup(ctx) {
    ctx.contacts.registerSource({ id: ctx.id, label: 'Phone list' });
    ctx.contacts.registerSecretAttribute({ key: 'phones.pin', label: 'PIN' });
    ctx.contacts.registerEnricher({
      id: 'phones',
      label: 'Phone system',
      batchSize: 20,
      async enrich(batch) {
        calls.push(batch);
        if (slow) await slow;
        if (outage) throw new Error(outage);
        return batch.contacts.map((c) => ({ contactId: c.id, attributes: { phones: { devices: [`SEP${c.externalId!.padStart(12, '0')}`] } }, secrets: { 'phones.pin': `pin-${c.externalId}-q7` } }));
      },
    });
  },
});

let core: TestCore;
const actor = { type: 'plugin' as const, id: 'phones' };
const items = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ externalId: String(from + i), body: { firstName: 'P', lastName: `Person ${from + i}` } }));
const contactsOf = async () => (await core.dialbook.contacts.list({ siteId: core.site.id, pageSize: 200 })).items.filter((c) => c.source === 'phones');
const notifications = async () => (await core.dialbook.notifications.list({ pageSize: 100 })).items.map((n) => n.title);

beforeAll(async () => {
  core = await createTestCore({ plugins: { phones } });
});
afterAll(() => core?.close());

describe('an enricher', () => {
  test('enriches every contact a source batch wrote, after the batch, with History — and its writes do not enrich again', async () => {
    calls.length = 0;
    const results = await core.dialbook.contacts.upsertManyFromSource(core.site.id, 'phones', items(1, 50), actor);
    expect(results.every((r) => 'contact' in r)).toBe(true);
    await core.dialbook.contacts.enrichment.settled();
    const all = await contactsOf();
    expect(all).toHaveLength(50);
    for (const c of all) {
      expect(c.attributes.phones).toEqual({ devices: [`SEP${c.externalId!.padStart(12, '0')}`], pin: { secret: 'set', updatedAt: expect.any(String) } });
      expect(await core.dialbook.contacts.getSecret(c.id, 'phones.pin')).toBe(`pin-${c.externalId}-q7`);
    }
    expect(calls.map((b) => b.contacts.length)).toEqual([20, 20, 10]);
    expect(calls.every((b) => b.reason === 'sync' && b.siteId === core.site.id)).toBe(true);
    const history = await core.dialbook.contacts.history(all[0]!.id);
    expect(history.filter((h) => h.field === 'attributes').map((h) => h.actor)).toEqual(['plugin:phones', 'plugin:phones']);
    expect(JSON.stringify(history)).not.toContain(`pin-${all[0]!.externalId}-q7`);
  });

  test('waits for the site’s sync to end, so the sync never waits for it', async () => {
    calls.length = 0;
    let release!: () => void;
    let finishSync!: () => void;
    const syncDone = new Promise<void>((r) => (finishSync = r));
    const sync = core.dialbook.jobs.track(`phones.sync:${core.site.id}`, 'test sync', 'phones', async () => {
      await core.dialbook.contacts.upsertManyFromSource(core.site.id, 'phones', items(100, 10), actor);
      await syncDone;
    });
    slow = new Promise<void>((r) => (release = r));
    // The batch is written and queued, but the sync still runs: no enricher call yet.
    await eventually('the batch is written', async () => (await contactsOf()).length === 60);
    expect(calls).toHaveLength(0);
    finishSync();
    await sync;
    await eventually('the enricher is called once the sync ended', () => calls.length === 1);
    release();
    slow = null;
    await core.dialbook.contacts.enrichment.settled();
    expect((await contactsOf()).every((c) => c.attributes.phones !== undefined)).toBe(true);
  });

  test('an outage leaves the contacts pending with one notification; the retry job catches up', async () => {
    outage = 'the phone system is unreachable (connect ECONNREFUSED 10.0.0.1:8443)';
    const before = (await notifications()).length;
    await core.dialbook.contacts.upsertManyFromSource(core.site.id, 'phones', items(200, 30), actor);
    await core.dialbook.contacts.enrichment.settled();
    expect(await core.dialbook.contacts.enrichment.pending()).toEqual([{ enricher: 'phones', contacts: 30, oldest: expect.any(String) }]);
    const titles = await notifications();
    expect(titles.length - before).toBe(1);
    expect(titles[0]).toBe('Phone system: 30 contact(s) could not be enriched');
    const state = (await (await core.request('/api/v1/enrichers')).json()) as { enrichers: { id: string; pending: number }[]; secretAttributes: { key: string }[] };
    expect(state.enrichers).toEqual([expect.objectContaining({ id: 'phones', pending: 30 })]);
    expect(state.secretAttributes.map((a) => a.key)).toEqual(['phones.pin']);

    // Still down at the next try: still pending, no second notification.
    const soon = new Date(Date.now() + 61_000);
    await core.dialbook.contacts.enrichment.retryDue(soon);
    expect((await notifications()).length - before).toBe(1);
    // Not due yet (the second wait is two minutes): nothing is tried.
    calls.length = 0;
    await core.dialbook.contacts.enrichment.retryDue(soon);
    expect(calls).toHaveLength(0);

    outage = null;
    const report = await core.dialbook.contacts.enrichment.retryDue(new Date(Date.now() + 10 * 60_000));
    expect(report).toMatchObject({ done: 30, changed: 30, pending: [] });
    expect(calls.every((b) => b.reason === 'retry')).toBe(true);
    expect(await core.dialbook.contacts.enrichment.pending()).toEqual([]);
    expect((await notifications())[0]).toBe('Phone system: caught up');
    const latest = (await contactsOf()).filter((c) => Number(c.externalId) >= 200);
    expect(latest.every((c: ContactDto) => c.attributes.phones !== undefined)).toBe(true);
  });

  test('runs on request for chosen contacts, with a report', async () => {
    const [first] = await contactsOf();
    calls.length = 0;
    const report = await core.dialbook.contacts.enrich(core.site.id, [first!.id]);
    expect(report).toEqual({ done: 1, changed: 0, pending: [] });
    expect(calls).toEqual([expect.objectContaining({ reason: 'manual', contacts: [expect.objectContaining({ id: first!.id })] })]);
    // The same over HTTP (a "Refresh" button), staff and admins only.
    const res = await core.request(`/api/v1/contacts/${first!.id}/enrich`, { method: 'POST', json: { enricher: 'phones' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: 1, changed: 0, pending: [] });
    expect((await core.request(`/api/v1/contacts/${first!.id}/enrich`, { method: 'POST', json: { enricher: 'nope' } })).status).toBe(404);
    const user = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    expect((await user.request(`/api/v1/contacts/${first!.id}/enrich`, { method: 'POST' })).status).toBe(403);
  });
});
