/** Shared helpers of the plugin tests: a core with the plugin (createTestCore) pointed at the Graph double. */
import { createServer, type AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { expect } from 'vitest';
import type { CallDto } from '@dialbook/core';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { createTeamsPlugin, type RuntimeHooks, type TeamsOptions } from '../src/index.js';
import type { GraphDouble } from './double.js';

export type Core = TestCore;

export function startCore(double: GraphDouble, options: { options?: Partial<TeamsOptions>; hooks?: RuntimeHooks; logger?: Logger; publicUrl?: string; port?: number } = {}): Promise<Core> {
  return createTestCore({ ...(options.logger ? { logger: options.logger } : {}), ...(options.publicUrl ? { config: { server: { publicUrl: options.publicUrl } } } : {}), ...(options.port !== undefined ? { listen: { port: options.port } } : {}), plugins: { teams: { plugin: createTeamsPlugin(options.hooks ?? {}), options: { graphBaseUrl: double.graphBaseUrl, tokenEndpoint: double.tokenEndpoint, ...options.options } } } });
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

/** A port free at the moment (Dialbook's public URL must be known before it starts listening). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function teamsCalls(core: Core): Promise<CallDto[]> {
  return (await json<{ items: CallDto[] }>(core, `/api/v1/calls?siteId=${core.site.id}&source=teams&limit=500`)).items;
}
