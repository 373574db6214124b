/**
 * Deterministic Teams callRecords for the Teams sync benchmark, built from the plugin tests'
 * fixture shapes (packages/plugin-teams/test/fixtures.ts: v1.0 callRecords with organizer_v2,
 * participants_v2, sessions and segments, as Graph documents them): the same count and seed give
 * the same records, so the Graph double (in its worker) and the baseline (in the main thread) see
 * identical data.
 *
 * The mix: PSTN inbound to a user, outbound to a phone, missed inbound, user-to-user, group calls,
 * meetings, bot calls and Direct Routing failures, over `users` tenant users and 20,000 phones.
 */
import type { GraphCallRecord, GraphParticipant } from '../../packages/plugin-teams/src/graph-types.js';
import * as f from '../../packages/plugin-teams/test/fixtures.js';
import { createRandom } from './data.js';

export interface TeamsRecordsOptions {
  count: number;
  /** Start of the window the calls start in (ms). */
  start: number;
  /** Length of the window (ms). */
  spanMs: number;
  /** Tenant users the calls are spread over. */
  users: number;
  seed?: number;
}

/** The k-th tenant user, as Graph names it (UPN = the e-mail address of a Dialbook user). */
export const tenantUser = (k: number): typeof f.ABBIE => ({ id: `0000${k.toString(16).padStart(4, '0')}-0000-4000-8000-00000000beef`, displayName: `Bench User ${k}`, tenantId: f.TENANT, userPrincipalName: `user${k}@contoso.com` });

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const idOf = (i: number) => `b${(i >>> 0).toString(16).padStart(7, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** All records, ordered by nothing in particular (Graph lists by its own order). */
export function teamsRecords(o: TeamsRecordsOptions): GraphCallRecord[] {
  const rnd = createRandom(o.seed ?? 0x7ea55);
  const phones = Array.from({ length: 20_000 }, () => `+49${rnd.pick(['30', '40', '89', '221', '151', '170'])}${rnd.digits(7)}`);
  const user = () => f.user(tenantUser(rnd.int(0, o.users - 1)));
  const phone = () => f.phone(rnd.pick(phones));
  const out: GraphCallRecord[] = [];
  for (let i = 0; i < o.count; i++) {
    const t0 = o.start + Math.floor(rnd.next() * o.spanMs);
    const talk = 5_000 + rnd.int(0, 900) * 1000;
    const kind = rnd.int(0, 99);
    const id = idOf(i);
    let r: GraphCallRecord;
    if (kind < 40 || kind >= 98) {
      // PSTN inbound, answered (the docs' list example); the last 2 %: the caller masked.
      const caller = kind >= 98 ? f.phone(`+4930${rnd.digits(4)}***`) : phone();
      const callee = user();
      r = f.callRecord(id, { start: iso(t0), end: iso(t0 + talk), organizer: caller, participants: [caller, callee], sessions: [f.session(caller, callee, iso(t0 + 2000), iso(t0 + talk))] });
    } else if (kind < 70) {
      const caller = user();
      const callee = phone();
      r = f.callRecord(id, { start: iso(t0), end: iso(t0 + talk), organizer: caller, participants: [caller, callee], sessions: [f.session(caller, callee, iso(t0 + 3000), iso(t0 + talk))] });
    } else if (kind < 80) {
      const caller = phone();
      const callee = user();
      r = f.callRecord(id, { start: iso(t0), end: iso(t0 + 25_000), organizer: caller, participants: [caller, callee], sessions: [f.session(caller, callee, iso(t0), iso(t0 + 25_000), { connected: false })] });
    } else if (kind < 88) {
      const a = user();
      const b = user();
      r = f.callRecord(id, { start: iso(t0), end: iso(t0 + talk), organizer: a, participants: [a, b], sessions: [f.session(a, b, iso(t0 + 1000), iso(t0 + talk))] });
    } else if (kind < 96) {
      // Group calls, every second one a meeting (joinWebUrl).
      const members: GraphParticipant[] = Array.from({ length: rnd.int(3, 6) }, user);
      const sessions = members.slice(1).map((m) => f.session(members[0]!, m, iso(t0 + 1000), iso(t0 + talk)));
      r = f.callRecord(id, { type: 'groupCall', start: iso(t0), end: iso(t0 + talk), organizer: members[0]!, participants: members, sessions, ...(kind % 2 ? { joinWebUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${id}%40thread.v2/0` } : {}) });
    } else if (kind < 97) {
      const bot = f.app('7b1f0a2e-0000-0000-0000-5d8c3e2a1f00', 'Reminder bot');
      const callee = user();
      r = f.callRecord(id, { start: iso(t0), end: iso(t0 + 40_000), organizer: bot, participants: [bot, callee], sessions: [f.session(bot, callee, iso(t0 + 1000), iso(t0 + 40_000))] });
    } else {
      const caller = user();
      const callee = phone();
      r = f.callRecord(id, { start: iso(t0), end: iso(t0 + 3000), organizer: caller, participants: [caller, callee], sessions: [f.session(caller, callee, iso(t0), iso(t0 + 3000), { connected: false, failure: { stage: 'callSetup', reason: 'Trunk not responding (SIP 408)' } })] });
    }
    out.push(r);
  }
  return out;
}
