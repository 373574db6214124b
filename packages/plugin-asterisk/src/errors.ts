/**
 * The plugin's errors: one DialbookError per problem with a stable code, status and, where it
 * concerns one, the field.
 */
import { DialbookError } from '@dialbook/core';

const STATUS = {
  /** The FastAGI server could not listen (port taken, address not local). */
  DIALBOOK_ASTERISK_AGI_LISTEN: 500,
  /** The peer sent something that is not AGI (a bad header line, an unparsable response). */
  DIALBOOK_ASTERISK_AGI_PROTOCOL: 502,
  /** A line longer than the decoder accepts. */
  DIALBOOK_ASTERISK_AGI_LINE_TOO_LONG: 502,
  /** A command argument that cannot be sent (a line break in it). */
  DIALBOOK_ASTERISK_AGI_ARGUMENT: 400,
  /** The peer said nothing for idleTimeoutMs. */
  DIALBOOK_ASTERISK_AGI_TIMEOUT: 504,
  /** Asterisk refused a command (510 unknown, 511 dead channel, 520 syntax) where the caller needs it to succeed. */
  DIALBOOK_ASTERISK_AGI_COMMAND: 502,
  /** The connection closed (or the session was aborted) while a command waited for its answer. */
  DIALBOOK_ASTERISK_AGI_CLOSED: 502,
} as const;

export type AsteriskErrorCode = keyof typeof STATUS;

export class AsteriskError extends DialbookError {
  declare readonly code: AsteriskErrorCode;
  constructor(code: AsteriskErrorCode, message: string, options: { field?: string; cause?: unknown; plugin?: string; details?: Record<string, unknown> } = {}) {
    super(code, message, { status: STATUS[code], plugin: options.plugin ?? 'asterisk', ...(options.field ? { field: options.field } : {}), cause: options.cause, ...(options.details ? { details: options.details } : {}) });
    this.name = 'AsteriskError';
  }
}

/** True for any error of this plugin (by code, not instanceof: core may be installed twice). */
export const isAsteriskError = (e: unknown): e is AsteriskError => {
  const code = e instanceof Error ? (e as unknown as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('DIALBOOK_ASTERISK_');
};
