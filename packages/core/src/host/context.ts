import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { container as globalContainer, type DependencyContainer } from 'tsyringe';
import { pluginActor } from '../base/actor.js';
import { DialbookError } from '../base/errors.js';
import type { Registry } from '../base/registry.js';
import { dialectOf } from '../db/orm.js';
import type { HookBus } from '../hooks/bus.js';
import type { CoreModule } from '../module.js';
import { PLUGIN_APPLICABLE, PLUGIN_EMITTABLE, type PluginContext, type PluginHooks } from '../plugin/context.js';
import { Tokens } from '../plugin/tokens.js';
import type { HealthCheck, PluginAction } from './contracts.js';
import type { LoadedPlugin } from './load.js';
import { checkView, type PluginView } from './views.js';

/** What `ctx.http.route` mounts: a Hono app of any environment, or an OpenAPIHono router from `createRouter()`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any env, schema and base path: the app is only mounted
export type PluginHttpApp = Hono<any, any, any>;

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    /** Buttons for the admin UI; ids are prefixed with the instance id (`csv.sync`). */
    readonly actions: { register(action: PluginAction): void };
    readonly health: { register(check: HealthCheck): void };
    /** Pages and contact panels of the admin app drawn from the plugin's GET routes (see `PluginView`); ids prefixed like actions. */
    readonly views: { register(view: PluginView): void };
    /**
     * Mount a Hono app under `/api/v1/plugins/<instance id><path>`. Callers must be signed in
     * with at least `access` (default `admin`; `public` for endpoints machines call with their own credentials).
     * A router from `createRouter()` (routes added with `router.openapi(createRoute({…}), handler)`) is
     * documented in `/openapi.json` under `/plugins/<instance id>/…`, tagged `Plugin: <instance id>`, and its
     * invalid requests answer 422 problem+json naming the field; a plain Hono app is served undocumented.
     */
    readonly http: { route(path: string, app: PluginHttpApp, options?: { access?: 'public' | 'user' | 'staff' | 'admin' }): void };
    /** The plugin's own tables: a fresh EntityManager per call, and which database this is. */
    readonly db: { em(): EntityManager; readonly dialect: 'sqlite' | 'postgresql' };
  }
}

export interface HostDeps {
  /** Core's container: the areas' services, which build their façades from it. */
  container: DependencyContainer;
  modules: readonly CoreModule[];
  hooks: HookBus;
  logger: Logger;
  configDir: string;
  /** `server.publicUrl`, when set. */
  publicUrl?: string | undefined;
  orm: MikroORM;
  actions: Registry<PluginAction>;
  health: Registry<HealthCheck>;
  views: Registry<PluginView>;
}

/** The façade tokens of a plugin's container, by context member. */
const FACADES = { hooks: Tokens.Hooks, settings: Tokens.Settings, sites: Tokens.Sites, phonebooks: Tokens.Phonebooks, contacts: Tokens.Contacts, notifications: Tokens.Notifications, jobs: Tokens.Jobs, mail: Tokens.Mail, directory: Tokens.Directory, calls: Tokens.Calls, routing: Tokens.Routing, users: Tokens.Users } as const;

/**
 * Build the context a plugin instance receives: its own members, every area's façade, and a
 * container of its own that holds only the public ones ({@link Tokens}).
 */
export function createPluginContext(p: LoadedPlugin, d: HostDeps): PluginContext {
  const owner = p.id;
  const logger = d.logger.child({ plugin: p.id });
  const prefixed = <T extends { id: string }>(item: T): T => (item.id.startsWith(`${owner}.`) ? item : { ...item, id: `${owner}.${item.id}` });
  const emittable = new Set<string>([...PLUGIN_EMITTABLE, ...(p.plugin.events ?? [])]);
  const hooks: PluginHooks = {
    on: (name, listener, options) => d.hooks.on(name, listener, { ...options, owner }),
    filter: (name, handler, options) => d.hooks.filter(name, handler, { ...options, owner }),
    emit: (name, payload) => {
      if (!emittable.has(name)) {
        const own = p.plugin.events?.length ? `its own (${p.plugin.events.join(', ')}) and ` : '';
        return Promise.reject(
          new DialbookError('DIALBOOK_PLUGIN_EVENT_FORBIDDEN', `plugin "${owner}" may not emit "${name}": a plugin emits ${own}${PLUGIN_EMITTABLE.join(', ')}; declare its events in definePlugin({ events })`, { plugin: owner }),
        );
      }
      return d.hooks.emit(name, payload);
    },
    apply: (name, value, context) => {
      if (!PLUGIN_APPLICABLE.includes(name)) {
        return Promise.reject(new DialbookError('DIALBOOK_PLUGIN_FILTER_FORBIDDEN', `plugin "${owner}" may not run the filter "${name}": a plugin runs ${PLUGIN_APPLICABLE.join(', ')}`, { plugin: owner }));
      }
      return d.hooks.apply(name, value, context);
    },
  };
  const facades = Object.assign({}, ...d.modules.map((m) => m.facade?.(d.container, { id: owner, logger }) ?? {})) as Record<string, unknown>;
  const container = globalContainer.createChildContainer();
  const ctx = {
    ...facades,
    id: p.id,
    plugin: p.plugin.name,
    options: p.options,
    configDir: d.configDir,
    publicUrl: d.publicUrl?.replace(/\/+$/, ''),
    logger,
    actor: pluginActor(p.id),
    hooks,
    actions: { register: (action: PluginAction) => void d.actions.register(prefixed(action), owner) },
    health: { register: (check: HealthCheck) => void d.health.register(prefixed(check), owner) },
    views: { register: (view: PluginView) => void d.views.register(prefixed(checkView(view, owner)), owner) },
    db: { em: () => d.orm.em.fork(), dialect: dialectOf(d.orm) },
    http: {
      route: (path: string, app: PluginHttpApp, options?: { access?: 'public' | 'user' | 'staff' | 'admin' }) => {
        if (d.actions.isFrozen) throw new DialbookError('DIALBOOK_PLUGIN_REGISTRY_FROZEN', `${owner} tried to mount routes after start-up; mount them in setup()`, { plugin: owner });
        p.routes.push({ path: path.startsWith('/') ? path : `/${path}`, app, ...(options?.access ? { access: options.access } : {}) });
      },
    },
    container,
    resolve: <T>(token: Parameters<DependencyContainer['resolve']>[0]) => container.resolve<T>(token as never),
  } as unknown as PluginContext;
  container.registerInstance(Tokens.PluginId, p.id);
  container.registerInstance(Tokens.PluginOptions, p.options);
  container.registerInstance(Tokens.Logger, logger);
  for (const [member, t] of Object.entries(FACADES)) {
    const value = (ctx as unknown as Record<string, unknown>)[member];
    if (value !== undefined) container.registerInstance(t as symbol, value);
  }
  p.ctx = ctx;
  return ctx;
}
