import { z } from 'zod';

/**
 * The wire protocol between core and a remote vendor service (a Yealink service close to
 * the phones, or one written in another language). One JSON object per websocket text
 * message; every frame carries the protocol version `v`, a `type`, and — for requests —
 * an `id` that the answer names in `re`. Both sides validate every frame they receive
 * with these schemas; a frame that does not parse is answered with an `error` frame and
 * the connection stays up.
 *
 * ```text
 * service → core   register, status, phonebook.request, audit, ping, pong, error
 * core → service   registered, configure, enablement, phonebook.update, ack, ping, pong, error
 * ```
 */
export const PROTOCOL_VERSION = 1;

/** Path of the websocket endpoint on core's HTTP listener. */
export const VENDOR_WS_PATH = '/api/v1/vendor-services/ws';

/** Frames above this size are refused with an error frame (the connection survives). */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Core's hard limit for incoming frames: the websocket library closes the connection (1009) above this. */
export const CORE_HARD_FRAME_BYTES = 4 * MAX_FRAME_BYTES;
/** The service's hard limit for frames from core (a large phonebook is one frame). */
export const HARD_FRAME_BYTES = 64 * 1024 * 1024;

const Id = z.string().min(1).max(64);
const Name = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes, starting with a letter');
const Uuid = z.uuid();
const base = { v: z.literal(PROTOCOL_VERSION) };

/** One configuration value a service needs for a phonebook, declared when it registers. */
export const ConfigFieldSchema = z.object({
  key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/),
  label: z.string().min(1).max(200),
  type: z.enum(['string', 'number', 'boolean', 'secret']),
  required: z.boolean().default(false),
  description: z.string().max(1000).optional(),
  /** Allowed values (strings only). */
  options: z.array(z.string().max(200)).max(50).optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  /** Shortest accepted text or secret. */
  minLength: z.number().int().min(1).max(4000).optional(),
  /** Core fills the value it knows: the phonebook's or the site's name, the phonebook's id. */
  fill: z.enum(['phonebook.name', 'phonebook.id', 'site.name', 'site.slug']).optional(),
});
export type ConfigField = z.infer<typeof ConfigFieldSchema>;
export type ConfigValues = Record<string, string | number | boolean>;
const ConfigValuesSchema = z.record(z.string().max(64), z.union([z.string().max(4000), z.number(), z.boolean()]));

/** What the admin needs to point phones at the service (shown by the API). */
export const AccessInfoSchema = z.object({
  url: z.string().max(2000),
  username: z.string().max(200).optional(),
  /** Free text for the admin: where the password comes from, extra URLs (search). */
  notes: z.string().max(4000).optional(),
  /** A snippet to paste into the phones' auto-provisioning. */
  provisioning: z.string().max(20_000).optional(),
});
export type AccessInfo = z.infer<typeof AccessInfoSchema>;

/** One device fetch served by the service, reported back for the audit log. */
export const ServedEventSchema = z.object({
  at: z.iso.datetime(),
  phonebookId: Uuid,
  variant: z.string().max(64),
  /** `fetch` (the directory), `search` (`#SEARCH` / `?q=`) or `lookup` (caller ID). */
  kind: z.enum(['fetch', 'search', 'lookup']).default('fetch'),
  status: z.number().int().min(100).max(599),
  ip: z.string().max(64).nullable(),
  userAgent: z.string().max(500).nullable(),
  bytes: z.number().int().min(0).optional(),
});
export type ServedEvent = z.infer<typeof ServedEventSchema>;

// ---- service → core ------------------------------------------------------------------------

export const RegisterFrame = z.object({
  ...base,
  type: z.literal('register'),
  id: Id,
  /** Service name; must match the `service` of the key (`yealink`). */
  service: Name,
  /** Vendor id (renderer id) the service serves; usually the same as `service`. */
  vendor: Name,
  version: z.string().min(1).max(64),
  /** Stable id of this running process (several may run for one service). */
  instanceId: z.string().min(1).max(100),
  /** A `dbk_svc_…` service key (`dialbook service-key create <service>`). */
  key: z.string().min(1).max(200),
  /** What the service needs per phonebook. */
  config: z.array(ConfigFieldSchema).max(50).default([]),
});

export const StatusFrame = z.object({
  ...base,
  type: z.literal('status'),
  id: Id.optional(),
  /** The `configure` or `enablement` frame this answers, when it answers one. */
  re: Id.optional(),
  phonebookId: Uuid,
  state: z.enum(['enabled', 'disabled']),
  message: z.string().max(2000).optional(),
  access: AccessInfoSchema.optional(),
});

export const PhonebookRequestFrame = z.object({
  ...base,
  type: z.literal('phonebook.request'),
  id: Id,
  phonebookId: Uuid,
  /** The pair key core sent with `configure`. */
  key: z.string().min(1).max(200),
});

export const AuditFrame = z.object({ ...base, type: z.literal('audit'), id: Id, events: z.array(ServedEventSchema).min(1).max(1000) });

export const PingFrame = z.object({ ...base, type: z.literal('ping'), id: Id });
export const PongFrame = z.object({ ...base, type: z.literal('pong'), re: Id });
export const ErrorFrame = z.object({
  ...base,
  type: z.literal('error'),
  re: Id.optional(),
  code: z.string().max(100),
  message: z.string().max(4000),
});

export const ServiceFrame = z.discriminatedUnion('type', [RegisterFrame, StatusFrame, PhonebookRequestFrame, AuditFrame, PingFrame, PongFrame, ErrorFrame]);
export type ServiceFrame = z.infer<typeof ServiceFrame>;

// ---- core → service ------------------------------------------------------------------------

export const RegisteredFrame = z.object({
  ...base,
  type: z.literal('registered'),
  re: Id,
  sessionId: z.string(),
  /** How often core pings; the service should ping at the same rate. */
  heartbeatMs: z.number().int().positive(),
  /** A key bound to one phonebook limits the session to it. */
  phonebookId: Uuid.nullable(),
});

/** Configuration update: the values for one phonebook, the pair key, and whether to serve it. */
export const ConfigureFrame = z.object({
  ...base,
  type: z.literal('configure'),
  id: Id,
  phonebookId: Uuid,
  siteId: Uuid,
  configuration: ConfigValuesSchema,
  /** `dbk_svc_…` key for this service–phonebook pair (send it with `phonebook.request`). */
  key: z.string(),
  enabled: z.boolean(),
});

/** Enablement change decided by the admin. */
export const EnablementFrame = z.object({ ...base, type: z.literal('enablement'), id: Id, phonebookId: Uuid, enabled: z.boolean() });

/**
 * The directory of one phonebook as data (core's `DirectoryInput`): what the renderer needs,
 * already resolved, ordered and filtered. Kept open here; the vendor's renderer checks its shape.
 */
export const PhonebookUpdateFrame = z.object({
  ...base,
  type: z.literal('phonebook.update'),
  re: Id.optional(),
  phonebookId: Uuid,
  /** Changes whenever the content changes (a hash); services use it as the ETag's seed. */
  revision: z.string().max(200),
  reason: z.string().max(200),
  directory: z.record(z.string(), z.unknown()),
});

export const AckFrame = z.object({ ...base, type: z.literal('ack'), re: Id });

export const CoreFrame = z.discriminatedUnion('type', [RegisteredFrame, ConfigureFrame, EnablementFrame, PhonebookUpdateFrame, AckFrame, PingFrame, PongFrame, ErrorFrame]);
export type CoreFrame = z.infer<typeof CoreFrame>;

/** A frame as written by the sender (the version is added on send). */
export type Outgoing<F> = F extends unknown ? Omit<F, 'v'> : never;

export type ParseResult<F> = { ok: true; frame: F } | { ok: false; code: string; message: string; re?: string };

/**
 * Parse and validate one websocket message. Never throws: a bad frame gives
 * `{ ok: false, code, message }` with `re` when the frame named an id.
 */
export function parseFrame<S extends z.ZodType>(schema: S, data: unknown, maxBytes = MAX_FRAME_BYTES): ParseResult<z.infer<S>> {
  const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data as Buffer[]).toString('utf8') : data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : null;
  if (text === null) return { ok: false, code: 'DIALBOOK_VENDOR_FRAME_INVALID', message: 'frames are JSON text messages' };
  if (Buffer.byteLength(text) > maxBytes) return { ok: false, code: 'DIALBOOK_VENDOR_FRAME_TOO_LARGE', message: `frame of ${Buffer.byteLength(text)} bytes is over the limit of ${maxBytes} bytes` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'DIALBOOK_VENDOR_FRAME_INVALID', message: `frame is not JSON: ${(err as Error).message}` };
  }
  const re = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? String((raw as { id: string }).id).slice(0, 64) : undefined;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, code: 'DIALBOOK_VENDOR_FRAME_INVALID', message: 'a frame is a JSON object' };
  const v = (raw as { v?: unknown }).v;
  if (v !== PROTOCOL_VERSION) return { ok: false, code: 'DIALBOOK_VENDOR_PROTOCOL_VERSION', message: `protocol version ${JSON.stringify(v) ?? 'missing'} is not supported (this side speaks ${PROTOCOL_VERSION})`, ...(re ? { re } : {}) };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'frame';
    const type = (raw as { type?: unknown }).type;
    return { ok: false, code: 'DIALBOOK_VENDOR_FRAME_INVALID', message: `${typeof type === 'string' ? `"${type.slice(0, 40)}" frame` : 'frame'}: ${where}: ${issue.message}`, ...(re ? { re } : {}) };
  }
  return { ok: true, frame: parsed.data as z.infer<S> };
}

/** Serialise a frame, adding the protocol version. */
export const encodeFrame = (frame: object): string => JSON.stringify({ v: PROTOCOL_VERSION, ...frame });
