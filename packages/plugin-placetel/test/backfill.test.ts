/**
 * The REST back-fill against the local double of Placetel's API (test/double.ts): per-day paging
 * until a short page, overlapping windows that do not duplicate, rows merged with calls known from
 * webhooks, 429 with Retry-After, the connection test, the tracked job and recordings.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CallDto } from '@dialbook/core';
import { eventually } from '@dialbook/core/testing';
import { fetchRecording } from '../src/recording.js';
import type { RestCall } from '../src/rest-mapping.js';
import { startPlacetelDouble, type PlacetelDouble } from './double.js';
import { configure, formBody, json, placetelCalls, post, SECRET, startCore, webhookPath, type Core, type Fields } from './helpers.js';

const WEBHOOK_ID = 'ab'.repeat(32);
let clock = Date.parse('2026-03-03T10:00:00+01:00');
const waits: number[] = [];
let core: Core;
let double: PlacetelDouble;

const row = (id: number, at: string, extra: Partial<RestCall> = {}): RestCall => ({
  id,
  type: id % 3 === 0 ? 'missed' : 'accepted',
  from_number: `0170${String(1000000 + id)}`,
  to_number: { number: { id: 1, prefix: '0221', numonly: '29191999', number: '022129191999', name: 'Zentrale', activated: true } },
  file_url: null,
  duration: id % 3 === 0 ? 0 : 30 + id,
  contact: null,
  received_at: at,
  unread: false,
  ...extra,
});
const at = (day: string, i: number) => `${day}T${String(8 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00+01:00`;

beforeAll(async () => {
  double = await startPlacetelDouble();
  const calls: RestCall[] = [];
  for (let i = 0; i < 30; i++) calls.push(row(100 + i, at('2026-03-02', i)));
  for (let i = 0; i < 30; i++) calls.push(row(200 + i, at('2026-03-03', i)));
  // The call Dialbook also heard of by webhook (two seconds later in Placetel's journal).
  calls.push(row(300, '2026-03-03T10:00:02+01:00', { type: 'missed', duration: 0, from_number: '01662223344' }));
  // Exactly one full page: the back-fill must ask for page 2 and get [].
  for (let i = 0; i < 25; i++) calls.push(row(400 + i, at('2026-03-04', i)));
  double.calls = calls;
  core = await startCore({ options: { apiBaseUrl: `${double.url}/v2`, perPage: 25, allowHttpFiles: true }, hooks: { now: () => clock, sleep: async (ms) => void waits.push(ms) } });
  await configure(core, { secret: SECRET, apiKey: double.key, numbers: ['+4922129191999'] });
  const path = await webhookPath(core);
  const events: Fields[] = [
    { event: 'IncomingCall', from: '01662223344', to: '022129191999', call_id: WEBHOOK_ID, direction: 'in' },
    { event: 'HungUp', type: 'missed', duration: 0, from: '01662223344', to: '022129191999', call_id: WEBHOOK_ID, direction: 'in' },
  ];
  for (const e of events) expect((await post(core, path, formBody(e))).status).toBe(200);
});
afterAll(async () => {
  await core?.close();
  await double?.close();
});

type Report = { created: number; updated: number; unchanged: number; failed: number; days: number; rows: number; matched: number };
const sync = (start: string, end: string, status = 200) => json<Report>(core, '/api/v1/plugins/placetel/sync', { method: 'POST', json: { siteId: core.site.id, start, end, wait: true } }, status);
const ids = (calls: CallDto[]) => calls.map((c) => c.externalId);

describe('back-fill', () => {
  test('two days, paged until a short page; the webhook call is merged, not duplicated', async () => {
    double.requests.length = 0;
    const r = await sync('2026-03-02T00:00:00+01:00', '2026-03-04T00:00:00+01:00');
    expect(r).toMatchObject({ days: 2, rows: 61, created: 60, matched: 1, failed: 0 });
    expect(double.requests.filter((q) => q.startsWith('/v2/calls'))).toEqual([
      '/v2/calls?filter%5Bdate%5D=2026-03-02&page=1&per_page=25',
      '/v2/calls?filter%5Bdate%5D=2026-03-02&page=2&per_page=25',
      '/v2/calls?filter%5Bdate%5D=2026-03-03&page=1&per_page=25',
      '/v2/calls?filter%5Bdate%5D=2026-03-03&page=2&per_page=25',
    ]);
    const calls = await placetelCalls(core);
    expect(calls).toHaveLength(61);
    expect(ids(calls)).not.toContain('rest:300');
    const merged = calls.find((c) => c.externalId === WEBHOOK_ID)!;
    expect(merged).toMatchObject({ status: 'missed', direction: 'inbound', remote: { e164: '+491662223344' } });
    expect(calls.find((c) => c.externalId === 'rest:101')).toMatchObject({ status: 'answered', durationSeconds: 131, local: { number: '022129191999' } });
  });

  test('an overlapping window: the known day changes nothing, the new full-page day ends on an empty page', async () => {
    double.requests.length = 0;
    const r = await sync('2026-03-03T00:00:00+01:00', '2026-03-05T00:00:00+01:00');
    expect(r).toMatchObject({ days: 2, rows: 56, created: 25, updated: 0, unchanged: 31, matched: 1 });
    expect(double.requests).toContain('/v2/calls?filter%5Bdate%5D=2026-03-04&page=2&per_page=25');
    const calls = await placetelCalls(core);
    expect(calls).toHaveLength(86);
    expect(new Set(ids(calls)).size).toBe(86);
  });

  test('429 with Retry-After is waited out; beyond the retries 503 THROTTLED', async () => {
    waits.length = 0;
    double.throttle(2, '3');
    expect(await sync('2026-03-02T00:00:00+01:00', '2026-03-03T00:00:00+01:00')).toMatchObject({ created: 0, unchanged: 30 });
    expect(waits).toEqual([3000, 3000]);
    double.throttle(50, '1');
    const p = await json<{ code: string }>(core, '/api/v1/plugins/placetel/sync', { method: 'POST', json: { siteId: core.site.id, start: '2026-03-02T00:00:00+01:00', end: '2026-03-03T00:00:00+01:00', wait: true } }, 503);
    expect(p.code).toBe('DIALBOOK_PLACETEL_THROTTLED');
    double.throttle(0, '1');
  });

  test('without wait: 202 and the job; a second back-fill of the site meanwhile: 409', async () => {
    double.delayMs = 300;
    const body = { siteId: core.site.id, start: '2026-03-02T00:00:00+01:00', end: '2026-03-03T00:00:00+01:00' };
    const started = await json<{ job: string }>(core, '/api/v1/plugins/placetel/sync', { method: 'POST', json: body }, 202);
    expect(started.job).toBe(`placetel.backfill:${core.site.id}`);
    expect(await json(core, '/api/v1/plugins/placetel/sync', { method: 'POST', json: body }, 409)).toMatchObject({ code: 'DIALBOOK_JOB_RUNNING' });
    await eventually('the back-fill to finish', async () => {
      const jobs = await json<{ running: { id: string }[] }>(core, '/api/v1/jobs');
      return !jobs.running.some((j) => j.id === started.job);
    });
    double.delayMs = 0;
  });

  test('the back-fill is a tracked job with its report', async () => {
    const jobs = await json<{ running: unknown[]; finished: { id: string; status: string; result: unknown }[] }>(core, '/api/v1/jobs');
    const mine = jobs.finished.filter((j) => j.id === `placetel.backfill:${core.site.id}`);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.some((j) => j.status === 'succeeded' && (j.result as Report).rows === 56)).toBe(true);
  });

  test('without an API key: 409 naming apiKey; a window the wrong way round: 422', async () => {
    const other = await json<{ id: string }>(core, '/api/v1/sites', { method: 'POST', json: { name: 'No key', slug: 'no-key', defaultCountry: 'DE' } }, 201);
    const p = await json<{ code: string; field: string }>(core, '/api/v1/plugins/placetel/sync', { method: 'POST', json: { siteId: other.id, wait: true } }, 409);
    expect(p).toMatchObject({ code: 'DIALBOOK_PLACETEL_NOT_CONFIGURED', field: 'apiKey' });
    expect((await sync('2026-03-03T00:00:00+01:00', '2026-03-02T00:00:00+01:00', 422)) as unknown).toMatchObject({ field: 'end' });
  });

  test('the back-fill page of the admin app (GET /backfill) and the action', async () => {
    const view = await json<{ items: (Report & { site: string })[] }>(core, '/api/v1/plugins/placetel/backfill?site=test&start=2026-03-04T00:00:00%2B01:00&end=2026-03-05T00:00:00%2B01:00');
    expect(view.items[0]).toMatchObject({ site: 'Test site', rows: 25, created: 0, unchanged: 25 });
    clock = Date.parse('2026-03-04T20:00:00+01:00');
    const action = await json<{ ok: boolean; message: string }>(core, '/api/v1/actions/placetel.backfill', { method: 'POST', json: { siteId: core.site.id } });
    expect(action).toMatchObject({ ok: true, message: expect.stringContaining('0 new') });
  });
});

describe('connection test (GET /v2/me)', () => {
  test('the account the key belongs to', async () => {
    expect(await json(core, '/api/v1/plugins/placetel/test', { method: 'POST', json: { siteId: core.site.id } })).toMatchObject({ ok: true, account: { name: 'Test Admin', company: 'Example GmbH' } });
  });
  test('a wrong key: ok false with the code, and the key is never in the answer', async () => {
    await configure(core, { apiKey: 'wrong-key-123456789' });
    const text = await (await core.request('/api/v1/plugins/placetel/test', { method: 'POST', json: { siteId: core.site.id } })).text();
    expect(JSON.parse(text)).toMatchObject({ ok: false, code: 'DIALBOOK_PLACETEL_AUTH' });
    expect(text).not.toContain('wrong-key');
    await configure(core, { apiKey: double.key });
  });
});

describe('recordings', () => {
  test('streamed from the signed URL; an expired one is a clear error without the URL', async () => {
    double.files.set('vm-1.mp3?sig=s3cr3t', Buffer.from('ID3 fake mp3'));
    double.files.set('vm-1.mp3', Buffer.from('ID3 fake mp3'));
    const media = await fetchRecording(`${double.url}/files/vm-1.mp3`, { plugin: 'placetel', timeoutSeconds: 5, allowHttp: true });
    expect(media).toMatchObject({ contentType: 'audio/mpeg', size: 12 });
    expect(Buffer.from(await new Response(media.body).arrayBuffer()).toString()).toBe('ID3 fake mp3');
    const err = await fetchRecording(`${double.url}/files/gone.mp3?sig=s3cr3t`, { plugin: 'placetel', timeoutSeconds: 5, allowHttp: true }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'DIALBOOK_PLACETEL_RECORDING' });
    expect((err as Error).message).not.toContain('s3cr3t');
    await expect(fetchRecording(`${double.url}/files/vm-1.mp3`, { plugin: 'placetel', timeoutSeconds: 5 })).rejects.toMatchObject({ code: 'DIALBOOK_PLACETEL_RECORDING' });
  });
});
