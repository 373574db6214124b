/**
 * The sync against the local doubles of Entra ID's token endpoint and Graph (test/double.ts), with
 * MSAL for real (recipe A: knownAuthorities + authorityMetadata): paging with nextLink in both
 * spellings, expansions paged, a window synced twice, 429/503 with and without Retry-After, a
 * token expiring mid-sync, consent missing, a wrong secret, the unconfigured 409, and the
 * scheduled sync's cursor with its overlap picking up late and updated records.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from '@dialbook/core/testing';
import type { GraphCallRecord } from '../src/graph-types.js';
import { startGraphDouble, type GraphDouble } from './double.js';
import * as f from './fixtures.js';
import { configure, credentials, json, startCore, teamsCalls, type Core } from './helpers.js';

const waits: number[] = [];
const logLines: string[] = [];
let clock = Date.parse('2026-11-20T12:00:00Z');
let core: Core;
let double: GraphDouble;
let abbie: { id: string };

type Report = { created: number; updated: number; unchanged: number; failed: number; records: number; skipped: number };
const sync = (start: string, end: string, status = 200) => json<Report>(core, '/api/v1/plugins/teams/sync', { method: 'POST', json: { siteId: core.site.id, start, end, wait: true } }, status);
const at = (minute: number) => new Date(Date.parse('2026-11-20T08:00:00Z') + minute * 60_000).toISOString().replace('.000', '');

/** A PSTN inbound call to Abbie starting `minute` after 08:00. */
const inboundAt = (i: number, minute: number): GraphCallRecord => {
  const r = f.pstnInbound();
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return { ...r, id, startDateTime: at(minute), endDateTime: at(minute + 1), sessions: [f.session(f.phone('+4917012345678'), f.user(f.ABBIE), at(minute), at(minute + 1))], organizer_v2: f.phone('+4917012345678'), participants_v2: [f.phone('+4917012345678'), f.user(f.ABBIE)] };
};

beforeAll(async () => {
  double = await startGraphDouble({ tenant: f.TENANT });
  // 130 calls between 08:00 and 10:10: three pages of 60 (the second under "@odata.NextLink").
  for (let i = 0; i < 130; i++) double.records.set(inboundAt(i, i).id, inboundAt(i, i));
  // Every log line at debug and above, to prove no secret is ever written to the log.
  core = await startCore(double, { hooks: { now: () => clock, sleep: async (ms) => void (waits.push(ms), (clock += ms)) }, logger: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }) });
  abbie = (await core.createUser({ role: 'user', email: 'abbie.wilkins@contoso.com', siteIds: [core.site.id] })).user;
});
afterAll(async () => {
  await core?.close();
  await double?.close();
});

describe('not configured', () => {
  test('409 in words, naming the setting, and the test button says the same', async () => {
    const p = await json<{ code: string; field: string; detail?: string; title?: string; message?: string }>(core, '/api/v1/plugins/teams/sync', { method: 'POST', json: { siteId: core.site.id, start: at(0), end: at(60) } }, 409);
    expect(p).toMatchObject({ code: 'DIALBOOK_TEAMS_NOT_CONFIGURED', field: 'tenantId' });
    expect(JSON.stringify(p)).toContain('Teams is not configured for this site: set tenant, client id and secret in Settings → Teams');
    expect(await json(core, '/api/v1/plugins/teams/test', { method: 'POST', json: { siteId: core.site.id } })).toMatchObject({ ok: false, code: 'DIALBOOK_TEAMS_NOT_CONFIGURED' });
    expect(double.tokenRequests).toHaveLength(0);
    expect(await teamsCalls(core)).toHaveLength(0);
  });

  test('bad input is refused by field and changes nothing', async () => {
    await json(core, '/api/v1/plugins/teams/sync', { method: 'POST', json: { siteId: core.site.id, start: 'yesterday', end: at(60) } }, 422);
    await json(core, `/api/v1/settings/teams?siteId=${core.site.id}`, { method: 'PATCH', json: { tenantId: 'not a tenant', cloud: 'mars' } }, 422);
  });
});

describe('sign-in (MSAL against the local token endpoint)', () => {
  test('a wrong secret: the test button says so in words; the secret is never in the answer', async () => {
    await configure(core, { ...credentials(double), clientSecret: 'wrong-secret-value-123' });
    const text = await (await core.request('/api/v1/plugins/teams/test', { method: 'POST', json: { siteId: core.site.id } })).text();
    expect(JSON.parse(text)).toMatchObject({ ok: false, code: 'DIALBOOK_TEAMS_AUTH', field: 'clientSecret', message: expect.stringContaining('Entra ID refused the client secret') });
    expect(text).not.toContain('wrong-secret-value');
    expect(double.tokenRequests.at(-1)).toMatchObject({ grant_type: 'client_credentials', client_id: double.clientId, scope: 'https://graph.microsoft.com/.default' });
  });

  test('the right secret: a token, then one page of call records', async () => {
    await configure(core, credentials(double));
    clock = Date.parse('2026-11-20T12:00:00Z');
    const r = await json<{ ok: boolean; message: string; records: number }>(core, '/api/v1/plugins/teams/test', { method: 'POST', json: { siteId: core.site.id } });
    expect(r).toMatchObject({ ok: true, records: 60 });
    expect(r.message).toContain(`signed in to tenant ${f.TENANT}`);
    // MSAL's own request: client-request-id in the query, the form as documented.
    expect(double.tokenQueries.at(-1)).toContain('client-request-id=');
  });
});

describe('sync of a window', () => {
  test('hour slices of up to 60 records, each record expanded; one token serves the sync', async () => {
    double.requests.length = 0;
    const tokensBefore = double.tokenRequests.length;
    const r = await sync(at(0), at(180));
    expect(r).toMatchObject({ records: 130, created: 130, failed: 0, skipped: 0 });
    const lists = double.requests.filter((q) => /callRecords\?(\$filter|\$skiptoken)/.test(q));
    expect(lists).toHaveLength(3); // slices of an hour: 08–09 (60: one page), 09–10 (60), 10–11 (10)
    expect(double.requests.filter((q) => q.includes('$expand=sessions($expand=segments)'))).toHaveLength(130);
    expect(double.requests.filter((q) => q.includes('$expand=participants_v2'))).toHaveLength(130);
    expect(double.tokenRequests.length - tokensBefore).toBeLessThanOrEqual(1);
    const calls = await teamsCalls(core);
    expect(calls).toHaveLength(130);
    expect(calls.find((c) => c.externalId === inboundAt(5, 5).id)).toMatchObject({ direction: 'inbound', status: 'answered', durationSeconds: 60, userId: abbie.id, remote: { number: '+4917012345678' } });
  });

  test('the same window again: nothing new, nothing duplicated', async () => {
    expect(await sync(at(0), at(180))).toMatchObject({ records: 130, created: 0, updated: 0, unchanged: 130 });
    const calls = await teamsCalls(core);
    expect(new Set(calls.map((c) => c.externalId)).size).toBe(130);
    expect(calls).toHaveLength(130);
  });

  test('pages of 60 inside one slice follow @odata.nextLink and @odata.NextLink', async () => {
    double.pageSize = 25;
    double.requests.length = 0;
    expect(await sync(at(0), at(60))).toMatchObject({ records: 60, unchanged: 60 });
    const pages = double.requests.filter((q) => /callRecords\?/.test(q));
    expect(pages).toHaveLength(3);
    expect(pages[1]).toContain('$skiptoken=25');
    expect(pages[2]).toContain('$skiptoken=50');
    double.pageSize = 60;
  });

  test('sessions and participants paged inside the expansion are all read; the users map to Dialbook users by UPN', async () => {
    const g = { ...f.groupCall(), startDateTime: at(200), endDateTime: at(230) };
    double.records.set(g.id, g);
    double.sessionsPageSize = 1;
    double.requests.length = 0;
    const o = { ...f.outbound(), startDateTime: at(201), endDateTime: at(203) };
    double.records.set(o.id, o);
    expect(await sync(at(200), at(240))).toMatchObject({ records: 2, created: 2, errors: [] });
    double.sessionsPageSize = 60;
    expect(double.requests.some((q) => q.includes(`/callRecords/${g.id}/sessions?$skiptoken=1`))).toBe(true);
    expect(double.requests.some((q) => q.includes(`/callRecords/${g.id}/participants_v2?$skiptoken=2`))).toBe(true);
    const calls = await teamsCalls(core);
    const group = calls.find((c) => c.externalId === g.id)!;
    expect(group).toMatchObject({ direction: 'internal', status: 'answered' });
    expect(JSON.stringify(group)).not.toContain('"rawPayload":null');
    expect(calls.find((c) => c.externalId === o.id)).toMatchObject({ direction: 'outbound', userId: abbie.id, remote: { number: '+4922129191999' } });
  });
});

describe('throttling and faults', () => {
  test('429 with Retry-After is waited out as asked; without it, exponential back-off; 503 the same', async () => {
    waits.length = 0;
    double.throttle(2, '7');
    expect(await sync(at(0), at(30))).toMatchObject({ records: 30, unchanged: 30 });
    expect(waits.filter((w) => w >= 1000)).toEqual([7000, 7000]);
    waits.length = 0;
    double.throttle(3, null, 503);
    expect(await sync(at(0), at(30))).toMatchObject({ records: 30, unchanged: 30 });
    expect(waits.filter((w) => w >= 1000)).toEqual([1000, 2000, 4000]);
  });

  test('throttled beyond the retries: 503 THROTTLED, nothing written', async () => {
    double.throttle(50, '1');
    const p = await json<{ code: string }>(core, '/api/v1/plugins/teams/sync', { method: 'POST', json: { siteId: core.site.id, start: at(0), end: at(30), wait: true } }, 503);
    expect(p.code).toBe('DIALBOOK_TEAMS_THROTTLED');
    double.throttle(0, null);
  });

  test('a token expiring mid-sync is renewed and the sync completes', async () => {
    const before = double.tokenRequests.length;
    double.expireTokensAfter(10);
    expect(await sync(at(0), at(60))).toMatchObject({ records: 60, unchanged: 60, failed: 0 });
    expect(double.tokenRequests.length).toBe(before + 1);
  });

  test('consent missing: 502 in words naming the permission', async () => {
    double.consentMissing = true;
    const p = await json<Record<string, unknown>>(core, '/api/v1/plugins/teams/sync', { method: 'POST', json: { siteId: core.site.id, start: at(0), end: at(30), wait: true } }, 502);
    expect(p.code).toBe('DIALBOOK_TEAMS_CONSENT');
    expect(JSON.stringify(p)).toContain('the app registration lacks CallRecords.Read.All — grant admin consent in Entra ID');
    const t = await json<{ ok: boolean; message: string }>(core, '/api/v1/plugins/teams/test', { method: 'POST', json: { siteId: core.site.id } });
    expect(t).toMatchObject({ ok: false, message: expect.stringContaining('grant admin consent in Entra ID') });
    double.consentMissing = false;
  });
});

describe('scheduled sync: cursor and overlap', () => {
  test('reads from the cursor less the overlap: late and updated records are picked up, older ones are not read', async () => {
    await configure(core, { overlapMinutes: 60, firstSyncDays: 1 });
    clock = Date.parse('2026-11-20T12:00:00Z');
    const first = await json<{ ok: boolean; message: string }>(core, '/api/v1/actions/teams.sync', { method: 'POST', json: { siteId: core.site.id } });
    expect(first).toMatchObject({ ok: true });
    expect(first.message).toContain('0 new');
    // Published late: started 11:30 (before the cursor at 12:00, inside the overlap).
    const late = { ...f.missed(), startDateTime: '2026-11-20T11:30:00Z', endDateTime: '2026-11-20T11:30:25Z' };
    double.records.set(late.id, late);
    // Updated since: the 10:05 call of earlier is now version 2 and lasted three minutes.
    const updated = { ...inboundAt(125, 125), version: 2, endDateTime: at(128), sessions: [f.session(f.phone('+4917012345678'), f.user(f.ABBIE), at(125), at(128))] };
    double.records.set(updated.id, updated);
    // Published late too, but before cursor − overlap (10:30 < 11:00): not read by the next sync.
    const old = { ...f.botCall(), startDateTime: '2026-11-20T10:30:00Z', endDateTime: '2026-11-20T10:31:00Z' };
    double.records.set(old.id, old);
    clock = Date.parse('2026-11-20T12:30:00Z');
    double.requests.length = 0;
    const second = await json<{ ok: boolean; message: string }>(core, '/api/v1/actions/teams.sync', { method: 'POST', json: { siteId: core.site.id } });
    expect(second.message).toContain('1 new');
    const lists = double.requests.filter((q) => q.includes('$filter='));
    expect(lists[0]).toContain('startDateTime ge 2026-11-20T11:00:00Z');
    const calls = await teamsCalls(core);
    expect(calls.find((c) => c.externalId === late.id)).toMatchObject({ status: 'missed' });
    expect(calls.some((c) => c.externalId === old.id)).toBe(false);
    // 10:05 is before the overlap too: a wider overlap picks the update up.
    await configure(core, { overlapMinutes: 180 });
    const third = await json<{ message: string }>(core, '/api/v1/actions/teams.sync', { method: 'POST', json: { siteId: core.site.id } });
    expect(third.message).toMatch(/1 new, 1 updated/);
    const again = await teamsCalls(core);
    expect(again.find((c) => c.externalId === updated.id)).toMatchObject({ status: 'answered', durationSeconds: 180 });
    expect(again.some((c) => c.externalId === old.id)).toBe(true);
  });

  test('the health line names the site, the cursor and the schedule', async () => {
    const text = await (await core.request('/api/v1/plugins')).text();
    expect(text).toMatch(/site \\"test\\": global cloud, client secret, synced on request only, read up to 2026-11-20T12:3/);
    expect(text).not.toContain(double.clientSecret);
  });

  test('a schedule set in the settings fires as a tracked job', async () => {
    clock = Date.now();
    await configure(core, { syncCron: '* * * * * *' });
    await eventually('a scheduled sync', async () => {
      const jobs = await json<{ finished: { id: string; status: string }[]; running: { id: string }[] }>(core, '/api/v1/jobs');
      return [...jobs.finished, ...jobs.running].some((j) => j.id === `teams.sync:${core.site.id}`) && jobs.finished.some((j) => j.id === `teams.schedule:${core.site.id}`);
    });
    await configure(core, { syncCron: null });
  });
});

describe('secrets', () => {
  test('the client secret and the private key are in no answer, log line, audit row, job or export', async () => {
    await configure(core, credentials(double));
    await sync('2026-11-20T08:00:00Z', '2026-11-20T09:00:00Z');
    const texts = [
      logLines.join('\n'),
      await (await core.request('/api/v1/audit?limit=200')).text(),
      await (await core.request(`/api/v1/settings/teams?siteId=${core.site.id}`)).text(),
      await (await core.request('/api/v1/plugins')).text(),
      await (await core.request('/api/v1/jobs')).text(),
      await (await core.request(`/api/v1/calls?siteId=${core.site.id}&source=teams&limit=500`)).text(),
      await (await core.request(`/api/v1/calls/export?siteId=${core.site.id}&format=csv`)).text(),
    ];
    expect(logLines.length).toBeGreaterThan(0);
    for (const t of texts) {
      expect(t).not.toContain(double.clientSecret);
      expect(t).not.toContain('PRIVATE KEY');
    }
  });
});
