/**
 * What went wrong talking to CUCM, as one error type with a stable code and a message an
 * administrator can act on. `classify.ts` (AXL) and `risport/classify.ts` sort raw failures
 * into these; nothing here does I/O.
 */
import { DialbookError } from '@dialbook/core';

export type CucmErrorCode =
  | 'DIALBOOK_CUCM_AUTH'
  | 'DIALBOOK_CUCM_PERMISSION'
  | 'DIALBOOK_CUCM_VERSION'
  | 'DIALBOOK_CUCM_THROTTLED'
  | 'DIALBOOK_CUCM_TOO_LARGE'
  | 'DIALBOOK_CUCM_NOT_FOUND'
  | 'DIALBOOK_CUCM_TIMEOUT'
  | 'DIALBOOK_CUCM_TLS'
  | 'DIALBOOK_CUCM_UNREACHABLE'
  | 'DIALBOOK_CUCM_FAULT'
  | 'DIALBOOK_CUCM_PROTOCOL'
  | 'DIALBOOK_CUCM_INVALID_MAC'
  | 'DIALBOOK_CUCM_WSDL';

/** The service that failed: AXL (SOAP at /axl/) or RisPort70 (registration state). */
export type CucmService = 'axl' | 'risport';

export interface CucmErrorInfo {
  service?: CucmService;
  /** The SOAP operation, e.g. `listPhone`. */
  operation?: string;
  /** `host:port` the request went to. */
  endpoint?: string;
  httpStatus?: number;
  /** AXL's own error number (`detail/axlError/axlcode`), e.g. 5007 or -1. */
  axlcode?: number;
  /** The fault text CUCM sent (never a request body or a PIN). */
  detail?: string;
  /** Waiting and sending the same request again may succeed (throttling). */
  retryable?: boolean;
  /** How long to wait before retrying, when CUCM or the fault's nature says. */
  retryAfterMs?: number;
  /** "Query request too large … Suggestive Row Fetch: less than N rows": N. */
  suggestedRows?: number;
  /** Schema versions the cluster offers (from its 599 answer). */
  supportedVersions?: string[];
  /** For DIALBOOK_CUCM_UNREACHABLE: name resolution or the TCP connection. */
  step?: 'dns' | 'tcp';
}

const STATUS: Record<CucmErrorCode, number> = {
  DIALBOOK_CUCM_AUTH: 502,
  DIALBOOK_CUCM_PERMISSION: 502,
  DIALBOOK_CUCM_VERSION: 502,
  DIALBOOK_CUCM_THROTTLED: 503,
  DIALBOOK_CUCM_TOO_LARGE: 502,
  DIALBOOK_CUCM_NOT_FOUND: 404,
  DIALBOOK_CUCM_TIMEOUT: 504,
  DIALBOOK_CUCM_TLS: 502,
  DIALBOOK_CUCM_UNREACHABLE: 502,
  DIALBOOK_CUCM_FAULT: 502,
  DIALBOOK_CUCM_PROTOCOL: 502,
  DIALBOOK_CUCM_INVALID_MAC: 422,
  DIALBOOK_CUCM_WSDL: 500,
};

/**
 * A CUCM failure. `code` is stable (switch on it); `message` says what happened and what to check;
 * `info` carries the facts a caller needs to react (retry after, suggested page size, versions).
 */
export class CucmError extends DialbookError {
  declare readonly code: CucmErrorCode;
  readonly info: CucmErrorInfo;

  constructor(code: CucmErrorCode, message: string, info: CucmErrorInfo = {}, options: { cause?: unknown; plugin?: string } = {}) {
    super(code, message, { status: STATUS[code], plugin: options.plugin ?? 'cucm', cause: options.cause, details: { ...info } });
    this.name = 'CucmError';
    this.info = info;
  }

  /** Waiting and retrying may succeed. */
  get retryable(): boolean {
    return this.info.retryable === true;
  }
}

/** Is this a CucmError (by its code, not `instanceof`: another copy of this package may have made it)? */
export const isCucmError = (e: unknown): e is CucmError =>
  e instanceof Error && typeof (e as unknown as { code?: unknown }).code === 'string' && (e as unknown as { code: string }).code.startsWith('DIALBOOK_CUCM_') && typeof (e as unknown as { info?: unknown }).info === 'object';
