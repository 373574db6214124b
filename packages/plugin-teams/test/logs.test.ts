/**
 * The PSTN and Direct Routing logs (`readPstn`): `getDirectRoutingCalls` rows merge into their
 * Teams call by `correlationId`, `getPstnCalls` rows are their own records, pages followed by
 * `@odata.nextLink` (written with other parameter names, as in the docs), masked numbers kept as
 * written, and the narrow permission's absence reported in words. The logs are read once per sync
 * window, after all of its callRecords (the double counts the calls of each function).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGraphDouble, type GraphDouble } from './double.js';
import * as f from './fixtures.js';
import { configure, credentials, json, startCore, teamsCalls, type Core } from './helpers.js';

let core: Core;
let double: GraphDouble;
// Three hour slices of callRecords: the Direct Routing failure in the second, the masked call in the third.
const window = { start: '2023-09-25T13:00:00Z', end: '2023-09-25T16:00:00Z' };

beforeAll(async () => {
  double = await startGraphDouble({ tenant: f.TENANT });
  double.records.set(f.directRoutingFailure().id, f.directRoutingFailure());
  double.records.set(f.maskedInbound().id, f.maskedInbound());
  double.directRoutingRows = [
    // The row of the failed Teams call above (correlationId = callRecord id).
    { ...f.directRoutingRow(), inviteDateTime: '2023-09-25T13:59:58Z', startDateTime: '2023-09-25T14:00:00Z', failureDateTime: '2023-09-25T14:00:03Z', endDateTime: '2023-09-25T14:00:03Z' },
    // A successful inbound call with masked numbers whose callRecord is not (yet) known.
    { ...f.directRoutingRow(), id: 'dr-2', correlationId: 'b0000000-0000-4000-8000-000000000001', callType: 'ByotIn', successfulCall: true, inviteDateTime: '2023-09-25T14:10:00Z', startDateTime: '2023-09-25T14:10:02Z', failureDateTime: '0001-01-01T00:00:00Z', endDateTime: '2023-09-25T14:12:02Z', duration: 120, callerNumber: '+12345678***', calleeNumber: '+01234567***', finalSipCode: 0, finalSipCodePhrase: 'BYE' },
  ];
  double.pstnRows = [0, 1, 2].map((i) => ({ id: `pstn-${i}`, callId: `1835317186_11256268${i}@61.221.3.176`, userId: f.ABBIE.id, userPrincipalName: f.ABBIE.userPrincipalName, startDateTime: `2023-09-25T14:2${i}:00Z`, endDateTime: `2023-09-25T14:2${i}:30Z`, duration: 30, callType: 'user_out', callerNumber: '+4922129191999', calleeNumber: `+4930123456${i}` }));
  double.logPageSize = 2;
  core = await startCore(double, { hooks: { sleep: async () => undefined } });
  await configure(core, { ...credentials(double), readPstn: true });
});
afterAll(async () => {
  await core?.close();
  await double?.close();
});

describe('PSTN and Direct Routing logs', () => {
  test('Direct Routing rows merge into their call; PSTN rows paged and kept as their own; masked numbers as written', async () => {
    const r = await json<{ created: number; directRoutingRows: number; pstnRows: number; failed: number; errors: string[] }>(core, '/api/v1/plugins/teams/sync', { method: 'POST', json: { siteId: core.site.id, ...window, wait: true } });
    expect(r).toMatchObject({ directRoutingRows: 2, pstnRows: 3, failed: 0, errors: [] });
    expect(double.requests.some((q) => q.includes('getPstnCalls(from=') && q.includes('$skip=2'))).toBe(true);
    // One call of each function for the three-hour window (pages of 2: PSTN's 3 rows take two), each after every callRecord.
    expect(double.logCalls).toEqual({ getPstnCalls: 1, getDirectRoutingCalls: 1 });
    expect(double.logPages).toEqual({ getPstnCalls: 2, getDirectRoutingCalls: 1 });
    expect(double.requests.find((q) => q.includes('getPstnCalls('))).toContain('getPstnCalls(fromDateTime=2023-09-25T13:00:00Z,toDateTime=2023-09-25T16:00:00Z)');
    const lastRecordRead = double.requests.findLastIndex((q) => /\/communications\/callRecords(\?|\/(?!get))/.test(q));
    const firstLogRead = double.requests.findIndex((q) => /callRecords\/get(Pstn|DirectRouting)Calls/.test(q));
    expect(lastRecordRead).toBeGreaterThan(0);
    expect(firstLogRead).toBeGreaterThan(lastRecordRead);
    const calls = await teamsCalls(core);
    expect(calls.map((c) => c.externalId).sort()).toEqual([f.directRoutingFailure().id, f.maskedInbound().id, 'b0000000-0000-4000-8000-000000000001', 'pstn:pstn-0', 'pstn:pstn-1', 'pstn:pstn-2'].sort());
    // The join, read two slices after its callRecord: one call, the Teams call's user, and the row's earlier invite as its start.
    const joined = calls.find((c) => c.externalId === f.directRoutingFailure().id)!;
    expect(joined).toMatchObject({ status: 'failed', direction: 'outbound', local: { userId: f.OWEN.id } });
    expect(joined.startedAt).toBe('2023-09-25T13:59:58.000Z');
    const masked = calls.find((c) => c.externalId === 'b0000000-0000-4000-8000-000000000001')!;
    expect(masked).toMatchObject({ direction: 'inbound', status: 'answered', durationSeconds: 120 });
    expect(masked.remote.number).toBe('+12345678***');
    expect(masked.remote.e164 ?? null).not.toBe('+12345678');
    expect(calls.find((c) => c.externalId === 'pstn:pstn-1')).toMatchObject({ direction: 'outbound', status: 'answered', remote: { number: '+49301234561' } });
  });

  test('the same window again duplicates nothing', async () => {
    const r = await json<{ created: number }>(core, '/api/v1/plugins/teams/sync', { method: 'POST', json: { siteId: core.site.id, ...window, wait: true } });
    expect(r.created).toBe(0);
    expect(await teamsCalls(core)).toHaveLength(6);
  });

  test('without CallRecord-PstnCalls.Read.All: 502 in words', async () => {
    double.logConsentMissing = true;
    const p = await json<Record<string, unknown>>(core, '/api/v1/plugins/teams/sync', { method: 'POST', json: { siteId: core.site.id, ...window, wait: true } }, 502);
    expect(p.code).toBe('DIALBOOK_TEAMS_CONSENT');
    expect(JSON.stringify(p)).toContain('the app registration lacks CallRecord-PstnCalls.Read.All — grant admin consent in Entra ID');
    double.logConsentMissing = false;
  });
});
