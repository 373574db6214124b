import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { definePlugin, systemActor } from '@dialbook/core';

/**
 * Issue 10, defect 6: while API writers keep the server busy, a request on a NEW connection (a phone,
 * a health probe, a browser) is answered promptly instead of waiting behind the writes.
 *
 * No timing assertions (the machines are noisy): the test counts how many writes the server
 * completes between a probe being sent and it being answered. With the database work on the event
 * loop (the old synchronous `node:sqlite` driver), the loop ran every ready write to its end before
 * it accepted the next connection, and a probe waited for hundreds of writes; now it waits for a
 * few. The latencies themselves are measured by `npm run bench:write-load`.
 */
const renderer = definePlugin({
  name: 'event-loop-test',
  setup(ctx) {
    ctx.directory.registerRenderer({
      id: 'plain',
      label: 'Plain text',
      variants: ['plain'],
      render: (input) => ({ contentType: 'text/plain; charset=utf-8', body: input.contacts.map((c) => c.displayName).join('\n') }),
    });
  },
});

let core: TestCore;
let directoryPath: string;
let basic: string;
let writeSite: string;

beforeAll(async () => {
  core = await createTestCore({ plugins: { el: renderer }, listen: true });
  for (let i = 0; i < 50; i++) await core.dialbook.contacts.create({ siteId: core.site.id, firstName: `Person ${i}`, phones: [{ number: `030 12345${i}` }] }, systemActor);
  const pb = await core.dialbook.phonebooks.create({ siteId: core.site.id, name: 'Everyone', filter: {} });
  const cred = await core.dialbook.credentials.createForPhonebook(pb.id, 'phones', systemActor);
  basic = `Basic ${Buffer.from(`${cred.username}:${cred.secret}`).toString('base64')}`;
  directoryPath = `/directory/${pb.id}/plain`;
  expect(await freshGet(directoryPath, { authorization: basic, 'user-agent': 'Yealink SIP-T46S 66.86.0.15' })).toBe(200); // rendered and cached
  // The writers write into another site, so the phonebook stays cached.
  writeSite = (await core.dialbook.sites.create({ name: 'Writes', slug: 'writes', defaultCountry: 'DE' })).id;
});
afterAll(() => core?.close());

/** One GET on a new connection (no agent, `Connection: close`), as a phone or a probe makes it. */
function freshGet(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${core.url}${path}`, { agent: false, headers: { connection: 'close', ...headers } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe('new connections are answered while writers keep the server busy', () => {
  test('/healthz and a cached directory wait for a few writes, not for all of them', async () => {
    const WRITERS = 30;
    const PER_WRITER = 15;
    const agent = new http.Agent({ keepAlive: true, maxSockets: WRITERS });
    const body = JSON.stringify({ siteId: writeSite, firstName: 'Jörg', lastName: 'Weiß', phones: [{ type: 'work', number: '030 9876543' }] });
    let done = 0;
    let failed = 0;
    const write = () =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(
          `${core.url}/api/v1/contacts`,
          { method: 'POST', agent, headers: { authorization: `Bearer ${core.admin.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode === 201) done++;
              else failed++;
              resolve();
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const writers = Array.from({ length: WRITERS }, async () => {
      for (let i = 0; i < PER_WRITER; i++) await write();
    });

    // Once the writers are under way, probe on new connections and count the writes each waited for.
    while (done < WRITERS) await new Promise((r) => setImmediate(r));
    const waited: Record<string, number> = {};
    const probe = async (label: string, path: string, headers?: Record<string, string>) => {
      const before = done;
      const status = await freshGet(path, headers);
      expect(status, label).toBe(200);
      waited[label] = done - before;
    };
    await probe('healthz', '/healthz');
    await probe('directory', directoryPath, { authorization: basic, 'user-agent': 'Yealink SIP-T46S 66.86.0.15' });
    const remaining = WRITERS * PER_WRITER - done;
    await Promise.all(writers);
    agent.destroy();

    expect(failed).toBe(0);
    expect(done).toBe(WRITERS * PER_WRITER);
    // Both probes were answered with writes still to come, after at most two writes per writer.
    expect(remaining).toBeGreaterThan(0);
    expect(waited.healthz).toBeLessThanOrEqual(2 * WRITERS);
    expect(waited.directory).toBeLessThanOrEqual(2 * WRITERS);
  });
});
