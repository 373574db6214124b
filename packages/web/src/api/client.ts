/**
 * The typed API client: openapi-fetch over the types generated from the core's OpenAPI document
 * (`schema.d.ts`, see scripts/openapi.ts). Cookie sessions: every write carries the CSRF token the
 * sign-in (or `GET /auth/session`) returned.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Contact = Schemas['Contact'];
export type Site = Schemas['Site'];
export type Phonebook = Schemas['Phonebook'];
export type User = Schemas['User'];
export type Problem = Schemas['Problem'];

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export const setCsrfToken = (token: string | null): void => {
  csrfToken = token;
};
/** Called when the API answers 401 to a signed-in request (the session ended elsewhere). */
export const setUnauthorizedHandler = (fn: (() => void) | null): void => {
  onUnauthorized = fn;
};

const session: Middleware = {
  onRequest({ request }) {
    if (csrfToken && request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.includes('/auth/')) onUnauthorized?.();
    return response;
  },
};

export const API_BASE = '/api/v1';
export const api = createClient<paths>({ baseUrl: API_BASE, credentials: 'same-origin' });
api.use(session);

/**
 * A message as a sentence: capital first letter, full stop at the end. The API's messages are meant to be
 * sentences already; this keeps an older or a plugin's lower-case message from reading as a fragment.
 */
export function sentence(message: string): string {
  const m = message.trim();
  if (!m) return m;
  const first = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?…)]$/.test(first) ? first : `${first}.`;
}

/** An error answer of the API (RFC 9457 problem+json), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | null,
  ) {
    super(problem?.detail || problem?.title || (status ? `the server answered ${status}` : 'the server could not be reached'));
    this.name = 'ApiError';
  }
  get code(): string | undefined {
    return this.problem?.code;
  }
  /** Messages by field path (`phones.0.number`), from `errors` and `field`. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem?.errors ?? []) out[e.field] ??= sentence(e.message);
    if (this.problem?.field && !out[this.problem.field]) out[this.problem.field] = sentence(this.problem.detail ?? 'This value is not accepted.');
    return out;
  }
}

/**
 * The data of an openapi-fetch result, or an `ApiError`:
 * `const page = await ok(api.GET('/contacts', { params: { query } }))`.
 */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    throw new ApiError(0, { detail: `the server could not be reached (${err instanceof Error ? err.message : String(err)})` });
  }
  if (!result.response.ok) throw new ApiError(result.response.status, (result.error as Partial<Problem> | undefined) ?? null);
  return result.data as T;
}

/**
 * GET a URL the API named at run time (a plugin view's route, `/api/v1/plugins/<id>/…`), which the typed
 * client cannot know: the JSON answer, or an `ApiError` with the problem+json the route answered.
 */
export async function getJson<T>(url: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  } catch (err) {
    throw new ApiError(0, { detail: `the server could not be reached (${err instanceof Error ? err.message : String(err)})` });
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.status === 401) onUnauthorized?.();
  if (!response.ok) throw new ApiError(response.status, body && typeof body === 'object' ? (body as Partial<Problem>) : null);
  return body as T;
}
