import type { Registry } from './base/registry.js';
import 'reflect-metadata';
import type { MigrationObject } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/core';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { instanceCachingFactory } from 'tsyringe';
import type { Access } from './base/access.js';
import type { ResolvedConfig } from './config/schema.js';
import type { Dialect } from './db/dialect.js';
import type { HookBus } from './hooks/bus.js';
import type { ClusterChannels } from './hooks/channels.js';
import type { ClusterRelay } from './hooks/cluster.js';
import type { AppEnv } from './http/env.js';

/** One line of the access table: who may call `METHOD /pattern` under `/api/v1` (`:id` matches one segment). */
export type Policy = readonly [method: string, pattern: string, access: Access];

/** An area's migrations, one list per dialect. Names start with a number unique across core (`0010-calls`): all areas' migrations run in that order. */
export type Migrations = Record<Dialect, readonly MigrationObject[]>;

/** The plugin instance a facade is built for. */
export interface PluginIdentity {
  /** Instance id from the config (`ldap-main`): what it registers is owned by, and prefixed with, this id. */
  readonly id: string;
  readonly logger: Logger;
}

/**
 * An **area** of core (sites, contacts, mail, …): one folder, one value of this shape, one line in
 * the module list (`app/modules.ts`). The composition root collects every area's entities and
 * migrations, lets each register its providers in the core's container, mounts its routes with the
 * access each needs, and hands plugins the façade each offers on `ctx`.
 *
 * ```ts
 * export const sitesModule = defineModule({
 *   name: 'sites',
 *   entities: [SiteEntity],
 *   register: (c) => provide(c, SitesToken, (r) => new SiteService(r.resolve(CoreTokens.Orm), r.resolve(CoreTokens.Hooks))),
 *   policies: [['GET', '/sites', 'user'], ['POST', '/sites', 'staff']],
 *   routes: (c) => siteRoutes(c.resolve(SitesToken)),
 *   facade: (c) => ({ sites: pick(c.resolve(SitesToken), ['list', 'get']) }),
 * });
 * ```
 */
export interface CoreModule {
  /** The area's name: `contacts`. */
  readonly name: string;
  /** The tables it owns. */
  readonly entities?: readonly unknown[];
  readonly migrations?: Migrations;
  /** Register the area's providers (its service, its registries) in the core's container. */
  register?(container: DependencyContainer): void;
  /** Its routes under `/api/v1`, every one with its line here (a route without one is refused). */
  readonly policies?: readonly Policy[];
  /** Its documented routers under `/api/v1` (created with `createRouter()`). */
  routes?(container: DependencyContainer): Hono<AppEnv> | readonly Hono<AppEnv>[];
  /** Routes outside `/api/v1` that machines call with their own credentials (phone directories). */
  rootRoutes?(container: DependencyContainer): Hono<AppEnv>;
  /** The registries plugins fill in `setup` (frozen by the host once every plugin has run it), by name. */
  registries?(container: DependencyContainer): Record<string, Registry<{ id: string }>>;
  /** What the area offers a plugin on `ctx` (merged into the plugin's context), built once per plugin instance. */
  facade?(container: DependencyContainer, plugin: PluginIdentity): object;
  /** After every plugin has started (in module order) / before the database closes (in reverse order). */
  start?(container: DependencyContainer): void | Promise<void>;
  stop?(container: DependencyContainer): void | Promise<void>;
}

export const defineModule = <M extends CoreModule>(module: M): M => module;

/** What every area may depend on, registered by the composition root before any area. */
export const CoreTokens = {
  Config: Symbol.for('dialbook.core.config') as InjectionToken<ResolvedConfig>,
  Logger: Symbol.for('dialbook.core.logger') as InjectionToken<Logger>,
  Orm: Symbol.for('dialbook.core.orm') as InjectionToken<MikroORM>,
  Hooks: Symbol.for('dialbook.core.hooks') as InjectionToken<HookBus>,
  /** Core's private channels between instances (never a plugin's: not in `Tokens`, not on `ctx`). */
  Channels: Symbol.for('dialbook.core.channels') as InjectionToken<ClusterChannels>,
} as const;

/** On PostgreSQL the relay that carries events to the other instances (LISTEN/NOTIFY); null on SQLite. Started before the areas. */
export const ClusterToken = Symbol.for('dialbook.core.cluster') as InjectionToken<ClusterRelay | null>;

/** A token for an area's service: `token<SiteService>('sites')`. */
export const token = <T>(name: string): InjectionToken<T> => Symbol.for(`dialbook.${name}`) as InjectionToken<T>;

const provided = new WeakMap<DependencyContainer, InjectionToken<unknown>[]>();

/**
 * Register `factory` as the one instance behind `t` in this container. The composition root
 * builds every provided instance once all areas are registered ({@link buildProvided}), lower areas first.
 */
export function provide<T>(container: DependencyContainer, t: InjectionToken<T>, factory: (c: DependencyContainer) => T): void {
  container.register(t, { useFactory: instanceCachingFactory(factory) });
  provided.set(container, [...(provided.get(container) ?? []), t]);
}

/** Build every instance registered with {@link provide}, in registration order. */
export function buildProvided(container: DependencyContainer): void {
  for (const t of provided.get(container) ?? []) container.resolve(t);
}

/** The named methods of `service`, bound to it: a façade's narrow view of a service. */
export function pick<T extends object, K extends keyof T>(service: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, (service[k] as (...a: unknown[]) => unknown).bind(service)])) as Pick<T, K>;
}

/** Every area's migrations for one dialect, in the order of their numbers; two with one name are a mistake. */
export function collectMigrations(modules: readonly CoreModule[], dialect: Dialect): MigrationObject[] {
  const all = modules.flatMap((m) => (m.migrations?.[dialect] ?? []).map((mig) => ({ mig, area: m.name })));
  const seen = new Map<string, string>();
  for (const { mig, area } of all) {
    const number = mig.name.split('-')[0]!;
    const other = seen.get(number);
    if (other) throw new Error(`migration number ${number} is used twice (${other} and ${area}/${mig.name}); take the next free number`);
    seen.set(number, `${area}/${mig.name}`);
  }
  return all.map((a) => a.mig).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
