import type { AnyEntity, EntitySchema, MigrationObject } from '@mikro-orm/core';
import type { z } from 'zod';
import type { Dialect } from '../db/dialect.js';
import type { PluginContext } from './context.js';

/** Marks plugin values across separately installed copies of core (never use `instanceof`). */
export const PLUGIN_BRAND = Symbol.for('dialbook.plugin');

export interface PluginDefinition<O extends z.ZodType = z.ZodType, S extends z.ZodObject = z.ZodObject, T = unknown> {
  /** Package-style name, lower-case: `ldap`, `yealink`, `example-csv`. */
  name: string;
  version?: string;
  description?: string;
  /** Validates this plugin's options from the deployment config at start-up. */
  options?: O;
  /**
   * Runtime settings (a `z.object`): edited in the admin UI and stored in the database as the
   * settings category `<instance id>`; mark passwords with `secret(z.string())`. Read them with
   * `ctx.settings.get(siteId?)`.
   */
  settings?: S;
  /** `global` (default): one set of settings; `site`: one set per site over a shared default set. */
  settingsScope?: 'global' | 'site';
  /** Entities the plugin owns; their tables are prefixed with the plugin name. */
  entities?: EntitySchema<AnyEntity>[];
  /** The plugin's migrations for each dialect, oldest first. */
  migrations?: Partial<Record<Dialect, MigrationObject[]>>;
  /**
   * The events this plugin emits, each declared in `HookEvents` by declaration merging
   * (`'csv.imported'`). `ctx.hooks.emit` refuses any other event but the few core lets plugins emit
   * (`contact.synced`, `sync.finished`: what a contact source reports).
   */
  events?: readonly string[];
  /**
   * Register sources, renderers, hooks, routes. The only place a plugin runs code during boot.
   * What it returns (connections, a store, timers to start) is handed to `start` and `stop`, so a
   * plugin needs no module-level state.
   */
  setup(ctx: PluginContext<z.output<O>, z.output<S>>): T | Promise<T>;
  /** After every plugin is set up and the registries are frozen: open connections, start timers. Gets what `setup` returned. */
  start?(ctx: PluginContext<z.output<O>, z.output<S>>, state: Awaited<T>): void | Promise<void>;
  /** On shutdown, in reverse order, within the host's time limit. Gets what `setup` returned. */
  stop?(ctx: PluginContext<z.output<O>, z.output<S>>, state: Awaited<T>): void | Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a plugin of any setup result: the host only passes it on
export type DialbookPlugin<O extends z.ZodType = z.ZodType, S extends z.ZodObject = z.ZodObject, T = any> = Readonly<PluginDefinition<O, S, T>> & { readonly [PLUGIN_BRAND]: true };

const NAME = /^[a-z][a-z0-9-]{0,63}$/;

/**
 * Declare a plugin. A plugin is a plain value: importing it has no side effects.
 *
 * ```ts
 * export default definePlugin({
 *   name: 'csv',
 *   options: z.object({ file: z.string() }),
 *   setup(ctx) {
 *     ctx.contacts.registerSource({ id: 'csv', label: 'CSV file', sync: () => importFile(ctx, ctx.options.file) });
 *   },
 * });
 * ```
 */
export function definePlugin<O extends z.ZodType = z.ZodType, S extends z.ZodObject = z.ZodObject, T = void>(definition: PluginDefinition<O, S, T>): DialbookPlugin<O, S, T> {
  if (!NAME.test(definition.name)) {
    throw new TypeError(`definePlugin: name "${definition.name}" must be lower-case letters, digits and dashes, starting with a letter`);
  }
  if (typeof definition.setup !== 'function') throw new TypeError(`definePlugin(${definition.name}): setup must be a function`);
  return Object.freeze({ ...definition, [PLUGIN_BRAND]: true as const });
}

export const isPlugin = (value: unknown): value is DialbookPlugin =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true && typeof (value as DialbookPlugin).setup === 'function';
