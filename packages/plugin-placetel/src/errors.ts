/**
 * The plugin's errors: one DialbookError per problem with a stable code, status and the field it
 * concerns. Core's error handler answers them as problem+json.
 */
import { DialbookError } from '@dialbook/core';

const STATUS = {
  DIALBOOK_PLACETEL_SIGNATURE: 403,
  DIALBOOK_PLACETEL_UNSIGNED: 403,
  DIALBOOK_PLACETEL_SITE_UNKNOWN: 404,
  DIALBOOK_PLACETEL_TOO_LARGE: 413,
  DIALBOOK_PLACETEL_MEDIA_TYPE: 415,
  DIALBOOK_PLACETEL_BODY: 400,
  DIALBOOK_PLACETEL_EVENT: 422,
  DIALBOOK_PLACETEL_FIELD: 422,
  DIALBOOK_PLACETEL_NOT_CONFIGURED: 409,
  DIALBOOK_PLACETEL_AUTH: 502,
  DIALBOOK_PLACETEL_THROTTLED: 503,
  DIALBOOK_PLACETEL_UNREACHABLE: 502,
  DIALBOOK_PLACETEL_PROTOCOL: 502,
  DIALBOOK_PLACETEL_RECORDING: 502,
  DIALBOOK_PLACETEL_WINDOW: 422,
} as const;

export type PlacetelErrorCode = keyof typeof STATUS;

export class PlacetelError extends DialbookError {
  declare readonly code: PlacetelErrorCode;
  constructor(code: PlacetelErrorCode, message: string, options: { field?: string; cause?: unknown; plugin?: string; details?: Record<string, unknown> } = {}) {
    super(code, message, { status: STATUS[code], plugin: options.plugin ?? 'placetel', ...(options.field ? { field: options.field } : {}), cause: options.cause, ...(options.details ? { details: options.details } : {}) });
    this.name = 'PlacetelError';
  }
}

export const isPlacetelError = (e: unknown): e is PlacetelError => {
  const code = e instanceof Error ? (e as unknown as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('DIALBOOK_PLACETEL_');
};
