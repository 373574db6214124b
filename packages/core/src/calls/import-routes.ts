import { createRoute } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { DialbookError } from '../base/errors.js';
import { acceptsUpload, MAX_JSON_BYTES } from '../http/body-limit.js';
import { errors, json, problemResponse } from '../http/common.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/openapi.js';
import { problem } from '../http/problem.js';
import { isTimeZone } from './phone-import-entries.js';
import { PHONE_IMPORT_MAX_BYTES, type PhoneImport } from './phone-import.js';

const tags = ['Calls'];
const VCARD_TYPES = ['text/vcard', 'text/x-vcard', 'text/directory'];
const CSV_TYPES = ['text/csv'];
const MULTIPART = 'multipart/form-data';

const ImportQuery = z.object({
  siteId: z.uuid(),
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone such as "Europe/Berlin" or "UTC"')
    .optional()
    .meta({ description: 'The zone of date-times written without `Z` or an offset (PBAP writes local time). Default: `UTC`' }),
});
const ImportResult = z
  .object({
    created: z.number().int(),
    duplicates: z.number().int().meta({ description: 'Entries already in the call log (an earlier import of this or an overlapping export), or twice in this file' }),
    failed: z.array(z.object({ entry: z.number().int(), line: z.number().int(), message: z.string() })).meta({ description: 'Entries that are not calls; each failed alone' }),
    total: z.number().int(),
  })
  .meta({ id: 'CallImportResult' });

/** The media type without its parameters, lower case (`text/csv; charset=utf-8` → `text/csv`). */
const mediaType = (header: string | undefined) => header?.split(';')[0]!.trim().toLowerCase() ?? '';
const isUploadType = (t: string) => t === MULTIPART || VCARD_TYPES.includes(t) || CSV_TYPES.includes(t);

const unreadable = (what: string, cause: unknown) => new DialbookError('DIALBOOK_HTTP_BODY_UNREADABLE', `${what} could not be read: send it again`, { status: 400, cause });

/**
 * The body limit of the import: {@link PHONE_IMPORT_MAX_BYTES} for a file, 1 MiB (as every API
 * route) for anything else, which is then refused as the wrong media type; 413 either way. With a
 * Content-Length it is checked before anything is read. Without one the API's own limit has read
 * the body already (up to `server.maxUploadBytes`), or the input guard has (JSON): what they read
 * is measured, never read a second time from a stream that is used up.
 */
const importLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.req.raw.body) return next();
  const upload = isUploadType(mediaType(c.req.header('content-type')));
  const max = upload ? PHONE_IMPORT_MAX_BYTES : MAX_JSON_BYTES;
  const tooLarge = () => problem(c, 413, 'DIALBOOK_HTTP_PAYLOAD_TOO_LARGE', upload ? 'the call history is larger than 10 MiB, the limit of an import' : 'the request body is larger than 1 MiB, the limit for API requests');
  const length = c.req.header('content-length');
  if (length !== undefined && !c.req.raw.headers.has('transfer-encoding')) return Number(length) > max ? tooLarge() : next();
  let size: number;
  try {
    size = (await c.req.arrayBuffer()).byteLength;
  } catch (err) {
    throw unreadable('the request body', err);
  }
  return size > max ? tooLarge() : next();
};

/** Bytes as text: the charset the sender named, else UTF-8, else (not valid UTF-8) Windows-1252, as spreadsheets write. */
function decode(bytes: ArrayBuffer, charset: string | undefined): string {
  if (charset) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      throw new DialbookError('DIALBOOK_CALL_IMPORT_CHARSET', `charset "${charset.slice(0, 40)}" is unknown: send the file as UTF-8`, { status: 415 });
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
const charsetOf = (header: string | undefined) => /;\s*charset="?([^";\s]+)"?/i.exec(header ?? '')?.[1];

/** The file of the request, as text, and how to parse it: by its media type, a multipart part by its type or its content. */
async function readFile(c: Context<AppEnv>): Promise<{ format: 'vcard' | 'csv'; text: string }> {
  const header = c.req.header('content-type');
  const type = mediaType(header);
  if (!isUploadType(type)) {
    throw new DialbookError('DIALBOOK_CALL_IMPORT_MEDIA_TYPE', `${type ? `"${type.slice(0, 60)}" is` : 'a body without a Content-Type is'} not a call history: send text/vcard (or text/x-vcard, text/directory), text/csv, or multipart/form-data with a "file" part`, { status: 415 });
  }
  if (type !== MULTIPART) {
    let bytes: ArrayBuffer;
    try {
      bytes = await c.req.arrayBuffer();
    } catch (err) {
      throw unreadable('the request body', err);
    }
    return { format: VCARD_TYPES.includes(type) ? 'vcard' : 'csv', text: decode(bytes, charsetOf(header)) };
  }
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch (err) {
    throw new DialbookError('DIALBOOK_HTTP_BODY_UNREADABLE', 'the multipart/form-data body is malformed', { status: 400, cause: err });
  }
  const file = form.get('file');
  if (file === null) throw new DialbookError('DIALBOOK_VALIDATION', 'file: send the call history as the "file" part', { status: 422, field: 'file', details: { errors: [{ field: 'file', message: 'send the call history as the "file" part' }] } });
  const bytes = typeof file === 'string' ? new TextEncoder().encode(file).buffer : await file.arrayBuffer();
  const partType = typeof file === 'string' ? '' : mediaType(file.type);
  const text = decode(bytes, typeof file === 'string' ? undefined : charsetOf(file.type));
  const name = typeof file === 'string' ? '' : file.name.toLowerCase();
  if (VCARD_TYPES.includes(partType) || /^\s*BEGIN:VCARD/i.test(text.replace(/^\uFEFF/, '')) || name.endsWith('.vcf')) return { format: 'vcard', text };
  if (CSV_TYPES.includes(partType) || name.endsWith('.csv') || ['', 'text/plain', 'application/octet-stream', 'application/vnd.ms-excel'].includes(partType)) return { format: 'csv', text };
  throw new DialbookError('DIALBOOK_CALL_IMPORT_MEDIA_TYPE', `the file's type "${partType.slice(0, 60)}" is not a call history: send a .vcf (PBAP vCards) or a .csv`, { status: 415, field: 'file' });
}

/** `POST /calls/imports`: a phone's call history (PBAP vCards or a CSV) into a site's call log. */
export function callImportRoutes(imports: PhoneImport) {
  const app = createRouter();
  const file = { schema: { type: 'string' as const, format: 'binary' } };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/calls/imports',
      tags,
      summary: "Import a phone's call history (PBAP vCards or CSV)",
      description: [
        'The body is the file (`text/vcard`, `text/x-vcard`, `text/directory` or `text/csv`), or `multipart/form-data` with the file as its `file` part, at most 10 MiB (413 beyond).',
        '- **vCards** as a phone exports its call history over Bluetooth PBAP (`telecom/cch.vcf`), 2.1 or 3.0: `X-IRMC-CALL-DATETIME;RECEIVED|DIALED|MISSED:20261103T101500`, `TEL`, `FN`/`N` (quoted-printable decoded).',
        '- **CSV** with a header row, `,` or `;` separated: `date` (or `datetime`, `started`), `number` (or `phone`), `type` (or `direction`: received/incoming, dialed/outgoing, missed) required; `name`, `duration` (seconds or h:mm:ss) optional.',
        'Date-times with `Z` or an offset are taken as such, others are local time in `timeZone`. Each entry becomes a call of source `phone_import` belonging to you: received → inbound answered, dialed → outbound answered (PBAP does not say whether it was), missed → inbound missed; its contact is matched as for every call.',
        'Idempotent: a call is known by its kind, start and number, so the same file again, or an overlapping later export, records nothing twice (`duplicates`). An entry that is not a call fails alone (`failed`, with its entry number and line); a file that is not a call history is 422 `DIALBOOK_CALL_IMPORT_UNREADABLE` naming the entry and line, and imports nothing. 415 for another media type.',
      ].join('\n\n'),
      middleware: [acceptsUpload, importLimit] as const,
      request: {
        query: ImportQuery,
        body: { required: true, content: { 'text/vcard': file, 'text/x-vcard': file, 'text/directory': file, 'text/csv': file, [MULTIPART]: { schema: { type: 'object' as const, properties: { file: { type: 'string' as const, format: 'binary' } }, required: ['file'] } } } },
      },
      responses: {
        200: json(ImportResult, 'Imported; nothing new (every entry was known or failed)'),
        201: json(ImportResult, 'Imported; at least one call is new'),
        400: problemResponse('The body could not be read'),
        404: errors[404],
        413: problemResponse('The file is larger than 10 MiB'),
        415: problemResponse('Not a vCard, CSV or multipart/form-data body'),
        422: errors[422],
      },
    }),
    async (c) => {
      const { siteId, timeZone } = c.req.valid('query');
      await imports.checkSite(siteId);
      const { format, text } = await readFile(c);
      const result = await imports.import({ siteId, format, text, timeZone, userId: c.var.auth?.userId ?? null }, c.var.actor);
      return c.json(result, result.created ? 201 : 200);
    },
  );

  return app;
}
