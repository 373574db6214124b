/**
 * One error type for everything Dialbook reports to a person: a stable code
 * (`DIALBOOK_<AREA>_<WHAT>`), a message someone can act on, the HTTP status it
 * maps to, and where known the field path and the plugin that raised it.
 */
export interface DialbookErrorOptions {
  status?: number;
  /** Dotted path of the offending input field, e.g. `phones.0.number`. */
  field?: string;
  /** Plugin instance id, when a plugin raised the error. */
  plugin?: string;
  cause?: unknown;
  /** Extra machine-readable details, serialised into problem+json. */
  details?: Record<string, unknown>;
}

export class DialbookError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field: string | undefined;
  readonly plugin: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: DialbookErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DialbookError';
    this.code = code;
    this.status = options.status ?? 500;
    this.field = options.field;
    this.plugin = options.plugin;
    this.details = options.details;
  }
}

export const notFound = (what: string, id: string): DialbookError =>
  new DialbookError('DIALBOOK_NOT_FOUND', `${what} ${id} does not exist`, { status: 404, details: { id } });

export const conflict = (code: string, message: string, field?: string): DialbookError =>
  new DialbookError(code, message, { status: 409, ...(field ? { field } : {}) });

export const invalid = (code: string, message: string, field?: string): DialbookError =>
  new DialbookError(code, message, { status: 422, ...(field ? { field } : {}) });

export const isDialbookError = (e: unknown): e is DialbookError =>
  e instanceof Error && typeof (e as DialbookError).code === 'string' && typeof (e as DialbookError).status === 'number';
