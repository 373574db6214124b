import type { EndedStatus } from './engine.js';
import type { Decision, RejectReason, Target } from './model.js';

/** What happened to a routing client (`disabled`: an update that turned `enabled` off). */
export type ClientChange = 'created' | 'updated' | 'disabled' | 'deleted';

/** What a `routing.changed` event is about. */
export type RoutingChangeKind = 'client' | 'campaign' | 'did' | 'link';

/** The ringing call a decision is for, as the engine reported it. */
export interface RouteCall {
  callId: string;
  /** The dialled DID in E.164 (as written when it is not a number). */
  did: string;
  /** The caller's number (E.164 when it reads as one), null when withheld. */
  caller: string | null;
}

declare module '../hooks/types.js' {
  interface HookEvents {
    /** A routing decision was answered to an engine (`POST /routing/decide`); local to the instance that decided. */
    'route.decided': { call: RouteCall; decision: Decision };
    /**
     * A routing client was created, updated (SIP data, password rotation, …), disabled or deleted;
     * after the commit, local to the instance that changed it. A telephony plugin re-reads
     * `ctx.routing.trunks()` for it (the payload carries no SIP data).
     */
    'routing.client.changed': { clientId: string; change: ClientChange };
    /**
     * A client, campaign, DID or link was created, updated or deleted, after the commit (`id` null:
     * several at once, a DID list). Relayed to every instance (`CLUSTER_EVENTS`): each engine drops
     * its cache of what decisions read (`decision-cache.ts`).
     */
    'routing.changed': { kind: RoutingChangeKind; id: string | null };
    /**
     * A routed call ended (`POST /routing/calls/{id}/ended`, `ctx.routing.ended`), after its counts
     * were committed: how, its talk time and whether it converted. The call log listens (`call-log.ts`).
     */
    'route.call.ended': { callId: string; status: EndedStatus; talkSeconds: number; converted: boolean };
  }
  interface HookFilters {
    /**
     * The ordered targets of a decision before it is answered: filters may drop or reorder them
     * (a target not in the list that came in is ignored). None left: the call is rejected with
     * `reason` (`filtered` unless a filter sets another).
     */
    'route.candidates': { call: RouteCall; campaignId: string; targets: Target[]; reason?: RejectReason };
  }
}
