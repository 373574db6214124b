/**
 * CDR ingestion on real PostgreSQL: a `cdr` table made as cdr_pgsql's classic schema has it
 * (calls.md §3b: calldate, clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata,
 * duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield, peeraccount,
 * linkedid, sequence) in its own test database, rows inserted the way cdr_pgsql inserts them, and
 * a Dialbook (on PostgreSQL) whose asterisk plugin polls it. Each row becomes a call record exactly
 * once across polls and a restart (the cursor is in the plugin's own table).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDialbook, loadConfig, type Dialbook } from '@dialbook/core';
import { createTestDatabase, testDatabaseKind } from '@dialbook/core/testing';
import { createAsteriskPlugin } from '../src/index.js';

const onPostgres = testDatabaseKind() === 'postgresql';

const CDR_TABLE = `create table cdr (
  calldate timestamp not null default now(), clid varchar(80) not null default '', src varchar(80) not null default '',
  dst varchar(80) not null default '', dcontext varchar(80) not null default '', channel varchar(80) not null default '',
  dstchannel varchar(80) not null default '', lastapp varchar(80) not null default '', lastdata varchar(80) not null default '',
  duration bigint not null default 0, billsec bigint not null default 0, disposition varchar(45) not null default '',
  amaflags bigint not null default 0, accountcode varchar(20) not null default '', uniqueid varchar(150) not null default '',
  userfield varchar(255) not null default '', peeraccount varchar(20) not null default '', linkedid varchar(150) not null default '',
  sequence int not null default 0)`;

describe.skipIf(!onPostgres)('CDR ingestion', () => {
  let cdrDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let coreDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let cdr: pg.Client;
  let dialbook: Dialbook | null = null;

  async function boot(): Promise<Dialbook> {
    const config = await loadConfig({
      env: {},
      config: { logLevel: 'silent', database: { url: coreDb.url }, plugins: { asterisk: { plugin: createAsteriskPlugin(), options: { agi: { port: 0 }, cdr: { databaseUrl: cdrDb.url, pollIntervalMs: 200, settleSeconds: 0, batchSize: 2 } } } } },
    });
    const d = await createDialbook(config, { migrate: true });
    if (!(await d.sites.list()).length) await d.sites.create({ name: 'Test site', slug: 'test', defaultCountry: 'DE' });
    await d.start();
    return d;
  }

  beforeAll(async () => {
    cdrDb = await createTestDatabase();
    coreDb = await createTestDatabase();
    cdr = new pg.Client({ connectionString: cdrDb.url });
    await cdr.connect();
    await cdr.query(CDR_TABLE);
  });
  afterAll(async () => {
    await dialbook?.stop();
    await cdr?.end();
    await cdrDb?.drop();
    await coreDb?.drop();
  });

  /** One row as cdr_pgsql writes it at the end of a call (calldate is the start; the call ended a while ago). */
  const insert = (uniqueid: string, o: { minutesAgo: number; disposition: string; billsec: number; duration: number; accountcode?: string; linkedid?: string; sequence?: number }) =>
    cdr.query(
      `insert into cdr (calldate, clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield, linkedid, sequence)
       values (localtimestamp - $1 * interval '1 minute', $2, $3, $4, 'dialbook-inbound', 'PJSIP/carrier-00000001', 'PJSIP/dialbook-x-00000002', 'Dial', 'PJSIP/+4930555@dialbook-x,20,g', $5, $6, $7, 3, $8, $9, 'ppc', $10, $11)`,
      [o.minutesAgo, '"Jane Caller" <+4917612345678>', '+4917612345678', '+4930555100', o.duration, o.billsec, o.disposition, o.accountcode ?? '', uniqueid, o.linkedid ?? uniqueid, o.sequence ?? 0],
    );

  const asteriskCalls = async () => (await dialbook!.calls.list({ source: 'asterisk', linked: 'all', limit: 500 })).items;

  test('rows become call records exactly once across two polls and a restart', async () => {
    await insert('1733300000.1', { minutesAgo: 30, disposition: 'ANSWERED', billsec: 95, duration: 110, accountcode: 'client-a' });
    await insert('1733300000.2', { minutesAgo: 20, disposition: 'NO ANSWER', billsec: 0, duration: 20 });
    await insert('1733300000.3', { minutesAgo: 10, disposition: 'BUSY', billsec: 0, duration: 3, linkedid: '1733300000.1' });
    dialbook = await boot();
    await expect.poll(async () => (await asteriskCalls()).length, { timeout: 10_000 }).toBe(3);
    const first = await asteriskCalls();
    const one = first.find((c) => c.externalId === '1733300000.1')!;
    expect(one).toMatchObject({ status: 'answered', direction: 'inbound', remote: expect.objectContaining({ number: '+4917612345678', name: 'Jane Caller' }) });
    expect(first.find((c) => c.externalId === '1733300000.2')).toMatchObject({ status: 'missed' });
    expect(first.find((c) => c.externalId === '1733300000.3')).toMatchObject({ status: 'busy' });

    // A second poll: a new row arrives, the old ones are not read again.
    await insert('1733300000.4', { minutesAgo: 1, disposition: 'CANCEL', billsec: 0, duration: 4 });
    await expect.poll(async () => (await asteriskCalls()).length, { timeout: 10_000 }).toBe(4);

    // Restart: the cursor is kept, so nothing is read twice; a row written while down comes in.
    await dialbook.stop();
    await insert('1733300000.5', { minutesAgo: 0.5, disposition: 'ANSWERED', billsec: 12, duration: 15 });
    dialbook = await boot();
    await expect.poll(async () => (await asteriskCalls()).length, { timeout: 10_000 }).toBe(5);
    const all = await asteriskCalls();
    expect(all.map((c) => c.externalId).sort()).toEqual(['1733300000.1', '1733300000.2', '1733300000.3', '1733300000.4', '1733300000.5']);
    const [cursor] = (await dialbook.orm.em.fork().getConnection().execute<{ position: string }[]>("select position from asterisk_cdr_cursor where instance = 'asterisk'"));
    expect(JSON.parse(cursor!.position)).toMatchObject({ uniqueid: '1733300000.5' });
  });
});
