import { accountsModule } from '../accounts/module.js';
import { auditModule } from '../audit/module.js';
import { callsModule } from '../calls/module.js';
import { contactsModule } from '../contacts/module.js';
import { credentialsModule } from '../credentials/module.js';
import type { Dialect } from '../db/dialect.js';
import { directoryModule } from '../directory/module.js';
import { hostModule } from '../host/module.js';
import { jobsModule } from '../jobs/module.js';
import { mailModule } from '../mail/module.js';
import { collectMigrations, type CoreModule } from '../module.js';
import { notificationsModule } from '../notifications/module.js';
import { phonebooksModule } from '../phonebooks/module.js';
import { routingModule } from '../routing/module.js';
import { settingsModule } from '../settings/module.js';
import { sitesModule } from '../sites/module.js';
import { vendorsModule } from '../vendors/module.js';
import { policyLookup, type PluginMounts } from './policy.js';

/**
 * Core's areas, lower ones first: each may use those above it in this list, never those below.
 * Their routes are mounted, and they start, in this order; they stop in reverse.
 * Adding an area is a folder with a `module.ts` and one line here.
 */
export const coreModules: readonly CoreModule[] = [
  sitesModule,
  notificationsModule,
  jobsModule,
  contactsModule,
  phonebooksModule,
  settingsModule,
  mailModule,
  auditModule,
  accountsModule,
  credentialsModule,
  directoryModule,
  vendorsModule,
  callsModule,
  routingModule,
  hostModule,
];

/** Every area's migrations for a dialect, in number order. */
export const migrationsFor = (dialect: Dialect) => collectMigrations(coreModules, dialect);

const corePolicy = policyLookup(coreModules.flatMap((m) => m.policies ?? []));

/** The access a core route needs, and a plugin route's when the running core (its plugins' mounts) is given. */
export const findPolicy = (method: string, path: string, core?: { plugins: readonly PluginMounts[] }) =>
  (core ? policyLookup(coreModules.flatMap((m) => m.policies ?? []), core.plugins) : corePolicy)(method, path);
