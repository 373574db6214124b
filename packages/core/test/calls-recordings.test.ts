import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, eventually, type TestCore, type TestUser } from '@dialbook/core/testing';
import { definePlugin, type CallDto, type CallPage, type PluginContext } from '@dialbook/core';

/**
 * Recordings and voicemail through Dialbook: a source stores an opaque reference with the call, and
 * `GET /calls/{id}/recording` streams the media by the source's `fetchRecording` with the user's
 * rights. The double is a local HTTP server standing in for a vendor's media store behind signed,
 * expiring URLs (as Placetel's `file_url`); the reference must never show in a response, an audit
 * row or a log line. On SQLite and PostgreSQL.
 */
const SIGNATURE = 'Signature=SECRET-0123456789abcdef';
const WAV = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4000, 7)]);
let media: Server;
let mediaUrl: string;
let closedMidStream = 0;
const logs: string[] = [];
let core: TestCore;
let ctx: PluginContext;
let other: TestUser;
let member: TestUser;

const vendor = definePlugin({
  name: 'vendor',
  setup(c) {
    c.calls.registerSource({
      id: 'vendor',
      label: 'Test vendor',
      async fetchRecording(_siteId, ref, signal) {
        const res = await fetch(ref, signal ? { signal } : {});
        if (!res.ok || !res.body) throw new Error(`GET ${ref} answered ${res.status}`);
        const size = res.headers.get('content-length');
        return { body: res.body, contentType: res.headers.get('content-type') ?? 'application/octet-stream', ...(size ? { size: Number(size) } : {}) };
      },
    });
    c.calls.registerSource({ id: 'mute', label: 'No media' });
    ctx = c as unknown as PluginContext;
  },
});

beforeAll(async () => {
  media = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.search.includes(SIGNATURE)) return void res.writeHead(403).end('expired');
    if (url.pathname === '/broken.wav') return void res.writeHead(500).end('boom');
    if (url.pathname === '/slow.wav') {
      res.writeHead(200, { 'content-type': 'audio/wav' });
      res.write(Buffer.alloc(1024, 1));
      const tick = setInterval(() => res.write(Buffer.alloc(1024, 2)), 50);
      res.on('close', () => {
        clearInterval(tick);
        if (!res.writableEnded) closedMidStream++;
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': String(WAV.length) });
    res.end(WAV);
  });
  await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
  mediaUrl = `http://127.0.0.1:${(media.address() as { port: number }).port}`;
  core = await createTestCore({ plugins: { vendor }, listen: true, logger: pino({ level: 'debug' }, { write: (s: string) => void logs.push(s) }) });
  const siteB = (await core.dialbook.sites.create({ name: 'B', slug: 'b', defaultCountry: 'DE' })).id;
  other = await core.createUser({ role: 'user', siteIds: [siteB] });
  member = await core.createUser({ role: 'user', siteIds: [core.site.id] });
});
afterAll(async () => {
  await core?.close();
  await new Promise((resolve) => media?.close(resolve));
});

const ref = (file: string) => `${mediaUrl}/${file}?Expires=1999999999&${SIGNATURE}`;
const record = (externalId: string, file: string | null, extra: Record<string, unknown> = {}) =>
  ctx.calls.upsert(core.site.id, 'vendor', {
    externalId,
    direction: 'inbound',
    status: 'voicemail',
    startedAt: '2026-11-30T10:00:00Z',
    endedAt: '2026-11-30T10:01:00Z',
    remote: { number: '+49 30 1234567' },
    ...(file ? { recording: { kind: 'voicemail', ref: ref(file) }, rawPayload: { event: 'HungUp', file_url: ref(file), nested: [{ url: ref(file) }] } } : {}),
    ...extra,
  });

describe('recordings', () => {
  test('the call shows where to play it, never the reference; the media streams through Dialbook with type and length', async () => {
    const { call } = await record('vm-1', 'vm-1.wav');
    expect(call.recording).toEqual({ kind: 'voicemail', url: `/api/v1/calls/${call.id}/recording` });
    expect(JSON.stringify(call)).not.toContain('SECRET');
    expect(JSON.stringify(call.rawPayload)).toContain('[recording]');

    const res = await member.request(call.recording!.url);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('content-length')).toBe(String(WAV.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(WAV)).toBe(true);
    expect([...res.headers.values()].join(' ')).not.toContain('SECRET');

    const read = await core.request(`/api/v1/calls/${call.id}`);
    expect(await read.text()).not.toContain('SECRET');
    const page = await core.request('/api/v1/calls?source=vendor');
    expect(await page.text()).not.toContain('SECRET');
  });

  test('the latest reference a source sends wins (a fresh signed URL), and an event without one keeps it', async () => {
    await record('vm-2', 'old.wav');
    await record('vm-2', 'vm-2.wav', { status: 'voicemail' });
    const { call } = await record('vm-2', null, { remote: { number: '+49 30 1234567', name: 'Late name' } });
    expect(call.recording?.kind).toBe('voicemail');
    expect((await core.request(`/api/v1/calls/${call.id}/recording`)).status).toBe(200);
  });

  test("rights as for the call: another site's user gets 404, as for the call itself", async () => {
    const { call } = await record('vm-3', 'vm-1.wav');
    const res = await other.request(`/api/v1/calls/${call.id}/recording`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('SECRET');
    expect((await core.request('/api/v1/calls/00000000-0000-4000-8000-000000000000/recording')).status).toBe(404);
  });

  test('no recording is 404 DIALBOOK_CALL_NO_RECORDING; a source that cannot play is 409; a failing one 502, with clear codes and no reference', async () => {
    const { call: plain } = await record('none-1', null);
    expect(plain.recording).toBeNull();
    const r1 = await core.request(`/api/v1/calls/${plain.id}/recording`);
    expect(r1.status).toBe(404);
    expect((await r1.json()) as unknown).toMatchObject({ code: 'DIALBOOK_CALL_NO_RECORDING' });

    const mute = (await ctx.calls.upsert(core.site.id, 'mute', { externalId: 'm-1', direction: 'inbound', startedAt: '2026-11-30T10:00:00Z', recording: { kind: 'recording', ref: ref('x.wav') } })).call;
    const r2 = await core.request(`/api/v1/calls/${mute.id}/recording`);
    expect(r2.status).toBe(409);
    expect((await r2.json()) as unknown).toMatchObject({ code: 'DIALBOOK_CALL_RECORDING_SOURCE_GONE', details: { source: 'mute' } });

    const { call: broken } = await record('broken-1', 'broken.wav');
    const r3 = await core.request(`/api/v1/calls/${broken.id}/recording`);
    expect(r3.status).toBe(502);
    const body = await r3.text();
    expect(JSON.parse(body)).toMatchObject({ code: 'DIALBOOK_CALL_RECORDING_FETCH_FAILED' });
    expect(body).not.toContain('SECRET');
    expect(body).not.toContain(mediaUrl);
  });

  test('a client that disconnects mid-stream stops the fetch from the source', async () => {
    const { call } = await record('slow-1', 'slow.wav');
    const abort = new AbortController();
    const res = await fetch(`${core.url}${call.recording!.url}`, { headers: { authorization: `Bearer ${core.admin.token}` }, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = Readable.fromWeb(res.body as never);
    await new Promise<void>((resolve) => reader.once('data', () => resolve()));
    abort.abort();
    reader.destroy();
    await eventually('the upstream request closed before its end', () => closedMidStream === 1, { timeout: 5000 });
  });

  test('the reference is in no audit row and no log line', async () => {
    const audit = await core.request('/api/v1/audit?limit=200');
    expect(await audit.text()).not.toContain('SECRET');
    expect(logs.join('\n')).not.toContain('SECRET');
    expect(logs.join('\n')).toContain('fetching a call recording from its source failed');
    const page = (await (await core.request('/api/v1/calls?linked=all&limit=500')).json()) as CallPage;
    expect(page.items.every((c: CallDto) => !JSON.stringify(c).includes('SECRET'))).toBe(true);
  });
});
