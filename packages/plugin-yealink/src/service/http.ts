import { createHash, timingSafeEqual } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import type { ServedEvent } from '@dialbook/core/vendor-protocol';
import { YEALINK_VARIANTS } from '../render/index.js';
import type { PhonebookStore } from './store.js';

export interface PhoneAppOptions {
  store: PhonebookStore;
  /** Each device fetch, for the audit trail core keeps. */
  report(event: ServedEvent): void;
  /** Whether core is connected right now (shown by `/healthz`). */
  connected(): boolean;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/** `Authorization: Basic …` as user name and password, or null. */
function basic(header: string | undefined): { username: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? null : { username: text.slice(0, i), password: text.slice(i + 1) };
}

function clientIp(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

/**
 * What phones talk to: `GET /yealink/{phonebookId}` (the phonebook's default format) and
 * `GET /yealink/{phonebookId}/{phonebook|directory|local}`, `?q=` for server-side search
 * (`#SEARCH`), HTTP basic with the user name and password core sent in the configuration,
 * a strong ETag and `304 Not Modified`. Served from memory, also while core is away.
 */
export function createPhoneApp({ store, report, connected }: PhoneAppOptions): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok', core: connected() ? 'connected' : 'away', phonebooks: store.list().filter((b) => b.enabled && b.input).length }));

  const serve = (c: Context, phonebookId: string, variant: string) => {
    const held = store.get(phonebookId);
    if (!held?.enabled) return c.text('no such phonebook\n', 404);
    if (variant && !(YEALINK_VARIANTS as readonly string[]).includes(variant)) return c.text(`no variant "${variant}" (variants: ${YEALINK_VARIANTS.join(', ')})\n`, 404);
    const given = basic(c.req.header('authorization'));
    const username = String(held.configuration.username ?? '');
    const password = String(held.configuration.password ?? '');
    if (!given || !username || !password || !(same(given.username, username) && same(given.password, password))) {
      c.header('WWW-Authenticate', 'Basic realm="Dialbook Yealink", charset="UTF-8"');
      return c.text('credentials required\n', 401);
    }
    const q = c.req.query('q') ?? '';
    // A phone that did not substitute the placeholder searches for nothing: the whole book.
    const query: Record<string, string> = q && q !== '#SEARCH' ? { q } : {};
    const rendered = store.render(phonebookId, variant, query);
    if (!rendered) {
      c.header('Retry-After', '30');
      return c.text('this phonebook has not arrived from core yet\n', 503);
    }
    const event = { at: new Date().toISOString(), phonebookId, variant, kind: query.q ? ('search' as const) : ('fetch' as const), ip: clientIp(c), userAgent: c.req.header('user-agent')?.slice(0, 500) ?? null };
    c.header('ETag', rendered.etag);
    c.header('Cache-Control', 'no-cache');
    const inm = c.req.header('if-none-match');
    if (inm && inm.split(',').some((t) => t.trim() === rendered.etag || t.trim() === `W/${rendered.etag}`)) {
      report({ ...event, status: 304, bytes: 0 });
      return c.body(null, 304);
    }
    report({ ...event, status: 200, bytes: rendered.body.byteLength });
    return c.body(rendered.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': rendered.contentType });
  };

  app.get('/yealink/:phonebook/:variant', (c) => serve(c, c.req.param('phonebook'), c.req.param('variant')));
  app.get('/yealink/:phonebook', (c) => serve(c, c.req.param('phonebook').replace(/\.xml$/, ''), ''));
  app.notFound((c) => c.text('not found\n', 404));
  return app;
}
