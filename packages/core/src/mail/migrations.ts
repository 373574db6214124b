import type { Migrations } from '../module.js';
import { MailSealed0012Postgresql } from './migrations/0012-mail-sealed.postgresql.js';
import { MailSealed0012Sqlite } from './migrations/0012-mail-sealed.sqlite.js';

/** The mail area's migrations (its table was created by the settings area's 0003-settings-mail). */
export const migrations: Migrations = {
  sqlite: [
    { name: '0012-mail-sealed', class: MailSealed0012Sqlite },
  ],
  postgresql: [
    { name: '0012-mail-sealed', class: MailSealed0012Postgresql },
  ],
};
