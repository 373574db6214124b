/**
 * The plugin's table `teams_cursor`: per instance and site, up to when the scheduled sync has
 * read callRecords (the next one starts `overlapMinutes` before it), and when it last ran.
 */
import { defineEntity, Migration, p, type EntityManager, type PluginDefinition } from '@dialbook/core';

export const CursorEntity = defineEntity({
  name: 'TeamsCursor',
  tableName: 'teams_cursor',
  properties: {
    instance: p.string().length(64).primary(),
    siteId: p.string().length(36).primary(),
    readUntil: p.datetime(),
    updatedAt: p.datetime(),
  },
});

class InitSqlite extends Migration {
  override up(): void {
    this.addSql('create table `teams_cursor` (`instance` text not null, `site_id` text not null, `read_until` datetime not null, `updated_at` datetime not null, primary key (`instance`, `site_id`));');
  }
}

class InitPostgresql extends Migration {
  override up(): void {
    this.addSql('create table "teams_cursor" ("instance" varchar(64) not null, "site_id" varchar(36) not null, "read_until" timestamptz not null, "updated_at" timestamptz not null, primary key ("instance", "site_id"));');
  }
}

export const entities = [CursorEntity] as unknown as NonNullable<PluginDefinition['entities']>;
export const migrations = {
  sqlite: [{ name: 'teams-0001-init', class: InitSqlite }],
  postgresql: [{ name: 'teams-0001-init', class: InitPostgresql }],
};

export class Cursors {
  constructor(
    private readonly em: () => EntityManager,
    private readonly instance: string,
  ) {}

  async get(siteId: string): Promise<Date | null> {
    const row = await this.em().findOne(CursorEntity, { instance: this.instance, siteId });
    return row ? new Date(row.readUntil) : null;
  }

  /** Move the cursor to `at` (never backwards). */
  async advance(siteId: string, at: Date): Promise<void> {
    const em = this.em();
    const row = await em.findOne(CursorEntity, { instance: this.instance, siteId });
    if (!row) {
      try {
        await em.insert(CursorEntity, { instance: this.instance, siteId, readUntil: at, updatedAt: new Date() });
        return;
      } catch {
        // Another instance made it meanwhile: update below.
      }
    }
    if (row && new Date(row.readUntil) >= at) return;
    await em.nativeUpdate(CursorEntity, { instance: this.instance, siteId, readUntil: { $lt: at } }, { readUntil: at, updatedAt: new Date() });
  }
}
