/**
 * The FastAGI server against a fake Asterisk (test/agi-client.ts, written from calls.md §3c):
 * sessions, quoting on the wire, 510/511/520 answers, HANGUP mid-dial, hostile clients, 200
 * concurrent sessions, the connection limit and the draining close.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { encodeCommand } from '../src/agi/protocol.js';
import type { AgiServer } from '../src/agi/server.js';
import type { AgiSession } from '../src/agi/session.js';
import { fakeCall, rawClient } from './agi-client.js';
import { gate, startAgi } from './helpers.js';

const servers: AgiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function start(options: Parameters<typeof startAgi>[0]) {
  const started = await startAgi(options);
  servers.push(started.server);
  return started;
}

describe('a session', () => {
  test('the handler reads the block, sets and gets variables, execs; quoted values arrive intact; the socket closes after', async () => {
    let seen: AgiSession['env'] | undefined;
    const { port, server } = await start({
      handler: async (s) => {
        seen = s.env;
        await s.setVariable('CDR(userfield)', 'client "7" at C:\\queue x');
        expect(await s.getVariable('CDR(userfield)')).toBe('client "7" at C:\\queue x');
        expect(await s.getVariable('NOT_SET')).toBeNull();
        expect(await s.exec('Playback', 'ss-noservice')).toMatchObject({ code: 200, result: 0 });
        expect(await s.exec('NoSuchApp')).toMatchObject({ code: 200, result: -2 });
      },
    });
    const call = await fakeCall({ port, args: ['4930123456', '+4930999 ext 2'] });
    expect(seen).toMatchObject({ args: ['4930123456', '+4930999 ext 2'], network: true, networkScript: 'route', callerId: '15551234567', callerIdName: null });
    expect(seen!.uniqueId).toMatch(/^1700000000\.\d+$/);
    expect(call.argv[0]).toEqual(['SET', 'VARIABLE', 'CDR(userfield)', 'client "7" at C:\\queue x']);
    expect(call.lines[0]).toBe('SET VARIABLE CDR(userfield) "client \\"7\\" at C:\\\\queue x"');
    expect(call.variables.get('CDR(userfield)')).toBe('client "7" at C:\\queue x');
    expect(server.stats()).toMatchObject({ accepted: 1, protocolErrors: 0, handlerErrors: 0 });
  });

  test('a raw line with a line break is refused unsent; 510 for an unknown command and the multi-line 520 usage reach the handler as answers, and the session goes on', async () => {
    const answers: unknown[] = [];
    const { port } = await start({
      handler: async (s) => {
        await expect(s.command('NOOP\nHANGUP')).rejects.toMatchObject({ code: 'DIALBOOK_ASTERISK_AGI_ARGUMENT' });
        answers.push(await s.command('FROB NICATE'));
        answers.push(await s.command(encodeCommand('GET VARIABLE')));
        await s.setVariable('AFTER', 'yes');
        await expect(s.getVariable('')).resolves.toBeNull(); // "" is an argument: GET VARIABLE with an empty name
      },
    });
    const call = await fakeCall({ port });
    expect(answers).toEqual([
      { code: 510, message: 'Invalid or unknown command', line: '510 Invalid or unknown command' },
      { code: 520, message: 'Invalid command syntax.  Proper usage follows:', usage: ' Usage: GET VARIABLE <variablename>\n     Returns 0 if <variablename> is not set.', line: '520-Invalid command syntax.  Proper usage follows:' },
    ]);
    expect(call.variables.get('AFTER')).toBe('yes');
    expect(call.lines).not.toContain('HANGUP'); // the refused line never reached the wire
  });

  test('a caller hang-up mid-dial: HANGUP, then 200 result=-1; hungUp is set; EXEC is refused with 511; variables still read', async () => {
    const steps: unknown[] = [];
    const { port } = await start({
      handler: async (s) => {
        expect(s.hungUp).toBe(false);
        steps.push(await s.exec('Dial', 'PJSIP/+4930111@client-a', '20', 'g'));
        steps.push(s.hungUp, await s.whenHungUp);
        steps.push((await s.exec('Dial', 'PJSIP/+4930222@client-b', '20', 'g')).code);
        steps.push(await s.getVariable('DIALSTATUS'));
        expect(s.signal.aborted).toBe(false);
      },
    });
    const call = await fakeCall({ port, dial: () => ({ status: 'CANCEL', callerHangsUp: true }) });
    expect(steps).toEqual([expect.objectContaining({ code: 200, result: -1 }), true, 'hangup', 511, 'CANCEL']);
    expect(call.dials.map((d) => d.data)).toEqual(['PJSIP/+4930111@client-a,20,g']);
  });

  test('a handler that throws is logged; the connection closes and the server serves the next call', async () => {
    let n = 0;
    const { port, server, logger } = await start({
      handler: async (s) => {
        if (++n === 1) throw new Error('boom');
        await s.setVariable('OK', '1');
      },
    });
    await fakeCall({ port });
    expect((await fakeCall({ port })).variables.get('OK')).toBe('1');
    expect(server.stats().handlerErrors).toBe(1);
    expect(logger.lines.find((l) => l.level === 'error')).toMatchObject({ msg: expect.stringContaining('AGI handler failed'), obj: { err: expect.objectContaining({ message: 'boom' }) } });
  });
});

describe('hostile and broken clients', () => {
  test('a malformed header (an HTTP request) is closed without running the handler; the server keeps serving', async () => {
    let calls = 0;
    const { port, server, logger } = await start({ handler: async () => void calls++ });
    const c = await rawClient(port);
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.closed;
    expect(c.received()).toBe('');
    expect(calls).toBe(0);
    expect(server.stats().protocolErrors).toBe(1);
    expect(logger.lines.some((l) => l.level === 'warn' && /not "agi_<name>: <value>"/.test(l.msg))).toBe(true);
    await fakeCall({ port });
    expect(calls).toBe(1);
  });

  test('a block without agi_uniqueid is malformed', async () => {
    let calls = 0;
    const { port, server } = await start({ handler: async () => void calls++ });
    const c = await rawClient(port);
    c.socket.write('agi_network: yes\nagi_request: agi://127.0.0.1/route\nagi_channel: PJSIP/x-1\n\n');
    await c.closed;
    expect(calls).toBe(0);
    expect(server.stats().protocolErrors).toBe(1);
  });

  test('a silent client, and one that stops halfway through the block, are closed after the idle timeout', async () => {
    const { port, server } = await start({ idleTimeoutMs: 150, handler: async () => undefined });
    const silent = await rawClient(port);
    const half = await rawClient(port);
    half.socket.write('agi_network: yes\nagi_request: agi://127.0.0.1/route\n');
    await Promise.all([silent.closed, half.closed]);
    expect(server.stats().timedOut).toBe(2);
    await expect.poll(() => server.stats().active).toBe(0); // the server's close event follows the client's
  });

  test('garbage without line breaks is cut off at the line limit, not buffered', async () => {
    const { port, server } = await start({ handler: async () => undefined });
    const c = await rawClient(port);
    c.socket.write('x'.repeat(64 * 1024));
    await c.closed;
    expect(server.stats().protocolErrors).toBe(1);
  });

  test('a client that stops answering a command: the command fails with a timeout and the connection closes', async () => {
    let failure: unknown;
    const { port, server } = await start({
      idleTimeoutMs: 150,
      handler: async (s) => {
        failure = await s.getVariable('DIALSTATUS').catch((e: unknown) => e);
        expect(s.signal.aborted).toBe(true);
      },
    });
    const c = await rawClient(port);
    c.socket.write('agi_network: yes\nagi_request: agi://127.0.0.1/route\nagi_channel: PJSIP/x-1\nagi_uniqueid: 1.1\n\n');
    await c.closed;
    expect(c.received()).toBe('GET VARIABLE DIALSTATUS\n');
    await expect.poll(() => failure).toMatchObject({ code: 'DIALBOOK_ASTERISK_AGI_TIMEOUT' });
    expect(server.stats().timedOut).toBe(1);
  });

  test('an answer nobody asked for is a protocol error', async () => {
    const done = gate();
    const { port, server } = await start({ handler: (s) => s.whenHungUp.then(() => done.open()) });
    const c = await rawClient(port);
    c.socket.write('agi_network: yes\nagi_request: agi://127.0.0.1/route\nagi_channel: PJSIP/x-1\nagi_uniqueid: 1.1\n\n200 result=1\n');
    await c.closed;
    await done.promise;
    expect(server.stats().protocolErrors).toBe(1);
  });
});

describe('load, limit and drain', () => {
  test('200 concurrent sessions, all open at once, each answered with its own variables', async () => {
    const all = gate();
    let inside = 0;
    const { port, server } = await start({
      maxConnections: 200,
      idleTimeoutMs: 20_000,
      handler: async (s) => {
        if (++inside === 200) all.open();
        await all.promise; // every session is open at the same time before any answers
        await s.setVariable('DIALBOOK_RESULT', `done-${s.env.args[0]}`);
        expect(await s.getVariable('DIALBOOK_RESULT')).toBe(`done-${s.env.args[0]}`);
      },
    });
    const calls = await Promise.all(Array.from({ length: 200 }, (_, i) => fakeCall({ port, args: [`did-${i}`] })));
    calls.forEach((c, i) => expect(c.variables.get('DIALBOOK_RESULT')).toBe(`done-did-${i}`));
    expect(server.stats()).toMatchObject({ accepted: 200, rejected: 0, timedOut: 0, protocolErrors: 0, handlerErrors: 0 });
    await expect.poll(() => server.stats().active).toBe(0);
  }, 60_000);

  test('past maxConnections a connection is closed at once, unanswered, and counted; a freed slot is used again', async () => {
    const hold = gate();
    let inside = 0;
    const full = gate();
    const { port, server } = await start({
      maxConnections: 3,
      handler: async (s) => {
        if (++inside === 3) full.open();
        await s.exec('Dial', 'PJSIP/x@y', '20', 'g');
      },
    });
    const held = Array.from({ length: 3 }, () => fakeCall({ port, dial: () => ({ status: 'ANSWER', hold: hold.promise }) }));
    await full.promise;
    const extra = await rawClient(port);
    extra.socket.write('agi_network: yes\n');
    await extra.closed;
    expect(extra.received()).toBe('');
    expect(server.stats()).toMatchObject({ rejected: 1, active: 3 });
    hold.open();
    await Promise.all(held);
    await expect.poll(() => server.stats().active).toBe(0);
    const after = await fakeCall({ port, dial: () => ({ status: 'ANSWER' }) });
    expect(after.dials).toHaveLength(1);
    expect(server.stats()).toMatchObject({ accepted: 4, rejected: 1 });
  });

  test('close() stops accepting and lets a running call finish', async () => {
    const hold = gate();
    const dialing = gate();
    const { port, server } = await start({
      handler: async (s) => {
        dialing.open();
        await s.exec('Dial', 'PJSIP/x@y', '20', 'g');
        await s.setVariable('DIALBOOK_RESULT', 'ANSWER');
      },
    });
    const call = fakeCall({ port, dial: () => ({ status: 'ANSWER', hold: hold.promise }) });
    await dialing.promise;
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await expect.poll(() => refused(port)).toBe(true);
    expect(closed).toBe(false);
    hold.open();
    expect((await call).variables.get('DIALBOOK_RESULT')).toBe('ANSWER');
    await closing;
    expect(server.address).toBeNull();
  });

  test('at the drain deadline close() destroys what is left; the pending command fails as closed', async () => {
    let failure: unknown;
    let signalled = false;
    const dialing = gate();
    const { port, server } = await start({
      drainTimeoutMs: 100,
      handler: async (s) => {
        s.signal.addEventListener('abort', () => (signalled = true));
        dialing.open();
        failure = await s.exec('Dial', 'PJSIP/x@y', '20', 'g').catch((e: unknown) => e);
      },
    });
    const call = fakeCall({ port, dial: () => ({ status: 'ANSWER', hold: new Promise(() => undefined) }) });
    await dialing.promise;
    await server.close();
    await expect.poll(() => failure).toMatchObject({ code: 'DIALBOOK_ASTERISK_AGI_CLOSED' });
    expect(signalled).toBe(true);
    expect(server.stats().active).toBe(0); // close() resolves only when every socket is closed
    void call.catch(() => undefined);
  });

  test('listen on a taken port fails with a clear error', async () => {
    const { port } = await start({ handler: async () => undefined });
    await expect(startAgi({ port, handler: async () => undefined })).rejects.toMatchObject({ code: 'DIALBOOK_ASTERISK_AGI_LISTEN', message: expect.stringContaining(`127.0.0.1:${port}`) });
  });
});

/** True when a connection to the port is refused (nothing listens). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}
