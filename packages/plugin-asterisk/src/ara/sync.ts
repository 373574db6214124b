/**
 * Keeps the PJSIP realtime tables in step with routing's clients: a full resync at start, then one
 * transaction per `routing.client.changed` writing (created, updated, password rotated) or removing
 * (disabled, deleted) the client's endpoint, auth and AOR. Only rows whose id starts with
 * `dialbook-` are ever written or deleted; rows an admin added by hand are never touched.
 */
import pg from 'pg';
import type { Logger, RoutingTrunk } from '@dialbook/core';
import { clientIdOf, endpointId, OWNED_PREFIX } from '../routing/dial-string.js';
import { trunkRows, type EndpointDefaults, type Row, type TrunkRows } from './rows.js';
import { ensureSchema, TABLES, type AraTable } from './schema.js';

const TABLE_OF = { endpoint: 'ps_endpoints', auth: 'ps_auths', aor: 'ps_aors' } as const satisfies Record<keyof TrunkRows, AraTable>;

/** The longest value each varchar column takes, from the schema. */
const LENGTHS: Record<string, Map<string, number>> = Object.fromEntries(
  Object.entries(TABLES).map(([t, cols]) => [t, new Map(cols.flatMap((c) => {
    const m = /^(\S+) varchar\((\d+)\)$/.exec(c);
    return m ? [[m[1]!, Number(m[2])] as const] : [];
  }))]),
);

/** Why the rows cannot be written (a value longer than Asterisk's column), or null. */
export function rowProblem(rows: TrunkRows): string | null {
  for (const [kind, row] of Object.entries(rows) as [keyof TrunkRows, Row | null][]) {
    if (!row) continue;
    const table = TABLE_OF[kind];
    for (const [col, v] of Object.entries(row)) {
      const max = LENGTHS[table]!.get(col);
      if (typeof v === 'string' && max !== undefined && v.length > max) return `${table}.${col} holds at most ${max} characters (the client's value has ${v.length})`;
    }
  }
  return null;
}

export interface AraSyncOptions {
  databaseUrl: string;
  defaults: EndpointDefaults;
  trunks: () => Promise<RoutingTrunk[]>;
  logger: Logger;
}

/** Where the sync stands, for the health line. */
export interface AraStatus {
  ok: boolean;
  message: string;
}

const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

export class AraSync {
  private readonly pool: pg.Pool;
  private status: AraStatus = { ok: false, message: 'not started' };
  /** Changes run one after the other (a resync and a change never interleave). */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: AraSyncOptions) {
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
    this.pool.on('error', (err) => options.logger.warn({ err }, 'ARA database connection error'));
  }

  /** Create the tables (if missing) and write every enabled client; errors are logged and shown in health. */
  start(): Promise<void> {
    return this.enqueue(async () => {
      const client = await this.pool.connect();
      try {
        await ensureSchema(client);
      } finally {
        client.release();
      }
      await this.resyncNow();
    });
  }

  /** A client changed: write or remove its rows, in one transaction. */
  clientChanged(clientId: string): Promise<void> {
    return this.enqueue(async () => {
      const trunk = (await this.options.trunks()).find((t) => t.clientId === clientId) ?? null;
      let problem: string | null = null;
      await this.transaction(async (c) => (problem = await this.writeClient(c, clientId, trunk)));
      this.status = problem ? { ok: false, message: `client ${clientId} not provisioned: ${problem}` } : { ok: true, message: `client ${clientId} ${trunk ? 'written' : 'removed'}` };
    });
  }

  /** Every owned row made to match the enabled clients (others' rows untouched). */
  resync(): Promise<void> {
    return this.enqueue(() => this.resyncNow());
  }

  health(): AraStatus {
    return this.status;
  }

  async stop(): Promise<void> {
    await this.queue;
    await this.pool.end();
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work).catch((err: unknown) => {
      this.status = { ok: false, message: `ARA sync failed: ${err instanceof Error ? err.message : String(err)}` };
      this.options.logger.error({ err }, 'PJSIP realtime (ARA) sync failed');
    });
    this.queue = run;
    return run;
  }

  private async resyncNow(): Promise<void> {
    const trunks = await this.options.trunks();
    const wanted = new Set(trunks.map((t) => t.clientId));
    let written = 0;
    await this.transaction(async (c) => {
      for (const table of Object.values(TABLE_OF)) {
        const { rows } = await c.query<{ id: string }>(`select id from ${quote(table)} where id like $1`, [`${OWNED_PREFIX}%`]);
        for (const { id } of rows) {
          const clientId = clientIdOf(id);
          if (clientId && !wanted.has(clientId)) await c.query(`delete from ${quote(table)} where id = $1`, [id]);
        }
      }
      for (const t of trunks) if ((await this.writeClient(c, t.clientId, t)) === null) written++;
    });
    this.status = { ok: written === trunks.length, message: `${written} of ${trunks.length} enabled clients provisioned${written < trunks.length ? ' (see the log for the others)' : ''}` };
  }

  /** Write the client's rows (or remove them when `trunk` is null); why not when its data does not fit Asterisk's columns (its rows are then removed), else null. */
  private async writeClient(c: pg.PoolClient, clientId: string, trunk: RoutingTrunk | null): Promise<string | null> {
    const id = endpointId(clientId);
    const rows = trunk ? trunkRows(trunk, this.options.defaults) : null;
    const problem = rows ? rowProblem(rows) : null;
    if (problem) this.options.logger.error({ clientId }, `client ${clientId} cannot be provisioned for PJSIP realtime: ${problem}`);
    for (const kind of ['endpoint', 'auth', 'aor'] as const) {
      const row = rows && !problem ? rows[kind] : null;
      if (row) await this.upsert(c, TABLE_OF[kind], row);
      else await c.query(`delete from ${quote(TABLE_OF[kind])} where id = $1`, [id]);
    }
    return problem;
  }

  /** Insert or replace an owned row: columns the plugin does not write are reset to null. */
  private async upsert(c: pg.PoolClient, table: AraTable, row: Row): Promise<void> {
    const cols = Object.keys(row);
    const owned = TABLES[table].map((d) => d.split(' ')[0]!).filter((n) => n !== 'id');
    const sets = owned.map((n) => `${quote(n)} = ${cols.includes(n) ? `excluded.${quote(n)}` : 'null'}`);
    await c.query(
      `insert into ${quote(table)} (${cols.map(quote).join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')}) on conflict (id) do update set ${sets.join(', ')}`,
      Object.values(row),
    );
  }

  private async transaction(work: (c: pg.PoolClient) => Promise<unknown>): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query('begin');
      await work(c);
      await c.query('commit');
    } catch (err) {
      await c.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
}
