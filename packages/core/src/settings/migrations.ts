import type { Migrations } from '../module.js';
import { SettingsMail0003Postgresql } from './migrations/0003-settings-mail.postgresql.js';
import { SettingsMail0003Sqlite } from './migrations/0003-settings-mail.sqlite.js';

/** The settings area's migrations (numbers are unique across core; all areas' run in number order). */
export const migrations: Migrations = {
  sqlite: [
    { name: '0003-settings-mail', class: SettingsMail0003Sqlite },
  ],
  postgresql: [
    { name: '0003-settings-mail', class: SettingsMail0003Postgresql },
  ],
};
