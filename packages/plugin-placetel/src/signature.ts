/**
 * Placetel's webhook signature (calls.md §2.1): `X-PLACETEL-SIGNATURE` is the lowercase hex
 * HMAC-SHA256 of the raw POST body bytes, keyed with the shared secret. Verified over the bytes
 * exactly as received, before any parsing, in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-placetel-signature';

/** The signature Placetel sends for `body`. */
export function sign(secret: string, body: Uint8Array | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Whether `header` is the signature of `body` (hex, case-insensitive); false for a missing or malformed one. */
export function verify(secret: string, body: Uint8Array, header: string | null | undefined): boolean {
  if (!header) return false;
  const sent = header.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sent)) return false;
  const expected = Buffer.from(sign(secret, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(sent, 'hex'));
}

/** The replay guard's key of a body: its SHA-256, hex. */
export const bodyHash = (body: Uint8Array): string => createHash('sha256').update(body).digest('hex');
