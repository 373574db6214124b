import type { DialbookConfig } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { createDialbook, type Dialbook } from '../dialbook.js';
import { silentLogger } from '../logger.js';
import type { DialbookPlugin } from '../plugin/define.js';
import type { SiteDto } from '../domain/site-types.js';
import { createTestDatabase } from './database.js';

export interface TestCoreOptions {
  /** Plugins keyed by instance id, with their options. */
  plugins?: Record<string, DialbookPlugin | { plugin: DialbookPlugin; options?: unknown }>;
  /** Other config keys (defaultCountry, …). */
  config?: Omit<DialbookConfig, 'plugins' | 'database'>;
  /**
   * Database: default in-memory SQLite. When `DIALBOOK_TEST_DATABASE_URL` names a PostgreSQL
   * server, each core gets a fresh database there, dropped on `close()`.
   */
  databaseUrl?: string;
  /** Create a site `test` (country DE) and return it as `site`. Default true. */
  site?: boolean;
}

export interface TestCore {
  dialbook: Dialbook;
  /** The site created for the test (unless `site: false`). */
  site: SiteDto;
  /** Send a request to the HTTP app without a port: `await core.request('/api/v1/contacts')`. */
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Start a core with the given plugins on a throw-away database, in one call.
 *
 * ```ts
 * import { createTestCore } from '@dialbook/core/testing';
 * const core = await createTestCore({ plugins: { csv: { plugin: csvPlugin, options: { file } } } });
 * const res = await core.request('/api/v1/contacts');
 * await core.close();
 * ```
 */
export async function createTestCore(options: TestCoreOptions = {}): Promise<TestCore> {
  const db = await createTestDatabase(options.databaseUrl);
  try {
    const config = await loadConfig({
      env: {},
      config: {
        logLevel: 'silent',
        ...options.config,
        database: { url: db.url },
        plugins: Object.fromEntries(Object.entries(options.plugins ?? {}).map(([id, p]) => [id, 'setup' in p ? { plugin: p } : p])),
      },
    });
    const dialbook = await createDialbook(config, { logger: silentLogger(), migrate: true });
    // The site exists before plugins start, so a plugin that syncs on start can use it.
    const site = options.site === false ? (undefined as unknown as SiteDto) : await dialbook.sites.create({ name: 'Test site', slug: 'test', defaultCountry: 'DE' });
    await dialbook.start();
    return {
      dialbook,
      site,
      request: (path, init = {}) => {
        const { json, ...rest } = init;
        const headers = new Headers(rest.headers);
        if (json !== undefined) headers.set('content-type', 'application/json');
        return Promise.resolve(dialbook.app.request(path, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) }));
      },
      close: async () => {
        await dialbook.stop();
        await db.drop();
      },
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

export { createTestDatabase, testDatabaseKind } from './database.js';
