import type { Migrations } from '../module.js';
import { Directory0005Postgresql } from './migrations/0005-directory.postgresql.js';
import { Directory0005Sqlite } from './migrations/0005-directory.sqlite.js';

/** The directory area's migrations (numbers are unique across core; all areas' run in number order). */
export const migrations: Migrations = {
  sqlite: [
    { name: '0005-directory', class: Directory0005Sqlite },
  ],
  postgresql: [
    { name: '0005-directory', class: Directory0005Postgresql },
  ],
};
