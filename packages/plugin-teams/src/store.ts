/**
 * The plugin's tables:
 * - `teams_cursor`: per instance and site, up to when the scheduled sync has read callRecords (the
 *   next one starts `overlapMinutes` before it), and when it last ran;
 * - `teams_subscription`: per instance and site, its Graph change-notification subscription on
 *   `/communications/callRecords` (`subscriptions.ts`). Of the clientState only its SHA-256 is kept:
 *   enough to check a notification's in constant time, useless to anyone who reads the table.
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

export const SubscriptionEntity = defineEntity({
  name: 'TeamsSubscription',
  tableName: 'teams_subscription',
  properties: {
    instance: p.string().length(64).primary(),
    siteId: p.string().length(36).primary(),
    /** Graph's id; null while it is being created, or after it failed. */
    subscriptionId: p.string().length(64).nullable(),
    /** SHA-256 (hex) of the clientState sent to Graph; never the value itself. */
    clientStateHash: p.string().length(64).nullable(),
    /** `active`, `failing` (the last create or renewal failed) or `creating`. */
    state: p.string().length(16),
    expiresAt: p.datetime().nullable(),
    lastNotificationAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    /** While set and ahead: one instance of a cluster is creating, renewing or deleting it. */
    claimedUntil: p.datetime().nullable(),
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

class SubscriptionSqlite extends Migration {
  override up(): void {
    this.addSql('create table `teams_subscription` (`instance` text not null, `site_id` text not null, `subscription_id` text null, `client_state_hash` text null, `state` text not null, `expires_at` datetime null, `last_notification_at` datetime null, `last_error` text null, `claimed_until` datetime null, `updated_at` datetime not null, primary key (`instance`, `site_id`));');
    this.addSql('create index `teams_subscription_subscription_id_index` on `teams_subscription` (`subscription_id`);');
  }
}

class SubscriptionPostgresql extends Migration {
  override up(): void {
    this.addSql('create table "teams_subscription" ("instance" varchar(64) not null, "site_id" varchar(36) not null, "subscription_id" varchar(64) null, "client_state_hash" varchar(64) null, "state" varchar(16) not null, "expires_at" timestamptz null, "last_notification_at" timestamptz null, "last_error" text null, "claimed_until" timestamptz null, "updated_at" timestamptz not null, primary key ("instance", "site_id"));');
    this.addSql('create index "teams_subscription_subscription_id_index" on "teams_subscription" ("subscription_id");');
  }
}

export const entities = [CursorEntity, SubscriptionEntity] as unknown as NonNullable<PluginDefinition['entities']>;
export const migrations = {
  sqlite: [
    { name: 'teams-0001-init', class: InitSqlite },
    { name: 'teams-0002-subscription', class: SubscriptionSqlite },
  ],
  postgresql: [
    { name: 'teams-0001-init', class: InitPostgresql },
    { name: 'teams-0002-subscription', class: SubscriptionPostgresql },
  ],
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
