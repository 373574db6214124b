/**
 * Shared helpers of the integration tests: a core with the plugin (createTestCore), the
 * plugin's settings pointed at a harness slapd, and reading results through the HTTP API.
 */
import { expect } from 'vitest';
import { definePlugin, type ContactDto, type DialbookPlugin, type HistoryDto, type NotificationDto } from '@dialbook/core';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import ldap, { type LdapSyncOutcome } from '@dialbook/plugin-ldap';
import type { Slapd } from '@dialbook/test-slapd';

export type Core = TestCore;

/** A core with the plugin as instance `ldap` (plus any other plugins). */
export function startCore(plugins: Record<string, DialbookPlugin> = {}): Promise<Core> {
  return createTestCore({ plugins: { ldap, ...plugins } });
}

/** Point the test site's settings at the harness (reader account, subject to the size limit). */
export async function configure(core: Core, dir: Pick<Slapd, 'url' | 'bindDN' | 'bindPassword' | 'baseDN'>, settings: Record<string, unknown> = {}): Promise<void> {
  const res = await core.request(`/api/v1/settings/ldap?siteId=${core.site.id}`, {
    method: 'PATCH',
    json: { url: dir.url, bindDN: dir.bindDN, bindPassword: dir.bindPassword, baseDN: dir.baseDN, ...settings },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

export async function json<T>(core: Core, path: string, init?: Parameters<Core['request']>[1], status = 200): Promise<T> {
  const res = await core.request(path, init);
  const text = await res.text();
  expect(res.status, `${init?.method ?? 'GET'} ${path}: ${text.slice(0, 500)}`).toBe(status);
  return JSON.parse(text) as T;
}

/** POST /api/v1/plugins/ldap/sync and expect 200. */
export const sync = (core: Core, body: Record<string, unknown> = {}): Promise<LdapSyncOutcome> =>
  json<LdapSyncOutcome>(core, '/api/v1/plugins/ldap/sync', { method: 'POST', json: { siteId: core.site.id, ...body } });

/** Every contact of source `ldap` in the test site (500 a page). */
export async function ldapContacts(core: Core, status: 'active' | 'deleted' | 'all' = 'active', source = 'ldap'): Promise<ContactDto[]> {
  const out: ContactDto[] = [];
  for (let page = 1; ; page++) {
    const res = await json<{ items: ContactDto[]; total: number }>(core, `/api/v1/contacts?siteId=${core.site.id}&source=${source}&status=${status}&pageSize=500&page=${page}&sort=createdAt`);
    out.push(...res.items);
    if (out.length >= res.total || !res.items.length) return out;
  }
}

export const byDn = (contacts: ContactDto[], dn: string): ContactDto | undefined => contacts.find((c) => (c.attributes.ldap?.dn as string | undefined)?.toLowerCase() === dn.toLowerCase());

export const historyOf = async (core: Core, id: string) => (await json<{ items: HistoryDto[] }>(core, `/api/v1/contacts/${id}/history`)).items;
export const notifications = async (core: Core) => (await json<{ items: NotificationDto[] }>(core, '/api/v1/notifications?pageSize=100')).items;

/** Counts the core's `contact.synced` and `sync.finished` events. */
export function listen(core: Core) {
  const seen = { synced: 0, finished: [] as unknown[] };
  core.dialbook.hooks.on('contact.synced', () => void seen.synced++);
  core.dialbook.hooks.on('sync.finished', (e) => void seen.finished.push(e));
  return seen;
}

/** A tiny enricher: writes a PIN into every contact the LDAP source syncs (as CUCM would). */
export const enricher = definePlugin({
  name: 'test-enricher',
  setup(ctx) {
    ctx.hooks.on('contact.synced', async ({ contact, source }) => {
      if (source !== 'ldap' || contact.attributes.cucm) return;
      await ctx.contacts.update(contact.id, { attributes: { ...contact.attributes, cucm: { pin: `9${contact.id.slice(0, 3)}` } } }, ctx.actor);
    });
  },
});

export const byUid = (contacts: ContactDto[], uid: string): ContactDto | undefined => contacts.find((c) => c.attributes.ldap?.uid === uid);
