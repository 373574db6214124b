/**
 * The plugin's two tables:
 * - `placetel_site_token`: the random token in each site's webhook URL (one per instance and
 *   site; unguessable, so the URL names the site without naming it);
 * - `placetel_replay`: the SHA-256 of each signed body accepted, with when it may be forgotten,
 *   so that an identical body redelivered within the window changes nothing (purged hourly).
 */
import { defineEntity, Migration, p, type PluginDefinition } from '@dialbook/core';

export const SiteTokenEntity = defineEntity({
  name: 'PlacetelSiteToken',
  tableName: 'placetel_site_token',
  properties: {
    instance: p.string().length(64).primary(),
    siteId: p.string().length(36).primary(),
    /** 32 random bytes, base64url (43 characters). */
    token: p.string().length(64).unique(),
    createdAt: p.datetime(),
  },
});

export const ReplayEntity = defineEntity({
  name: 'PlacetelReplay',
  tableName: 'placetel_replay',
  properties: {
    instance: p.string().length(64).primary(),
    /** SHA-256 of the site id and the raw body, hex. */
    hash: p.string().length(64).primary(),
    expiresAt: p.datetime().index(),
  },
});

class InitSqlite extends Migration {
  override up(): void {
    this.addSql('create table `placetel_site_token` (`instance` text not null, `site_id` text not null, `token` text not null, `created_at` datetime not null, primary key (`instance`, `site_id`));');
    this.addSql('create unique index `placetel_site_token_token_unique` on `placetel_site_token` (`token`);');
    this.addSql('create table `placetel_replay` (`instance` text not null, `hash` text not null, `expires_at` datetime not null, primary key (`instance`, `hash`));');
    this.addSql('create index `placetel_replay_expires_at_index` on `placetel_replay` (`expires_at`);');
  }
}

class InitPostgresql extends Migration {
  override up(): void {
    this.addSql('create table "placetel_site_token" ("instance" varchar(64) not null, "site_id" varchar(36) not null, "token" varchar(64) not null, "created_at" timestamptz not null, primary key ("instance", "site_id"));');
    this.addSql('create unique index "placetel_site_token_token_unique" on "placetel_site_token" ("token");');
    this.addSql('create table "placetel_replay" ("instance" varchar(64) not null, "hash" varchar(64) not null, "expires_at" timestamptz not null, primary key ("instance", "hash"));');
    this.addSql('create index "placetel_replay_expires_at_index" on "placetel_replay" ("expires_at");');
  }
}

/** The cast: `PluginDefinition.entities` is typed for `EntitySchema<AnyEntity>`, which `defineEntity`'s inferred schemas do not satisfy. */
export const entities = [SiteTokenEntity, ReplayEntity] as unknown as NonNullable<PluginDefinition['entities']>;
export const migrations = {
  sqlite: [{ name: 'placetel-0001-init', class: InitSqlite }],
  postgresql: [{ name: 'placetel-0001-init', class: InitPostgresql }],
};
