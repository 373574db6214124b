/**
 * The plugin's HTTP routes, mounted under `/api/v1/plugins/<instance id>` for `staff`.
 * Thin: validate, call the service, answer JSON. Errors become problem+json in the core.
 */
import { Hono, type Context } from 'hono';
import { DialbookError, z, type Actor } from '@dialbook/core';
import type { ConflictDto } from './conflicts.js';
import type { LdapService } from './service.js';

type Env = { Variables: { actor: Actor } };

const SiteId = z.uuid();

async function body<T extends z.ZodType>(c: Context<Env>, schema: T): Promise<z.output<T>> {
  let raw: unknown = {};
  if (c.req.header('content-type')?.includes('json')) {
    try {
      raw = await c.req.json();
    } catch {
      throw new DialbookError('DIALBOOK_VALIDATION', 'the request body is not valid JSON', { status: 422, field: 'body' });
    }
  }
  return parse(schema, raw);
}

function parse<T extends z.ZodType>(schema: T, raw: unknown, prefix = ''): z.output<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({ field: `${prefix}${i.path.join('.')}`, message: i.message }));
  throw new DialbookError('DIALBOOK_VALIDATION', errors.map((e) => `${e.field || 'body'}: ${e.message}`).join('; '), { status: 422, field: errors[0]?.field ?? 'body', details: { errors } });
}

const query = <T extends z.ZodType>(c: Context<Env>, schema: T): z.output<T> => parse(schema, c.req.query(), 'query.');

export function createRoutes(service: LdapService): Hono<Env> {
  const app = new Hono<Env>();
  const actor = (c: Context<Env>): Actor => c.get('actor');

  /** Test connection: with the saved settings of a site, or with unsaved ones laid over them. */
  app.post('/test', async (c) => {
    const { siteId, settings } = await body(c, z.object({ siteId: SiteId.optional(), settings: z.record(z.string(), z.unknown()).optional() }));
    return c.json(await service.test(siteId ?? null, settings), 200);
  });

  /** Sync a site now and wait for the result (progress meanwhile at GET /api/v1/jobs). */
  app.post('/sync', async (c) => {
    const input = await body(c, z.object({ siteId: SiteId, mode: z.enum(['full', 'incremental', 'auto']).default('full'), confirmDeletions: z.boolean().default(false) }));
    return c.json(await service.syncTracked(input.siteId, { mode: input.mode, confirmDeletions: input.confirmDeletions, trigger: 'manual', requestedBy: actor(c) }), 200);
  });

  /** The site's sync state: last run, last full run, marker, next scheduled run. */
  app.get('/status', async (c) => {
    const { siteId } = query(c, z.object({ siteId: SiteId }));
    return c.json(await service.status(siteId), 200);
  });

  /** Live search in the directory. */
  app.get('/search', async (c) => {
    const q = query(c, z.object({ siteId: SiteId, q: z.string().trim().min(1).max(200), limit: z.coerce.number().int().min(1).max(100).default(25) }));
    return c.json({ items: await service.search(q.siteId, q.q, q.limit) }, 200);
  });

  /** Import one entry by DN (or by its identity, as search returns it). */
  app.post('/import', async (c) => {
    const input = await body(
      c,
      z
        .object({ siteId: SiteId, dn: z.string().trim().min(3).max(2048).optional(), externalId: z.string().trim().min(1).max(512).optional() })
        .refine((v) => !!v.dn !== !!v.externalId, { message: 'give either dn or externalId', path: ['dn'] }),
    );
    const { contact, created } = await service.importOne(input.siteId, (input.dn ?? input.externalId)!);
    return c.json({ contact, created }, created ? 201 : 200);
  });

  /** UID conflicts of a site. */
  app.get('/conflicts', async (c) => {
    const q = query(c, z.object({ siteId: SiteId, status: z.enum(['open', 'resolved', 'gone', 'all']).default('open') }));
    const items: ConflictDto[] = await service.conflicts(q.siteId, q.status === 'all' ? undefined : q.status);
    return c.json({ items }, 200);
  });

  /** Decide a conflict: keep, overwrite or link. */
  app.post('/conflicts/:cid/resolve', async (c) => {
    const cid = parse(z.uuid(), c.req.param('cid'), 'param.cid');
    const { action } = await body(c, z.object({ action: z.enum(['keep', 'overwrite', 'link']) }));
    return c.json(await service.resolve(cid, action, actor(c)), 200);
  });

  return app;
}
