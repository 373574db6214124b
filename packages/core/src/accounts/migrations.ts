import type { Migrations } from '../module.js';
import { Accounts0002Postgresql } from './migrations/0002-accounts.postgresql.js';
import { Accounts0002Sqlite } from './migrations/0002-accounts.sqlite.js';
import { SigninAttempts0009Postgresql } from './migrations/0009-signin-attempts.postgresql.js';
import { SigninAttempts0009Sqlite } from './migrations/0009-signin-attempts.sqlite.js';

/** The accounts area's migrations (numbers are unique across core; all areas' run in number order). */
export const migrations: Migrations = {
  sqlite: [
    { name: '0002-accounts', class: Accounts0002Sqlite },
    { name: '0009-signin-attempts', class: SigninAttempts0009Sqlite },
  ],
  postgresql: [
    { name: '0002-accounts', class: Accounts0002Postgresql },
    { name: '0009-signin-attempts', class: SigninAttempts0009Postgresql },
  ],
};
