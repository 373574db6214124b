import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRoute, createRouter, definePlugin, json, z } from '@dialbook/core';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { acceptsUpload } from '../src/http/body-limit.js';

/**
 * Request bodies are limited per route class: 1 MiB for the JSON API, `server.maxUploadBytes` for a
 * route that takes an upload. A body over the limit is a 413 problem before it is read: at once from
 * its Content-Length, and for a chunked body as soon as the bytes read pass the limit.
 */
const MiB = 1024 * 1024;

const importer = definePlugin({
  name: 'importer',
  setup(ctx) {
    const uploads = createRouter({ uploads: true });
    uploads.openapi(createRoute({ method: 'post', path: '/csv', operationId: 'importCsv', responses: { 200: json(z.object({ bytes: z.number() }), 'Read') } }), async (c) =>
      c.json({ bytes: (await c.req.arrayBuffer()).byteLength }, 200),
    );
    ctx.http.route('/uploads', uploads, { access: 'staff' });
    const plain = createRouter();
    plain.openapi(createRoute({ method: 'post', path: '/notes', operationId: 'notes', responses: { 200: json(z.object({ bytes: z.number() }), 'Read') } }), async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }, 200));
    // One route of an ordinary router opting in.
    plain.openapi(createRoute({ method: 'post', path: '/photo', operationId: 'photo', middleware: [acceptsUpload] as const, responses: { 200: json(z.object({ bytes: z.number() }), 'Read') } }), async (c) =>
      c.json({ bytes: (await c.req.arrayBuffer()).byteLength }, 200),
    );
    ctx.http.route('/', plain, { access: 'staff' });
  },
});

let core: TestCore;

beforeAll(async () => {
  core = await createTestCore({ plugins: { importer }, listen: true, config: { server: { maxUploadBytes: 4 * MiB } } });
});
afterAll(() => core?.close());

/** Send `head` (and then `chunks`, one every few ms, until an answer comes) on a raw socket; resolves with the answer and how much was sent. */
function rawRequest(head: string, chunks: Buffer[] = []): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(core.port!, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let done = false;
    const timer = setTimeout(() => finish(new Error(`no answer within 10 s (${sent} body bytes sent)`)), 10_000);
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) return reject(err);
      const [headers, ...rest] = answer.split('\r\n\r\n');
      const body = rest.join('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers ?? '')?.[1]), body: body.replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, ''), sent });
    };
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      answer += d;
      if (/\r\n\r\n[\s\S]*\}/.test(answer)) finish();
    });
    socket.on('error', (err) => (answer ? finish() : finish(err)));
    socket.on('close', () => finish());
    socket.write(head, async () => {
      for (const chunk of chunks) {
        if (done) return;
        await new Promise((r) => setTimeout(r, 3));
        if (done) return;
        socket.write(`${chunk.length.toString(16)}\r\n`);
        socket.write(chunk);
        socket.write('\r\n');
        sent += chunk.length;
      }
      if (!done) socket.write('0\r\n\r\n');
    });
  });
}

describe('request-body limit', () => {
  test('a 2 MiB JSON body with its Content-Length is a 413 problem at once, anonymously, before any of it is sent', async () => {
    const r = await rawRequest(`POST /api/v1/auth/signin HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${2 * MiB}\r\n\r\n`);
    expect(r.status).toBe(413);
    expect(r.sent).toBe(0);
    expect(JSON.parse(r.body)).toMatchObject({ status: 413, code: 'DIALBOOK_HTTP_PAYLOAD_TOO_LARGE', title: 'Payload too large', detail: 'the request body is larger than 1 MiB, the limit for API requests' });
  });

  test('a chunked body without Content-Length is refused once 1 MiB has been read, not read to its end', async () => {
    const chunks = Array.from({ length: 64 }, () => Buffer.alloc(32 * 1024, 'x')); // 2 MiB
    const r = await rawRequest('POST /api/v1/auth/signin HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', chunks);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'DIALBOOK_HTTP_PAYLOAD_TOO_LARGE' });
    expect(r.sent).toBeLessThan(2 * MiB);
  });

  test('a streamed body is read no further than the limit', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 8 * MiB) return controller.close();
        pulled += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const res = await core.app.request('/api/v1/auth/signin', { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(MiB + 3 * 64 * 1024);
  });

  test('a body under the limit is read and validated as before', async () => {
    const body = JSON.stringify({ email: 'a@example.test', password: 'x'.repeat(MiB - 100) });
    expect(body.length).toBeLessThan(MiB);
    const res = await core.request('/api/v1/auth/signin', { method: 'POST', body, headers: { 'content-type': 'application/json' }, anonymous: true });
    expect(await res.json()).toMatchObject({ status: 422, field: 'password', detail: 'password: must have at most 200 characters' });
  });

  test("a signed-in write over the limit is audited with its 413; GETs, health and the phones' routes are untouched", async () => {
    const res = await core.request('/api/v1/sites', { method: 'POST', body: `{"name":"${'x'.repeat(MiB)}"}`, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    const audit = (await (await core.request(`/api/v1/audit?action=${encodeURIComponent('POST /sites')}`)).json()) as { items: { status: number }[] };
    expect(audit.items[0]).toMatchObject({ status: 413 });
    expect((await fetch(`${core.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${core.url}/api/v1/contacts`, { headers: { authorization: `Bearer ${core.admin.token}` } })).status).toBe(200);
    expect((await fetch(`${core.url}/directory/00000000-0000-4000-8000-000000000000/yealink`)).status).toBe(401);
  });

  test('routes that take uploads: up to server.maxUploadBytes, then 413; the other routes keep 1 MiB', async () => {
    const send = (path: string, bytes: number) => core.request(`/api/v1/plugins/importer${path}`, { method: 'POST', body: 'x'.repeat(bytes), headers: { 'content-type': 'text/csv' } });
    expect(await (await send('/uploads/csv', 3 * MiB)).json()).toEqual({ bytes: 3 * MiB });
    expect(await (await send('/photo', 3 * MiB)).json()).toEqual({ bytes: 3 * MiB });
    const over = await send('/uploads/csv', 4 * MiB + 1);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ code: 'DIALBOOK_HTTP_PAYLOAD_TOO_LARGE', detail: 'the upload is larger than 4 MiB, the limit set by server.maxUploadBytes' });
    expect((await send('/notes', MiB + 1)).status).toBe(413);
    expect(await (await send('/notes', MiB)).json()).toEqual({ bytes: MiB });
  });
});
