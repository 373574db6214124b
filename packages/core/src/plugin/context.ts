import type { Logger } from 'pino';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { Actor } from '../base/actor.js';
import type { EventListener, FilterHandler, HookOptions } from '../hooks/bus.js';
import type { EventName, FilterContext, FilterName, HookEvents, HookFilters } from '../hooks/types.js';

/** The hook bus as a plugin sees it: everything it registers is tagged with its instance id. */
export interface PluginHooks {
  on<K extends EventName>(name: K, listener: EventListener<K>, options?: Omit<HookOptions, 'owner'>): () => void;
  filter<K extends FilterName>(name: K, handler: FilterHandler<K>, options?: Omit<HookOptions, 'owner'>): () => void;
  /**
   * Emit an event the plugin declared (`definePlugin({ events: ['csv.imported'] })`) or one of the
   * events plugins may emit ({@link PLUGIN_EMITTABLE}: what a contact source reports). Any other
   * event is core's own and refused (`DIALBOOK_PLUGIN_EVENT_FORBIDDEN`).
   */
  emit<K extends EventName>(name: K, payload: HookEvents[K]): Promise<number>;
  /**
   * Run a filter chain whose result the plugin acts on ({@link PLUGIN_APPLICABLE}: `call.route`,
   * asked by a telephony source before it answers a call). Any other filter is core's own to run
   * and refused (`DIALBOOK_PLUGIN_FILTER_FORBIDDEN`).
   */
  apply<K extends FilterName>(name: K, value: HookFilters[K], context: FilterContext): Promise<HookFilters[K]>;
}

/** Filters a plugin may run itself: the routing question a telephony source asks for a call. */
export const PLUGIN_APPLICABLE: readonly FilterName[] = ['call.route'] as FilterName[];

/** Core events a plugin may emit itself: what a contact source reports about its work. */
export const PLUGIN_EMITTABLE: readonly EventName[] = ['contact.synced', 'sync.finished'] as EventName[];

/**
 * Everything a plugin may use: its only door into the core. The members below are the plugin's
 * own; each area of core adds the façade it offers (`ctx.contacts`, `ctx.directory`, `ctx.jobs`, …)
 * by declaration merging beside its code, and the host adds `actions`, `health`, `http` and `db`.
 */
export interface PluginContext<O = unknown, S = Record<string, unknown>> {
  /** Instance id from the config (`ldap-main`); one package may run as several instances. */
  readonly id: string;
  /** The plugin's `name`. */
  readonly plugin: string;
  /** Options from the config, already validated by the plugin's `options` schema. */
  readonly options: O;
  /** Directory of the deployment config file (the working directory when there is none): resolve relative paths in options against it. */
  readonly configDir: string;
  /**
   * Dialbook's address as the outside reaches it (config `server.publicUrl`, env
   * `DIALBOOK_PUBLIC_URL`), without a trailing slash; undefined when unset. A plugin that asks a
   * remote service to call back (webhooks, Graph change notifications) needs it.
   */
  readonly publicUrl: string | undefined;
  readonly logger: Logger;
  readonly hooks: PluginHooks;
  /** The actor written into History for changes this plugin makes. */
  readonly actor: Actor;
  /**
   * This instance's runtime settings (category `<instance id>`), resolved as schema defaults ←
   * database ← config ← environment, validated, secrets decrypted. For a site-scoped plugin,
   * `siteId` picks that site's values. Throws `DIALBOOK_SETTINGS_INVALID` while required keys are unset.
   */
  readonly settings: { get(siteId?: string | null): Promise<S> };
  /**
   * The plugin's own container: its id, options and logger, and the façades of this context under
   * the public `Tokens` — never core's internals (the ORM, the accounts service).
   */
  readonly container: DependencyContainer;
  resolve<T>(token: InjectionToken<T>): T;
}
