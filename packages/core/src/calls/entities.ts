import { defineEntity, p } from '@mikro-orm/core';
import { SiteEntity } from '../sites/entities.js';
import type { CallDirection, CallStatus } from './types.js';
import type { MergeState } from './merge.js';

/**
 * One call of the unified call log, whichever system carried it: unique per site, source and
 * the source's id of the call, so that every event of a call merges into one row (see `merge.ts`).
 */
export const CallRecordEntity = defineEntity({
  name: 'CallRecord',
  tableName: 'call_record',
  uniques: [{ name: 'call_record_site_source_external_unique', properties: ['site', 'source', 'externalId'] }],
  indexes: [
    { name: 'call_record_site_started_index', properties: ['site', 'startedAt', 'id'] },
    { name: 'call_record_contact_started_index', properties: ['contactId', 'startedAt'] },
    { name: 'call_record_site_contact_index', properties: ['site', 'contactId'] },
    { properties: ['remoteE164'] },
    { properties: ['remoteDigits'] },
    { name: 'call_record_site_e164_started_index', properties: ['site', 'remoteE164', 'startedAt'] },
    { name: 'call_record_conversation_index', properties: ['conversationId'] },
  ],
  properties: {
    id: p.uuid().primary(),
    site: () => p.manyToOne(SiteEntity).deleteRule('cascade'),
    /** A registered call source's id, or `manual`. */
    source: p.string().length(64),
    externalId: p.string().length(512),
    direction: p.string().length(16).$type<CallDirection>(),
    status: p.string().length(16).$type<CallStatus>(),
    startedAt: p.datetime(),
    answeredAt: p.datetime().nullable(),
    endedAt: p.datetime().nullable(),
    durationSeconds: p.integer().nullable(),
    localNumber: p.string().length(64).nullable(),
    localExtension: p.string().length(64).nullable(),
    /** The source's id of the local user (SIP peer, Teams user id). */
    localUserId: p.string().length(200).nullable(),
    /** As the source wrote it. */
    remoteNumber: p.string().length(64).nullable(),
    /** Read with the site's country; null for an extension or `anonymous`. */
    remoteE164: p.string().length(20).nullable(),
    /** The digits as dialled (a leading `+` kept): matches numbers without an E.164 form. */
    remoteDigits: p.string().length(64).nullable(),
    remoteName: p.string().length(200).nullable(),
    /** The Dialbook user the call belongs to, where known. */
    userId: p.uuid().nullable(),
    /** The contact the remote number resolved to (by the contacts' number lookup), null until then. */
    contactId: p.uuid().nullable(),
    rawPayload: p.json<unknown>().nullable(),
    /** What the merge of the call's events keeps beside the columns (see `merge.ts`). */
    mergeState: p.json<MergeState>(),
    /** A recording or voicemail of the call (`recording`, `voicemail`), null when none. */
    recordingKind: p.string().length(16).$type<'recording' | 'voicemail'>().nullable(),
    /** The source's opaque reference of it (a signed vendor URL, say): handed to the source's `fetchRecording`, never shown. */
    recordingRef: p.text().nullable(),
    /** The conversation this record is linked into with records of other sources (`linking.ts`): the id of its earliest record; null when unlinked. */
    conversationId: p.uuid().nullable(),
    /** The record lists and stats show for its conversation (true for exactly one of each; true for an unlinked record). */
    linkPrimary: p.boolean().default(true),
    /** Folded remote name and number digits: what `q` matches besides the contact's name. */
    searchText: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
    version: p.integer().default(1),
  },
});
export type CallRecord = InstanceType<typeof CallRecordEntity.class>;

/** A pair of records an admin unlinked (`DELETE /calls/{id}/links`): never linked again automatically. `a` sorts before `b`. */
export const CallLinkExclusionEntity = defineEntity({
  name: 'CallLinkExclusion',
  tableName: 'call_link_exclusion',
  properties: {
    a: p.uuid().primary(),
    b: p.uuid().primary(),
    siteId: p.uuid(),
    createdAt: p.datetime(),
    /** `type:id` of who unlinked them. */
    createdBy: p.string().length(200),
  },
});
