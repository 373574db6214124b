import type { Migrations } from '../module.js';
import { AuditIndexes0007Postgresql } from './migrations/0007-audit-indexes.postgresql.js';
import { AuditIndexes0007Sqlite } from './migrations/0007-audit-indexes.sqlite.js';

/** The audit area's migrations (numbers are unique across core; all areas' run in number order). */
export const migrations: Migrations = {
  sqlite: [
    { name: '0007-audit-indexes', class: AuditIndexes0007Sqlite },
  ],
  postgresql: [
    { name: '0007-audit-indexes', class: AuditIndexes0007Postgresql },
  ],
};
