/**
 * Call records shaped as Graph documents them (calls.md §1.3 and §1.4, from
 * microsoft-graph-docs-contrib `callrecords-callrecord-get.md`, `callrecords-participantendpoint`,
 * `callrecords-directroutinglogrow`): v1.0 callRecords with `organizer_v2`, `participants_v2`,
 * sessions and segments, and Direct Routing rows. Ids and names follow the docs' examples.
 */
import type { DirectRoutingLogRow, GraphCallRecord, GraphParticipant, GraphSession } from '../src/graph-types.js';

export const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
export const ABBIE = { id: '821809f5-0000-0000-0000-3b5136c0e777', displayName: 'Abbie Wilkins', tenantId: TENANT, userPrincipalName: 'abbie.wilkins@contoso.com' };
export const OWEN = { id: 'dc368399-0000-0000-0000-6265431fd81f', displayName: 'Owen Franklin', tenantId: TENANT, userPrincipalName: 'owen.franklin@contoso.com' };
export const KAI = { id: 'f5b8c7a1-0000-0000-0000-9d3e2a1b0c4d', displayName: 'Kai Carter', tenantId: TENANT, userPrincipalName: 'kai.carter@contoso.com' };

export const user = (u: typeof ABBIE): GraphParticipant => ({ id: u.id, identity: { user: u } });
export const phone = (n: string): GraphParticipant => ({ id: n, identity: { user: null, acsUser: null, spoolUser: null, phone: { id: n, displayName: null, tenantId: null } } });
export const app = (id: string, displayName: string): GraphParticipant => ({ id, identity: { applicationInstance: { id, displayName, tenantId: TENANT } } });

const endpoint = (p: GraphParticipant) => ({ '@odata.type': '#microsoft.graph.callRecords.participantEndpoint', name: 'machineName_2', associatedIdentity: p.identity?.user ?? null, identity: p.identity ?? null });
const media = [{ label: 'main-audio', streams: [{ streamId: '1504545584', streamDirection: 'callerToCallee', averageJitter: 'PT0.016S' }] }];

/** A session between two parties; `connected: false` leaves the segment without media (nobody picked up). */
export function session(caller: GraphParticipant, callee: GraphParticipant, start: string, end: string, o: { connected?: boolean; failure?: { stage: string; reason: string } } = {}): GraphSession {
  return {
    id: `s-${start}`,
    modalities: ['audio'],
    startDateTime: start,
    endDateTime: end,
    isTest: false,
    ...(o.failure ? { failureInfo: o.failure } : {}),
    caller: endpoint(caller),
    callee: endpoint(callee),
    segments: [{ id: `seg-${start}`, startDateTime: start, endDateTime: end, caller: endpoint(caller), callee: endpoint(callee), media: o.connected === false ? [] : media }],
  };
}

export function callRecord(id: string, o: { type?: string; start: string; end: string; organizer: GraphParticipant; participants: GraphParticipant[]; sessions: GraphSession[]; joinWebUrl?: string; version?: number; lastModified?: string }): GraphCallRecord {
  return {
    id,
    version: o.version ?? 1,
    type: o.type ?? 'peerToPeer',
    modalities: ['audio'],
    lastModifiedDateTime: o.lastModified ?? o.end,
    startDateTime: o.start,
    endDateTime: o.end,
    joinWebUrl: o.joinWebUrl ?? null,
    organizer_v2: o.organizer,
    participants_v2: o.participants,
    sessions: o.sessions,
  };
}

/** The documented list example: a PSTN call from +5564981205182 to Abbie, answered. */
export const pstnInbound = () =>
  callRecord('3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65', {
    start: '2023-09-25T09:28:38Z',
    end: '2023-09-25T09:28:41Z',
    organizer: phone('+5564981205182'),
    participants: [phone('+5564981205182'), user(ABBIE)],
    sessions: [session(phone('+5564981205182'), user(ABBIE), '2023-09-25T09:28:39Z', '2023-09-25T09:28:41Z')],
  });

export const outbound = () =>
  callRecord('e523d2ed-2966-4b6b-925b-754a88034cc5', {
    start: '2023-09-25T10:00:00Z',
    end: '2023-09-25T10:02:30Z',
    organizer: user(ABBIE),
    participants: [user(ABBIE), phone('+4922129191999')],
    sessions: [session(user(ABBIE), phone('+4922129191999'), '2023-09-25T10:00:05Z', '2023-09-25T10:02:30Z')],
  });

export const missed = () =>
  callRecord('a1b2c3d4-0000-4000-8000-000000000001', {
    start: '2023-09-25T11:00:00Z',
    end: '2023-09-25T11:00:25Z',
    organizer: phone('+4915112345678'),
    participants: [phone('+4915112345678'), user(OWEN)],
    sessions: [session(phone('+4915112345678'), user(OWEN), '2023-09-25T11:00:00Z', '2023-09-25T11:00:25Z', { connected: false })],
  });

export const groupCall = () =>
  callRecord('a1b2c3d4-0000-4000-8000-000000000002', {
    type: 'groupCall',
    start: '2023-09-25T12:00:00Z',
    end: '2023-09-25T12:30:00Z',
    organizer: user(OWEN),
    participants: [user(OWEN), user(ABBIE), user(KAI)],
    sessions: [session(user(OWEN), user(ABBIE), '2023-09-25T12:00:00Z', '2023-09-25T12:30:00Z'), session(user(KAI), user(OWEN), '2023-09-25T12:01:00Z', '2023-09-25T12:29:00Z')],
  });

export const meeting = () =>
  callRecord('a1b2c3d4-0000-4000-8000-000000000003', {
    type: 'groupCall',
    start: '2023-09-25T13:00:00Z',
    end: '2023-09-25T13:45:00Z',
    joinWebUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_MGQ4MDQyNTEtNTYwYy00NjBkLWE4M2QtYjQ4NjYxNzM1ODNl%40thread.v2/0',
    organizer: user(KAI),
    participants: [user(KAI), user(ABBIE)],
    sessions: [session(user(KAI), user(ABBIE), '2023-09-25T13:00:00Z', '2023-09-25T13:45:00Z')],
  });

/** An outbound call over Direct Routing the SBC refused: a failed session without media. */
export const directRoutingFailure = () =>
  callRecord('c98e1515-a937-4b81-b8a8-3992afde64e0', {
    start: '2023-09-25T14:00:00Z',
    end: '2023-09-25T14:00:03Z',
    organizer: user(OWEN),
    participants: [user(OWEN), phone('+12345678901')],
    sessions: [session(user(OWEN), phone('+12345678901'), '2023-09-25T14:00:00Z', '2023-09-25T14:00:03Z', { connected: false, failure: { stage: 'callSetup', reason: 'Trunk not responding (SIP 408)' } })],
  });

/** An inbound call whose caller Graph reports masked. */
export const maskedInbound = () =>
  callRecord('a1b2c3d4-0000-4000-8000-000000000004', {
    start: '2023-09-25T15:00:00Z',
    end: '2023-09-25T15:01:00Z',
    organizer: phone('+12345678***'),
    participants: [phone('+12345678***'), user(ABBIE)],
    sessions: [session(phone('+12345678***'), user(ABBIE), '2023-09-25T15:00:02Z', '2023-09-25T15:01:00Z')],
  });

/** A bot (an application instance: an auto attendant) calling Kai. */
export const botCall = () =>
  callRecord('a1b2c3d4-0000-4000-8000-000000000005', {
    start: '2023-09-25T16:00:00Z',
    end: '2023-09-25T16:00:40Z',
    organizer: app('7b1f0a2e-0000-0000-0000-5d8c3e2a1f00', 'Reminder bot'),
    participants: [app('7b1f0a2e-0000-0000-0000-5d8c3e2a1f00', 'Reminder bot'), user(KAI)],
    sessions: [session(app('7b1f0a2e-0000-0000-0000-5d8c3e2a1f00', 'Reminder bot'), user(KAI), '2023-09-25T16:00:01Z', '2023-09-25T16:00:40Z')],
  });

/** The docs' directRoutingLogRow, failed, with masked numbers. */
export const directRoutingRow = (): DirectRoutingLogRow => ({
  id: '9e8bba57-dc14-533a-a7dd-f0da6575eed1',
  correlationId: 'c98e1515-a937-4b81-b8a8-3992afde64e0',
  userId: OWEN.id,
  userPrincipalName: OWEN.userPrincipalName,
  userDisplayName: OWEN.displayName,
  startDateTime: '2019-11-01T00:00:25.105Z',
  inviteDateTime: '2019-11-01T00:00:21.949Z',
  failureDateTime: '2019-11-01T00:00:24.105Z',
  endDateTime: '2019-11-01T00:00:25.105Z',
  duration: 0,
  callType: 'ByotOut',
  successfulCall: false,
  callerNumber: '+12345678***',
  calleeNumber: '+01234567***',
  finalSipCode: 408,
  finalSipCodePhrase: 'Request Timeout',
  callEndSubReason: 560408,
  trunkFullyQualifiedDomainName: 'tll-audiocodes01.adatum.biz',
});
