/**
 * Two Dialbook instances on one PostgreSQL database: what one changes, the other's caches see
 * (phonebook.changed, settings.changed through LISTEN/NOTIFY), and a lost relay connection comes
 * back with a cluster.resync. On SQLite (one process, one instance) there is no relay.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDialbook, loadConfig, type Dialbook, type HookEvents, createApp } from '@dialbook/core';
import { createTestCore, testDatabaseKind, type TestCore } from '@dialbook/core/testing';
import yealink from '@dialbook/plugin-yealink';

const onPostgres = testDatabaseKind() === 'postgresql';

/** Poll until `check` passes or 10 s are over; returns its last value. */
async function eventually<T>(fn: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await fn();
    if (check(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

if (!onPostgres) describe('event relay on SQLite', () => {
  test('there is none: an embedded database has one instance', async () => {
    const core = await createTestCore();
    try {
      expect(core.dialbook.cluster).toBeNull();
    } finally {
      await core.close();
    }
  });
});

if (onPostgres) describe('two instances on one PostgreSQL database', () => {
  let a: TestCore;
  let b: Dialbook;
  const seenOnB: { name: keyof HookEvents; payload: unknown }[] = [];

  beforeAll(async () => {
    a = await createTestCore({ plugins: { yealink } });
    // Instance B: the same database, its own process state (caches, hook bus, relay).
    b = await createDialbook(await loadConfig({ env: {}, config: { logLevel: 'silent', database: { url: a.dialbook.config.database.url! }, plugins: { yealink: { plugin: yealink } } } }), { migrate: true });
    for (const name of ['phonebook.changed', 'settings.changed', 'cluster.resync', 'contact.updated'] as const) b.hooks.on(name, (payload) => void seenOnB.push({ name, payload }));
    await b.start();
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
  });

  test('a contact edited on A is in the next directory fetch from B, never the cached bytes', async () => {
    const contact = await a.dialbook.contacts.create({ siteId: a.site.id, firstName: 'Clara', lastName: 'Cluster', phones: [{ type: 'work', number: '030 5550100' }] }, { type: 'system', id: 'test' });
    const pb = (await (await a.request('/api/v1/phonebooks', { method: 'POST', json: { siteId: a.site.id, name: 'Everyone', filter: {} } })).json()) as { id: string };
    const cred = (await (await a.request(`/api/v1/phonebooks/${pb.id}/credentials`, { method: 'POST', json: { name: 'lobby' } })).json()) as { username: string; secret: string };
    const fetchFromB = async () => {
      const res = await createApp(b).request(`/directory/${pb.id}/yealink`, { headers: { authorization: `Basic ${Buffer.from(`${cred.username}:${cred.secret}`).toString('base64')}` } });
      expect(res.status).toBe(200);
      return res.text();
    };
    expect(await fetchFromB()).toContain('Clara Cluster');
    expect(await fetchFromB()).toContain('Clara Cluster'); // now cached on B

    await a.request(`/api/v1/contacts/${contact.id}`, { method: 'PATCH', json: { lastName: 'Clusterfrei' } });
    const after = await eventually(fetchFromB, (t) => t.includes('Clara Clusterfrei'));
    expect(after).toContain('Clara Clusterfrei');
    expect(after).not.toContain('Clara Cluster<');
    // Only the relayed events cross: contact.updated (a once-only event for enrichers) stayed on A.
    expect(seenOnB.some((e) => e.name === 'phonebook.changed' && (e.payload as { siteId: string }).siteId === a.site.id)).toBe(true);
    expect(seenOnB.some((e) => e.name === 'contact.updated')).toBe(false);
    expect(a.dialbook.cluster!.status()).toMatchObject({ connected: true });
    expect(b.cluster!.status().received).toBeGreaterThan(0);

    // Revoked on A: B (which has the credential in its 30 s verification cache) refuses it at once.
    const listed = (await (await a.request(`/api/v1/phonebooks/${pb.id}/credentials`)).json()) as { items: { id: string }[] };
    expect((await a.request(`/api/v1/credentials/${listed.items[0]!.id}`, { method: 'DELETE' })).status).toBe(200);
    const status = await eventually(
      async () => (await createApp(b).request(`/directory/${pb.id}/yealink`, { headers: { authorization: `Basic ${Buffer.from(`${cred.username}:${cred.secret}`).toString('base64')}` } })).status,
      (s) => s === 401,
    );
    expect(status).toBe(401);
  });

  test('settings saved on A reach B as settings.changed (key names only)', async () => {
    const res = await a.request('/api/v1/settings/email', { method: 'PATCH', json: { from: { name: 'Telefonie' } } });
    expect(res.status, await res.clone().text()).toBe(200);
    const got = await eventually(async () => seenOnB.filter((e) => e.name === 'settings.changed'), (l) => l.length > 0);
    expect(got[0]!.payload).toMatchObject({ category: 'email', keys: expect.arrayContaining(['from.name']) });
  });

  test('the relay connections are cut: each instance reconnects, drops its caches (cluster.resync) and relays again', async () => {
    const before = b.cluster!.status().reconnects;
    const admin = new pg.Client({ connectionString: a.dialbook.config.database.url! });
    await admin.connect();
    try {
      // End the relay connections (A's and B's) from the server side, as a database restart or a network cut would.
      const { rows } = await admin.query<{ pid: number }>("select pid from pg_stat_activity where application_name = 'dialbook-events' and datname = current_database()");
      expect(rows.length).toBe(2);
      for (const r of rows) await admin.query('select pg_terminate_backend($1)', [r.pid]);
    } finally {
      await admin.end();
    }
    await eventually(async () => b.cluster!.status(), (s) => s.connected && s.reconnects > before);
    expect(b.cluster!.status()).toMatchObject({ connected: true });
    expect(seenOnB.some((e) => e.name === 'cluster.resync')).toBe(true);
    await eventually(async () => a.dialbook.cluster!.status(), (s) => s.connected);

    // And the relay works again in both directions.
    const n = seenOnB.filter((e) => e.name === 'phonebook.changed').length;
    await a.dialbook.contacts.create({ siteId: a.site.id, firstName: 'Nach', lastName: 'Reconnect' }, { type: 'system', id: 'test' });
    const later = await eventually(async () => seenOnB.filter((e) => e.name === 'phonebook.changed').length, (m) => m > n);
    expect(later).toBeGreaterThan(n);
  });
});
