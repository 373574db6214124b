/** The two databases Dialbook runs on: embedded SQLite (the default) and PostgreSQL. */
export type Dialect = 'sqlite' | 'postgresql';
