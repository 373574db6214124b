/**
 * The plugin's own table `asterisk_cdr_cursor` in Dialbook's database: per instance, the position
 * of the last CDR row read (its end time, uniqueid and sequence as JSON), so a restart goes on
 * where the last poll stopped.
 */
import { defineEntity, Migration, p, type EntityManager, type PluginDefinition } from '@dialbook/core';

export const CdrCursorEntity = defineEntity({
  name: 'AsteriskCdrCursor',
  tableName: 'asterisk_cdr_cursor',
  properties: {
    instance: p.string().length(64).primary(),
    position: p.text(),
    updatedAt: p.datetime(),
  },
});

class InitSqlite extends Migration {
  override up(): void {
    this.addSql('create table `asterisk_cdr_cursor` (`instance` text not null, `position` text not null, `updated_at` datetime not null, primary key (`instance`));');
  }
}

class InitPostgresql extends Migration {
  override up(): void {
    this.addSql('create table "asterisk_cdr_cursor" ("instance" varchar(64) not null, "position" text not null, "updated_at" timestamptz not null, primary key ("instance"));');
  }
}

export const entities = [CdrCursorEntity] as unknown as NonNullable<PluginDefinition['entities']>;
export const migrations = {
  sqlite: [{ name: 'asterisk-0001-cdr-cursor', class: InitSqlite }],
  postgresql: [{ name: 'asterisk-0001-cdr-cursor', class: InitPostgresql }],
};

/** Where reading stopped: the last row's end time (as the CDR table holds it, without zone), uniqueid and sequence. */
export interface CdrPosition {
  at: string;
  uniqueid: string;
  sequence: number;
}

export class CursorStore {
  constructor(
    private readonly em: () => EntityManager,
    private readonly instance: string,
  ) {}

  async get(): Promise<CdrPosition | null> {
    const row = await this.em().findOne(CdrCursorEntity, { instance: this.instance });
    return row ? (JSON.parse(row.position) as CdrPosition) : null;
  }

  async set(position: CdrPosition): Promise<void> {
    await this.em().upsert(CdrCursorEntity, { instance: this.instance, position: JSON.stringify(position), updatedAt: new Date() });
  }
}
