import type { Migrations } from '../module.js';
import { Calls0011Postgresql } from './migrations/0011-calls.postgresql.js';
import { Calls0011Sqlite } from './migrations/0011-calls.sqlite.js';

/** The calls area's migrations (numbers are unique across core; all areas' run in number order). */
export const migrations: Migrations = {
  sqlite: [{ name: '0011-calls', class: Calls0011Sqlite }],
  postgresql: [{ name: '0011-calls', class: Calls0011Postgresql }],
};
