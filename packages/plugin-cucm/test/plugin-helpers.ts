/**
 * Shared helpers of the plugin tests: a core with the plugin (createTestCore) pointed at the CUCM
 * double, JSON requests, and a clock that runs CUCM's minute faster (shared by the plugin and the
 * double, so RisPort windows and backoffs pass in seconds).
 */
import { expect } from 'vitest';
import type { ContactDto, DialbookPlugin, HistoryDto } from '@dialbook/core';
import { createTestCore, type TestCore, type TestCoreOptions } from '@dialbook/core/testing';
import { createCucmPlugin } from '../src/index.js';
import type { Clock } from '../src/retry.js';
import type { CucmDouble } from './double/server.js';

export type Core = TestCore;

/** Real time, `speed` times faster: `now()` runs ahead, `sleep(ms)` waits ms/speed. */
export function fastClock(speed = 30): Clock {
  const start = Date.now();
  return { now: () => start + (Date.now() - start) * speed, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms) / speed)) };
}

export function startCore(options: { clock?: Clock; plugins?: Record<string, DialbookPlugin>; core?: TestCoreOptions } = {}): Promise<Core> {
  return createTestCore({ ...options.core, plugins: { cucm: createCucmPlugin(options.clock ? { clock: options.clock } : {}), ...options.plugins } });
}

export async function json<T>(core: Core, path: string, init?: Parameters<Core['request']>[1], status = 200): Promise<T> {
  const res = await core.request(path, init);
  const text = await res.text();
  expect(res.status, `${init?.method ?? 'GET'} ${path}: ${text.slice(0, 600)}`).toBe(status);
  return JSON.parse(text) as T;
}

/** Point the settings (the shared set, or a site's) at the double. */
export async function configure(core: Core, double: CucmDouble, settings: Record<string, unknown> = {}, siteId?: string): Promise<void> {
  const c = double.connection;
  await json(core, `/api/v1/settings/cucm${siteId ? `?siteId=${siteId}` : ''}`, {
    method: 'PATCH',
    json: { host: c.host, port: c.port, username: c.username, password: c.password, tls: { ca: c.tls.ca }, ...settings },
  });
}

export interface ActionAnswer {
  ok: boolean;
  message: string;
  data?: unknown;
}

export const contactAction = (core: Core, contactId: string, action: string, status = 200) => json<ActionAnswer>(core, `/api/v1/contacts/${contactId}/actions/cucm.${action}`, { method: 'POST' }, status);

export const historyOf = async (core: Core, id: string) => (await json<{ items: HistoryDto[] }>(core, `/api/v1/contacts/${id}/history`)).items;

export async function createContact(core: Core, body: Record<string, unknown>): Promise<ContactDto> {
  return json<ContactDto>(core, '/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, ...body } }, 201);
}

/** Every contact of the test site (500 a page). */
export async function allContacts(core: Core): Promise<ContactDto[]> {
  const out: ContactDto[] = [];
  for (let page = 1; ; page++) {
    const res = await json<{ items: ContactDto[]; total: number }>(core, `/api/v1/contacts?siteId=${core.site.id}&pageSize=500&page=${page}&sort=createdAt`);
    out.push(...res.items);
    if (out.length >= res.total || !res.items.length) return out;
  }
}
