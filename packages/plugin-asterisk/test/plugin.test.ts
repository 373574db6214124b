/**
 * The plugin on a real core (createTestCore, SQLite or PostgreSQL): start opens the FastAGI
 * server, each call gets the configured failover until routing decides, the health line shows the
 * server, and stop closes it.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { createAsteriskPlugin } from '../src/index.js';
import { fakeCall } from './agi-client.js';

type PluginInfo = { id: string; health: { id: string; ok: boolean; message: string }[] };

let core: TestCore;
let port: number;

async function health(): Promise<PluginInfo['health']> {
  const res = await core.request('/api/v1/plugins');
  expect(res.status).toBe(200);
  const { items } = (await res.json()) as { items: PluginInfo[] };
  return items.find((p) => p.id === 'asterisk')!.health;
}

beforeAll(async () => {
  core = await createTestCore({ plugins: { asterisk: { plugin: createAsteriskPlugin(), options: { agi: { port: 0, failover: { type: 'dial', target: 'PJSIP/+4930000@fallback', timeoutSeconds: 25 } } } } } });
  const line = (await health()).find((h) => h.id.endsWith('agi'))!;
  port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(line.message)![1]);
});
afterAll(() => core?.close());

describe('plugin', () => {
  test('start opens the FastAGI server; a call gets the configured failover and DIALBOOK_RESULT', async () => {
    const call = await fakeCall({ port, args: ['4930123456', '+4930999'] });
    expect(call.lines).toEqual(['EXEC Dial "PJSIP/+4930000@fallback,25,g"', 'SET VARIABLE DIALBOOK_RESULT FAILOVER']);
  });

  test('the health line names the address and counts sessions', async () => {
    const [h] = await health();
    expect(h).toMatchObject({ ok: true, message: expect.stringMatching(/^listening on 127\.0\.0\.1:\d+; \d+ of 200 sessions live; [1-9]\d* accepted/) });
  });

  test('bad options stop start-up naming the key', async () => {
    await expect(createTestCore({ plugins: { asterisk: { plugin: createAsteriskPlugin(), options: { agi: { failover: { type: 'dial', target: 'PJSIP/x\nHANGUP' } } } } } })).rejects.toThrow(/agi\.failover\.target/);
  });

  test('a taken port fails start-up, naming the address', async () => {
    const err = await createTestCore({ plugins: { asterisk: { plugin: createAsteriskPlugin(), options: { agi: { port } } } } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: expect.stringContaining(`plugin "asterisk" failed to start: FastAGI server cannot listen on 127.0.0.1:${port}`) });
  });

  test('stop closes the server (run last)', async () => {
    await core.close();
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => (s.destroy(), resolve(false)));
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    core = undefined as unknown as TestCore;
  });
});
