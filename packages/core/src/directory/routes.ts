import { createRoute } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { CredentialService } from '../credentials/service.js';
import type { PhonebookService } from '../phonebooks/service.js';
import type { DirectoryService } from './service.js';
import { DialbookError } from '../base/errors.js';
import { LOOKUP, type RenderedBytes } from './service.js';
import { deviceOf } from './user-agent.js';
import type { DirectoryServed } from './types.js';
import { clientIp } from '../http/request.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/openapi.js';
import { body, errors, IdParam, json } from '../http/common.js';

export const PHONE_REALM = 'Dialbook phonebook';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `If-None-Match` matches when it names the ETag (or `*`); weak comparison, as RFC 9110 asks for GET. */
const matches = (header: string | undefined, etag: string): boolean => {
  if (!header) return false;
  if (header === etag) return true; // what a phone sends back, as it was given
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
};

function basicCredentials(c: Context): { username: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(c.req.header('authorization') ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

const unauthorized = (c: Context, detail: string): never => {
  c.header('WWW-Authenticate', `Basic realm="${PHONE_REALM}", charset="UTF-8"`);
  throw new DialbookError('DIALBOOK_DIRECTORY_AUTH', detail, { status: 401 });
};

/**
 * What desk phones fetch, outside `/api/v1` and without user accounts: a phonebook's
 * credential as HTTP basic (`/directory/{phonebookId}/{vendor}[/{variant}]`) or as a token in
 * the path (`/directory/t/{token}/{vendor}[/{variant}]`); `?q=` searches (Yealink's `#SEARCH`);
 * `…/{vendor}/lookup?number=` answers caller ID. `ETag` + `If-None-Match` → 304,
 * `Cache-Control: no-cache` (the phone revalidates every time). Each fetch is recorded.
 */
export interface DirectoryRouteDeps {
  directory: DirectoryService;
  credentials: CredentialService;
  phonebooks: PhonebookService;
  trustProxy: boolean;
  /** `server.publicUrl`: the origin in the URLs shown to admins (else the request's). */
  publicUrl: string | undefined;
}

export function phoneDirectoryRoutes(deps: DirectoryRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { trustProxy, directory, credentials } = deps;

  const served = (c: Context<AppEnv>, phonebookId: string, credentialId: string, vendor: string, variant: string | undefined) => {
    const ua = c.req.header('user-agent') ?? null;
    return {
      at: new Date().toISOString(),
      phonebookId,
      vendor,
      variant: variant ?? '',
      ip: clientIp(c, trustProxy),
      userAgent: ua,
      device: deviceOf(ua),
      credentialId,
      via: 'core',
    } satisfies Partial<DirectoryServed>;
  };
  const headers = { 'cache-control': 'no-cache' };

  /** Answer from cached bytes: the ETag compared first, the fetch recorded, no promise on the way. */
  const answer = (c: Context<AppEnv>, base: ReturnType<typeof served>, siteId: string, kind: 'fetch' | 'search', r: RenderedBytes): Response => {
    const notModified = matches(c.req.header('if-none-match'), r.etag);
    directory.recordServed({ ...base, siteId, kind, status: notModified ? 304 : 200, bytes: notModified ? 0 : r.body.byteLength });
    if (notModified) return c.body(null, 304, { ...headers, etag: r.etag });
    return c.body(r.body as Uint8Array<ArrayBuffer>, 200, { ...headers, etag: r.etag, 'content-type': r.contentType });
  };

  const serve = (c: Context<AppEnv>, phonebookId: string, credentialId: string, vendor: string, variant: string | undefined): Response | Promise<Response> => {
    const q = variant === LOOKUP ? undefined : c.req.query('q')?.trim();
    if (!q && variant !== LOOKUP) {
      const hit = directory.cached(phonebookId, vendor, variant);
      if (hit) return answer(c, served(c, phonebookId, credentialId, vendor, variant), hit.siteId, 'fetch', hit.rendered);
    }
    return serveSlow(c, phonebookId, credentialId, vendor, variant, q);
  };

  const serveSlow = async (c: Context<AppEnv>, phonebookId: string, credentialId: string, vendor: string, variant: string | undefined, q: string | undefined) => {
    const base = served(c, phonebookId, credentialId, vendor, variant);

    if (variant === LOOKUP) {
      const number = c.req.query('number')?.trim();
      if (!number) throw new DialbookError('DIALBOOK_VALIDATION', 'query parameter "number" is required: the caller\'s number in any form', { status: 422, field: 'query.number' });
      const { rendered } = await directory.lookup(phonebookId, vendor, number);
      const siteId = await directory.siteOf(phonebookId);
      directory.recordServed({ ...base, variant: '', siteId, kind: 'lookup', status: rendered ? 200 : 404, bytes: rendered?.body.byteLength ?? 0 });
      if (!rendered) return c.body(null, 404, headers);
      return c.body(rendered.body as Uint8Array<ArrayBuffer>, 200, { ...headers, 'content-type': rendered.contentType });
    }

    const r: RenderedBytes = await directory.render(phonebookId, vendor, variant, q ? { q } : {});
    const siteId = await directory.siteOf(phonebookId);
    return answer(c, base, siteId, q ? 'search' : 'fetch', r);
  };

  const byToken = async (c: Context<AppEnv>) => {
    const { token, vendor, variant } = c.req.param() as { token: string; vendor: string; variant?: string };
    const cred = await credentials.resolvePhonebookToken(token);
    if (!cred?.phonebookId) return unauthorized(c, 'unknown or revoked phonebook token');
    return serve(c, cred.phonebookId, cred.id, vendor, variant);
  };
  const byBasic = (c: Context<AppEnv>): Response | Promise<Response> => {
    const { phonebookId, vendor, variant } = c.req.param() as { phonebookId: string; vendor: string; variant?: string };
    // A header verified moments ago (the phone's last fetch) needs no decoding, hashing or database.
    const header = c.req.header('authorization');
    const known = header ? credentials.cachedPhonebookBasic(phonebookId, header) : undefined;
    if (known) return serve(c, phonebookId, known.id, vendor, variant);
    return verifyBasic(c, phonebookId, vendor, variant, header);
  };
  const verifyBasic = async (c: Context<AppEnv>, phonebookId: string, vendor: string, variant: string | undefined, header: string | undefined) => {
    const sent = basicCredentials(c);
    if (!sent) return unauthorized(c, "send the phonebook credential's user name and secret as HTTP basic auth");
    const cred = UUID.test(phonebookId) ? await credentials.verifyPhonebookBasic(phonebookId, sent.username, sent.password, header) : null;
    if (!cred) return unauthorized(c, 'wrong user name or secret for this phonebook, or the credential was revoked');
    return serve(c, phonebookId, cred.id, vendor, variant);
  };

  app.get('/directory/t/:token/:vendor', byToken);
  app.get('/directory/t/:token/:vendor/:variant', byToken);
  app.get('/directory/:phonebookId/:vendor', byBasic);
  app.get('/directory/:phonebookId/:vendor/:variant', byBasic);
  return app;
}

const VendorDirectorySchema = z
  .object({
    vendor: z.string().meta({ description: 'Renderer id, as used in the URLs' }),
    label: z.string(),
    variants: z.array(z.string()),
    search: z.boolean().meta({ description: 'Whether `?q=` searches on the server' }),
    options: z.record(z.string(), z.unknown()).meta({ description: "This phonebook's options for the vendor, defaults applied" }),
    urls: z.object({
      basic: z.string().meta({ description: 'Fetch URL; the phone sends the credential as HTTP basic' }),
      token: z.string().meta({ description: 'Fetch URL with the credential secret in the path instead of `<secret>`' }),
      search: z.string().meta({ description: 'Search URL; Yealink phones replace `#SEARCH` with what the user typed' }),
      lookup: z.string().meta({ description: 'Caller-ID lookup; append the number' }),
      variants: z.record(z.string(), z.string()).meta({ description: 'Fetch URL per variant' }),
    }),
    provisioning: z.object({ contentType: z.string(), text: z.string() }).nullable().meta({ description: 'Snippet for the phone provisioning (the secret is shown only when the credential is created)' }),
  })
  .meta({ id: 'VendorDirectory' });

const PhonebookDirectorySchema = z
  .object({
    phonebookId: z.uuid(),
    username: z.string().nullable().meta({ description: "User name of the phonebook's newest active credential (null: create one with POST /phonebooks/{id}/credentials)" }),
    vendors: z.array(VendorDirectorySchema),
  })
  .meta({ id: 'PhonebookDirectory' });

const VendorParam = IdParam.extend({ vendor: z.string().min(1).max(64).meta({ param: { name: 'vendor', in: 'path' } }) });

/** Admin side: how phones reach a phonebook per vendor, and the vendor options per phonebook. */
export function directoryRoutes(deps: DirectoryRouteDeps) {
  const app = createRouter();
  const tags = ['Directories'];

  const describe = async (c: Context<AppEnv>, id: string, only?: string) => {
    const pb = await deps.phonebooks.get(id); // 404 outside the caller's sites
    const active = (await deps.credentials.list({ kind: 'phonebook', phonebookId: id })).filter((x) => !x.revoked);
    const username = active[0]?.username ?? null;
    const origin = (deps.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
    const renderers = only ? [deps.directory.renderer(only)] : deps.directory.renderers.list();
    const vendors = [];
    for (const r of renderers) {
      const options = await deps.directory.options(id, r.id);
      const url = `${origin}/directory/${pb.id}/${r.id}`;
      const tokenUrl = `${origin}/directory/t/<secret>/${r.id}`;
      vendors.push({
        vendor: r.id,
        label: r.label,
        variants: r.variants,
        search: r.search === true,
        options,
        urls: { basic: url, token: tokenUrl, search: `${url}?q=#SEARCH`, lookup: `${url}/${LOOKUP}?number=`, variants: Object.fromEntries(r.variants.map((v) => [v, `${url}/${v}`])) },
        provisioning: r.provisioning ? r.provisioning({ phonebook: { id: pb.id, name: pb.name }, url, tokenUrl, username, options }) : null,
      });
    }
    return { phonebookId: pb.id, username, vendors };
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/phonebooks/{id}/directory',
      tags,
      summary: 'How phones fetch this phonebook: URLs, variants, options and provisioning snippet per vendor',
      request: { params: IdParam },
      responses: { 200: json(PhonebookDirectorySchema, 'Per registered vendor'), 404: errors[404] },
    }),
    async (c) => c.json(await describe(c as never, c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/phonebooks/{id}/directory/{vendor}',
      tags,
      summary: "Set this phonebook's options for a vendor (e.g. Yealink format and number order)",
      description: "The body is the vendor's options object, validated by the vendor plugin's schema (see `options` in the GET answer for the keys and defaults). Phones see the change at their next fetch.",
      request: { params: VendorParam, ...body(z.record(z.string(), z.unknown()).meta({ id: 'DirectoryOptions' })) },
      responses: { 200: json(PhonebookDirectorySchema, 'Updated; the answer lists this vendor only'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => {
      const { id, vendor } = c.req.valid('param');
      await deps.directory.setOptions(id, vendor, c.req.valid('json'));
      return c.json(await describe(c as never, id, vendor), 200);
    },
  );
  return app;
}
