import type { Migrations } from '../module.js';
import { Jobs0004Postgresql } from './migrations/0004-jobs.postgresql.js';
import { Jobs0004Sqlite } from './migrations/0004-jobs.sqlite.js';

/** The jobs area's migrations (numbers are unique across core; all areas' run in number order). */
export const migrations: Migrations = {
  sqlite: [
    { name: '0004-jobs', class: Jobs0004Sqlite },
  ],
  postgresql: [
    { name: '0004-jobs', class: Jobs0004Postgresql },
  ],
};
