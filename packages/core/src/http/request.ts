import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/** The longest client address kept (an IPv6 address with a zone fits); a longer forwarded value is cut. */
const MAX_IP = 64;
export const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The client's address (the proxy's `X-Forwarded-For` only with `server.trustProxy`). */
export function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (fwd) return clip(fwd, MAX_IP);
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request() in tests has no socket
  }
}

export const isHttps = (c: Context, trustProxy: boolean): boolean =>
  new URL(c.req.url).protocol === 'https:' || (trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https');
