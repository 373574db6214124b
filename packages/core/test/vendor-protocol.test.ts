import { describe, expect, test } from 'vitest';
import { backoffDelay, CoreFrame, encodeFrame, MAX_FRAME_BYTES, parseFrame, PROTOCOL_VERSION, ServiceFrame } from '@dialbook/core/vendor-protocol';

describe('vendor protocol frames', () => {
  const bad = (data: unknown) => {
    const r = parseFrame(ServiceFrame, data);
    if (r.ok) throw new Error(`accepted ${String(data)}`);
    return r;
  };

  test('a valid frame parses, with defaults applied', () => {
    const r = parseFrame(ServiceFrame, encodeFrame({ type: 'register', id: '1', service: 'yealink', vendor: 'yealink', version: '1.0.0', instanceId: 'a', key: 'dbk_svc_x' }));
    expect(r.ok && r.frame.type === 'register' && r.frame.config).toEqual([]);
    expect(parseFrame(CoreFrame, encodeFrame({ type: 'pong', re: 'x' })).ok).toBe(true);
  });

  test('garbage, non-objects, wrong versions, unknown types and wrong field types are refused with a code and a reason', () => {
    expect(bad('{not json').code).toBe('DIALBOOK_VENDOR_FRAME_INVALID');
    expect(bad('[1,2]').message).toMatch(/JSON object/);
    expect(bad('null').code).toBe('DIALBOOK_VENDOR_FRAME_INVALID');
    expect(bad(JSON.stringify({ type: 'ping', id: '1' })).code).toBe('DIALBOOK_VENDOR_PROTOCOL_VERSION');
    expect(bad(JSON.stringify({ v: 99, type: 'ping', id: '1' }))).toMatchObject({ code: 'DIALBOOK_VENDOR_PROTOCOL_VERSION', re: '1' });
    expect(bad(encodeFrame({ type: 'teleport', id: '7' }))).toMatchObject({ code: 'DIALBOOK_VENDOR_FRAME_INVALID', re: '7' });
    const wrong = bad(encodeFrame({ type: 'audit', id: '8', events: [{ at: 'yesterday', phonebookId: 'x', variant: 1, status: 'ok' }] }));
    expect(wrong).toMatchObject({ code: 'DIALBOOK_VENDOR_FRAME_INVALID', re: '8' });
    expect(wrong.message).toMatch(/^"audit" frame: events\.0\./);
    expect(bad(encodeFrame({ type: 'status', phonebookId: 'not-a-uuid', state: 'enabled' })).message).toMatch(/phonebookId/);
    expect(bad(Buffer.from([0xff, 0x00, 0x12])).code).toBe('DIALBOOK_VENDOR_FRAME_INVALID');
    expect(bad(42).message).toMatch(/JSON text/);
  });

  test('frames over the size limit are refused before parsing', () => {
    const big = encodeFrame({ type: 'ping', id: 'x'.repeat(MAX_FRAME_BYTES) });
    expect(bad(big)).toMatchObject({ code: 'DIALBOOK_VENDOR_FRAME_TOO_LARGE' });
    expect(PROTOCOL_VERSION).toBe(1);
  });
});

describe('reconnect backoff', () => {
  test('grows exponentially from initialMs, is capped at maxMs, and is jittered within [(1-jitter)·d, d]', () => {
    const opts = { initialMs: 100, maxMs: 5000, factor: 2, jitter: 0.5 };
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, opts, () => 1))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(20, opts, () => 1)).toBe(5000);
    expect(backoffDelay(3, opts, () => 0)).toBe(400);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(4, opts);
      expect(d).toBeGreaterThanOrEqual(800);
      expect(d).toBeLessThanOrEqual(1600);
    }
    expect(backoffDelay(0)).toBeLessThanOrEqual(500);
  });
});
