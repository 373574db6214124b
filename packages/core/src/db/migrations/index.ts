import type { MigrationObject } from '@mikro-orm/core';
import type { Dialect } from '../orm.js';
import { Initial0001Postgresql } from '../../contacts/migrations/0001-initial.postgresql.js';
import { Initial0001Sqlite } from '../../contacts/migrations/0001-initial.sqlite.js';
import { Accounts0002Postgresql } from '../../accounts/migrations/0002-accounts.postgresql.js';
import { Accounts0002Sqlite } from '../../accounts/migrations/0002-accounts.sqlite.js';
import { SettingsMail0003Postgresql } from '../../settings/migrations/0003-settings-mail.postgresql.js';
import { SettingsMail0003Sqlite } from '../../settings/migrations/0003-settings-mail.sqlite.js';
import { Jobs0004Postgresql } from '../../jobs/migrations/0004-jobs.postgresql.js';
import { Jobs0004Sqlite } from '../../jobs/migrations/0004-jobs.sqlite.js';
import { Directory0005Postgresql } from '../../directory/migrations/0005-directory.postgresql.js';
import { Directory0005Sqlite } from '../../directory/migrations/0005-directory.sqlite.js';
import { VendorServices0006Postgresql } from '../../vendors/migrations/0006-vendor-services.postgresql.js';
import { VendorServices0006Sqlite } from '../../vendors/migrations/0006-vendor-services.sqlite.js';
import { AuditIndexes0007Postgresql } from '../../audit/migrations/0007-audit-indexes.postgresql.js';
import { AuditIndexes0007Sqlite } from '../../audit/migrations/0007-audit-indexes.sqlite.js';
import { RefoldContacts0008Postgresql } from '../../contacts/migrations/0008-refold-contacts.postgresql.js';
import { RefoldContacts0008Sqlite } from '../../contacts/migrations/0008-refold-contacts.sqlite.js';
import { SigninAttempts0009Postgresql } from '../../accounts/migrations/0009-signin-attempts.postgresql.js';
import { SigninAttempts0009Sqlite } from '../../accounts/migrations/0009-signin-attempts.sqlite.js';

/**
 * Checked-in migrations, one list per dialect, oldest first. Names are shared
 * across dialects so `dialbook migrate` reports the same list on both.
 * Add a migration: write `NNNN-name.sqlite.ts` and `NNNN-name.postgresql.ts`, list both here.
 */
const lists: Record<Dialect, MigrationObject[]> = {
  sqlite: [
    { name: '0001-initial', class: Initial0001Sqlite },
    { name: '0002-accounts', class: Accounts0002Sqlite },
    { name: '0003-settings-mail', class: SettingsMail0003Sqlite },
    { name: '0004-jobs', class: Jobs0004Sqlite },
    { name: '0005-directory', class: Directory0005Sqlite },
    { name: '0006-vendor-services', class: VendorServices0006Sqlite },
    { name: '0007-audit-indexes', class: AuditIndexes0007Sqlite },
    { name: '0008-refold-contacts', class: RefoldContacts0008Sqlite },
    { name: '0009-signin-attempts', class: SigninAttempts0009Sqlite },
  ],
  postgresql: [
    { name: '0001-initial', class: Initial0001Postgresql },
    { name: '0002-accounts', class: Accounts0002Postgresql },
    { name: '0003-settings-mail', class: SettingsMail0003Postgresql },
    { name: '0004-jobs', class: Jobs0004Postgresql },
    { name: '0005-directory', class: Directory0005Postgresql },
    { name: '0006-vendor-services', class: VendorServices0006Postgresql },
    { name: '0007-audit-indexes', class: AuditIndexes0007Postgresql },
    { name: '0008-refold-contacts', class: RefoldContacts0008Postgresql },
    { name: '0009-signin-attempts', class: SigninAttempts0009Postgresql },
  ],
};

export const migrationsFor = (dialect: Dialect): MigrationObject[] => lists[dialect];
