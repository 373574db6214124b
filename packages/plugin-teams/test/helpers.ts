/** Shared helpers of the plugin tests: a core with the plugin (createTestCore) pointed at the Graph double. */
import type { Logger } from 'pino';
import { expect } from 'vitest';
import type { CallDto } from '@dialbook/core';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { createTeamsPlugin, type RuntimeHooks, type TeamsOptions } from '../src/index.js';
import type { GraphDouble } from './double.js';

export type Core = TestCore;

export function startCore(double: GraphDouble, options: { options?: Partial<TeamsOptions>; hooks?: RuntimeHooks; logger?: Logger } = {}): Promise<Core> {
  return createTestCore({ ...(options.logger ? { logger: options.logger } : {}), plugins: { teams: { plugin: createTeamsPlugin(options.hooks ?? {}), options: { graphBaseUrl: double.graphBaseUrl, tokenEndpoint: double.tokenEndpoint, ...options.options } } } });
}

export async function json<T>(core: Core, path: string, init?: Parameters<Core['request']>[1], status = 200): Promise<T> {
  const res = await core.request(path, init);
  const text = await res.text();
  expect(res.status, `${init?.method ?? 'GET'} ${path}: ${text.slice(0, 600)}`).toBe(status);
  return JSON.parse(text) as T;
}

export async function configure(core: Core, settings: Record<string, unknown>, siteId = core.site.id): Promise<void> {
  await json(core, `/api/v1/settings/teams?siteId=${siteId}`, { method: 'PATCH', json: settings });
}

export const credentials = (double: GraphDouble) => ({ tenantId: double.tenant, clientId: double.clientId, clientSecret: double.clientSecret, syncCron: null });

export async function teamsCalls(core: Core): Promise<CallDto[]> {
  return (await json<{ items: CallDto[] }>(core, `/api/v1/calls?siteId=${core.site.id}&source=teams&limit=500`)).items;
}
