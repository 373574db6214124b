/**
 * The webhook end to end on a real core: signed sequences built from Placetel's documented
 * examples (calls.md §2.1 Notify API form posts, §2.2 the subscription JSON), in order, shuffled
 * and duplicated; refusals that store nothing; the replay guard; call control.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_WEBHOOK_BYTES } from '../src/index.js';
import { configure, essence, formBody, json, jsonBody, placetelCalls, post, SECRET, shuffled, startCore, webhookPath, type Core, type Fields } from './helpers.js';

const PEER = '7777abcdefg@fpbx.de';
const USER_ID = '0b0d5c1e-8a1f-4a4e-9a51-2d7e6b3f1c01';
let n = 0;
/** A fresh call_id (64 hex digits, as Placetel's SHA256 ids). */
const callId = () => (++n).toString(16).padStart(64, 'c');

/** An answered inbound call: IncomingCall → CallAccepted → HungUp (accepted, 42 s). */
const answered = (id: string): Fields[] => [
  { event: 'IncomingCall', from: '01662223344', to: '022129191999', call_id: id, direction: 'in' },
  { event: 'CallAccepted', from: '01662223344', to: '022129191999', call_id: id, peer: PEER, direction: 'in' },
  { event: 'HungUp', type: 'accepted', duration: 42, from: '01662223344', to: '022129191999', call_id: id, direction: 'in' },
];
/** automatisch's sample HungUp (missed), with its IncomingCall. */
const missed = (id: string): Fields[] => [
  { event: 'IncomingCall', from: '01662223344', to: '02229997766', call_id: id, direction: 'in' },
  { type: 'missed', duration: 0, from: '01662223344', to: '02229997766', call_id: id, event: 'HungUp', direction: 'in' },
];

let core: Core;
let path: string;

beforeAll(async () => {
  core = await startCore();
  await configure(core, { secret: SECRET, numbers: ['+4922129191999'], peers: { [PEER]: USER_ID } });
  path = await webhookPath(core);
});
afterAll(() => core?.close());

async function send(events: Fields[], kind: 'form' | 'json') {
  for (const e of events) {
    const res = await post(core, path, kind === 'form' ? formBody(e) : jsonBody(e), { kind });
    expect(res.status, await res.clone().text()).toBe(200);
  }
}
const callOf = async (id: string) => (await placetelCalls(core)).filter((c) => c.externalId === id);

describe('signed webhook sequences', () => {
  for (const kind of ['form', 'json'] as const) {
    test(`${kind}: in order, shuffled, duplicated → the same one record`, async () => {
      const ids = [callId(), callId(), callId()];
      await send(answered(ids[0]!), kind);
      await send(shuffled(answered(ids[1]!), 7), kind);
      const dup = answered(ids[2]!);
      await send(shuffled([...dup, ...dup, dup[2]!, dup[0]!], 3), kind);
      const records = await Promise.all(ids.map(callOf));
      for (const r of records) expect(r).toHaveLength(1);
      const [inOrder, ...others] = records.map((r) => essence(r[0]!));
      expect(inOrder).toMatchObject({ direction: 'inbound', status: 'answered', durationSeconds: 42, userId: USER_ID, remote: { number: '01662223344', e164: '+491662223344' }, answered: true, ended: true });
      for (const o of others) expect({ ...o, externalId: '' }).toEqual({ ...inOrder, externalId: '' });
    });

    test(`${kind}: a missed call, the late IncomingCall never undoes the hang-up`, async () => {
      const id = callId();
      const [incoming, hungUp] = missed(id);
      await send([hungUp!, incoming!], kind);
      const [c] = await callOf(id);
      expect(c).toMatchObject({ status: 'missed', direction: 'inbound', durationSeconds: 0 });
    });
  }

  test('form and JSON mixed for one call: the same record', async () => {
    const [a, b] = [callId(), callId()];
    await send(answered(a), 'form');
    const mixed = answered(b);
    await send([mixed[2]!], 'json');
    await send([mixed[0]!], 'form');
    await send([mixed[1]!, mixed[2]!], 'json');
    const [ra, rb] = [(await callOf(a))[0]!, (await callOf(b))[0]!];
    expect({ ...essence(rb), externalId: '' }).toEqual({ ...essence(ra), externalId: '' });
  });

  test('cancelled and canceled alike (outbound)', async () => {
    for (const type of ['canceled', 'cancelled']) {
      const id = callId();
      await send([{ event: 'OutgoingCall', from: '022129191999', to: '030123456', peer: PEER, call_id: id, direction: 'out' }, { event: 'HungUp', type, duration: 0, from: '022129191999', to: '030123456', call_id: id, direction: 'out' }], 'form');
      expect((await callOf(id))[0]).toMatchObject({ status: 'canceled', direction: 'outbound', userId: USER_ID });
    }
  });

  test('a peer mapped to an e-mail address is that user\'s; an address nobody has leaves the call without a user', async () => {
    const { user } = await core.createUser({ role: 'user', siteIds: [core.site.id], email: 'Reception@Example.com' });
    await configure(core, { peers: { [PEER]: USER_ID, 'reception@fpbx.de': 'reception@example.com', 'ghost@fpbx.de': 'nobody@example.com' } });
    const [a, b] = [callId(), callId()];
    await send([{ event: 'OutgoingCall', from: '022129191999', to: '030123456', peer: 'reception@fpbx.de', call_id: a, direction: 'out' }], 'form');
    await send([{ event: 'OutgoingCall', from: '022129191999', to: '030123456', peer: 'ghost@fpbx.de', call_id: b, direction: 'out' }], 'form');
    expect((await callOf(a))[0]!.userId).toBe(user.id);
    expect((await callOf(b))[0]!.userId).toBeNull();
    await configure(core, { peers: { [PEER]: USER_ID } });
  });
});

describe('refusals store nothing', () => {
  const refused = async (res: Response, status: number, code: string) => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.parse(text)).toMatchObject({ code });
    return JSON.parse(text) as { detail: string; field?: string };
  };

  test('a wrong or missing signature: 403, no call', async () => {
    const id = callId();
    const body = formBody(missed(id)[1]!);
    await refused(await post(core, path, body, { secret: 'not-the-secret' }), 403, 'DIALBOOK_PLACETEL_SIGNATURE');
    await refused(await post(core, path, body, { secret: null }), 403, 'DIALBOOK_PLACETEL_SIGNATURE');
    await refused(await post(core, path, `${body}&x=1`, { signature: (await import('../src/index.js')).sign(SECRET, body) }), 403, 'DIALBOOK_PLACETEL_SIGNATURE');
    expect(await callOf(id)).toHaveLength(0);
  });

  test('over 64 KiB: 413; an unknown event: 422 naming the field; another media type: 415', async () => {
    const id = callId();
    const big = formBody({ ...missed(id)[1]!, pad: 'x'.repeat(MAX_WEBHOOK_BYTES) });
    await refused(await post(core, path, big), 413, 'DIALBOOK_PLACETEL_TOO_LARGE');
    const p = await refused(await post(core, path, formBody({ event: 'CallParked', call_id: id })), 422, 'DIALBOOK_PLACETEL_EVENT');
    expect(p.field).toBe('event');
    const xml = await core.request(path, { method: 'POST', body: '<x/>', headers: { 'content-type': 'text/xml' }, anonymous: true });
    expect(xml.status).toBe(415);
    expect(await callOf(id)).toHaveLength(0);
  });

  test('a chunked body (no Content-Length) over 64 KiB: 413 too', async () => {
    const big = new TextEncoder().encode(formBody({ ...missed(callId())[1]!, pad: 'x'.repeat(MAX_WEBHOOK_BYTES) }));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < big.length; i += 8192) c.enqueue(big.slice(i, i + 8192));
        c.close();
      },
    });
    const res = await core.request(path, { method: 'POST', body: stream, headers: { 'content-type': 'application/x-www-form-urlencoded' }, anonymous: true, duplex: 'half' } as RequestInit);
    await refused(res, 413, 'DIALBOOK_PLACETEL_TOO_LARGE');
  });

  test('an unknown site token: 404', async () => {
    await refused(await post(core, '/api/v1/plugins/placetel/webhook/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', formBody(missed(callId())[1]!)), 404, 'DIALBOOK_PLACETEL_SITE_UNKNOWN');
  });

  test('no secret set: refused unless unsigned delivery is allowed (and the page warns)', async () => {
    const other = await json<{ id: string }>(core, '/api/v1/sites', { method: 'POST', json: { name: 'Unsigned', slug: 'unsigned', defaultCountry: 'DE' } }, 201);
    const otherPath = await webhookPath(core, other.id);
    const id = callId();
    const body = formBody(missed(id)[1]!);
    const p = await refused(await post(core, otherPath, body, { secret: null }), 403, 'DIALBOOK_PLACETEL_UNSIGNED');
    expect(p.detail).toContain('allowUnsigned');
    await configure(core, { allowUnsigned: true }, other.id);
    expect((await post(core, otherPath, body, { secret: null })).status).toBe(200);
    const page = await json<{ items: { siteId: string; warning: string | null; signing: { tone: string } }[]; message?: string }>(core, '/api/v1/plugins/placetel/sites');
    expect(page.items.find((i) => i.siteId === other.id)).toMatchObject({ signing: { tone: 'bad' }, warning: expect.stringContaining('Unsigned delivery is on') });
    expect(page.message).toContain('Unsigned');
  });
});

describe('replay guard', () => {
  test('the same signed body again: 200, replay, nothing changed', async () => {
    const id = callId();
    const [incoming] = answered(id);
    const first = await (await post(core, path, formBody(incoming!))).json();
    expect(first).toMatchObject({ replay: false, created: true });
    const before = (await callOf(id))[0]!;
    const again = await (await post(core, path, formBody(incoming!))).json();
    expect(again).toMatchObject({ replay: true, created: false, changed: false });
    expect((await callOf(id))[0]).toEqual(before);
  });
});

describe('secrets never go out', () => {
  test('settings show only that the secret is set; the sites page holds no secret', async () => {
    const settings = await (await core.request(`/api/v1/settings/placetel?siteId=${core.site.id}`)).text();
    expect(settings).not.toContain(SECRET);
    expect(await (await core.request('/api/v1/plugins/placetel/sites')).text()).not.toContain(SECRET);
    expect(await (await core.request('/api/v1/audit?limit=200')).text()).not.toContain(SECRET);
  });
});

describe('call control', () => {
  test('off by default: IncomingCall is answered with JSON', async () => {
    const res = await post(core, path, formBody(answered(callId())[0]!));
    expect(res.headers.get('content-type')).toContain('application/json');
  });

  test('forward: the XML of the fixed rule, also for Placetel\'s retry of the same request', async () => {
    const id = callId();
    await configure(core, { callControl: { enabled: true, action: 'forward', targets: [{ numbers: [PEER, '022129191999'], ringtime: 30 }, { numbers: ['022199998560'], ringtime: 45 }] } });
    const body = formBody(answered(id)[0]!);
    for (let i = 0; i < 2; i++) {
      const res = await post(core, path, body);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/xml');
      expect(await res.text()).toBe(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Forward><Target ringtime="30"><Number>${PEER}</Number><Number>022129191999</Number></Target><Target ringtime="45"><Number>022199998560</Number></Target></Forward></Response>\n`,
      );
    }
    expect(await callOf(id)).toHaveLength(1);
    // Only IncomingCall is routed.
    expect((await post(core, path, formBody(answered(id)[1]!))).headers.get('content-type')).toContain('application/json');
  });

  test('reject', async () => {
    await configure(core, { callControl: { enabled: true, action: 'reject', targets: [] } });
    const res = await post(core, path, jsonBody(answered(callId())[0]!), { kind: 'json' });
    expect(await res.text()).toContain('<Response><Reject/></Response>');
    await configure(core, { callControl: { enabled: false } });
  });
});
