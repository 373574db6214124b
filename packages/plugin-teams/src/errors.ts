/**
 * The plugin's errors: one DialbookError per problem with a stable code, status and, where it
 * concerns a setting, the field. Core's error handler answers them as problem+json.
 */
import { DialbookError } from '@dialbook/core';

const STATUS = {
  DIALBOOK_TEAMS_NOT_CONFIGURED: 409,
  DIALBOOK_TEAMS_WINDOW: 422,
  DIALBOOK_TEAMS_AUTH: 502,
  DIALBOOK_TEAMS_CONSENT: 502,
  DIALBOOK_TEAMS_THROTTLED: 503,
  DIALBOOK_TEAMS_UNREACHABLE: 502,
  DIALBOOK_TEAMS_PROTOCOL: 502,
  DIALBOOK_TEAMS_NOTIFICATION_BODY: 400,
  DIALBOOK_TEAMS_NOTIFICATION_TOO_LARGE: 413,
  DIALBOOK_TEAMS_CLIENT_STATE: 403,
} as const;

export type TeamsErrorCode = keyof typeof STATUS;

export class TeamsError extends DialbookError {
  declare readonly code: TeamsErrorCode;
  constructor(code: TeamsErrorCode, message: string, options: { field?: string; cause?: unknown; plugin?: string; details?: Record<string, unknown> } = {}) {
    super(code, message, { status: STATUS[code], plugin: options.plugin ?? 'teams', ...(options.field ? { field: options.field } : {}), cause: options.cause, ...(options.details ? { details: options.details } : {}) });
    this.name = 'TeamsError';
  }
}

export const isTeamsError = (e: unknown): e is TeamsError => {
  const code = e instanceof Error ? (e as unknown as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('DIALBOOK_TEAMS_');
};

export const NOT_CONFIGURED = 'Teams is not configured for this site: set tenant, client id and secret in Settings → Teams';
