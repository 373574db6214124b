import type { InjectionToken } from 'tsyringe';
import type { Logger } from 'pino';
import type { PluginContext } from './context.js';

type Facade<K extends keyof PluginContext> = InjectionToken<PluginContext[K]>;

/**
 * What a plugin's own container (`ctx.container`, `ctx.resolve(token)`) holds: its id, options and
 * logger, and the façades of its context under these names — the public API, never core's internals
 * (no ORM, no accounts service). For the rare plugin that wires its own classes with tsyringe.
 */
export const Tokens = {
  PluginId: Symbol.for('dialbook.plugin.id') as InjectionToken<string>,
  PluginOptions: Symbol.for('dialbook.plugin.options') as InjectionToken<unknown>,
  Logger: Symbol.for('dialbook.plugin.logger') as InjectionToken<Logger>,
  Hooks: Symbol.for('dialbook.plugin.hooks') as Facade<'hooks'>,
  Settings: Symbol.for('dialbook.plugin.settings') as Facade<'settings'>,
  Sites: Symbol.for('dialbook.plugin.sites') as Facade<'sites'>,
  Phonebooks: Symbol.for('dialbook.plugin.phonebooks') as Facade<'phonebooks'>,
  Contacts: Symbol.for('dialbook.plugin.contacts') as Facade<'contacts'>,
  Notifications: Symbol.for('dialbook.plugin.notifications') as Facade<'notifications'>,
  Jobs: Symbol.for('dialbook.plugin.jobs') as Facade<'jobs'>,
  Mail: Symbol.for('dialbook.plugin.mail') as Facade<'mail'>,
  Directory: Symbol.for('dialbook.plugin.directory') as Facade<'directory'>,
  Calls: Symbol.for('dialbook.plugin.calls') as Facade<'calls'>,
  Routing: Symbol.for('dialbook.plugin.routing') as Facade<'routing'>,
  Users: Symbol.for('dialbook.plugin.users') as Facade<'users'>,
} as const;
