import type { Migrations } from '../module.js';
import { Calls0011Postgresql } from './migrations/0011-calls.postgresql.js';
import { Calls0011Sqlite } from './migrations/0011-calls.sqlite.js';
import { CallMediaLinks0014Postgresql } from './migrations/0014-call-media-links.postgresql.js';
import { CallMediaLinks0014Sqlite } from './migrations/0014-call-media-links.sqlite.js';
import { CallSearch0016Postgresql } from './migrations/0016-call-search.postgresql.js';
import { CallSearch0016Sqlite } from './migrations/0016-call-search.sqlite.js';

/** The calls area's migrations (numbers are unique across core; all areas' run in number order). */
export const migrations: Migrations = {
  sqlite: [
    { name: '0011-calls', class: Calls0011Sqlite },
    { name: '0014-call-media-links', class: CallMediaLinks0014Sqlite },
    { name: '0016-call-search', class: CallSearch0016Sqlite },
  ],
  postgresql: [
    { name: '0011-calls', class: Calls0011Postgresql },
    { name: '0014-call-media-links', class: CallMediaLinks0014Postgresql },
    { name: '0016-call-search', class: CallSearch0016Postgresql },
  ],
};
