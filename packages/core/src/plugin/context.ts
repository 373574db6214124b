import type { EntityManager } from '@mikro-orm/core';
import type { Hono } from 'hono';
import type { Progress, ScheduledJob } from '../jobs/service.js';
import type { Logger } from 'pino';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { Actor } from '../base/actor.js';
import type { ContactService } from '../contacts/service.js';
import type { NotificationService } from '../notifications/service.js';
import type { PhonebookService } from '../phonebooks/service.js';
import type { SiteService } from '../sites/service.js';
import type { EventListener, FilterHandler, HookBus, HookOptions } from '../hooks/bus.js';
import type { EventName, FilterName, HookEvents } from '../hooks/types.js';
import type { CallSource, ContactSource, DirectoryRenderer, HealthCheck, PluginAction, RouteExecutor } from './contracts.js';

export type ContactsApi = Pick<ContactService, 'create' | 'get' | 'update' | 'softDelete' | 'restore' | 'list' | 'scan' | 'lookup' | 'history' | 'upsertFromSource' | 'upsertManyFromSource' | 'createMany'> & {
  registerSource(source: ContactSource): void;
};

/** The hook bus as a plugin sees it: everything it registers is tagged with its instance id. */
export interface PluginHooks {
  on<K extends EventName>(name: K, listener: EventListener<K>, options?: Omit<HookOptions, 'owner'>): () => void;
  filter<K extends FilterName>(name: K, handler: FilterHandler<K>, options?: Omit<HookOptions, 'owner'>): () => void;
  emit<K extends EventName>(name: K, payload: HookEvents[K]): Promise<number>;
}

/** What `ctx.http.route` mounts: a Hono app of any environment, or an OpenAPIHono router from `createRouter()`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any env, schema and base path: the app is only mounted
export type PluginHttpApp = Hono<any, any, any>;

/** Everything a plugin may use. It is the plugin's only door into the core. */
export interface PluginContext<O = unknown, S = Record<string, unknown>> {
  /** Instance id from the config (`ldap-main`); one package may run as several instances. */
  readonly id: string;
  /** The plugin's `name`. */
  readonly plugin: string;
  /** Options from the config, already validated by the plugin's `options` schema. */
  readonly options: O;
  /** Directory of the deployment config file (the working directory when there is none): resolve relative paths in options against it. */
  readonly configDir: string;
  readonly logger: Logger;
  readonly hooks: PluginHooks;
  /** The actor written into History for changes this plugin makes. */
  readonly actor: Actor;
  readonly contacts: ContactsApi;
  readonly sites: Pick<SiteService, 'list' | 'get' | 'findBySlug' | 'create'>;
  readonly phonebooks: Pick<PhonebookService, 'list' | 'get' | 'members' | 'create' | 'addMembers'>;
  readonly notifications: Pick<NotificationService, 'notify'>;
  /**
   * Jobs: `schedule` fires on a cron pattern, each firing on one instance of a cluster only;
   * `track` runs work with live progress shown at `GET /api/v1/jobs`. Ids are prefixed `<instance id>.`.
   */
  readonly jobs: {
    schedule(options: { id: string; label: string; cron: string | null; timezone?: string; run: (progress: Progress) => Promise<unknown> }): ScheduledJob;
    track<T>(id: string, label: string, fn: (progress: Progress) => Promise<T>): Promise<T>;
  };
  /** The plugin's own tables: a fresh EntityManager per call, and which database this is. */
  readonly db: { em(): EntityManager; readonly dialect: 'sqlite' | 'postgresql' };
  readonly calls: { registerSource(source: CallSource): void };
  readonly directory: { registerRenderer(renderer: DirectoryRenderer): void };
  readonly routes: { registerExecutor(executor: RouteExecutor): void };
  /** Buttons for the admin UI; ids are prefixed with the instance id (`csv.sync`). */
  readonly actions: { register(action: PluginAction): void };
  readonly health: { register(check: HealthCheck): void };
  /**
   * Mount a Hono app under `/api/v1/plugins/<instance id><path>`. Callers must be signed in
   * with at least `access` (default `admin`; `public` for endpoints machines call with their own credentials).
   * A router from `createRouter()` (routes added with `router.openapi(createRoute({…}), handler)`) is
   * documented in `/openapi.json` under `/plugins/<instance id>/…`, tagged `Plugin: <instance id>`, and its
   * invalid requests answer 422 problem+json naming the field; a plain Hono app is served undocumented.
   */
  readonly http: { route(path: string, app: PluginHttpApp, options?: { access?: 'public' | 'user' | 'staff' | 'admin' }): void };
  /**
   * This instance's runtime settings (category `<instance id>`), resolved as schema defaults ←
   * database ← config ← environment, validated, secrets decrypted. For a site-scoped plugin,
   * `siteId` picks that site's values. Throws `DIALBOOK_SETTINGS_INVALID` while required keys are unset.
   */
  readonly settings: { get(siteId?: string | null): Promise<S> };
  /** The plugin's child container, for advanced dependency injection. */
  readonly container: DependencyContainer;
  resolve<T>(token: InjectionToken<T>): T;
}

export type { HookBus };
