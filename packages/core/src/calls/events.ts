import type { CallDto } from './types.js';

/**
 * What to do with a ringing call a source lets Dialbook route (Placetel's Call Control):
 * - `forward`: ring `targets` one group after another, each group's numbers together for `ringtime` seconds;
 * - `reject`: refuse the call (`reason: 'busy'` signals busy);
 * - `null`: no decision; the source's own routing applies.
 */
export type CallRouteDecision =
  | { action: 'forward'; targets: { numbers: string[]; ringtime: number }[] }
  | { action: 'reject'; reason?: 'busy' }
  | null;

/** The ringing call a route decision is asked for, as the source reports it (before any record exists). */
export interface CallRouteRequest {
  /** The source's id of the call (Placetel's `call_id`). */
  externalId: string;
  direction: 'inbound' | 'outbound' | 'internal';
  /** The caller's number as sent (`anonymous` when withheld). */
  from: string | null;
  /** The number called. */
  to: string | null;
}

declare module '../hooks/types.js' {
  interface HookEvents {
    /** A call heard of for the first time (its first event, a back-filled row, a manual entry). */
    'call.recorded': { call: CallDto };
    /** A known call's state moved on (answered, ended, …) or a manual call was edited; `changes` names the fields. */
    'call.updated': { call: CallDto; changes: string[] };
    /**
     * A linking pass (`linking.ts`) put records of several sources into one conversation, or added
     * one to it: `ids` are all of its records, earliest first; `conversationId` is the first's id.
     */
    'call.linked': { siteId: string; conversationId: string; ids: string[] };
    /**
     * Calls deleted (a manual call removed, calls past retention purged): `conversationIds` are the
     * conversations they belonged to, whose other records are linked again (a new primary).
     */
    'call.deleted': { siteId: string; ids: string[]; conversationIds: string[] };
  }
  interface HookFilters {
    /**
     * A ringing call a source may route (Placetel's Call Control): `decision` comes in as the
     * source's fixed rule (the admin's targets, or null) and the filters may replace it (the
     * routing area's campaigns, once they land). The source answers the PBX with what comes out.
     */
    'call.route': { siteId: string; source: string; call: CallRouteRequest; decision: CallRouteDecision };
  }
}
