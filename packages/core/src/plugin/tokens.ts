import type { InjectionToken } from 'tsyringe';
import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { AccountService } from '../accounts/service.js';
import type { CredentialService } from '../credentials/service.js';
import type { JobService } from '../jobs/service.js';
import type { ContactService } from '../contacts/service.js';
import type { NotificationService } from '../notifications/service.js';
import type { PhonebookService } from '../phonebooks/service.js';
import type { SiteService } from '../sites/service.js';
import type { HookBus } from '../hooks/bus.js';
import type { MailService } from '../mail/service.js';
import type { SettingsService } from '../settings/service.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { Registries } from './registries.js';

/**
 * Injection tokens of the core's container. Plugins reach these through their
 * `ctx` (and `ctx.resolve(token)` for the rare advanced case), never through a
 * global container.
 */
export const Tokens = {
  Config: Symbol.for('dialbook.config') as InjectionToken<ResolvedConfig>,
  Logger: Symbol.for('dialbook.logger') as InjectionToken<Logger>,
  Orm: Symbol.for('dialbook.orm') as InjectionToken<MikroORM>,
  Hooks: Symbol.for('dialbook.hooks') as InjectionToken<HookBus>,
  Registries: Symbol.for('dialbook.registries') as InjectionToken<Registries>,
  Sites: Symbol.for('dialbook.sites') as InjectionToken<SiteService>,
  Phonebooks: Symbol.for('dialbook.phonebooks') as InjectionToken<PhonebookService>,
  Contacts: Symbol.for('dialbook.contacts') as InjectionToken<ContactService>,
  Notifications: Symbol.for('dialbook.notifications') as InjectionToken<NotificationService>,
  Accounts: Symbol.for('dialbook.accounts') as InjectionToken<AccountService>,
  Credentials: Symbol.for('dialbook.credentials') as InjectionToken<CredentialService>,
  Jobs: Symbol.for('dialbook.jobs') as InjectionToken<JobService>,
  Settings: Symbol.for('dialbook.settings') as InjectionToken<SettingsService>,
  Mail: Symbol.for('dialbook.mail') as InjectionToken<MailService>,
  PluginId: Symbol.for('dialbook.plugin.id') as InjectionToken<string>,
  PluginOptions: Symbol.for('dialbook.plugin.options') as InjectionToken<unknown>,
} as const;
