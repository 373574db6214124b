/**
 * The plugin's own tables (prefixed `ldap_`): per-site sync state with a lease that keeps
 * two instances from syncing one site at once, and the UID conflicts. Rows carry the
 * instance id (`source`), so several LDAP instances share the tables.
 */
import { randomUUID } from 'node:crypto';
import { defineEntity, Migration, p, type EntityManager, type PluginDefinition } from '@dialbook/core';
import type { ContactFields } from './mapping.js';

export const SyncStateEntity = defineEntity({
  name: 'LdapSyncState',
  tableName: 'ldap_sync_state',
  properties: {
    /** Instance id of the plugin (the contacts' `source`). */
    source: p.string().length(100).primary(),
    siteId: p.string().length(36).primary(),
    /** Highest change marker a run has safely read up to (generalized time or a USN). */
    marker: p.string().length(64).nullable(),
    markerAttribute: p.string().length(32).nullable(),
    lastFullAt: p.datetime().nullable(),
    lastRunAt: p.datetime().nullable(),
    lastMode: p.string().length(16).nullable(),
    /** `succeeded`, `blocked` (deletions held back) or `failed`. */
    lastStatus: p.string().length(16).nullable(),
    lastMessage: p.text().nullable(),
    lastResult: p.json<Record<string, unknown>>().nullable(),
    /** Deletions the last full run held back (so the same warning is not repeated every run). */
    blockedDeletes: p.integer().nullable(),
    lockOwner: p.string().length(200).nullable(),
    lockUntil: p.datetime().nullable(),
  },
});
export type SyncState = InstanceType<typeof SyncStateEntity.class>;

export type ConflictKind = 'duplicate' | 'other-source';
export type ConflictStatus = 'open' | 'resolved' | 'gone';
export type Resolution = 'keep' | 'overwrite' | 'link';

export const ConflictEntity = defineEntity({
  name: 'LdapConflict',
  tableName: 'ldap_conflict',
  uniques: [{ name: 'ldap_conflict_entry_unique', properties: ['source', 'siteId', 'identity'] }],
  indexes: [{ properties: ['source', 'siteId', 'status'] }],
  properties: {
    id: p.uuid().primary(),
    source: p.string().length(100),
    siteId: p.string().length(36),
    kind: p.string().length(16),
    /** The uid both claim. */
    uid: p.string().length(512),
    /** The entry held back. */
    identity: p.string().length(512),
    dn: p.text(),
    name: p.string().length(400),
    /** The entry's contact data as last read, so a resolution can apply it at once. */
    entry: p.json<ContactFields>(),
    /** The contact already holding the uid. */
    otherContactId: p.uuid(),
    otherSource: p.string().length(64),
    otherExternalId: p.string().length(512).nullable(),
    otherName: p.string().length(400),
    status: p.string().length(16),
    resolution: p.string().length(16).nullable(),
    detectedAt: p.datetime(),
    lastSeenAt: p.datetime(),
    resolvedAt: p.datetime().nullable(),
    resolvedBy: p.string().length(200).nullable(),
  },
});
export type Conflict = InstanceType<typeof ConflictEntity.class>;

class LdapInitSqlite extends Migration {
  override name = 'ldap-0001-init';
  override up(): void {
    this.addSql(
      'create table `ldap_sync_state` (`source` text not null, `site_id` text not null, `marker` text null, `marker_attribute` text null, `last_full_at` datetime null, `last_run_at` datetime null, `last_mode` text null, `last_status` text null, `last_message` text null, `last_result` json null, `blocked_deletes` integer null, `lock_owner` text null, `lock_until` datetime null, primary key (`source`, `site_id`));',
    );
    this.addSql(
      'create table `ldap_conflict` (`id` text not null primary key, `source` text not null, `site_id` text not null, `kind` text not null, `uid` text not null, `identity` text not null, `dn` text not null, `name` text not null, `entry` json not null, `other_contact_id` text not null, `other_source` text not null, `other_external_id` text null, `other_name` text not null, `status` text not null, `resolution` text null, `detected_at` datetime not null, `last_seen_at` datetime not null, `resolved_at` datetime null, `resolved_by` text null);',
    );
    this.addSql('create unique index `ldap_conflict_entry_unique` on `ldap_conflict` (`source`, `site_id`, `identity`);');
    this.addSql('create index `ldap_conflict_source_site_id_status_index` on `ldap_conflict` (`source`, `site_id`, `status`);');
  }
}

class LdapInitPostgresql extends Migration {
  override name = 'ldap-0001-init';
  override up(): void {
    this.addSql(
      'create table "ldap_sync_state" ("source" varchar(100) not null, "site_id" varchar(36) not null, "marker" varchar(64) null, "marker_attribute" varchar(32) null, "last_full_at" timestamptz null, "last_run_at" timestamptz null, "last_mode" varchar(16) null, "last_status" varchar(16) null, "last_message" text null, "last_result" jsonb null, "blocked_deletes" int null, "lock_owner" varchar(200) null, "lock_until" timestamptz null, primary key ("source", "site_id"));',
    );
    this.addSql(
      'create table "ldap_conflict" ("id" uuid not null, "source" varchar(100) not null, "site_id" varchar(36) not null, "kind" varchar(16) not null, "uid" varchar(512) not null, "identity" varchar(512) not null, "dn" text not null, "name" varchar(400) not null, "entry" jsonb not null, "other_contact_id" uuid not null, "other_source" varchar(64) not null, "other_external_id" varchar(512) null, "other_name" varchar(400) not null, "status" varchar(16) not null, "resolution" varchar(16) null, "detected_at" timestamptz not null, "last_seen_at" timestamptz not null, "resolved_at" timestamptz null, "resolved_by" varchar(200) null, primary key ("id"));',
    );
    this.addSql('create unique index "ldap_conflict_entry_unique" on "ldap_conflict" ("source", "site_id", "identity");');
    this.addSql('create index "ldap_conflict_source_site_id_status_index" on "ldap_conflict" ("source", "site_id", "status");');
  }
}

/** The cast: `PluginDefinition.entities` is typed for `EntitySchema<AnyEntity>`, which `defineEntity`'s inferred schemas do not satisfy. */
export const entities = [SyncStateEntity, ConflictEntity] as unknown as NonNullable<PluginDefinition['entities']>;
export const migrations = {
  sqlite: [{ name: 'ldap-0001-init', class: LdapInitSqlite }],
  postgresql: [{ name: 'ldap-0001-init', class: LdapInitPostgresql }],
};

/** How long a sync holds its site before another instance may take over (renewed while it runs). */
export const LEASE_MS = 2 * 60_000;

/** Data access for one plugin instance. */
export class Store {
  constructor(
    private readonly em: () => EntityManager,
    readonly source: string,
    /** This process, as it appears in a lock: `<host>-<pid>-<random>`. */
    readonly owner: string,
  ) {}

  async state(siteId: string): Promise<SyncState | null> {
    return this.em().findOne(SyncStateEntity, { source: this.source, siteId });
  }

  private async ensureState(siteId: string): Promise<void> {
    const em = this.em();
    if (await em.count(SyncStateEntity, { source: this.source, siteId })) return;
    try {
      await em.insert(SyncStateEntity, { source: this.source, siteId, marker: null, markerAttribute: null, lastFullAt: null, lastRunAt: null, lastMode: null, lastStatus: null, lastMessage: null, lastResult: null, blockedDeletes: null, lockOwner: null, lockUntil: null });
    } catch (err) {
      // Another instance inserted it at the same moment: fine.
      if (!(await this.em().count(SyncStateEntity, { source: this.source, siteId }))) throw err;
    }
  }

  /**
   * Take the site's sync lease: true when this process now holds it (it was free, expired,
   * or already ours). A conditional update, so two instances never both win.
   */
  async lock(siteId: string, now = new Date()): Promise<boolean> {
    await this.ensureState(siteId);
    const taken = await this.em().nativeUpdate(
      SyncStateEntity,
      { source: this.source, siteId, $or: [{ lockUntil: null }, { lockUntil: { $lt: now } }, { lockOwner: this.owner }] },
      { lockOwner: this.owner, lockUntil: new Date(now.getTime() + LEASE_MS) },
    );
    return taken === 1;
  }

  /** Extend the lease while a long sync runs. */
  async renew(siteId: string): Promise<void> {
    await this.em().nativeUpdate(SyncStateEntity, { source: this.source, siteId, lockOwner: this.owner }, { lockUntil: new Date(Date.now() + LEASE_MS) });
  }

  /** Who holds the site (for the error message), when someone else does. */
  async holder(siteId: string): Promise<{ owner: string; until: Date } | null> {
    const s = await this.state(siteId);
    return s?.lockOwner && s.lockUntil && s.lockUntil > new Date() && s.lockOwner !== this.owner ? { owner: s.lockOwner, until: s.lockUntil } : null;
  }

  /** Record how a run ended and release the lease. */
  async finish(siteId: string, values: Partial<Pick<SyncState, 'marker' | 'markerAttribute' | 'lastFullAt' | 'lastRunAt' | 'lastMode' | 'lastStatus' | 'lastMessage' | 'lastResult' | 'blockedDeletes'>>): Promise<void> {
    await this.em().nativeUpdate(SyncStateEntity, { source: this.source, siteId }, { ...values, lockOwner: null, lockUntil: null });
  }

  /** Release the lease without recording anything else. */
  async unlock(siteId: string): Promise<void> {
    await this.em().nativeUpdate(SyncStateEntity, { source: this.source, siteId, lockOwner: this.owner }, { lockOwner: null, lockUntil: null });
  }

  // ---- conflicts ----

  async conflicts(siteId: string, status?: ConflictStatus): Promise<Conflict[]> {
    return this.em().find(ConflictEntity, { source: this.source, siteId, ...(status ? { status } : {}) }, { orderBy: { detectedAt: 'desc', id: 'asc' } });
  }

  async conflict(id: string): Promise<Conflict | null> {
    return this.em().findOne(ConflictEntity, { id, source: this.source });
  }

  /** Resolved conflicts of a site: the decisions a sync applies, by entry identity. */
  async decisions(siteId: string): Promise<Map<string, Conflict>> {
    const rows = await this.em().find(ConflictEntity, { source: this.source, siteId, status: 'resolved' });
    return new Map(rows.map((r) => [r.identity, r]));
  }

  /** Record (or refresh) an open conflict for an entry; a resolved or gone one for the same entry is reopened. */
  async raise(input: { siteId: string; kind: ConflictKind; uid: string; identity: string; dn: string; name: string; entry: ContactFields; other: { id: string; source: string; externalId: string | null; name: string } }, now = new Date()): Promise<{ conflict: Conflict; isNew: boolean }> {
    const em = this.em();
    const existing = await em.findOne(ConflictEntity, { source: this.source, siteId: input.siteId, identity: input.identity });
    const values = {
      kind: input.kind,
      uid: input.uid.slice(0, 512),
      dn: input.dn,
      name: input.name.slice(0, 400),
      entry: input.entry,
      otherContactId: input.other.id,
      otherSource: input.other.source,
      otherExternalId: input.other.externalId,
      otherName: input.other.name.slice(0, 400),
      lastSeenAt: now,
    };
    if (existing) {
      const reopened = existing.status !== 'open';
      em.assign(existing, { ...values, ...(reopened ? { status: 'open', resolution: null, resolvedAt: null, resolvedBy: null, detectedAt: now } : {}) });
      await em.flush();
      return { conflict: existing, isNew: reopened };
    }
    const row = em.create(ConflictEntity, { id: randomUUID(), source: this.source, siteId: input.siteId, identity: input.identity, ...values, status: 'open', resolution: null, detectedAt: now, resolvedAt: null, resolvedBy: null });
    await em.flush();
    return { conflict: row, isNew: true };
  }

  async setStatus(id: string, values: { status: ConflictStatus; resolution?: Resolution | null; resolvedBy?: string | null; otherContactId?: string }, now = new Date()): Promise<void> {
    await this.em().nativeUpdate(ConflictEntity, { id }, { ...values, resolvedAt: values.status === 'open' ? null : now });
  }

  /** Mark conflicts of a site whose entry the run did not see (or no longer conflicts) as gone. */
  async retire(siteId: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.em().nativeUpdate(ConflictEntity, { source: this.source, siteId, id: { $in: ids } }, { status: 'gone', resolvedAt: new Date() });
  }
}
