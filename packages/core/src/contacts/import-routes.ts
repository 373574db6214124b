import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { body, errors, json } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import type { ContactService } from './service.js';

const tags = ['Contacts'];
const ImportParam = z.object({ id: z.string().min(1).max(128).meta({ param: { name: 'id', in: 'path' }, description: 'A registered import, e.g. `cucm.phones`' }) });
const ImportFile = z.object({ siteId: z.uuid(), csv: z.string().min(1, 'the file is empty').max(20_000_000).meta({ description: 'The file as text: a header line, then one row per contact (`,`, `;` or tab separated)' }) });
const ImportApply = ImportFile.extend({ digest: z.string().regex(/^[0-9a-f]{64}$/, 'the digest the preview of this file returned') }).meta({ id: 'AttributeImportApply' });
const ImportInfo = z
  .object({
    id: z.string(),
    label: z.string(),
    description: z.string().nullable(),
    owner: z.string(),
    match: z.string().meta({ description: 'The column that names the contact' }),
    columns: z.array(z.object({ name: z.string(), label: z.string(), secret: z.boolean() })),
  })
  .meta({ id: 'AttributeImport' });
const Cell = z.object({ column: z.string(), status: z.enum(['changed', 'unchanged', 'empty', 'invalid']), old: z.unknown().optional(), new: z.unknown().optional(), message: z.string().optional() });
const Preview = z
  .object({
    import: z.string(),
    siteId: z.uuid(),
    digest: z.string(),
    ignoredColumns: z.array(z.string()),
    summary: z.object({ rows: z.number().int(), change: z.number().int(), unchanged: z.number().int(), unmatched: z.number().int(), invalid: z.number().int() }),
    rows: z.array(z.object({ line: z.number().int(), key: z.string(), contact: z.object({ id: z.uuid(), displayName: z.string() }).nullable(), status: z.enum(['change', 'unchanged', 'unmatched', 'invalid']), message: z.string().optional(), cells: z.array(Cell) })),
  })
  .meta({ id: 'AttributeImportPreview' });
const Result = z
  .object({ applied: z.number().int(), unchanged: z.number().int(), unmatched: z.number().int(), invalid: z.number().int(), failed: z.array(z.object({ line: z.number().int(), key: z.string(), message: z.string() })) })
  .meta({ id: 'AttributeImportResult' });

/** CSV imports of contact attributes that plugins register (staff and admins): list, preview, apply. */
export function importRoutes(contacts: ContactService) {
  const app = createRouter();
  const { registry } = contacts.imports;

  app.openapi(createRoute({ method: 'get', path: '/imports', tags, summary: 'The CSV attribute imports plugins registered', responses: { 200: json(z.object({ items: z.array(ImportInfo) }), 'Registered imports') } }), (c) =>
    c.json(
      {
        items: registry.list().map((i) => ({ id: i.id, label: i.label, description: i.description ?? null, owner: registry.ownerOf(i.id) ?? 'core', match: i.match.column, columns: i.columns.map((col) => ({ name: col.name, label: col.label ?? col.name, secret: col.secret === true })) })),
      },
      200,
    ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/imports/{id}/preview',
      tags,
      summary: 'Preview a CSV attribute import: matched and unmatched rows, changed and unchanged values, malformed cells',
      description: 'Nothing is written. Secret columns (a PIN) say only whether the value changes. Apply with the same file and the returned `digest`.',
      request: { params: ImportParam, ...body(ImportFile) },
      responses: { 200: json(Preview, 'What applying the file would do'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => {
      const { siteId, csv } = c.req.valid('json');
      return c.json(await contacts.previewImport(c.req.valid('param').id, siteId, csv), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/imports/{id}/apply',
      tags,
      summary: 'Apply a previewed CSV attribute import, with History',
      request: { params: ImportParam, ...body(ImportApply) },
      responses: { 200: json(Result, 'What was applied'), 404: errors[404], 409: errors[409], 422: errors[422] },
    }),
    async (c) => {
      const { siteId, csv, digest } = c.req.valid('json');
      return c.json(await contacts.applyImport(c.req.valid('param').id, siteId, csv, digest, c.var.actor), 200);
    },
  );

  return app;
}
