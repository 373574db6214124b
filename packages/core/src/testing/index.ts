import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { DialbookConfig } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { createDialbook, type Dialbook } from '../app/dialbook.js';
import { silentLogger } from '../base/logger.js';
import type { DialbookPlugin } from '../plugin/define.js';
import type { SiteDto } from '../sites/types.js';
import type { UserDto } from '../accounts/types.js';
import { systemActor } from '../base/actor.js';
import { createTestDatabase } from './database.js';
import { listen } from '../app/server.js';
import { createApp } from '../app/http.js';
import type { Hono } from 'hono';

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
  /** `DIALBOOK_SECRET_KEY` for encrypted settings: default a random key; `null` runs without one. */
  secretKey?: string | null;
  /** Environment the config reads (`DIALBOOK_SETTING_…`, `DIALBOOK_PLUGIN_…`); default none. */
  env?: NodeJS.ProcessEnv;
  /** Logger for the core (default: silent). */
  logger?: Logger;
  /**
   * Also serve HTTP on a real port (127.0.0.1, a free port unless given), with the websocket for
   * remote vendor services; `url` and `port` say where. Default: no port (`request` only).
   */
  listen?: boolean | { port?: number };
}

export type TestRequestInit = RequestInit & {
  /** Sent as a JSON body with `content-type: application/json`. */
  json?: unknown;
  /** Send no credentials (default: the test administrator's API token). */
  anonymous?: boolean;
};

export interface TestUser {
  user: UserDto;
  /** An API token of this user. */
  token: string;
  /** Requests as this user (bearer token). */
  request(path: string, init?: TestRequestInit): Promise<Response>;
}

export interface TestCore {
  dialbook: Dialbook;
  /** The HTTP app (`createApp(dialbook)`), as `request` and `listen` use it. */
  app: Hono;
  /** The site created for the test (unless `site: false`). */
  site: SiteDto;
  /** The administrator `admin@test.invalid` that `request` acts as. */
  admin: TestUser;
  /** With `listen`: the base URL (`http://127.0.0.1:<port>`) and the port. */
  url?: string;
  port?: number;
  /** Send a request to the HTTP app without a port, as the test administrator: `await core.request('/api/v1/contacts')`. */
  request(path: string, init?: TestRequestInit): Promise<Response>;
  /** Create a signed-up user with this role and sites, holding an API token. */
  createUser(options: { role: 'admin' | 'staff' | 'user'; siteIds?: string[]; email?: string }): Promise<TestUser>;
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
      env: options.env ?? {},
      config: {
        logLevel: 'silent',
        ...(options.secretKey === null ? {} : { secretKey: options.secretKey ?? randomBytes(32).toString('base64') }),
        ...options.config,
        database: { url: db.url },
        plugins: Object.fromEntries(Object.entries(options.plugins ?? {}).map(([id, p]) => [id, 'setup' in p ? { plugin: p } : p])),
      },
    });
    const dialbook = await createDialbook(config, { logger: options.logger ?? silentLogger(), migrate: true });
    // The site exists before plugins start, so a plugin that syncs on start can use it.
    const site = options.site === false ? (undefined as unknown as SiteDto) : await dialbook.sites.create({ name: 'Test site', slug: 'test', defaultCountry: 'DE' });
    await dialbook.start();
    const app = createApp(dialbook) as unknown as Hono;
    const send = (token: string | null) => (path: string, init: TestRequestInit = {}) => {
      const { json, anonymous, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined) headers.set('content-type', 'application/json');
      if (token && !anonymous && !headers.has('authorization') && !headers.has('cookie')) headers.set('authorization', `Bearer ${token}`);
      return Promise.resolve(app.request(path, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) }));
    };
    let n = 0;
    const createUser: TestCore['createUser'] = async ({ role, siteIds = [], email }) => {
      const { user, signupLink } = await dialbook.accounts.createUser({ email: email ?? `${role}-${++n}@test.invalid`, role, siteIds }, systemActor);
      await dialbook.accounts.completeSignup(new URL(signupLink).searchParams.get('token')!, 'test-password-1234');
      const { token } = await dialbook.accounts.createApiToken(user.id, 'tests', null, systemActor);
      return { user: await dialbook.accounts.getUser(user.id), token, request: send(token) };
    };
    const admin = await createUser({ role: 'admin', email: 'admin@test.invalid' });
    const running = options.listen ? await listen(dialbook, { app, host: '127.0.0.1', port: typeof options.listen === 'object' ? (options.listen.port ?? 0) : 0 }) : null;
    return {
      dialbook,
      app,
      site,
      admin,
      ...(running ? { url: `http://127.0.0.1:${running.port}`, port: running.port } : {}),
      request: send(admin.token),
      createUser,
      close: async () => {
        if (running) await running.close(); // stops the server, then the core
        else await dialbook.stop();
        await db.drop();
      },
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

export { createTestDatabase, testDatabaseKind } from './database.js';
export { eventually, type EventuallyOptions } from './eventually.js';
export { spyEvents, type EventSpy, type HookSource, type SpiedEvent } from './spy.js';
export { startSmtpCapture, TestSmtp, SMTP_USER, SMTP_PASSWORD, type CapturedMail, type SmtpCaptureOptions } from './smtp.js';
