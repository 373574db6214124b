/**
 * The scheduled sync with `readPstn` against the Graph double: the logs are read once per window,
 * after its callRecords, paced below the functions' limits (calls.md §6: 50 requests per 60 s per
 * function, 200 per 60 s for both); the cursor moves only once the logs are read too, so a sync
 * whose log read fails leaves it where it was and the next sync reads those calls' rows.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGraphDouble, type GraphDouble } from './double.js';
import * as f from './fixtures.js';
import { configure, credentials, json, startCore, teamsCalls, type Core } from './helpers.js';

let core: Core;
let double: GraphDouble;
/** The plugin's clock; only its waits (pacing, Retry-After) move it. */
let clock = Date.parse('2023-09-25T18:00:00Z');

const health = async () => (await (await core.request('/api/v1/plugins')).text()).match(/read up to [^,"\\]+|not synced yet/)?.[0];
const scheduled = () => json<{ ok: boolean; message: string }>(core, '/api/v1/actions/teams.sync', { method: 'POST', json: { siteId: core.site.id } });

beforeAll(async () => {
  double = await startGraphDouble({ tenant: f.TENANT });
  double.records.set(f.directRoutingFailure().id, f.directRoutingFailure());
  double.records.set(f.maskedInbound().id, f.maskedInbound());
  double.directRoutingRows = [{ ...f.directRoutingRow(), inviteDateTime: '2023-09-25T13:59:58Z', startDateTime: '2023-09-25T14:00:00Z', failureDateTime: '2023-09-25T14:00:03Z', endDateTime: '2023-09-25T14:00:03Z' }];
  double.pstnRows = [0, 1, 2].map((i) => ({ id: `pstn-${i}`, callId: `c-${i}`, userId: f.ABBIE.id, userPrincipalName: f.ABBIE.userPrincipalName, startDateTime: `2023-09-25T14:2${i}:00Z`, endDateTime: `2023-09-25T14:2${i}:30Z`, duration: 30, callType: 'user_in', callerNumber: '+49301234567***', calleeNumber: '+4922129191999' }));
  double.logPageSize = 2;
  double.clock = () => clock;
  core = await startCore(double, { hooks: { now: () => clock, sleep: async (ms) => void (clock += ms) } });
  await configure(core, { ...credentials(double), readPstn: true, firstSyncDays: 1 });
});
afterAll(async () => {
  await core?.close();
  await double?.close();
});

describe('scheduled sync with the PSTN and Direct Routing logs', () => {
  test('a failed log read leaves the cursor where it was, though the callRecords were read', async () => {
    double.logConsentMissing = true;
    const failed = await scheduled();
    expect(failed.ok).toBe(false);
    expect(failed.message).toContain('CallRecord-PstnCalls.Read.All');
    // The 24 hour slices of callRecords were read and stored…
    expect((await teamsCalls(core)).map((c) => c.externalId).sort()).toEqual([f.directRoutingFailure().id, f.maskedInbound().id].sort());
    // …but the cursor did not pass them: their log rows are still unread.
    expect(await health()).toBe('not synced yet');
    expect(double.logCalls.getDirectRoutingCalls).toBe(1);
  });

  test('the next sync reads the logs once, paced, then moves the cursor to the end of its window', async () => {
    double.logConsentMissing = false;
    double.logCalls.getDirectRoutingCalls = 0;
    double.logCalls.getPstnCalls = 0;
    double.logPages.getDirectRoutingCalls = 0;
    double.logPages.getPstnCalls = 0;
    double.logRequestTimes.length = 0;
    const end = new Date(clock).toISOString();
    const ok = await scheduled();
    expect(ok).toMatchObject({ ok: true });
    expect(double.logCalls).toEqual({ getPstnCalls: 1, getDirectRoutingCalls: 1 });
    expect(double.logPages).toEqual({ getPstnCalls: 2, getDirectRoutingCalls: 1 });
    // Paced by the plugin's clock: the pages of one function 1.2 s apart (50 per 60 s), any two log requests 0.3 s (200 per 60 s).
    const times = double.logRequestTimes;
    expect(times.map((t) => t.fn)).toEqual(['getDirectRoutingCalls', 'getPstnCalls', 'getPstnCalls']);
    expect(times[2]!.at - times[1]!.at).toBeGreaterThanOrEqual(1200);
    expect(times[1]!.at - times[0]!.at).toBeGreaterThanOrEqual(300);
    expect((await health())?.split('; ')[0]).toBe(`read up to ${end}`); // then the notifications' state
    const calls = await teamsCalls(core);
    expect(calls.map((c) => c.externalId).sort()).toEqual([f.directRoutingFailure().id, f.maskedInbound().id, 'pstn:pstn-0', 'pstn:pstn-1', 'pstn:pstn-2'].sort());
    expect(calls.find((c) => c.externalId === f.directRoutingFailure().id)).toMatchObject({ status: 'failed', startedAt: '2023-09-25T13:59:58.000Z' });
    // Masked numbers kept as written.
    expect(calls.find((c) => c.externalId === 'pstn:pstn-1')!.remote.number).toBe('+49301234567***');
  });
});
