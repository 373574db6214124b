import type { Migrations } from '../module.js';
import { SiteTimeZone0015Postgresql } from './migrations/0015-site-time-zone.postgresql.js';
import { SiteTimeZone0015Sqlite } from './migrations/0015-site-time-zone.sqlite.js';

/** The sites area's migrations (its table was created by 0001-initial). */
export const migrations: Migrations = {
  sqlite: [{ name: '0015-site-time-zone', class: SiteTimeZone0015Sqlite }],
  postgresql: [{ name: '0015-site-time-zone', class: SiteTimeZone0015Postgresql }],
};
