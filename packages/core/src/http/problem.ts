import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { isDialbookError } from '../base/errors.js';
import { printable } from '../base/unholdable.js';
import type { FieldProblem } from '../base/validate.js';

/** RFC 9457 problem details, as every error of the API is reported. */
export const ProblemSchema = z
  .object({
    type: z.string().meta({ description: 'URN naming the error code' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable error code, DIALBOOK_<AREA>_<WHAT>' }),
    field: z.string().optional().meta({ description: 'Path of the first offending field, e.g. phones.0.number' }),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'Machine-readable details the error carries, e.g. `stage` of a failed directory connection, `id` of an unknown item' }),
    instance: z.string().optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  429: 'Too many requests',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Invalid input',
  500: 'Internal error',
  502: 'Bad gateway',
};

export function problem(
  c: Context,
  status: number,
  code: string,
  detail: string,
  extra: { field?: string | undefined; errors?: FieldProblem[] | undefined; details?: Record<string, unknown> | undefined } = {},
): Response {
  const details = jsonDetails(extra.details);
  const body: Problem = {
    type: `urn:dialbook:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(extra.field ? { field: extra.field } : {}),
    ...(extra.errors?.length ? { errors: extra.errors } : {}),
    ...(details ? { details } : {}),
    instance: printable(c.req.path),
  };
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, { 'content-type': 'application/problem+json; charset=utf-8' });
}

/**
 * A DialbookError's `details` as they go out: what JSON can carry, without `errors` (the problem's own
 * `errors` field lists them); none when empty or not serialisable. Details are written by the code that
 * raises the error, for callers (`stage`, `id`): never put a secret or a cause in them.
 */
function jsonDetails(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return undefined;
  const { errors: _errors, ...rest } = details;
  if (!Object.keys(rest).length) return undefined;
  try {
    return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
  } catch {
    return undefined; // a cycle or a BigInt: the details are left out, the problem still goes out
  }
}

/** Map anything thrown by a handler to problem+json; unexpected errors are logged, never leaked. */
export function errorToProblem(err: unknown, c: Context, log: (err: unknown) => void): Response {
  if (isDialbookError(err)) {
    if (err.status >= 500) log(err);
    const errors = (err.details?.errors as FieldProblem[] | undefined) ?? (err.field ? [{ field: err.field, message: err.message }] : undefined);
    // Details only from Dialbook's own errors (by name: a plugin may bring its own copy of core), never from a look-alike.
    const details = err.name === 'DialbookError' ? err.details : undefined;
    return problem(c, err.status, err.code, err.message, { field: err.field, errors, details });
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 400 ? 'DIALBOOK_HTTP_BAD_REQUEST' : `DIALBOOK_HTTP_${status}`;
    return problem(c, status, code, err.message || TITLES[status] || 'request refused');
  }
  log(err);
  return problem(c, 500, 'DIALBOOK_INTERNAL', 'an unexpected error occurred; the server log has the details');
}
