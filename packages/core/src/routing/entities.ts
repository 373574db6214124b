import { defineEntity, p } from '@mikro-orm/core';
import type { Caps, DuplicateAction, Hours, Strategy } from './model.js';

/** How a logged routed call ended: `converted` and `connected` talked (converted: long enough), the others did not. */
export type RoutedOutcome = 'converted' | 'connected' | 'no_answer' | 'busy' | 'failed' | 'canceled';

/** A client's SIP connection data without its password (kept encrypted in `sipPassword`). */
export interface SipConnection {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  username: string | null;
  codecs: string[];
  dialPrefix: string;
  numberFormat: 'e164' | 'national' | 'digits';
}

/** A call centre that buys calls: SIP data for the engine, caps and hours across its links. */
export const RoutingClientEntity = defineEntity({
  name: 'RoutingClient',
  tableName: 'routing_client',
  properties: {
    id: p.uuid().primary(),
    name: p.string().length(200),
    timeZone: p.string().length(64),
    enabled: p.boolean(),
    sip: p.json<SipConnection>(),
    /** The SIP password, encrypted with `DIALBOOK_SECRET_KEY` (`SecretBox`); null when none. Never returned. */
    sipPassword: p.text().nullable(),
    concurrencyCap: p.integer().nullable(),
    caps: p.json<Caps>(),
    hours: p.json<Hours>().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type RoutingClientRow = InstanceType<typeof RoutingClientEntity.class>;

/** A seller's campaign; `cursor` counts its decisions (round robin). */
export const RoutingCampaignEntity = defineEntity({
  name: 'RoutingCampaign',
  tableName: 'routing_campaign',
  indexes: [{ properties: ['ownerId'] }],
  properties: {
    id: p.uuid().primary(),
    ownerId: p.uuid(),
    name: p.string().length(200),
    enabled: p.boolean(),
    strategy: p.string().length(16).$type<Strategy>(),
    ringTimeoutSeconds: p.integer(),
    attempts: p.integer(),
    duplicateWindowHours: p.integer(),
    duplicateAction: p.string().length(16).$type<DuplicateAction>(),
    blockAnonymous: p.boolean(),
    cursor: p.bigint('number').default(0),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type RoutingCampaignRow = InstanceType<typeof RoutingCampaignEntity.class>;

/** A seller's phone number (E.164, unique system-wide), in at most one campaign. */
export const RoutingDidEntity = defineEntity({
  name: 'RoutingDid',
  tableName: 'routing_did',
  indexes: [{ properties: ['ownerId'] }, { properties: ['campaignId'] }],
  properties: {
    id: p.uuid().primary(),
    number: p.string().length(20).unique(),
    ownerId: p.uuid(),
    campaignId: p.uuid().nullable(),
    label: p.string().length(200).nullable(),
    createdAt: p.datetime(),
  },
});
export type RoutingDidRow = InstanceType<typeof RoutingDidEntity.class>;

/** A campaign ↔ client link with its rules (one per pair). */
export const RoutingLinkEntity = defineEntity({
  name: 'RoutingLink',
  tableName: 'routing_link',
  uniques: [{ name: 'routing_link_campaign_client_unique', properties: ['campaignId', 'clientId'] }],
  indexes: [{ properties: ['clientId'] }],
  properties: {
    id: p.uuid().primary(),
    campaignId: p.uuid(),
    clientId: p.uuid(),
    priority: p.integer(),
    weight: p.integer(),
    concurrencyCap: p.integer().nullable(),
    caps: p.json<Caps>(),
    hours: p.json<Hours>().nullable(),
    minTalkSeconds: p.integer(),
    enabled: p.boolean(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type RoutingLinkRow = InstanceType<typeof RoutingLinkEntity.class>;

/** A call the router decided on: its campaign and caller (duplicate window), and the client it reached. */
export const RoutingCallEntity = defineEntity({
  name: 'RoutingCall',
  tableName: 'routing_call',
  indexes: [{ name: 'routing_call_campaign_caller_index', properties: ['campaignId', 'caller', 'decidedAt'] }, { name: 'routing_call_decided_index', properties: ['decidedAt', 'callId'] }],
  properties: {
    callId: p.string().length(200).primary(),
    campaignId: p.uuid(),
    did: p.string().length(20),
    caller: p.string().length(64).nullable(),
    decidedAt: p.datetime(),
    /** The client last attempted, then the one that answered. */
    clientId: p.uuid().nullable(),
    linkId: p.uuid().nullable(),
    answeredAt: p.datetime().nullable(),
    endedAt: p.datetime().nullable(),
    status: p.string().length(16).nullable(),
    talkSeconds: p.integer().nullable(),
    /** Written when the call is logged (`call-log.ts`, migration 0018): the DID's id, how it ended, whether it converted, its call-log record. */
    didId: p.uuid().nullable(),
    outcome: p.string().length(16).$type<RoutedOutcome>().nullable(),
    converted: p.boolean().nullable(),
    callRecordId: p.uuid().nullable(),
  },
});

/** A live call's concurrency slot on a link (and its client), held until `ended` or the lease runs out. */
export const RoutingSlotEntity = defineEntity({
  name: 'RoutingSlot',
  tableName: 'routing_slot',
  indexes: [{ properties: ['linkId', 'leaseUntil'] }, { properties: ['clientId', 'leaseUntil'] }],
  properties: {
    callId: p.string().length(200).primary(),
    linkId: p.uuid().primary(),
    clientId: p.uuid(),
    answered: p.boolean(),
    /** When the lease runs out, in ms since the epoch (compared in SQL the same way on both databases). */
    leaseUntil: p.bigint('number'),
  },
});

/** Calls counted per link or client (`scope`), kind and period key (`periods.ts`). */
export const RoutingCounterEntity = defineEntity({
  name: 'RoutingCounter',
  tableName: 'routing_counter',
  properties: {
    scope: p.string().length(8).primary(),
    ownerId: p.uuid().primary(),
    kind: p.string().length(16).primary(),
    period: p.string().length(32).primary(),
    count: p.integer(),
  },
});

/** What was counted for a call on a link: each (call, link, kind) once, so totals are idempotent by call id. */
export const RoutingCountedEntity = defineEntity({
  name: 'RoutingCounted',
  tableName: 'routing_counted',
  properties: {
    callId: p.string().length(200).primary(),
    linkId: p.uuid().primary(),
    kind: p.string().length(16).primary(),
    /** When, in ms since the epoch. */
    at: p.bigint('number'),
  },
});

/** Every routing table. */
export const routingEntities = [RoutingClientEntity, RoutingCampaignEntity, RoutingDidEntity, RoutingLinkEntity, RoutingCallEntity, RoutingSlotEntity, RoutingCounterEntity, RoutingCountedEntity];
