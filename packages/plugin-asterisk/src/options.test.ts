import { describe, expect, test } from 'vitest';
import { AsteriskOptionsSchema } from './options.js';

describe('options', () => {
  test('defaults: 127.0.0.1:4573, 200 connections, 10 s idle, 2 s decision, playback failover', () => {
    expect(AsteriskOptionsSchema.parse(undefined).agi).toEqual({
      host: '127.0.0.1',
      port: 4573,
      maxConnections: 200,
      idleTimeoutMs: 10_000,
      decisionTimeoutMs: 2_000,
      drainTimeoutMs: 5_000,
      failover: { type: 'playback', file: 'ss-noservice' },
    });
  });

  test('a dial failover gets a ring timeout', () => {
    const o = AsteriskOptionsSchema.parse({ agi: { failover: { type: 'dial', target: 'PJSIP/+4930123@fallback' } } });
    expect(o.agi.failover).toEqual({ type: 'dial', target: 'PJSIP/+4930123@fallback', timeoutSeconds: 30 });
  });

  test('a line break in the failover is refused with its path (it would split the AGI command)', () => {
    const r = AsteriskOptionsSchema.safeParse({ agi: { failover: { type: 'dial', target: 'PJSIP/a\nHANGUP' } } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['agi', 'failover', 'target']);
    expect(r.error!.issues[0]!.message).toMatch(/control characters/);
  });

  test('an unknown failover type and a port out of range are refused', () => {
    expect(AsteriskOptionsSchema.safeParse({ agi: { failover: { type: 'voicemail' } } }).success).toBe(false);
    expect(AsteriskOptionsSchema.safeParse({ agi: { port: 70000 } }).success).toBe(false);
  });
});
