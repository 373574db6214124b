import type { Migrations } from '../module.js';
import { Routing0017Postgresql } from './migrations/0017-routing.postgresql.js';
import { Routing0017Sqlite } from './migrations/0017-routing.sqlite.js';

/** The routing area's migrations (numbers are unique across core; all areas' run in number order). */
export const migrations: Migrations = {
  sqlite: [{ name: '0017-routing', class: Routing0017Sqlite }],
  postgresql: [{ name: '0017-routing', class: Routing0017Postgresql }],
};
