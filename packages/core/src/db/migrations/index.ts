import type { MigrationObject } from '@mikro-orm/core';
import type { Dialect } from '../orm.js';
import { Initial0001Postgresql } from './0001-initial.postgresql.js';
import { Initial0001Sqlite } from './0001-initial.sqlite.js';

/**
 * Checked-in migrations, one list per dialect, oldest first. Names are shared
 * across dialects so `dialbook migrate` reports the same list on both.
 * Add a migration: write `NNNN-name.sqlite.ts` and `NNNN-name.postgresql.ts`, list both here.
 */
const lists: Record<Dialect, MigrationObject[]> = {
  sqlite: [{ name: '0001-initial', class: Initial0001Sqlite }],
  postgresql: [{ name: '0001-initial', class: Initial0001Postgresql }],
};

export const migrationsFor = (dialect: Dialect): MigrationObject[] => lists[dialect];
