import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type TestDatabaseKind = 'sqlite' | 'postgresql';

/** Which database the tests run on: PostgreSQL when `DIALBOOK_TEST_DATABASE_URL` is set, else in-memory SQLite. */
export const testDatabaseKind = (url = process.env.DIALBOOK_TEST_DATABASE_URL): TestDatabaseKind => (url && /^postgres/.test(url) ? 'postgresql' : 'sqlite');

/**
 * A throw-away database: in-memory SQLite, or a fresh PostgreSQL database
 * (`dialbook_test_<random>`) on the server `DIALBOOK_TEST_DATABASE_URL` names.
 */
export async function createTestDatabase(url = process.env.DIALBOOK_TEST_DATABASE_URL): Promise<{ url: string; drop(): Promise<void> }> {
  if (testDatabaseKind(url) === 'sqlite') return { url: 'sqlite::memory:', drop: async () => {} };
  const server = new URL(url!);
  const name = `dialbook_test_${randomBytes(6).toString('hex')}`;
  const admin = new URL(server);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const dbUrl = new URL(server);
  dbUrl.pathname = `/${name}`;
  return {
    url: dbUrl.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
