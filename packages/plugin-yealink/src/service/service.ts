import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { serve, type ServerType } from '@hono/node-server';
import type { DirectoryInput } from '@dialbook/core';
import { VendorServiceClient, type BackoffOptions, type ClientLogger, type ConfigField, type StatusAnswer } from '@dialbook/core/vendor-protocol';
import { accessFor } from './access.js';
import { createPhoneApp } from './http.js';
import { PhonebookStore } from './store.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** What the service asks core (and the admin) for, per phonebook. */
export const YEALINK_SERVICE_FIELDS: ConfigField[] = [
  { key: 'name', label: 'Name shown on the phone', type: 'string', required: true, fill: 'phonebook.name' },
  { key: 'site', label: 'Site', type: 'string', required: false, fill: 'site.name' },
  { key: 'username', label: 'User name phones send (HTTP basic)', type: 'string', required: true, description: 'remote_phonebook.data.N.username' },
  { key: 'password', label: 'Password phones send (HTTP basic)', type: 'secret', required: true, minLength: 8, description: 'remote_phonebook.data.N.password' },
];

export interface YealinkServiceOptions {
  /** Core's websocket: `ws://core:3000/api/v1/vendor-services/ws`. */
  core: string;
  /** A `dbk_svc_…` key from `dialbook service-key create yealink`. */
  key: string;
  /** Where phones connect (default 0.0.0.0:8090; port 0 picks a free one). */
  host?: string;
  port?: number;
  /** The URL phones reach this service at (default http://<hostname>:<port>). */
  publicUrl?: string;
  instanceId?: string;
  heartbeatMs?: number;
  backoff?: BackoffOptions;
  logger?: ClientLogger;
}

export interface RunningYealinkService {
  url: string;
  port: number;
  client: VendorServiceClient;
  store: PhonebookStore;
  close(): Promise<void>;
}

/**
 * The Yealink plugin as its own process: connects to core as a remote vendor service, holds the
 * phonebooks core pushes, and serves them to phones from its own HTTP listener with the same
 * renderer the in-process plugin uses. Phones keep being served while core is away.
 */
export async function startYealinkService(options: YealinkServiceOptions): Promise<RunningYealinkService> {
  const host = options.host ?? '0.0.0.0';
  const store = new PhonebookStore();
  const log = options.logger;
  /** Set once the listener knows its port. */
  let publicUrl = options.publicUrl ?? '';

  const fetchFromCore = async (phonebookId: string, key: string): Promise<StatusAnswer> => {
    try {
      const update = await client.requestPhonebook(phonebookId, key);
      store.update(phonebookId, update.revision, update.directory as unknown as DirectoryInput);
    } catch (err) {
      return { state: 'disabled', message: `could not fetch the phonebook from core: ${(err as Error).message}` };
    }
    return { state: 'enabled', access: accessFor(publicUrl, store.get(phonebookId)!) };
  };

  const client: VendorServiceClient = new VendorServiceClient({
    url: options.core,
    key: options.key,
    service: 'yealink',
    version: pkg.version,
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    config: YEALINK_SERVICE_FIELDS,
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(log ? { logger: log } : {}),
    handlers: {
      configure: async (f) => {
        const password = f.configuration.password;
        if (typeof password !== 'string' || password.length < 8) return { state: 'disabled', message: 'the password must have at least 8 characters' };
        store.configure(f.phonebookId, f.configuration, f.key, f.enabled);
        if (!f.enabled) return { state: 'disabled', message: 'disabled by an administrator' };
        return fetchFromCore(f.phonebookId, f.key);
      },
      enablement: async (f) => {
        const held = store.setEnabled(f.phonebookId, f.enabled);
        if (!f.enabled || !held) return { state: 'disabled', message: held ? 'disabled by an administrator' : 'not configured on this service' };
        return fetchFromCore(f.phonebookId, held.key);
      },
      phonebook: (f) => {
        if (store.update(f.phonebookId, f.revision, f.directory as unknown as DirectoryInput)) log?.info({ phonebookId: f.phonebookId, revision: f.revision }, 'phonebook updated');
      },
    },
  });

  const app = createPhoneApp({ store, report: (e) => client.reportServed(e), connected: () => client.connected });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 8090, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8090);
  publicUrl ||= `http://${host === '0.0.0.0' || host === '::' ? hostname() : host}:${port}`;
  client.start();

  let closing: Promise<void> | undefined;
  return {
    url: publicUrl,
    port,
    client,
    store,
    close: () =>
      (closing ??= (async () => {
        await client.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        });
      })()),
  };
}
