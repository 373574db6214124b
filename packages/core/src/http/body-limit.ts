import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from './env.js';
import { problem } from './problem.js';

/** The largest request body of an API route that takes JSON: 1 MiB. */
export const MAX_JSON_BYTES = 1024 * 1024;

const UPLOAD = Symbol.for('dialbook.acceptsUpload');
const COMPOSED_HANDLER = '__COMPOSED_HANDLER'; // what Hono keeps the original handler of a sub-app under

/**
 * Marks a route, or every route of a router, as one that takes an upload (a CSV import, say): its body
 * may be up to `server.maxUploadBytes` (default 20 MiB) instead of the 1 MiB of every other API route.
 *
 * ```ts
 * router.openapi(createRoute({ method: 'post', path: '/import', middleware: [acceptsUpload] as const, … }), handler);
 * // or a whole router: createRouter({ uploads: true })
 * ```
 */
export const acceptsUpload: MiddlewareHandler = Object.assign(async (_c: Context, next: () => Promise<void>) => next(), { [UPLOAD]: true });

const isUploadMarker = (handler: unknown): boolean => {
  const h = handler as { [UPLOAD]?: boolean; [COMPOSED_HANDLER]?: unknown } | undefined;
  return !!h && (h[UPLOAD] === true || (h[COMPOSED_HANDLER] !== undefined && isUploadMarker(h[COMPOSED_HANDLER])));
};

const mib = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`);

/**
 * The request-body limit of the API, per route class: {@link MAX_JSON_BYTES} for JSON routes, `uploadBytes`
 * for a route marked with {@link acceptsUpload}. A body over it is answered 413 problem+json
 * (`DIALBOOK_HTTP_PAYLOAD_TOO_LARGE`) before it is read: at once from its Content-Length, and for a
 * chunked body as soon as the bytes read pass the limit (what was read is at most the limit).
 * Requests without a body (GET, the vendor services' websocket) pass untouched.
 */
export function bodyLimits(options: { jsonBytes?: number; uploadBytes: number }): MiddlewareHandler<AppEnv> {
  const make = (maxSize: number, detail: string) => bodyLimit({ maxSize, onError: (c) => problem(c, 413, 'DIALBOOK_HTTP_PAYLOAD_TOO_LARGE', detail) });
  const jsonBytes = options.jsonBytes ?? MAX_JSON_BYTES;
  const json = make(jsonBytes, `the request body is larger than ${mib(jsonBytes)}, the limit for API requests`);
  const upload = make(options.uploadBytes, `the upload is larger than ${mib(options.uploadBytes)}, the limit set by server.maxUploadBytes`);
  return (c, next) => (matchedRoutes(c).some((r) => isUploadMarker(r.handler)) ? upload(c, next) : json(c, next));
}
