import { describe, expect, test } from 'vitest';
import { sign, verify } from './signature.js';

// The documented vector (calls.md §2.1, from Placetel's call-control-notify-api README; verified with openssl).
const SECRET = '12345';
const PAYLOAD = 'call_id=4a4cbb39578170aed9a2761a7bec8c7e704a541f52291ef603d6f5f152980c3c&event=CallAccepted&from=0123456789&to=0987654321';
const HMAC = 'c4f823c5b8806432fe2b83b1fc2ee714422e0cdfb4b5129152a7d0bbcd7792d0';

describe('X-PLACETEL-SIGNATURE', () => {
  test('the documented test vector', () => {
    expect(sign(SECRET, PAYLOAD)).toBe(HMAC);
    expect(verify(SECRET, Buffer.from(PAYLOAD), HMAC)).toBe(true);
  });

  test('upper-case hex is the same signature', () => {
    expect(verify(SECRET, Buffer.from(PAYLOAD), HMAC.toUpperCase())).toBe(true);
  });

  test('a changed byte, another secret, a truncated or missing header fail', () => {
    expect(verify(SECRET, Buffer.from(PAYLOAD.replace('CallAccepted', 'CallAccepteD')), HMAC)).toBe(false);
    expect(verify('123456', Buffer.from(PAYLOAD), HMAC)).toBe(false);
    expect(verify(SECRET, Buffer.from(PAYLOAD), HMAC.slice(0, 63))).toBe(false);
    expect(verify(SECRET, Buffer.from(PAYLOAD), `${HMAC}00`)).toBe(false);
    expect(verify(SECRET, Buffer.from(PAYLOAD), 'zz'.repeat(32))).toBe(false);
    expect(verify(SECRET, Buffer.from(PAYLOAD), null)).toBe(false);
    expect(verify(SECRET, Buffer.from(PAYLOAD), '')).toBe(false);
  });

  test('the signature is over the raw bytes: the same fields in another order are another body', () => {
    const reordered = 'event=CallAccepted&call_id=4a4cbb39578170aed9a2761a7bec8c7e704a541f52291ef603d6f5f152980c3c&from=0123456789&to=0987654321';
    expect(verify(SECRET, Buffer.from(reordered), HMAC)).toBe(false);
  });
});
