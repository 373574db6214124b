import type { Migrations } from '../module.js';
import { VendorServices0006Postgresql } from './migrations/0006-vendor-services.postgresql.js';
import { VendorServices0006Sqlite } from './migrations/0006-vendor-services.sqlite.js';

/** The vendors area's migrations (numbers are unique across core; all areas' run in number order). */
export const migrations: Migrations = {
  sqlite: [
    { name: '0006-vendor-services', class: VendorServices0006Sqlite },
  ],
  postgresql: [
    { name: '0006-vendor-services', class: VendorServices0006Postgresql },
  ],
};
