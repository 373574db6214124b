/**
 * Shared helpers of the plugin tests: a core with the plugin (createTestCore), the site's webhook
 * URL, signed webhook posts in both of Placetel's body flavours (calls.md §2.1 form, §2.2 JSON).
 */
import { expect } from 'vitest';
import type { CallDto } from '@dialbook/core';
import { createTestCore, type TestCore, type TestCoreOptions } from '@dialbook/core/testing';
import { createPlacetelPlugin, sign, type PlacetelOptions, type RuntimeHooks } from '../src/index.js';

export type Core = TestCore;
export const SECRET = 'placetel-shared-secret';

export function startCore(options: { options?: Partial<PlacetelOptions>; hooks?: RuntimeHooks; core?: TestCoreOptions } = {}): Promise<Core> {
  return createTestCore({ ...options.core, plugins: { placetel: { plugin: createPlacetelPlugin(options.hooks ?? {}), options: { syncCron: null, ...options.options } } } });
}

export async function json<T>(core: Core, path: string, init?: Parameters<Core['request']>[1], status = 200): Promise<T> {
  const res = await core.request(path, init);
  const text = await res.text();
  expect(res.status, `${init?.method ?? 'GET'} ${path}: ${text.slice(0, 600)}`).toBe(status);
  return JSON.parse(text) as T;
}

export async function configure(core: Core, settings: Record<string, unknown>, siteId = core.site.id): Promise<void> {
  await json(core, `/api/v1/settings/placetel?siteId=${siteId}`, { method: 'PATCH', json: settings });
}

/** The site's webhook path (what the admin app shows, without the origin). */
export async function webhookPath(core: Core, siteId = core.site.id): Promise<string> {
  const { items } = await json<{ items: { siteId: string; webhookUrl: string }[] }>(core, '/api/v1/plugins/placetel/sites');
  const url = items.find((i) => i.siteId === siteId)?.webhookUrl;
  expect(url).toBeTruthy();
  return new URL(url!).pathname;
}

export type Fields = Record<string, string | number>;
export const formBody = (f: Fields) => new URLSearchParams(Object.entries(f).map(([k, v]): [string, string] => [k, String(v)])).toString();
export const jsonBody = (f: Fields) => JSON.stringify(f);

/** POST an event as Placetel does: the body in one flavour, signed with `secret` (none: unsigned; a string: that header). */
export function post(core: Core, path: string, body: string, options: { kind?: 'form' | 'json'; secret?: string | null; signature?: string } = {}): Promise<Response> {
  const kind = options.kind ?? 'form';
  const headers: Record<string, string> = { 'content-type': kind === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' };
  const secret = options.secret === undefined ? SECRET : options.secret;
  if (options.signature !== undefined) headers['x-placetel-signature'] = options.signature;
  else if (secret) headers['x-placetel-signature'] = sign(secret, body);
  return core.request(path, { method: 'POST', body, headers, anonymous: true });
}

export async function placetelCalls(core: Core): Promise<CallDto[]> {
  return (await json<{ items: CallDto[] }>(core, `/api/v1/calls?siteId=${core.site.id}&source=placetel&limit=500`)).items;
}

/** The parts of a call that do not depend on when its events arrived. */
export const essence = (c: CallDto) => ({ externalId: c.externalId, direction: c.direction, status: c.status, durationSeconds: c.durationSeconds, local: c.local, remote: { number: c.remote.number, e164: c.remote.e164 }, userId: c.userId, answered: c.answeredAt !== null, ended: c.endedAt !== null });

/** Shuffle (Fisher–Yates) with a seeded generator, so a failure can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const a = [...items];
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
