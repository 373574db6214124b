import type { Migrations } from '../module.js';
import { Routing0017Postgresql } from './migrations/0017-routing.postgresql.js';
import { Routing0017Sqlite } from './migrations/0017-routing.sqlite.js';
import { Routing0018Postgresql } from './migrations/0018-routing-call-log.postgresql.js';
import { Routing0018Sqlite } from './migrations/0018-routing-call-log.sqlite.js';

/** The routing area's migrations (numbers are unique across core; all areas' run in number order). */
export const migrations: Migrations = {
  sqlite: [{ name: '0017-routing', class: Routing0017Sqlite }, { name: '0018-routing-call-log', class: Routing0018Sqlite }],
  postgresql: [{ name: '0017-routing', class: Routing0017Postgresql }, { name: '0018-routing-call-log', class: Routing0018Postgresql }],
};
